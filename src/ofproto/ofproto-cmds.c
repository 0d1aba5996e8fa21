/* ofproto-cmds.c: control-socket commands of the OpenFlow layer, the
 * daemon side of `vxstack ofctl ...` and of ovs-appctl's ofproto/trace,
 * fdb/show, fdb/flush, fdb/stats-show and ofproto/list-tunnels. */
#include "ofproto/ofproto-cmds.h"

#include <inttypes.h>

#include "flow/ofp-parse.h"
#include "lib/ctl.h"
#include "lib/ds.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/trace.h"

/* Options shared by the ofctl commands, parsed out of argv. */
struct ofctl_options {
    bool strict;
    bool no_stats;
    int names;            /* 1 --names, 0 --no-names, -1 default. */
    int sort;             /* 0, 1 (--sort), -1 (--rsort). */
    char *sort_field;     /* Field of --sort=FIELD, or NULL. */
    const char *args[8];  /* Positional arguments. */
    int n_args;
};

/* Splits ARGV[1..] into options and positional arguments.  Returns NULL or
 * an error to free. */
static char *
parse_ofctl_options(int argc, const char *argv[], struct ofctl_options *o)
{
    memset(o, 0, sizeof *o);
    o->names = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--strict")) {
            o->strict = true;
        } else if (!strcmp(a, "--no-stats")) {
            o->no_stats = true;
        } else if (!strcmp(a, "--names")) {
            o->names = 1;
        } else if (!strcmp(a, "--no-names")) {
            o->names = 0;
        } else if (!strcmp(a, "--sort") || !strcmp(a, "--rsort")) {
            o->sort = a[2] == 's' ? 1 : -1;
        } else if (str_has_prefix(a, "--sort=")
                   || str_has_prefix(a, "--rsort=")) {
            o->sort = a[2] == 's' ? 1 : -1;
            free(o->sort_field);
            o->sort_field = xstrdup(strchr(a, '=') + 1);
        } else if (a[0] == '-' && a[1] == '-') {
            free(o->sort_field);
            return xasprintf("%s: unknown option", a);
        } else if (o->n_args >= (int) ARRAY_SIZE(o->args)) {
            free(o->sort_field);
            return xstrdup("too many arguments");
        } else {
            o->args[o->n_args++] = a;
        }
    }
    return NULL;
}

static struct ofproto *
lookup_bridge(struct ctl_conn *conn, const char *name)
{
    struct ofproto *ofproto = ofproto_lookup(name);

    if (!ofproto) {
        char *msg = xasprintf("%s is not a bridge or a socket", name);

        ctl_reply_error(conn, msg);
        free(msg);
    }
    return ofproto;
}

static void
reply_error_free(struct ctl_conn *conn, char *error)
{
    ctl_reply_error(conn, error);
    free(error);
}

static void
cmd_add_flow(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    enum ofp_flow_mod_command cmd = (enum ofp_flow_mod_command) (intptr_t)
                                    aux;
    struct ofctl_options o;
    struct ofproto *ofproto;
    struct ofp_flow_mod fm;
    char *error;

    error = parse_ofctl_options(argc, argv, &o);
    if (error) {
        reply_error_free(conn, error);
        return;
    }
    if (o.n_args < 1 || o.n_args > 2
        || (o.n_args < 2 && cmd != OFPFC_DELETE)) {
        ctl_reply_error(conn, "usage: BRIDGE FLOW");
        goto out;
    }
    ofproto = lookup_bridge(conn, o.args[0]);
    if (!ofproto) {
        goto out;
    }
    if (o.strict) {
        if (cmd == OFPFC_MODIFY) {
            cmd = OFPFC_MODIFY_STRICT;
        } else if (cmd == OFPFC_DELETE) {
            cmd = OFPFC_DELETE_STRICT;
        }
    }
    error = ofp_parse_flow_mod(&fm, o.n_args > 1 ? o.args[1] : "",
                               ofproto_port_map(ofproto), cmd);
    if (error) {
        reply_error_free(conn, error);
        goto out;
    }
    error = ofproto_flow_mod(ofproto, &fm);
    ofp_flow_mod_uninit(&fm);
    if (error) {
        reply_error_free(conn, error);
    } else {
        ctl_reply(conn, "");
    }
out:
    free(o.sort_field);
}

/* Parses one line of an add-flows file: an optional leading command word
 * ("add", "modify", "modify_strict", "delete", "delete_strict"), then the
 * flow. */
static char *
parse_flows_line(const char *line, const struct ofp_port_map *map,
                 struct ofp_flow_mod *fm)
{
    static const struct {
        const char *word;
        enum ofp_flow_mod_command cmd;
    } words[] = {
        { "add", OFPFC_ADD },
        { "modify", OFPFC_MODIFY },
        { "modify_strict", OFPFC_MODIFY_STRICT },
        { "delete", OFPFC_DELETE },
        { "delete_strict", OFPFC_DELETE_STRICT },
    };
    enum ofp_flow_mod_command cmd = OFPFC_ADD;
    size_t len = strcspn(line, " \t");

    for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
        if (len == strlen(words[i].word)
            && !strncmp(line, words[i].word, len)) {
            cmd = words[i].cmd;
            line += len;
            line += strspn(line, " \t");
            break;
        }
    }
    return ofp_parse_flow_mod(fm, line, map, cmd);
}

/* add-flows and replace-flows: applies the flows of a file (sent whole as
 * an argument; NAME names it in errors), one per line, as one atomic
 * batch.  Each line is parsed and applied before the next one is read, so
 * that the parsed flow mods of a large file are never all in memory.  An
 * error names the file and line and leaves the tables unchanged. */
static void
cmd_add_flows(struct ctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    bool replace = aux != NULL;
    struct ofproto_flow_batch *batch;
    struct ds line = DS_EMPTY_INITIALIZER;
    struct ofctl_options o;
    struct ofproto *ofproto;
    const char *p, *name;
    int line_no = 0;
    char *error;

    error = parse_ofctl_options(argc, argv, &o);
    if (error) {
        reply_error_free(conn, error);
        return;
    }
    if (o.n_args < 2 || o.n_args > 3) {
        ctl_reply_error(conn, "usage: BRIDGE CONTENTS [NAME]");
        goto out;
    }
    ofproto = lookup_bridge(conn, o.args[0]);
    if (!ofproto) {
        goto out;
    }
    name = o.n_args > 2 ? o.args[2] : "-";

    batch = ofproto_flow_batch_begin(ofproto, replace);
    for (p = o.args[1]; *p; ) {
        size_t len = strcspn(p, "\n");
        struct ofp_flow_mod fm;
        char *s;

        ds_clear(&line);
        ds_put_buffer(&line, p, len);
        p += len + (p[len] == '\n');
        line_no++;
        s = ds_cstr(&line);
        s += strspn(s, " \t\r");
        s[strcspn(s, "\r")] = '\0';
        if (*s == '\0' || *s == '#') {
            continue;
        }
        error = (replace
                 ? ofp_parse_flow_mod(&fm, s, ofproto_port_map(ofproto),
                                      OFPFC_ADD)
                 : parse_flows_line(s, ofproto_port_map(ofproto), &fm));
        if (!error) {
            error = ofproto_flow_batch_add(batch, &fm);
            ofp_flow_mod_uninit(&fm);
        }
        if (error) {
            char *e = xasprintf("%s:%d: %s", name, line_no, error);

            free(error);
            error = e;
            break;
        }
    }
    if (error) {
        ofproto_flow_batch_abort(batch);
        reply_error_free(conn, error);
    } else {
        ofproto_flow_batch_commit(batch);
        ctl_reply(conn, "");
    }
out:
    ds_destroy(&line);
    free(o.sort_field);
}

/* Parses the options and "BRIDGE [FLOW]" arguments of dump-flows and
 * dump-aggregate into *O and *FM (a flow filter, as ovs-ofctl parses it for
 * a flow stats request).  Returns the bridge, or NULL after replying with
 * an error; on success the caller uninitialises *FM.  The caller frees
 * O->sort_field either way. */
static struct ofproto *
parse_flow_filter(struct ctl_conn *conn, int argc, const char *argv[],
                  const char *usage, struct ofctl_options *o,
                  struct ofp_flow_mod *fm)
{
    struct ofproto *ofproto;
    char *error;

    error = parse_ofctl_options(argc, argv, o);
    if (error) {
        o->sort_field = NULL;
        reply_error_free(conn, error);
        return NULL;
    }
    if (o->n_args < 1 || o->n_args > 2) {
        ctl_reply_error(conn, usage);
        return NULL;
    }
    ofproto = lookup_bridge(conn, o->args[0]);
    if (!ofproto) {
        return NULL;
    }
    error = ofp_parse_flow_mod(fm, o->n_args > 1 ? o->args[1] : "",
                               ofproto_port_map(ofproto), OFPFC_DELETE);
    if (error) {
        reply_error_free(conn, error);
        return NULL;
    }
    return ofproto;
}

static void
cmd_dump_flows(struct ctl_conn *conn, int argc, const char *argv[],
               void *aux)
{
    struct ofproto_dump_options opt;
    struct ofctl_options o;
    struct ofproto *ofproto;
    struct ofp_flow_mod fm;
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) aux;
    ofproto = parse_flow_filter(conn, argc, argv,
                                "usage: dump-flows BRIDGE [FLOW]", &o, &fm);
    if (ofproto) {
        memset(&opt, 0, sizeof opt);
        opt.match = &fm.match;
        opt.table_id = fm.table_id;
        opt.cookie = fm.cookie;
        opt.cookie_mask = fm.cookie_mask;
        opt.out_port = fm.out_port;
        opt.show_stats = !o.no_stats;
        opt.names = o.names == 1;
        opt.sort = o.sort;
        opt.sort_field = o.sort_field;
        opt.nxst = !opt.names && opt.show_stats;
        opt.filtered = o.n_args > 1;
        ofproto_dump_flows(ofproto, &opt, &s);
        ofp_flow_mod_uninit(&fm);
        ctl_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
    free(o.sort_field);
}

static void
cmd_dump_aggregate(struct ctl_conn *conn, int argc, const char *argv[],
                   void *aux)
{
    struct ofctl_options o;
    struct ofproto *ofproto;
    struct ofp_flow_mod fm;
    struct ofproto_aggregate agg;
    char *reply;

    (void) aux;
    ofproto = parse_flow_filter(conn, argc, argv,
                                "usage: dump-aggregate BRIDGE [FLOW]", &o,
                                &fm);
    if (ofproto) {
        ofproto_aggregate(ofproto, &fm.match, fm.table_id, fm.cookie,
                          fm.cookie_mask, fm.out_port, &agg);
        ofp_flow_mod_uninit(&fm);
        reply = xasprintf("NXST_AGGREGATE reply (xid=0x4): packet_count=%"
                          PRIu64" byte_count=%"PRIu64" flow_count=%"PRIu64,
                          agg.packet_count, agg.byte_count, agg.flow_count);
        ctl_reply(conn, reply);
        free(reply);
    }
    free(o.sort_field);
}

static void
cmd_show(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ofproto *ofproto = lookup_bridge(conn, argv[1]);
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) aux;
    if (ofproto) {
        ofproto_format_show(ofproto, &s);
        ctl_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
cmd_trace(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error;

    (void) aux;
    error = ofproto_trace_command(argc, argv, &s);
    if (error) {
        reply_error_free(conn, error);
    } else {
        ctl_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
cmd_fdb_show(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ofproto *ofproto = lookup_bridge(conn, argv[1]);
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) aux;
    if (ofproto) {
        ofproto_push_stats();
        mac_learning_format(&ofproto->ml, time_msec(), &s);
        ctl_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
flush_one(struct ofproto *ofproto, void *aux)
{
    (void) aux;
    mac_learning_flush_port(&ofproto->ml, UINT32_MAX);
}

static void
cmd_fdb_flush(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    (void) aux;
    if (argc > 1) {
        struct ofproto *ofproto = lookup_bridge(conn, argv[1]);

        if (!ofproto) {
            return;
        }
        flush_one(ofproto, NULL);
    } else {
        ofproto_for_each(flush_one, NULL);
    }
    ofproto_seq_change();
    ctl_reply(conn, "table successfully flushed");
}

static void
cmd_fdb_stats(struct ctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct ofproto *ofproto = lookup_bridge(conn, argv[1]);
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) aux;
    if (ofproto) {
        ofproto_push_stats();
        mac_learning_format_stats(&ofproto->ml, ofproto->name, &s);
        ctl_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
list_tunnels_one(struct ofproto *ofproto, void *s_)
{
    struct ds *s = s_;
    struct ofport *port;

    HMAP_FOR_EACH (port, hmap_node, &ofproto->ports) {
        const struct ofproto_tunnel *t = &port->tnl;

        if (!port->is_tunnel) {
            continue;
        }
        ds_put_format(s, "port %"PRIu32": %s (%s: ", port->odp_port,
                      port->name, port->type);
        if (t->local_ip) {
            ds_put_format(s, IP_FMT, IP_ARGS(t->local_ip));
        } else {
            ds_put_cstr(s, "::");
        }
        ds_put_cstr(s, "->");
        if (t->remote_ip) {
            ds_put_format(s, IP_FMT, IP_ARGS(t->remote_ip));
        } else {
            ds_put_cstr(s, "flow");
        }
        if (t->in_key_flow) {
            ds_put_cstr(s, ", key=flow");
        } else {
            ds_put_format(s, ", key=%#"PRIx64, ntohll(t->in_key));
        }
        ds_put_format(s, ", legacy_l2, dp port=%"PRIu32, port->odp_port);
        if (t->out_key_flow != t->in_key_flow
            || (!t->out_key_flow && t->out_key != t->in_key)) {
            if (t->out_key_flow) {
                ds_put_cstr(s, ", out_key=flow");
            } else {
                ds_put_format(s, ", out_key=%#"PRIx64, ntohll(t->out_key));
            }
        }
        if (t->ttl) {
            ds_put_format(s, ", ttl=%u", t->ttl);
        } else {
            ds_put_cstr(s, ", ttl=inherit");
        }
        if (!t->df_default) {
            ds_put_cstr(s, ", df=false");
        }
        if (t->csum) {
            ds_put_cstr(s, ", csum=true");
        }
        ds_put_cstr(s, ")\n");
    }
}

static void
cmd_list_tunnels(struct ctl_conn *conn, int argc, const char *argv[],
                 void *aux)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) argv;
    (void) aux;
    ofproto_for_each(list_tunnels_one, &s);
    ctl_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

void
ofproto_cmds_register(void)
{
    ctl_command_register("ofctl/add-flow", "BRIDGE FLOW", 2, 8,
                         cmd_add_flow, (void *) (intptr_t) OFPFC_ADD);
    ctl_command_register("ofctl/mod-flows", "[--strict] BRIDGE FLOW", 2, 8,
                         cmd_add_flow, (void *) (intptr_t) OFPFC_MODIFY);
    ctl_command_register("ofctl/del-flows", "[--strict] BRIDGE [FLOW]", 1, 8,
                         cmd_add_flow, (void *) (intptr_t) OFPFC_DELETE);
    ctl_command_register("ofctl/add-flows", "BRIDGE CONTENTS [NAME]", 2, 8,
                         cmd_add_flows, NULL);
    ctl_command_register("ofctl/replace-flows", "BRIDGE CONTENTS [NAME]", 2,
                         8, cmd_add_flows, (void *) (intptr_t) 1);
    ctl_command_register("ofctl/dump-flows", "[OPTIONS] BRIDGE [FLOW]", 1, 8,
                         cmd_dump_flows, NULL);
    ctl_command_register("ofctl/dump-aggregate", "BRIDGE [FLOW]", 1, 2,
                         cmd_dump_aggregate, NULL);
    ctl_command_register("ofctl/show", "BRIDGE", 1, 1, cmd_show, NULL);
    ctl_command_register("ofproto/trace",
                         "{BRIDGE FLOW | ODP_FLOW} [--ct-next STATE]... "
                         "[-generate]", 1, 64, cmd_trace, NULL);
    ctl_command_register("fdb/show", "BRIDGE", 1, 1, cmd_fdb_show, NULL);
    ctl_command_register("fdb/flush", "[BRIDGE]", 0, 1, cmd_fdb_flush, NULL);
    ctl_command_register("fdb/stats-show", "BRIDGE", 1, 1, cmd_fdb_stats,
                         NULL);
    ctl_command_register("ofproto/list-tunnels", "", 0, 0, cmd_list_tunnels,
                         NULL);
}
