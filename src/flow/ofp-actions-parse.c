/*
 * ofp-actions-parse.c: parsing OpenFlow action lists from ovs-ofctl text,
 * with ovs-ofctl's validation and error messages (OVS's
 * lib/ofp-actions.c parse_*() and ofpacts_check()).
 */
#include "flow/ofp-actions.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow/flow-text.h"
#include "flow/match-parse.h"
#include "flow/ofp-actions-private.h"
#include "flow/port-map.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

COVERAGE_DEFINE(ofpacts_parse_error);

/* How deeply ct(exec(...)) may nest, as OVS's MAX_OFPACT_PARSE_DEPTH. */
#define MAX_PARSE_DEPTH 100

/* Text helpers shared with ofp-learn.c. */

/* Parses S as a whole int in C syntax within [MIN_, MAX_]. */
static bool
str_to_int_range(const char *s, long long min_, long long max_,
                 long long *value)
{
    char *end;
    long long x;

    if (!*s) {
        return false;
    }
    errno = 0;
    x = strtoll(s, &end, 0);
    if (errno || *end || x < min_ || x > max_) {
        return false;
    }
    *value = x;
    return true;
}

char *
ofpact_str_to_u8(const char *s, const char *name, uint8_t *value)
{
    long long x;

    if (!str_to_int_range(s, 0, UINT8_MAX, &x)) {
        return xasprintf("invalid %s \"%s\"", name, s);
    }
    *value = x;
    return NULL;
}

char *
ofpact_str_to_u16(const char *s, const char *name, uint16_t *value)
{
    long long x;

    if (!str_to_int_range(s, 0, UINT16_MAX, &x)) {
        return xasprintf("invalid %s \"%s\"", name, s);
    }
    *value = x;
    return NULL;
}

char *
ofpact_str_to_u64(const char *s, uint64_t *value)
{
    char *end;
    unsigned long long x;

    if (!*s) {
        return xstrdup("missing required numeric argument");
    }
    errno = 0;
    x = strtoull(s, &end, 0);
    if (errno || *end) {
        return xasprintf("invalid numeric format %s", s);
    }
    *value = x;
    return NULL;
}

char *
ofpact_str_to_u32(const char *s, uint32_t *value)
{
    uint64_t x;
    char *error = ofpact_str_to_u64(s, &x);

    if (!error && x > UINT32_MAX) {
        error = xasprintf("invalid numeric format %s", s);
    }
    if (!error) {
        *value = x;
    }
    return error;
}

bool
ofpact_table_from_string(const char *s, uint8_t *table)
{
    uint64_t x;

    if (!str_to_uint64(s, 10, 255, &x)) {
        return false;
    }
    *table = x;
    return true;
}

char *
ofpact_parse_subfield(struct mf_subfield *sf, const char *s)
{
    const char *p = s;
    char *error = mf_parse_subfield(sf, &p);

    if (!error && *p) {
        error = xasprintf("%s: trailing garbage following subfield", s);
    }
    return error;
}

bool
ofpact_field_has_header(const struct mf_field *mf)
{
    return mf->nxm_name || mf->oxm_name;
}

/* Parser state. */
struct parse_ctx {
    const struct ofp_port_map *port_map;
    struct ofpacts *out;        /* Actions being built. */
    bool in_ct;                 /* Parsing ct(exec(...)). */
    int depth;                  /* Nesting depth. */
};

static struct ofpact *
put(struct parse_ctx *pc, enum ofpact_type type)
{
    return ofpacts_put(pc->out, type);
}

/* Returns OVS's name for an action type, as its messages use it. */
static const char *
ofpact_name(enum ofpact_type type)
{
    switch (type) {
    case OFPACT_OUTPUT:
        return "output";
    case OFPACT_OUTPUT_REG:
        return "output_reg";
    case OFPACT_CONTROLLER:
        return "controller";
    case OFPACT_RESUBMIT:
        return "resubmit";
    case OFPACT_GOTO_TABLE:
        return "goto_table";
    case OFPACT_SET_VLAN_VID:
        return "set_vlan_vid";
    case OFPACT_SET_VLAN_PCP:
        return "set_vlan_pcp";
    case OFPACT_STRIP_VLAN:
        return "strip_vlan";
    case OFPACT_PUSH_VLAN:
        return "push_vlan";
    case OFPACT_SET_ETH_SRC:
        return "mod_dl_src";
    case OFPACT_SET_ETH_DST:
        return "mod_dl_dst";
    case OFPACT_SET_IPV4_SRC:
        return "mod_nw_src";
    case OFPACT_SET_IPV4_DST:
        return "mod_nw_dst";
    case OFPACT_SET_IP_DSCP:
        return "mod_nw_tos";
    case OFPACT_SET_L4_SRC:
        return "mod_tp_src";
    case OFPACT_SET_L4_DST:
        return "mod_tp_dst";
    case OFPACT_DEC_TTL:
        return "dec_ttl";
    case OFPACT_SET_TUNNEL:
        return "set_tunnel";
    case OFPACT_SET_FIELD:
        return "set_field";
    case OFPACT_REG_MOVE:
        return "move";
    case OFPACT_CT:
        return "ct";
    case OFPACT_CT_CLEAR:
        return "ct_clear";
    case OFPACT_LEARN:
        return "learn";
    case OFPACT_CONJUNCTION:
        return "conjunction";
    case OFPACT_NOTE:
        return "note";
    case OFPACT_EXIT:
        return "exit";
    }
    return "<unknown>";
}

/* Checks an output port as OVS's ofpact_check_output_port() does. */
static char *
check_output_port(const char *text, uint32_t port)
{
    switch (port) {
    case OFPP_IN_PORT:
    case OFPP_TABLE:
    case OFPP_NORMAL:
    case OFPP_FLOOD:
    case OFPP_ALL:
    case OFPP_CONTROLLER:
    case OFPP_LOCAL:
        return NULL;
    default:
        if (port < OFPP_MAX) {
            return NULL;
        }
        return xasprintf("%s: actions are invalid with specified match "
                         "(OFPBAC_BAD_OUT_PORT)", text);
    }
}

static char *
parse_output(struct parse_ctx *pc, const char *arg)
{
    struct mf_subfield src;
    uint32_t port;
    char *error;

    if (strstr(arg, "port") && strstr(arg, "max_len")) {
        return xasprintf("output(%s): action output_trunc is not supported",
                         arg);
    }
    if (ofp_port_parse(arg, pc->port_map, &port)) {
        struct ofpact *a;

        error = check_output_port(arg, port);
        if (error) {
            return error;
        }
        a = put(pc, OFPACT_OUTPUT);
        a->output.port = port;
        a->output.max_len = port == OFPP_CONTROLLER ? UINT16_MAX : 0;
        return NULL;
    }
    error = ofpact_parse_subfield(&src, arg);
    if (!error) {
        struct ofpact *a = put(pc, OFPACT_OUTPUT_REG);

        a->output_reg.src = src;
        a->output_reg.max_len = UINT16_MAX;
        return NULL;
    }
    free(error);
    return xasprintf("%s: output to unknown port", arg);
}

static bool
reason_from_string(const char *s, uint8_t *reason)
{
    static const char *const names[] = {
        [OFPR_NO_MATCH] = "no_match",
        [OFPR_ACTION] = "action",
        [OFPR_INVALID_TTL] = "invalid_ttl",
        [OFPR_ACTION_SET] = "action_set",
        [OFPR_GROUP] = "group",
        [OFPR_PACKET_OUT] = "packet_out",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcasecmp(s, names[i])) {
            *reason = i;
            return true;
        }
    }
    return false;
}

static char *
parse_controller(struct parse_ctx *pc, char *arg)
{
    uint8_t reason = OFPR_ACTION;
    uint16_t controller_id = 0;
    uint16_t max_len = UINT16_MAX;
    bool pause = false;
    char *error;

    if (!arg[0]) {
        /* Defaults. */
    } else if (strspn(arg, "0123456789") == strlen(arg)) {
        error = ofpact_str_to_u16(arg, "max_len", &max_len);
        if (error) {
            return error;
        }
    } else {
        char *name, *value;

        while (ofp_parse_key_value(&arg, &name, &value)) {
            if (!strcmp(name, "reason")) {
                if (!reason_from_string(value, &reason)) {
                    return xasprintf("unknown reason \"%s\"", value);
                }
            } else if (!strcmp(name, "max_len")) {
                error = ofpact_str_to_u16(value, "max_len", &max_len);
                if (error) {
                    return error;
                }
            } else if (!strcmp(name, "id")) {
                error = ofpact_str_to_u16(value, "id", &controller_id);
                if (error) {
                    return error;
                }
            } else if (!strcmp(name, "pause")) {
                pause = true;
            } else if (!strcmp(name, "userdata")
                       || !strcmp(name, "meter_id")) {
                return xasprintf("controller %s is not supported", name);
            } else {
                return xasprintf("unknown key \"%s\" parsing controller "
                                 "action", name);
            }
        }
    }

    if (reason == OFPR_ACTION && !controller_id && !pause) {
        struct ofpact *a = put(pc, OFPACT_OUTPUT);

        a->output.port = OFPP_CONTROLLER;
        a->output.max_len = max_len;
    } else {
        struct ofpact *a = put(pc, OFPACT_CONTROLLER);

        a->controller.max_len = max_len;
        a->controller.reason = reason;
        a->controller.controller_id = controller_id;
        a->controller.pause = pause;
    }
    return NULL;
}

/* Splits at the next comma, as strsep(&s, ","). */
static char *
next_comma_field(char **sp)
{
    char *s = *sp;
    char *comma;

    if (!s) {
        return NULL;
    }
    comma = strchr(s, ',');
    if (comma) {
        *comma = '\0';
        *sp = comma + 1;
    } else {
        *sp = NULL;
    }
    return s;
}

static char *
parse_resubmit(struct parse_ctx *pc, char *arg)
{
    char *in_port_s, *table_s, *ct_s;
    uint32_t in_port = OFPP_IN_PORT;
    uint8_t table_id = 255;
    bool with_ct = false;
    struct ofpact *a;

    in_port_s = next_comma_field(&arg);
    if (in_port_s && in_port_s[0]
        && !ofp_port_parse(in_port_s, pc->port_map, &in_port)) {
        return xasprintf("%s: resubmit to unknown port", in_port_s);
    }
    table_s = next_comma_field(&arg);
    if (table_s && table_s[0]
        && !ofpact_table_from_string(table_s, &table_id)) {
        return xasprintf("%s: resubmit to unknown table", table_s);
    }
    ct_s = next_comma_field(&arg);
    if (ct_s && ct_s[0]) {
        if (strcmp(ct_s, "ct")) {
            return xasprintf("%s: unknown parameter", ct_s);
        }
        with_ct = true;
    }
    if (in_port == OFPP_IN_PORT && table_id == 255) {
        return xstrdup("at least one \"in_port\" or \"table\" must be "
                       "specified on resubmit");
    }
    a = put(pc, OFPACT_RESUBMIT);
    a->resubmit.in_port = in_port;
    a->resubmit.table_id = table_id;
    a->resubmit.with_ct_orig = with_ct;
    return NULL;
}

static char *
parse_set_vlan_vid(struct parse_ctx *pc, const char *arg, bool push)
{
    uint16_t vid;
    char *error = ofpact_str_to_u16(arg, "VLAN VID", &vid);
    struct ofpact *a;

    if (error) {
        return error;
    }
    if (vid & ~VLAN_VID_MASK) {
        return xasprintf("%s: not a valid VLAN VID", arg);
    }
    a = put(pc, OFPACT_SET_VLAN_VID);
    a->vlan.vid = vid;
    a->vlan.push_vlan_if_needed = push;
    return NULL;
}

static char *
parse_set_vlan_pcp(struct parse_ctx *pc, const char *arg, bool push)
{
    uint8_t pcp;
    char *error = ofpact_str_to_u8(arg, "VLAN PCP", &pcp);
    struct ofpact *a;

    if (error) {
        return error;
    }
    if (pcp & ~7) {
        return xasprintf("%s: not a valid VLAN PCP", arg);
    }
    a = put(pc, OFPACT_SET_VLAN_PCP);
    a->vlan.pcp = pcp;
    a->vlan.push_vlan_if_needed = push;
    return NULL;
}

static char *
parse_push_vlan(struct parse_ctx *pc, const char *arg)
{
    uint16_t ethertype;
    char *error = ofpact_str_to_u16(arg, "ethertype", &ethertype);

    if (error) {
        return error;
    }
    if (ethertype != ETH_TYPE_VLAN_8021Q
        && ethertype != ETH_TYPE_VLAN_8021AD) {
        return xasprintf("%s: not a valid VLAN ethertype", arg);
    }
    put(pc, OFPACT_PUSH_VLAN)->push_vlan_tpid = ethertype;
    return NULL;
}

static char *
parse_mac(struct parse_ctx *pc, enum ofpact_type type, const char *arg)
{
    struct eth_addr mac;

    if (!flow_parse_eth(arg, &mac)) {
        return xasprintf("invalid mac address %s", arg);
    }
    put(pc, type)->mac = mac;
    return NULL;
}

static char *
parse_ip(struct parse_ctx *pc, enum ofpact_type type, const char *arg)
{
    be32 ip;

    if (!flow_parse_ip(arg, &ip)) {
        return xasprintf("%s: could not convert to IP address", arg);
    }
    put(pc, type)->ipv4 = ip;
    return NULL;
}

static char *
parse_set_ip_dscp(struct parse_ctx *pc, const char *arg)
{
    uint8_t tos;
    char *error = ofpact_str_to_u8(arg, "TOS", &tos);

    if (error) {
        return error;
    }
    if (tos & ~IP_DSCP_MASK) {
        return xasprintf("%s: not a valid TOS", arg);
    }
    put(pc, OFPACT_SET_IP_DSCP)->dscp = tos;
    return NULL;
}

/* mod_nw_ecn and mod_nw_ttl: OpenFlow 1.0 carries them as loads, so they
 * become loads here. */
static char *
parse_load_u8(struct parse_ctx *pc, const char *arg, const char *what,
              enum mf_field_id id)
{
    const struct mf_field *mf = mf_from_id(id);
    uint8_t x;
    char *error = ofpact_str_to_u8(arg, what, &x);
    struct ofpact *a;

    if (error) {
        return error;
    }
    if (x >> mf->n_bits) {
        return xasprintf("%s: not a valid %s", arg, what);
    }
    a = put(pc, OFPACT_SET_FIELD);
    a->set_field.field = mf;
    a->set_field.value.u8 = x;
    a->set_field.mask.u8 = (1u << mf->n_bits) - 1;
    a->set_field.is_load = true;
    return NULL;
}

static char *
parse_l4_port(struct parse_ctx *pc, enum ofpact_type type, const char *arg)
{
    uint16_t port;
    char *error = ofpact_str_to_u16(arg, (type == OFPACT_SET_L4_SRC
                                          ? "source port"
                                          : "destination port"), &port);

    if (error) {
        return error;
    }
    put(pc, type)->l4_port = port;
    return NULL;
}

static char *
parse_set_tunnel(struct parse_ctx *pc, const char *arg, bool is_64)
{
    uint64_t tun_id;
    char *error = ofpact_str_to_u64(arg, &tun_id);
    struct ofpact *a;

    if (error) {
        return error;
    }
    a = put(pc, OFPACT_SET_TUNNEL);
    a->tunnel.tun_id = tun_id;
    a->tunnel.is_64 = is_64;
    return NULL;
}

/* Splits "VALUE->KEY" at "->" as OVS's set_field_split_str(). */
static char *
split_arrow(char *arg, char **key, char **value, bool cut)
{
    char *arrow = strstr(arg, "->");

    *value = arg;
    if (!arrow) {
        return xasprintf("%s: missing `->'", arg);
    }
    if (strlen(arrow) <= 2) {
        return xasprintf("%s: missing field name following `->'", arg);
    }
    *key = arrow + 2;
    if (cut) {
        *arrow = '\0';
    }
    return NULL;
}

static void
put_set_field(struct parse_ctx *pc, const struct mf_field *mf,
              const union mf_value *value, const union mf_value *mask,
              bool is_load)
{
    struct ofpact *a = put(pc, OFPACT_SET_FIELD);

    a->set_field.field = mf;
    memcpy(a->set_field.value.b, value->b, mf->n_bytes);
    memcpy(a->set_field.mask.b, mask->b, mf->n_bytes);
    a->set_field.is_load = is_load;
}

static char *
parse_set_field(struct parse_ctx *pc, const char *arg_)
{
    char *arg = xstrdup(arg_);
    const struct mf_field *mf;
    union mf_value value, mask;
    char *key, *value_s;
    char *error;

    error = split_arrow(arg, &key, &value_s, true);
    if (error) {
        goto out;
    }
    mf = mf_from_field_name(key);
    if (!mf) {
        error = xasprintf("%s is not a valid OXM field name", key);
        goto out;
    }
    if (!mf->writable) {
        error = xasprintf("%s is read-only", key);
        goto out;
    }
    error = mf_parse(mf, value_s, pc->port_map, &value, &mask);
    if (error) {
        goto out;
    }
    if (!mf_is_value_valid(mf, &value)) {
        error = xasprintf("%s is not a valid value for field %s", value_s,
                          key);
        goto out;
    }
    put_set_field(pc, mf, &value, &mask, false);

out:
    free(arg);
    return error;
}

static char *
parse_load(struct parse_ctx *pc, char *arg)
{
    struct mf_subfield dst;
    union mf_value value, mask;
    const char *tail, *p;
    char *key, *value_s;
    char *error;

    error = split_arrow(arg, &key, &value_s, false);
    if (error) {
        return error;
    }
    p = key;
    error = mf_parse_subfield(&dst, &p);
    if (error) {
        return error;
    }
    if (*p) {
        return xstrdup("unexpected input following field syntax");
    }
    memset(&value, 0, sizeof value);
    if (flow_parse_int_string(value_s, value.b, dst.field->n_bytes, &tail)) {
        return xasprintf("%s: cannot parse integer value", arg);
    }
    if (!bitwise_is_all_zeros(&value, dst.field->n_bytes, dst.n_bits,
                              dst.field->n_bytes * 8 - dst.n_bits)) {
        struct ds ds = DS_EMPTY_INITIALIZER;

        mf_format(dst.field, &value, NULL, NULL, &ds);
        error = xasprintf("%s: value %s does not fit into %u bits", arg,
                          ds_cstr(&ds), dst.n_bits);
        ds_destroy(&ds);
        return error;
    }
    if (!dst.field->writable) {
        return xasprintf("destination field %s is not writable",
                         dst.field->name);
    }

    union mf_value shifted;

    memset(&shifted, 0, sizeof shifted);
    memset(&mask, 0, sizeof mask);
    bitwise_copy(&value, dst.field->n_bytes, 0, &shifted,
                 dst.field->n_bytes, dst.ofs, dst.n_bits);
    bitwise_one(&mask, dst.field->n_bytes, dst.ofs, dst.n_bits);
    put_set_field(pc, dst.field, &shifted, &mask, true);
    return NULL;
}

static char *
parse_move(struct parse_ctx *pc, const char *arg)
{
    struct mf_subfield src, dst;
    const char *p = arg;
    char *error;

    error = mf_parse_subfield(&src, &p);
    if (error) {
        return error;
    }
    if (strncmp(p, "->", 2)) {
        return xasprintf("%s: missing `->' following source", arg);
    }
    p += 2;
    error = mf_parse_subfield(&dst, &p);
    if (error) {
        return error;
    }
    if (*p) {
        return xstrdup("unexpected input following field syntax");
    }
    if (src.n_bits != dst.n_bits) {
        return xasprintf("%s: source field is %u bits wide but destination "
                         "is %u bits wide", arg, src.n_bits, dst.n_bits);
    }
    error = mf_check_dst(&dst, NULL);
    if (error) {
        return error;
    }

    struct ofpact *a = put(pc, OFPACT_REG_MOVE);
    a->move.src = src;
    a->move.dst = dst;
    return NULL;
}

static char *parse_list(struct parse_ctx *, char *str, bool allow_goto);

static char *
parse_ct(struct parse_ctx *pc, char *arg)
{
    struct ofpact_ct ct;
    struct ofpacts exec = OFPACTS_EMPTY;
    char *key, *value;
    char *error = NULL;

    memset(&ct, 0, sizeof ct);
    ct.recirc_table = NX_CT_RECIRC_NONE;
    while (!error && ofp_parse_key_value(&arg, &key, &value)) {
        if (!strcmp(key, "commit")) {
            ct.commit = true;
        } else if (!strcmp(key, "force")) {
            ct.force = true;
        } else if (!strcmp(key, "table")) {
            if (!ofpact_table_from_string(value, &ct.recirc_table)) {
                error = xasprintf("unknown table %s", value);
            } else if (ct.recirc_table == NX_CT_RECIRC_NONE) {
                error = xasprintf("invalid table %#" PRIx8,
                                  ct.recirc_table);
            }
        } else if (!strcmp(key, "zone")) {
            error = ofpact_str_to_u16(value, "zone", &ct.zone_imm);
            if (error) {
                free(error);
                error = ofpact_parse_subfield(&ct.zone_src, value);
                if (!error && ct.zone_src.n_bits != 16) {
                    error = xasprintf("%s: zone n_bits %u not within valid "
                                      "range [16..16]", value,
                                      ct.zone_src.n_bits);
                }
            }
        } else if (!strcmp(key, "alg")) {
            if (!strcmp(value, "ftp")) {
                ct.alg = CT_ALG_FTP;
            } else if (!strcmp(value, "tftp")) {
                ct.alg = CT_ALG_TFTP;
            } else {
                error = xasprintf("invalid conntrack helper \"%s\"", value);
            }
        } else if (!strcmp(key, "nat")) {
            error = xstrdup("ct nat is not supported");
        } else if (!strcmp(key, "exec")) {
            struct parse_ctx sub = *pc;
            char *copy = xstrdup(value);

            sub.out = &exec;
            sub.in_ct = true;
            sub.depth = pc->depth + 1;
            error = parse_list(&sub, copy, false);
            free(copy);
        } else {
            error = xasprintf("invalid argument to \"ct\" action: `%s'",
                              key);
        }
    }
    if (!error && ct.force && !ct.commit) {
        error = xstrdup("\"force\" flag requires \"commit\" flag.");
    }
    if (!error && exec.n && !ct.commit) {
        error = xstrdup("CT action requires commit flag if actions other "
                        "than NAT without arguments are specified.");
    }
    if (error) {
        ofpacts_free(&exec);
        return error;
    }

    struct ofpact *a = put(pc, OFPACT_CT);
    a->ct = ct;
    if (exec.n) {
        a->ct.actions = xmemdup(&exec, sizeof exec);
    }
    return NULL;
}

static char *
parse_learn(struct parse_ctx *pc, char *arg)
{
    struct ofpact_learn learn;
    char *error = ofpact_learn_parse(arg, pc->port_map, &learn);

    if (error) {
        free(learn.specs);
        return error;
    }
    put(pc, OFPACT_LEARN)->learn = learn;
    return NULL;
}

/* Scans an unsigned integer at *SP in BASE after optional white space, as
 * scanf() would, advancing *SP. */
static bool
scan_uint(const char **sp, int base, unsigned long long *value)
{
    const char *s = *sp + strspn(*sp, " \t\r\n");
    char *end;

    if (*s < '0' || *s > '9') {
        return false;
    }
    errno = 0;
    *value = strtoull(s, &end, base);
    if (errno) {
        return false;
    }
    *sp = end;
    return true;
}

static bool
scan_char(const char **sp, char c)
{
    const char *s = *sp + strspn(*sp, " \t\r\n");

    if (*s != c) {
        return false;
    }
    *sp = s + 1;
    return true;
}

static char *
parse_conjunction(struct parse_ctx *pc, const char *arg)
{
    unsigned long long id, clause, n_clauses;
    const char *s = arg;

    if (!scan_uint(&s, 0, &id) || !scan_char(&s, ',')
        || !scan_uint(&s, 10, &clause) || !scan_char(&s, '/')
        || !scan_uint(&s, 10, &n_clauses)
        || s[strspn(s, " \t\r\n")] || id > UINT32_MAX
        || clause > UINT8_MAX || n_clauses > UINT8_MAX) {
        return xstrdup("\"conjunction\" syntax is \"conjunction(id,i/n)\"");
    }
    if (n_clauses < 2) {
        return xstrdup("conjunction must have at least 2 clauses");
    } else if (n_clauses > 64) {
        return xstrdup("conjunction must have at most 64 clauses");
    } else if (clause < 1) {
        return xstrdup("clause index must be positive");
    } else if (clause > n_clauses) {
        return xstrdup("clause index must be less than or equal to number "
                       "of clauses");
    }

    struct ofpact *a = put(pc, OFPACT_CONJUNCTION);
    a->conj.id = id;
    a->conj.clause = clause - 1;
    a->conj.n_clauses = n_clauses;
    return NULL;
}

/* Parses the hex bytes of a note, which may be separated by periods, as
 * OVS's ofpbuf_put_hex(). */
static char *
parse_note(struct parse_ctx *pc, const char *arg)
{
    uint8_t *data = xmalloc(strlen(arg) / 2 + 1);
    size_t len = 0;
    const char *s = arg;
    struct ofpact *a;

    for (;;) {
        int hi, lo;

        s += strspn(s, " \t\r\n");
        if (!*s) {
            break;
        }
        hi = hexit_value(s[0]);
        lo = hi < 0 ? -1 : hexit_value(s[1]);
        if (lo < 0) {
            free(data);
            return xstrdup("bad hex digit in `note' argument");
        }
        data[len++] = hi * 16 + lo;
        s += 2;
        if (*s == '.') {
            s++;
        }
    }
    a = put(pc, OFPACT_NOTE);
    if (len) {
        a->note.data = data;
        a->note.len = len;
    } else {
        free(data);
    }
    return NULL;
}

/* Actions OVS has that vxstack does not implement. */
static bool
is_unsupported_action(const char *name)
{
    static const char *const names[] = {
        "enqueue", "bundle", "bundle_load", "multipath", "sample",
        "stack_push", "stack_pop", "fin_timeout", "group", "meter", "clone",
        "nat", "write_metadata", "set_queue", "pop_queue", "push_mpls",
        "pop_mpls", "set_mpls_label", "set_mpls_tc", "set_mpls_ttl",
        "dec_mpls_ttl", "encap", "decap", "dec_nsh_ttl", "check_pkt_larger",
        "delete_field", "output_trunc", "write_actions", "clear_actions",
        "debug_recirc", "debug_slow", "output_reg",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcasecmp(name, names[i])) {
            return true;
        }
    }
    return false;
}

static char *
parse_action(struct parse_ctx *pc, char *key, char *value, bool *drop)
{
    uint32_t port;

    if (!strcasecmp(key, "output")) {
        return parse_output(pc, value);
    } else if (!strcasecmp(key, "controller")) {
        return parse_controller(pc, value);
    } else if (!strcasecmp(key, "resubmit")) {
        return parse_resubmit(pc, value);
    } else if (!strcasecmp(key, "goto_table")) {
        uint8_t table;

        if (!ofpact_table_from_string(value, &table)) {
            return xasprintf("unknown table \"%s\"", value);
        }
        if (table == 255) {
            return xasprintf("invalid table %#" PRIx8, table);
        }
        put(pc, OFPACT_GOTO_TABLE)->goto_table = table;
        return NULL;
    } else if (!strcasecmp(key, "mod_vlan_vid")) {
        return parse_set_vlan_vid(pc, value, true);
    } else if (!strcasecmp(key, "set_vlan_vid")) {
        return parse_set_vlan_vid(pc, value, false);
    } else if (!strcasecmp(key, "mod_vlan_pcp")) {
        return parse_set_vlan_pcp(pc, value, true);
    } else if (!strcasecmp(key, "set_vlan_pcp")) {
        return parse_set_vlan_pcp(pc, value, false);
    } else if (!strcasecmp(key, "strip_vlan")
               || !strcasecmp(key, "pop_vlan")) {
        put(pc, OFPACT_STRIP_VLAN);
        return NULL;
    } else if (!strcasecmp(key, "push_vlan")) {
        return parse_push_vlan(pc, value);
    } else if (!strcasecmp(key, "mod_dl_src")) {
        return parse_mac(pc, OFPACT_SET_ETH_SRC, value);
    } else if (!strcasecmp(key, "mod_dl_dst")) {
        return parse_mac(pc, OFPACT_SET_ETH_DST, value);
    } else if (!strcasecmp(key, "mod_nw_src")) {
        return parse_ip(pc, OFPACT_SET_IPV4_SRC, value);
    } else if (!strcasecmp(key, "mod_nw_dst")) {
        return parse_ip(pc, OFPACT_SET_IPV4_DST, value);
    } else if (!strcasecmp(key, "mod_nw_tos")) {
        return parse_set_ip_dscp(pc, value);
    } else if (!strcasecmp(key, "mod_nw_ecn")) {
        return parse_load_u8(pc, value, "ECN", MFF_IP_ECN);
    } else if (!strcasecmp(key, "mod_nw_ttl")
               || !strcasecmp(key, "set_nw_ttl")) {
        return parse_load_u8(pc, value, "TTL", MFF_IP_TTL);
    } else if (!strcasecmp(key, "mod_tp_src")) {
        return parse_l4_port(pc, OFPACT_SET_L4_SRC, value);
    } else if (!strcasecmp(key, "mod_tp_dst")) {
        return parse_l4_port(pc, OFPACT_SET_L4_DST, value);
    } else if (!strcasecmp(key, "dec_ttl")) {
        if (value[0]) {
            return xasprintf("dec_ttl(%s): controller ids are not supported",
                             value);
        }
        put(pc, OFPACT_DEC_TTL);
        return NULL;
    } else if (!strcasecmp(key, "set_tunnel")) {
        return parse_set_tunnel(pc, value, false);
    } else if (!strcasecmp(key, "set_tunnel64")) {
        return parse_set_tunnel(pc, value, true);
    } else if (!strcasecmp(key, "set_field")) {
        return parse_set_field(pc, value);
    } else if (!strcasecmp(key, "load")) {
        return parse_load(pc, value);
    } else if (!strcasecmp(key, "move")) {
        return parse_move(pc, value);
    } else if (!strcasecmp(key, "ct")) {
        return parse_ct(pc, value);
    } else if (!strcasecmp(key, "ct_clear")) {
        put(pc, OFPACT_CT_CLEAR);
        return NULL;
    } else if (!strcasecmp(key, "learn")) {
        return parse_learn(pc, value);
    } else if (!strcasecmp(key, "conjunction")) {
        return parse_conjunction(pc, value);
    } else if (!strcasecmp(key, "note")) {
        return parse_note(pc, value);
    } else if (!strcasecmp(key, "exit")) {
        put(pc, OFPACT_EXIT);
        return NULL;
    } else if (!strcasecmp(key, "drop")) {
        *drop = true;
        return NULL;
    } else if (!strcasecmp(key, "apply_actions")) {
        return xstrdup("apply_actions is the default instruction");
    } else if (is_unsupported_action(key)) {
        return xasprintf("action %s is not supported", key);
    } else if (ofp_port_parse(key, pc->port_map, &port)) {
        struct ofpact *a;
        char *error = check_output_port(key, port);

        if (error) {
            return error;
        }
        a = put(pc, OFPACT_OUTPUT);
        a->output.port = port;
        a->output.max_len = port == OFPP_CONTROLLER ? UINT16_MAX : 0;
        return NULL;
    }
    return xasprintf("unknown action %s", key);
}

/* Returns the field that action A writes, or NULL. */
static const struct mf_field *
action_dst_field(const struct ofpact *a)
{
    return (a->type == OFPACT_SET_FIELD ? a->set_field.field
            : a->type == OFPACT_REG_MOVE ? a->move.dst.field : NULL);
}

static bool
field_requires_ct(const struct mf_field *mf)
{
    return mf->id == MFF_CT_MARK || mf->id == MFF_CT_LABEL;
}

/* Checks the actions from index START on as OVS's ofpacts_verify(). */
static char *
verify_list(const struct parse_ctx *pc, size_t start, bool allow_goto)
{
    const struct ofpacts *list = pc->out;
    bool seen_goto = false;

    for (size_t i = start; i < list->n; i++) {
        const struct ofpact *a = &list->acts[i];
        const struct mf_field *dst = action_dst_field(a);

        if (a->type == OFPACT_CONJUNCTION) {
            for (size_t j = start; j < list->n; j++) {
                enum ofpact_type t = list->acts[j].type;

                if (t != OFPACT_CONJUNCTION && t != OFPACT_NOTE) {
                    return xasprintf("\"conjunction\" actions may be used "
                                     "along with \"note\" but not any other "
                                     "kind of action (such as the \"%s\" "
                                     "action used here)", ofpact_name(t));
                }
            }
            return NULL;
        }
        if (dst && field_requires_ct(dst) && !pc->in_ct) {
            return xstrdup("cannot set CT fields outside of ct action");
        }
        if (pc->in_ct) {
            if (!dst) {
                return xasprintf("ct action doesn't support nested action "
                                 "%s", ofpact_name(a->type));
            } else if (!field_requires_ct(dst)) {
                return xasprintf("ct action doesn't support nested "
                                 "modification of %s", dst->name);
            }
        }
        if (a->type == OFPACT_GOTO_TABLE) {
            if (!allow_goto) {
                return xstrdup("goto_table instruction not allowed here");
            }
            if (seen_goto) {
                return xstrdup("duplicate goto_table instruction not "
                               "allowed, for OpenFlow 1.1+ compatibility");
            }
            seen_goto = true;
        } else if (seen_goto) {
            return xstrdup("invalid instruction ordering: apply_actions must "
                           "appear before goto_table, for OpenFlow 1.1+ "
                           "compatibility");
        }
    }
    return NULL;
}

static char *
parse_list(struct parse_ctx *pc, char *str, bool allow_goto)
{
    size_t start = pc->out->n;
    bool drop = false;
    char *key, *value;

    if (pc->depth >= MAX_PARSE_DEPTH) {
        return xstrdup("Action nested too deeply");
    }
    while (ofp_parse_key_value(&str, &key, &value)) {
        char *error = parse_action(pc, key, value, &drop);

        if (error) {
            return error;
        }
    }
    if (drop && pc->out->n > start) {
        return xstrdup("\"drop\" must not be accompanied by any other "
                       "action or instruction");
    }
    return verify_list(pc, start, allow_goto);
}

/* Checking actions against the flow's match, as OVS's ofpacts_check(). */

static bool
ct_state_is_valid(const struct match *match)
{
    uint8_t state = match->flow.ct_state;

    return (state & (CS_NEW | CS_ESTABLISHED | CS_RELATED | CS_REPLY_DIR
                     | CS_SRC_NAT | CS_DST_NAT))
           || (state & CS_TRACKED && match->wc.masks.ct_state & CS_INVALID
               && !(state & CS_INVALID));
}

static char *
inconsistent(const char *action)
{
    return xasprintf("%s: actions are invalid with specified match "
                     "(OFPBAC_MATCH_INCONSISTENT)", action);
}

/* Checks the actions of LIST against M, whose flow it modifies the way
 * the actions change the packet (VLAN tags). */
static char *
check_list(const struct ofpacts *list, struct match *m)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ofpact *a = &list->acts[i];
        struct flow *flow = &m->flow;
        char *error = NULL;

        switch (a->type) {
        case OFPACT_OUTPUT_REG:
            error = mf_check_src(&a->output_reg.src, m);
            break;
        case OFPACT_RESUBMIT:
            if (a->resubmit.with_ct_orig && !ct_state_is_valid(m)) {
                error = inconsistent("resubmit");
            }
            break;
        case OFPACT_SET_VLAN_VID:
        case OFPACT_SET_VLAN_PCP:
            flow->vlans[0].tci |= htons(VLAN_CFI);
            break;
        case OFPACT_STRIP_VLAN:
            flow->vlans[0] = flow->vlans[1];
            memset(&flow->vlans[1], 0, sizeof flow->vlans[1]);
            break;
        case OFPACT_PUSH_VLAN:
            if (flow->vlans[FLOW_MAX_VLAN_HEADERS - 1].tci
                & htons(VLAN_CFI)) {
                error = xstrdup("push_vlan: actions are invalid with "
                                "specified match (OFPBAC_BAD_TAG)");
                break;
            }
            flow->vlans[1] = flow->vlans[0];
            flow->vlans[0].tci |= htons(VLAN_CFI);
            break;
        case OFPACT_SET_FIELD: {
            const struct mf_field *mf = a->set_field.field;

            if (!mf_are_prereqs_ok(mf, flow)
                || (mf->id == MFF_VLAN_VID
                    && !(flow->vlans[0].tci & htons(VLAN_CFI)))) {
                error = xasprintf("set_field %s lacks correct "
                                  "prerequisites", mf->name);
            } else if (mf->id == MFF_VLAN_TCI) {
                flow->vlans[0].tci = a->set_field.value.be16;
            }
            break;
        }
        case OFPACT_REG_MOVE:
            error = mf_check_src(&a->move.src, m);
            if (!error) {
                error = mf_check_dst(&a->move.dst, m);
            }
            break;
        case OFPACT_CT:
            if ((flow->dl_type != htons(ETH_TYPE_IP)
                 && flow->dl_type != htons(ETH_TYPE_IPV6))
                || (flow->ct_state & CS_INVALID && a->ct.commit)
                || (a->ct.alg == CT_ALG_FTP && flow->nw_proto != IPPROTO_TCP_)
                || (a->ct.alg == CT_ALG_TFTP
                    && flow->nw_proto != IPPROTO_UDP_)) {
                error = inconsistent("ct");
            } else if (a->ct.zone_src.field) {
                error = mf_check_src(&a->ct.zone_src, m);
            } else if (a->ct.actions) {
                error = check_list(a->ct.actions, m);
            }
            break;
        case OFPACT_LEARN:
            error = ofpact_learn_check(&a->learn, m);
            break;
        case OFPACT_OUTPUT:
        case OFPACT_CONTROLLER:
        case OFPACT_GOTO_TABLE:
        case OFPACT_SET_ETH_SRC:
        case OFPACT_SET_ETH_DST:
        case OFPACT_SET_IPV4_SRC:
        case OFPACT_SET_IPV4_DST:
        case OFPACT_SET_IP_DSCP:
        case OFPACT_SET_L4_SRC:
        case OFPACT_SET_L4_DST:
        case OFPACT_DEC_TTL:
        case OFPACT_SET_TUNNEL:
        case OFPACT_CT_CLEAR:
        case OFPACT_CONJUNCTION:
        case OFPACT_NOTE:
        case OFPACT_EXIT:
            break;
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

char *
ofpacts_parse(const char *s, const struct ofp_port_map *port_map,
              const struct match *match, struct ofpacts *ofpacts)
{
    struct ofpacts out = OFPACTS_EMPTY;
    struct parse_ctx pc = { port_map, &out, false, 0 };
    char *copy = xstrdup(s);
    char *error;

    error = parse_list(&pc, copy, true);
    free(copy);
    if (!error && match) {
        struct match m = *match;

        error = check_list(&out, &m);
    }
    if (error) {
        COVERAGE_INC(ofpacts_parse_error);
        ofpacts_free(&out);
    }
    *ofpacts = out;
    return error;
}

char *
ofpacts_check_table(const struct ofpacts *ofpacts, uint8_t table_id)
{
    for (size_t i = 0; i < ofpacts->n; i++) {
        const struct ofpact *a = &ofpacts->acts[i];

        if (a->type == OFPACT_GOTO_TABLE && table_id != 255
            && a->goto_table <= table_id) {
            return xasprintf("goto_table:%" PRIu8 ": actions are invalid "
                             "with specified match (OFPBIC_BAD_TABLE_ID)",
                             a->goto_table);
        }
    }
    return NULL;
}
