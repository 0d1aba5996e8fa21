/* vsctl.c: the vsctl command line (global options, "--"-separated
 * commands, one transaction) and the bridge, port, interface, controller,
 * fail-mode and manager commands of ovs-vsctl.  See vsctl.h. */
#include "daemon/vsctl.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/vsctl-private.h"
#include "lib/coverage.h"
#include "lib/ctl.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vsctl);
COVERAGE_DEFINE(vsctl_command_error);

/* Context helpers. */

const struct vsdb_data *
vsctl_data(const struct vsctl_ctx *ctx)
{
    return vsdb_txn_data(ctx->txn);
}

static const struct vsctl_option *
find_option(const struct vsctl_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->n_options; i++) {
        if (!strcmp(ctx->options[i].name, name)) {
            return &ctx->options[i];
        }
    }
    return NULL;
}

bool
vsctl_has_option(const struct vsctl_ctx *ctx, const char *name)
{
    return find_option(ctx, name) != NULL;
}

const char *
vsctl_option_value(const struct vsctl_ctx *ctx, const char *name)
{
    const struct vsctl_option *option = find_option(ctx, name);

    return option ? option->value : NULL;
}

void
vsctl_error(struct vsctl_ctx *ctx, const char *format, ...)
{
    va_list args;

    if (!ctx->error) {
        va_start(args, format);
        ctx->error = xvasprintf(format, args);
        va_end(args);
    }
}

/* The switch as vsctl sees it: bridges reachable from the Open_vSwitch
 * row, their ports and interfaces. */

static const struct vsdb_row *
find_bridge_raw(const struct vsdb_data *data, const char *name)
{
    const struct vsdb_row *root = vsdb_root(data);
    const struct vsdb_row *br;
    unsigned int i;

    VSDB_FOR_EACH_REF (br, i, root, VSDB_OVS_BRIDGES, data) {
        if (!strcmp(vsdb_row_name(br), name)) {
            return br;
        }
    }
    return NULL;
}

/* Finds the port called NAME on any bridge, including a bridge's own
 * local port.  Returns it and stores its bridge in *BRP. */
static const struct vsdb_row *
find_port_raw(const struct vsdb_data *data, const char *name,
              const struct vsdb_row **brp)
{
    const struct vsdb_row *root = vsdb_root(data);
    const struct vsdb_row *br, *port;
    unsigned int i, j;

    VSDB_FOR_EACH_REF (br, i, root, VSDB_OVS_BRIDGES, data) {
        VSDB_FOR_EACH_REF (port, j, br, VSDB_BR_PORTS, data) {
            if (!strcmp(vsdb_row_name(port), name)) {
                *brp = br;
                return port;
            }
        }
    }
    return NULL;
}

/* Finds the interface called NAME on any bridge.  Returns it and stores
 * its port and bridge in *PORTP and *BRP. */
static const struct vsdb_row *
find_iface_raw(const struct vsdb_data *data, const char *name,
               const struct vsdb_row **portp, const struct vsdb_row **brp)
{
    const struct vsdb_row *root = vsdb_root(data);
    const struct vsdb_row *br, *port, *iface;
    unsigned int i, j, k;

    VSDB_FOR_EACH_REF (br, i, root, VSDB_OVS_BRIDGES, data) {
        VSDB_FOR_EACH_REF (port, j, br, VSDB_BR_PORTS, data) {
            VSDB_FOR_EACH_REF (iface, k, port, VSDB_PORT_INTERFACES, data) {
                if (!strcmp(vsdb_row_name(iface), name)) {
                    *portp = port;
                    *brp = br;
                    return iface;
                }
            }
        }
    }
    return NULL;
}

static const struct vsdb_row *
find_bridge(struct vsctl_ctx *ctx, const char *name, bool must_exist)
{
    const struct vsdb_row *br = find_bridge_raw(vsctl_data(ctx), name);

    if (!br && must_exist) {
        vsctl_error(ctx, "no bridge named %s", name);
    }
    return br;
}

/* Finds port NAME, which must not be a bridge's local port. */
static const struct vsdb_row *
find_port(struct vsctl_ctx *ctx, const char *name, bool must_exist,
          const struct vsdb_row **brp)
{
    const struct vsdb_row *port = find_port_raw(vsctl_data(ctx), name, brp);

    if (port && !strcmp(name, vsdb_row_name(*brp))) {
        port = NULL;
    }
    if (!port && must_exist) {
        vsctl_error(ctx, "no port named %s", name);
    }
    return port;
}

/* Finds interface NAME, which must not be a bridge's local interface. */
static const struct vsdb_row *
find_iface(struct vsctl_ctx *ctx, const char *name, bool must_exist,
           const struct vsdb_row **portp, const struct vsdb_row **brp)
{
    const struct vsdb_row *iface = find_iface_raw(vsctl_data(ctx), name,
                                                  portp, brp);

    if (iface && !strcmp(name, vsdb_row_name(*brp))) {
        iface = NULL;
    }
    if (!iface && must_exist) {
        vsctl_error(ctx, "no interface named %s", name);
    }
    return iface;
}

/* Fails the command (with WHAT, e.g. "cannot create a port named p1") if
 * NAME is taken by a bridge, port or interface.  Returns true if free. */
static bool
check_conflicts(struct vsctl_ctx *ctx, const char *name, const char *what)
{
    const struct vsdb_data *data = vsctl_data(ctx);
    const struct vsdb_row *br, *port;

    if (find_bridge_raw(data, name)) {
        vsctl_error(ctx, "%s because a bridge named %s already exists",
                    what, name);
    } else if (find_port_raw(data, name, &br)) {
        vsctl_error(ctx, "%s because a port named %s already exists on "
                    "bridge %s", what, name, vsdb_row_name(br));
    } else if (find_iface_raw(data, name, &port, &br)) {
        vsctl_error(ctx, "%s because an interface named %s already exists "
                    "on bridge %s", what, name, vsdb_row_name(br));
    }
    return !ctx->error;
}

/* Appends the names in NAMES[0..N-1], sorted, one per line. */
static void
output_sorted(struct vsctl_ctx *ctx, const char **names, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const char *x = names[i];
        size_t j = i;

        for (; j > 0 && strcmp(names[j - 1], x) > 0; j--) {
            names[j] = names[j - 1];
        }
        names[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        ds_put_format(ctx->output, "%s\n", names[i]);
    }
}

/* Returns the command as the user typed it, for messages. */
static char *
command_to_string(const struct vsctl_ctx *ctx)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < ctx->n_options; i++) {
        ds_put_format(&s, "%s%s%s ", ctx->options[i].name,
                      ctx->options[i].value ? "=" : "",
                      ctx->options[i].value ? ctx->options[i].value : "");
    }
    for (int i = 0; i < ctx->argc; i++) {
        ds_put_format(&s, "%s%s", i ? " " : "", ctx->argv[i]);
    }
    return ds_steal_cstr(&s);
}

/* Row building and removal. */

/* Inserts an Interface NAME (of TYPE, or the default when NULL) and a
 * Port NAME holding it, and returns the Port. */
static const struct vsdb_row *
insert_port(struct vsctl_ctx *ctx, const char *name, const char *type)
{
    const struct vsdb_row *iface = vsdb_txn_insert(ctx->txn,
                                                   VSDB_INTERFACE);
    const struct vsdb_row *port = vsdb_txn_insert(ctx->txn, VSDB_PORT);

    vsdb_txn_set_string(ctx->txn, iface, VSDB_IFACE_NAME, name);
    if (type) {
        vsdb_txn_set_string(ctx->txn, iface, VSDB_IFACE_TYPE, type);
    }
    struct vsdb_datum ifaces;

    vsdb_txn_set_string(ctx->txn, port, VSDB_PORT_NAME, name);
    ifaces.n = 1;
    ifaces.keys = xmalloc(sizeof *ifaces.keys);
    ifaces.keys[0].uuid = iface->uuid;
    ifaces.values = NULL;
    vsdb_txn_write(ctx->txn, port, VSDB_PORT_INTERFACES, &ifaces);
    return port;
}

/* Stores the rows that reference column COLUMN of ROW points to in a new
 * array *ROWSP and returns how many there are. */
static size_t
collect_refs(const struct vsctl_ctx *ctx, const struct vsdb_row *row,
             int column, const struct vsdb_row ***rowsp)
{
    const struct vsdb_row **rows = xcalloc(vsdb_row_get(row, column)->n + 1,
                                           sizeof *rows);
    const struct vsdb_row *target;
    size_t n = 0;
    unsigned int i;

    VSDB_FOR_EACH_REF (target, i, row, column, vsctl_data(ctx)) {
        rows[n++] = target;
    }
    *rowsp = rows;
    return n;
}

/* Empties reference column COLUMN of ROW and deletes the rows it
 * referenced. */
static void
delete_referenced(struct vsctl_ctx *ctx, const struct vsdb_row *row,
                  int column)
{
    const struct vsdb_row **targets;
    size_t n = collect_refs(ctx, row, column, &targets);
    struct vsdb_datum empty;

    vsdb_datum_init_empty(&empty);
    vsdb_txn_write(ctx->txn, row, column, &empty);
    for (size_t i = 0; i < n; i++) {
        vsdb_txn_delete(ctx->txn, targets[i]);
    }
    free(targets);
}

/* Removes PORT from BR and deletes it with its interfaces. */
static void
delete_port(struct vsctl_ctx *ctx, const struct vsdb_row *br,
            const struct vsdb_row *port)
{
    vsdb_txn_remove_ref(ctx->txn, br, VSDB_BR_PORTS, port);
    delete_referenced(ctx, port, VSDB_PORT_INTERFACES);
    vsdb_txn_delete(ctx->txn, port);
}

/* Commands. */

static void
cmd_init(struct vsctl_ctx *ctx)
{
    (void) ctx;
}

static void
cmd_show(struct vsctl_ctx *ctx)
{
    vsctl_show(vsctl_data(ctx), ctx->output);
}

static void
cmd_add_br(struct vsctl_ctx *ctx)
{
    bool may_exist = vsctl_has_option(ctx, "--may-exist");
    const char *name = ctx->argv[1];
    const struct vsdb_row *br, *port;
    char *what;

    if (!name[0]) {
        vsctl_error(ctx, "bridge name must not be empty string");
        return;
    }
    if (ctx->argc == 3) {
        vsctl_error(ctx, "'%s' command takes exactly 1 or 3 arguments",
                    ctx->argv[0]);
        return;
    } else if (ctx->argc == 4) {
        vsctl_error(ctx, "'%s' with a parent bridge and VLAN (a fake "
                    "bridge) is not supported", ctx->argv[0]);
        return;
    }
    if (may_exist && find_bridge(ctx, name, false)) {
        return;
    }
    what = xasprintf("cannot create a bridge named %s", name);
    if (check_conflicts(ctx, name, what)) {
        port = insert_port(ctx, name, "internal");
        br = vsdb_txn_insert(ctx->txn, VSDB_BRIDGE);
        vsdb_txn_set_string(ctx->txn, br, VSDB_BR_NAME, name);
        vsdb_txn_add_ref(ctx->txn, br, VSDB_BR_PORTS, port);
        vsdb_txn_add_ref(ctx->txn, vsdb_root(vsctl_data(ctx)),
                         VSDB_OVS_BRIDGES, br);
    }
    free(what);
}

static void
cmd_del_br(struct vsctl_ctx *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], must_exist);
    const struct vsdb_row **ports;
    size_t n;

    if (!br) {
        return;
    }
    n = collect_refs(ctx, br, VSDB_BR_PORTS, &ports);
    for (size_t i = 0; i < n; i++) {
        delete_port(ctx, br, ports[i]);
    }
    free(ports);
    delete_referenced(ctx, br, VSDB_BR_CONTROLLER);
    vsdb_txn_remove_ref(ctx->txn, vsdb_root(vsctl_data(ctx)),
                        VSDB_OVS_BRIDGES, br);
    vsdb_txn_delete(ctx->txn, br);
}

static void
cmd_list_br(struct vsctl_ctx *ctx)
{
    const struct vsdb_data *data = vsctl_data(ctx);
    const struct vsdb_row *root = vsdb_root(data);
    const struct vsdb_datum *bridges = vsdb_row_get(root, VSDB_OVS_BRIDGES);
    const char **names = xcalloc(bridges->n + 1, sizeof *names);
    const struct vsdb_row *br;
    size_t n = 0;
    unsigned int i;

    /* There are no fake bridges, so --fake alone lists nothing. */
    if (!vsctl_has_option(ctx, "--fake") || vsctl_has_option(ctx, "--real")) {
        VSDB_FOR_EACH_REF (br, i, root, VSDB_OVS_BRIDGES, data) {
            names[n++] = vsdb_row_name(br);
        }
    }
    output_sorted(ctx, names, n);
    free(names);
}

static void
cmd_br_exists(struct vsctl_ctx *ctx)
{
    if (!find_bridge(ctx, ctx->argv[1], false)) {
        ctx->error = xstrdup("");
        ctx->exit_status = 2;
    }
}

static void
cmd_br_to_vlan(struct vsctl_ctx *ctx)
{
    if (find_bridge(ctx, ctx->argv[1], true)) {
        ds_put_cstr(ctx->output, "0\n");
    }
}

static void
cmd_br_to_parent(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);

    if (br) {
        ds_put_format(ctx->output, "%s\n", vsdb_row_name(br));
    }
}

static void
cmd_br_set_external_id(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);

    if (br) {
        vsdb_txn_set_smap(ctx->txn, br, VSDB_BR_EXTERNAL_IDS, ctx->argv[2],
                          ctx->argc >= 4 ? ctx->argv[3] : NULL);
    }
}

static void
cmd_br_get_external_id(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);
    const struct vsdb_datum *ids;

    if (!br) {
        return;
    }
    ids = vsdb_row_get(br, VSDB_BR_EXTERNAL_IDS);
    if (ctx->argc >= 3) {
        const char *value = vsdb_datum_get_smap(ids, ctx->argv[2]);

        if (value) {
            ds_put_format(ctx->output, "%s\n", value);
        }
    } else {
        for (unsigned int i = 0; i < ids->n; i++) {
            ds_put_format(ctx->output, "%s=%s\n", ids->keys[i].string,
                          ids->values[i].string);
        }
    }
}

static void
cmd_list_ports(struct vsctl_ctx *ctx)
{
    const struct vsdb_data *data = vsctl_data(ctx);
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);
    const struct vsdb_row *port;
    const char **names;
    size_t n = 0;
    unsigned int i;

    if (!br) {
        return;
    }
    names = xcalloc(vsdb_row_get(br, VSDB_BR_PORTS)->n + 1, sizeof *names);
    VSDB_FOR_EACH_REF (port, i, br, VSDB_BR_PORTS, data) {
        if (strcmp(vsdb_row_name(port), vsdb_row_name(br))) {
            names[n++] = vsdb_row_name(port);
        }
    }
    output_sorted(ctx, names, n);
    free(names);
}

static void
cmd_add_port(struct vsctl_ctx *ctx)
{
    bool may_exist = vsctl_has_option(ctx, "--may-exist");
    const char *br_name = ctx->argv[1];
    const char *name = ctx->argv[2];
    const struct vsdb_row *br, *port;
    char *what;

    if (!name[0]) {
        vsctl_error(ctx, "port name must not be empty string");
        return;
    }
    if (may_exist) {
        port = find_port(ctx, name, false, &br);
        if (port) {
            const struct vsdb_datum *ifaces;
            const struct vsdb_row *iface;

            if (strcmp(vsdb_row_name(br), br_name)) {
                char *command = command_to_string(ctx);

                vsctl_error(ctx, "\"%s\" but %s is actually attached to "
                            "bridge %s", command, name, vsdb_row_name(br));
                free(command);
                return;
            }
            ifaces = vsdb_row_get(port, VSDB_PORT_INTERFACES);
            iface = ifaces->n == 1 ? vsdb_row_ref(vsctl_data(ctx), port,
                                                  VSDB_PORT_INTERFACES, 0)
                                   : NULL;
            if (!iface || strcmp(vsdb_row_name(iface), name)) {
                struct ds have = DS_EMPTY_INITIALIZER;
                char *command = command_to_string(ctx);
                unsigned int i;

                VSDB_FOR_EACH_REF (iface, i, port, VSDB_PORT_INTERFACES,
                                   vsctl_data(ctx)) {
                    ds_put_format(&have, "%s%s", have.length ? ", " : "",
                                  vsdb_row_name(iface));
                }
                vsctl_error(ctx, "\"%s\" but %s actually has interface(s) "
                            "%s", command, name, ds_cstr(&have));
                ds_destroy(&have);
                free(command);
            }
            return;
        }
    }

    what = xasprintf("cannot create a port named %s", name);
    check_conflicts(ctx, name, what);
    free(what);
    br = ctx->error ? NULL : find_bridge(ctx, br_name, true);
    if (!br) {
        return;
    }
    port = insert_port(ctx, name, NULL);
    for (int i = 3; i < ctx->argc && !ctx->error; i++) {
        ctx->error = vsctl_set_column(ctx, VSDB_PORT, port, ctx->argv[i]);
    }
    vsdb_txn_add_ref(ctx->txn, br, VSDB_BR_PORTS, port);
}

static void
cmd_del_port(struct vsctl_ctx *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    bool with_iface = vsctl_has_option(ctx, "--with-iface");
    const char *target = ctx->argv[ctx->argc - 1];
    const struct vsdb_row *port = NULL, *br = NULL;

    if (find_bridge(ctx, target, false)) {
        if (must_exist) {
            vsctl_error(ctx, "cannot delete port %s because it is the local "
                        "port for bridge %s (deleting this port requires "
                        "deleting the entire bridge)", target, target);
        }
        return;
    } else if (!with_iface) {
        port = find_port(ctx, target, must_exist, &br);
    } else {
        port = find_port(ctx, target, false, &br);
        if (!port) {
            const struct vsdb_row *iface = find_iface(ctx, target, false,
                                                      &port, &br);
            if (!iface) {
                port = NULL;
            }
        }
        if (!port && must_exist) {
            vsctl_error(ctx, "no port or interface named %s", target);
        }
    }
    if (!port) {
        return;
    }
    if (ctx->argc == 3) {
        const struct vsdb_row *want = find_bridge(ctx, ctx->argv[1], true);

        if (!want) {
            return;
        }
        if (want != br) {
            vsctl_error(ctx, "bridge %s does not have a port %s",
                        ctx->argv[1], ctx->argv[2]);
            return;
        }
    }
    delete_port(ctx, br, port);
}

static void
cmd_port_to_br(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br;

    if (find_port(ctx, ctx->argv[1], true, &br)) {
        ds_put_format(ctx->output, "%s\n", vsdb_row_name(br));
    }
}

static void
cmd_list_ifaces(struct vsctl_ctx *ctx)
{
    const struct vsdb_data *data = vsctl_data(ctx);
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);
    const struct vsdb_row *port, *iface;
    const char **names = NULL;
    size_t n = 0, allocated = 0;
    unsigned int i, j;

    if (!br) {
        return;
    }
    VSDB_FOR_EACH_REF (port, i, br, VSDB_BR_PORTS, data) {
        VSDB_FOR_EACH_REF (iface, j, port, VSDB_PORT_INTERFACES, data) {
            if (strcmp(vsdb_row_name(iface), vsdb_row_name(br))) {
                if (n >= allocated) {
                    names = x2nrealloc(names, &allocated, sizeof *names);
                }
                names[n++] = vsdb_row_name(iface);
            }
        }
    }
    output_sorted(ctx, names, n);
    free(names);
}

static void
cmd_iface_to_br(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *port, *br;

    if (find_iface(ctx, ctx->argv[1], true, &port, &br)) {
        ds_put_format(ctx->output, "%s\n", vsdb_row_name(br));
    }
}

/* Appends the targets of reference set COLUMN of ROW (Controller or
 * Manager rows), sorted, without duplicates. */
static void
output_targets(struct vsctl_ctx *ctx, const struct vsdb_row *row,
               int column, int target_column)
{
    const struct vsdb_data *data = vsctl_data(ctx);
    const char **names = xcalloc(vsdb_row_get(row, column)->n + 1,
                                 sizeof *names);
    const struct vsdb_row *target;
    size_t n = 0;
    unsigned int i;

    VSDB_FOR_EACH_REF (target, i, row, column, data) {
        const char *name = vsdb_row_get_string(target, target_column);
        bool dup = false;

        for (size_t k = 0; k < n; k++) {
            dup = dup || !strcmp(names[k], name);
        }
        if (!dup) {
            names[n++] = name;
        }
    }
    output_sorted(ctx, names, n);
    free(names);
}

static void
cmd_get_controller(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);

    if (br) {
        output_targets(ctx, br, VSDB_BR_CONTROLLER, VSDB_CTRL_TARGET);
    }
}

static void
cmd_del_controller(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);

    if (br) {
        delete_referenced(ctx, br, VSDB_BR_CONTROLLER);
    }
}

static void
cmd_set_controller(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);

    if (!br) {
        return;
    }
    delete_referenced(ctx, br, VSDB_BR_CONTROLLER);
    for (int i = 2; i < ctx->argc; i++) {
        const struct vsdb_row *ctrl = vsdb_txn_insert(ctx->txn,
                                                      VSDB_CONTROLLER);

        vsdb_txn_set_string(ctx->txn, ctrl, VSDB_CTRL_TARGET, ctx->argv[i]);
        vsdb_txn_add_ref(ctx->txn, br, VSDB_BR_CONTROLLER, ctrl);
    }
}

static void
cmd_get_fail_mode(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);
    const char *mode = br ? vsdb_row_get_string(br, VSDB_BR_FAIL_MODE)
                          : NULL;

    if (mode && mode[0]) {
        ds_put_format(ctx->output, "%s\n", mode);
    }
}

static void
cmd_del_fail_mode(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);

    if (br) {
        vsdb_txn_set_string(ctx->txn, br, VSDB_BR_FAIL_MODE, NULL);
    }
}

static void
cmd_set_fail_mode(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *br = find_bridge(ctx, ctx->argv[1], true);
    const char *mode = ctx->argv[2];

    if (!br) {
        return;
    }
    if (strcmp(mode, "standalone") && strcmp(mode, "secure")) {
        vsctl_error(ctx, "fail-mode must be \"standalone\" or \"secure\"");
        return;
    }
    vsdb_txn_set_string(ctx->txn, br, VSDB_BR_FAIL_MODE, mode);
}

static void
cmd_get_manager(struct vsctl_ctx *ctx)
{
    output_targets(ctx, vsdb_root(vsctl_data(ctx)), VSDB_OVS_MANAGER_OPTIONS,
                   VSDB_MGR_TARGET);
}

static void
cmd_del_manager(struct vsctl_ctx *ctx)
{
    delete_referenced(ctx, vsdb_root(vsctl_data(ctx)),
                      VSDB_OVS_MANAGER_OPTIONS);
}

static void
cmd_set_manager(struct vsctl_ctx *ctx)
{
    const struct vsdb_row *root = vsdb_root(vsctl_data(ctx));

    cmd_del_manager(ctx);
    for (int i = 1; i < ctx->argc; i++) {
        const struct vsdb_row *mgr;

        mgr = vsdb_find_row(vsctl_data(ctx), VSDB_MANAGER, ctx->argv[i]);
        if (!mgr) {
            mgr = vsdb_txn_insert(ctx->txn, VSDB_MANAGER);
            vsdb_txn_set_string(ctx->txn, mgr, VSDB_MGR_TARGET,
                                ctx->argv[i]);
        }
        vsdb_txn_add_ref(ctx->txn, root, VSDB_OVS_MANAGER_OPTIONS, mgr);
    }
}

static const struct vsctl_syntax vswitch_commands[] = {
    { "init", 0, 0, "", cmd_init, "" },
    { "show", 0, 0, "", cmd_show, "" },
    { "add-br", 1, 3, "NEW-BRIDGE [PARENT] [NEW-VLAN]", cmd_add_br,
      "--may-exist" },
    { "del-br", 1, 1, "BRIDGE", cmd_del_br, "--if-exists" },
    { "list-br", 0, 0, "", cmd_list_br, "--real,--fake" },
    { "br-exists", 1, 1, "BRIDGE", cmd_br_exists, "" },
    { "br-to-vlan", 1, 1, "BRIDGE", cmd_br_to_vlan, "" },
    { "br-to-parent", 1, 1, "BRIDGE", cmd_br_to_parent, "" },
    { "br-set-external-id", 2, 3, "BRIDGE KEY [VALUE]",
      cmd_br_set_external_id, "" },
    { "br-get-external-id", 1, 2, "BRIDGE [KEY]", cmd_br_get_external_id,
      "" },
    { "list-ports", 1, 1, "BRIDGE", cmd_list_ports, "" },
    { "add-port", 2, INT_MAX, "BRIDGE NEW-PORT [COLUMN[:KEY]=VALUE]...",
      cmd_add_port, "--may-exist" },
    { "del-port", 1, 2, "[BRIDGE] PORT|IFACE", cmd_del_port,
      "--if-exists,--with-iface" },
    { "port-to-br", 1, 1, "PORT", cmd_port_to_br, "" },
    { "list-ifaces", 1, 1, "BRIDGE", cmd_list_ifaces, "" },
    { "iface-to-br", 1, 1, "IFACE", cmd_iface_to_br, "" },
    { "get-controller", 1, 1, "BRIDGE", cmd_get_controller, "" },
    { "del-controller", 1, 1, "BRIDGE", cmd_del_controller, "" },
    { "set-controller", 1, INT_MAX, "BRIDGE TARGET...", cmd_set_controller,
      "" },
    { "get-fail-mode", 1, 1, "BRIDGE", cmd_get_fail_mode, "" },
    { "del-fail-mode", 1, 1, "BRIDGE", cmd_del_fail_mode, "" },
    { "set-fail-mode", 2, 2, "BRIDGE MODE", cmd_set_fail_mode, "" },
    { "get-manager", 0, 0, "", cmd_get_manager, "" },
    { "del-manager", 0, 0, "", cmd_del_manager, "" },
    { "set-manager", 1, INT_MAX, "TARGET...", cmd_set_manager, "" },
    { NULL, 0, 0, NULL, NULL, NULL },
};

/* Commands that ovs-vsctl has and vsctl deliberately does not. */
static const char *const unsupported_commands[] = {
    "add-bond", "add-bond-iface", "del-bond-iface", "emer-reset", "create",
    "wait-until", "get-ssl", "del-ssl", "set-ssl", "add-aa-mapping",
    "del-aa-mapping", "get-aa-mapping", NULL,
};

static const struct vsctl_syntax *
find_syntax(const char *name)
{
    for (const struct vsctl_syntax *p = vswitch_commands; p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    for (const struct vsctl_syntax *p = vsctl_db_commands; p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

/* Returns true if NAME is an option of some command (so that, given
 * before the first command, it applies to that command). */
static bool
is_command_option(const char *name)
{
    const struct vsctl_syntax *tables[] = { vswitch_commands,
                                            vsctl_db_commands };

    for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
        for (const struct vsctl_syntax *p = tables[t]; p->name; p++) {
            const char *s = strstr(p->options, name);

            if (s && (s == p->options || s[-1] == ',')
                && strchr("=,", s[strlen(name)])) {
                return true;
            }
        }
    }
    return false;
}

/* Command line parsing. */

/* One parsed command. */
struct command {
    const struct vsctl_syntax *syntax;  /* What to run. */
    int argc;                           /* Arguments, with the name. */
    const char **argv;                  /* Points into the line. */
    struct vsctl_option *options;       /* Its options. */
    size_t n_options;                   /* Number of options. */
    struct ds output;                   /* Its output. */
    bool is_table;                      /* Output is a list or find table. */
};

/* Global options of a line. */
struct line_options {
    bool dry_run;                       /* --dry-run. */
    bool oneline;                       /* --oneline. */
    bool bare;                          /* --bare. */
    bool help;                          /* --help. */
};

static void
free_options(struct vsctl_option *options, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(options[i].name);
        free(options[i].value);
    }
    free(options);
}

static char *
add_option(struct vsctl_option **options, size_t *n, const char *arg)
{
    const char *equals = strchr(arg, '=');
    char *name = equals ? xstrndup(arg, (size_t) (equals - arg))
                        : xstrdup(arg);

    for (size_t i = 0; i < *n; i++) {
        if (!strcmp((*options)[i].name, name)) {
            free(name);
            return xasprintf("'%s' option specified multiple times", arg);
        }
    }
    *options = xrealloc(*options, (*n + 1) * sizeof **options);
    (*options)[*n].name = name;
    (*options)[*n].value = equals ? xstrdup(equals + 1) : NULL;
    (*n)++;
    return NULL;
}

/* Parses the global options at the start of ARGV.  Options that belong to
 * commands are collected in *LOCAL (for the first command).  Stores the
 * index of the first command word in *IP. */
static char *
parse_global_options(int argc, const char *argv[], struct line_options *opts,
                     struct vsctl_option **local, size_t *n_local, int *ip)
{
    int i;

    for (i = 0; i < argc && argv[i][0] == '-'; i++) {
        const char *arg = argv[i];
        char *name = xstrndup(arg, strcspn(arg, "="));
        const char *value = strchr(arg, '=');
        char *error = NULL;

        if (!strcmp(arg, "--")) {
            free(name);
            i++;
            break;
        } else if (!strcmp(arg, "--dry-run")) {
            opts->dry_run = true;
        } else if (!strcmp(arg, "--oneline")) {
            opts->oneline = true;
        } else if (!strcmp(arg, "--bare")) {
            opts->bare = true;
        } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            opts->help = true;
        } else if (!strcmp(arg, "--no-wait") || !strcmp(arg, "--retry")
                   || !strcmp(arg, "--no-syslog")) {
            /* Accepted for compatibility: commits never wait. */
        } else if (!strcmp(name, "--timeout") || !strcmp(arg, "-t")) {
            uint64_t secs;

            if (!value) {
                if (i + 1 >= argc) {
                    error = xasprintf("option '%s' requires an argument",
                                      arg);
                } else {
                    value = argv[++i];
                }
            } else {
                value++;
            }
            if (!error && !str_to_uint64(value, 10, INT_MAX, &secs)) {
                error = xasprintf("value %s on -t or --timeout is invalid",
                                  value);
            }
        } else if (!strcmp(name, "--db")) {
            error = xstrdup("--db is not supported: vsctl talks to the "
                            "node chosen with --rundir or VXSTACK_RUNDIR");
        } else if (is_command_option(name)) {
            error = add_option(local, n_local, arg);
        } else {
            error = xasprintf("unrecognized option '%s'", arg);
        }
        free(name);
        if (error) {
            return error;
        }
    }
    *ip = i;
    return NULL;
}

/* Checks the options of command C against its syntax. */
static char *
check_command_options(const struct command *c)
{
    const char *options = c->syntax->options;

    for (size_t i = 0; i < c->n_options; i++) {
        const struct vsctl_option *o = &c->options[i];
        const char *s = strstr(options, o->name);
        char end;

        while (s && s != options && s[-1] != ',') {
            s = strstr(s + 1, o->name);
        }
        end = s ? s[strlen(o->name)] : '?';
        if (!s || (end != '\0' && end != ',' && end != '=')) {
            return xasprintf("'%s' command has no '%s' option",
                             c->syntax->name, o->name);
        }
        if ((end == '=') != (o->value != NULL)) {
            return (end == '='
                    ? xasprintf("missing argument to '%s' option on '%s' "
                                "command", o->name, c->syntax->name)
                    : xasprintf("'%s' option on '%s' does not accept an "
                                "argument", o->name, c->syntax->name));
        }
    }
    return NULL;
}

/* Parses one command from ARGV[0..ARGC-1] into C, starting with the
 * options in *LOCAL (which it takes over). */
static char *
parse_command(int argc, const char *argv[], struct vsctl_option **local,
              size_t *n_local, struct command *c)
{
    char *error;
    int n_args;
    int i;

    memset(c, 0, sizeof *c);
    c->options = *local;
    c->n_options = *n_local;
    *local = NULL;
    *n_local = 0;
    for (i = 0; i < argc && argv[i][0] == '-'; i++) {
        error = add_option(&c->options, &c->n_options, argv[i]);
        if (error) {
            return error;
        }
    }
    if (i == argc) {
        return xstrdup("missing command name (use --help for help)");
    }
    c->syntax = find_syntax(argv[i]);
    if (!c->syntax) {
        for (const char *const *u = unsupported_commands; *u; u++) {
            if (!strcmp(*u, argv[i])) {
                return xasprintf("'%s' command is not supported by "
                                 "vxstack", argv[i]);
            }
        }
        return xasprintf("unknown command '%s'; use --help for help",
                         argv[i]);
    }
    error = check_command_options(c);
    if (error) {
        return error;
    }
    n_args = argc - i - 1;
    if (n_args < c->syntax->min_args) {
        return xasprintf("'%s' command requires at least %d arguments",
                         c->syntax->name, c->syntax->min_args);
    } else if (n_args > c->syntax->max_args) {
        for (int j = i + 1; j < argc; j++) {
            if (argv[j][0] == '-') {
                return xasprintf("'%s' command takes at most %d arguments "
                                 "(note that options must precede command "
                                 "names and follow a \"--\" argument)",
                                 c->syntax->name, c->syntax->max_args);
            }
        }
        return xasprintf("'%s' command takes at most %d arguments",
                         c->syntax->name, c->syntax->max_args);
    }
    c->argc = n_args + 1;
    c->argv = &argv[i];
    return NULL;
}

static void
usage(struct ds *out)
{
    ds_put_cstr(out,
"vxstack vsctl: switch configuration utility (ovs-vsctl commands)\n"
"usage: vxstack vsctl [OPTIONS] COMMAND [ARG...] [-- COMMAND [ARG...]]...\n"
"\n"
"Open vSwitch commands:\n"
"  init                        initialize database, if not yet initialized\n"
"  show                        print overview of database contents\n"
"\n"
"Bridge commands:\n"
"  add-br BRIDGE               create a new bridge named BRIDGE\n"
"  del-br BRIDGE               delete BRIDGE and all of its ports\n"
"  list-br                     print the names of all the bridges\n"
"  br-exists BRIDGE            exit 2 if BRIDGE does not exist\n"
"  br-to-vlan BRIDGE           print the VLAN which BRIDGE is on\n"
"  br-to-parent BRIDGE         print the parent of BRIDGE\n"
"  br-set-external-id BRIDGE KEY VALUE  set KEY on BRIDGE to VALUE\n"
"  br-set-external-id BRIDGE KEY  unset KEY on BRIDGE\n"
"  br-get-external-id BRIDGE KEY  print value of KEY on BRIDGE\n"
"  br-get-external-id BRIDGE  list key-value pairs on BRIDGE\n"
"\n"
"Port commands:\n"
"  list-ports BRIDGE           print the names of all the ports on BRIDGE\n"
"  add-port BRIDGE PORT        add network device PORT to BRIDGE\n"
"  del-port [BRIDGE] PORT      delete PORT from BRIDGE\n"
"  port-to-br PORT             print name of bridge that contains PORT\n"
"\n"
"Interface commands:\n"
"  list-ifaces BRIDGE          print the names of all interfaces on BRIDGE\n"
"  iface-to-br IFACE           print name of bridge that contains IFACE\n"
"\n"
"Controller commands:\n"
"  get-controller BRIDGE      print the controllers for BRIDGE\n"
"  del-controller BRIDGE      delete the controllers for BRIDGE\n"
"  set-controller BRIDGE TARGET...  set the controllers for BRIDGE\n"
"  get-fail-mode BRIDGE       print the fail-mode for BRIDGE\n"
"  del-fail-mode BRIDGE       delete the fail-mode for BRIDGE\n"
"  set-fail-mode BRIDGE MODE  set the fail-mode for BRIDGE to MODE\n"
"\n"
"Manager commands:\n"
"  get-manager                print the managers\n"
"  del-manager                delete the managers\n"
"  set-manager TARGET...      set the list of managers to TARGET...\n"
"\n"
"Database commands:\n"
"  list TABLE [RECORD]         list RECORD (or all records) in TABLE\n"
"  find TABLE CONDITION...     list records satisfying CONDITION in TABLE\n"
"  get TABLE RECORD COLUMN[:KEY]  print values of COLUMNs in RECORD\n"
"  set TABLE RECORD COLUMN[:KEY]=VALUE  set COLUMN values in RECORD\n"
"  add TABLE RECORD COLUMN [KEY=]VALUE  add (KEY=)VALUE to COLUMN\n"
"  remove TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE  remove from COLUMN\n"
"  clear TABLE RECORD COLUMN   clear values from COLUMN in RECORD\n"
"  destroy TABLE RECORD        delete RECORD from TABLE\n"
"Tables: Open_vSwitch, Bridge, Port, Interface, Controller, Manager.\n"
"\n"
"Options:\n"
"  --dry-run                   do not commit changes to database\n"
"  --oneline                   print exactly one line of output per "
"command\n"
"  --bare                      print only values in list and find output\n"
"  --columns=COLUMN,...        columns for list and find\n"
"  --may-exist, --if-exists    per-command options, as in ovs-vsctl\n"
"  --no-wait, -t SECS          accepted; commits apply immediately\n");
}

/* Appends OUTPUT to OUT as --oneline prints it. */
static void
put_oneline(struct ds *out, const struct ds *output)
{
    size_t len = output->length;

    if (len && output->string[len - 1] == '\n') {
        len--;
    }
    for (size_t i = 0; i < len; i++) {
        char c = output->string[i];

        if (c == '\n') {
            ds_put_cstr(out, "\\n");
        } else if (c == '\\') {
            ds_put_cstr(out, "\\\\");
        } else {
            ds_put_char(out, c);
        }
    }
    ds_put_char(out, '\n');
}

/* Logs a command line that changed the database, as ovs-vsctl logs
 * "Called as ...". */
static void
log_command_line(int argc, const char *argv[])
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (int i = 0; i < argc; i++) {
        ds_put_format(&s, " %s", argv[i]);
    }
    VLOG_INFO("vsctl%s", ds_cstr(&s));
    ds_destroy(&s);
}

int
vsctl_run(struct vsdb *db, int argc, const char *argv[], struct ds *out)
{
    struct line_options opts = { false, false, false, false };
    struct vsctl_option *local = NULL;
    struct command *commands = NULL;
    size_t n_commands = 0, n_local = 0;
    struct vsdb_txn *txn = NULL;
    char *error = NULL;
    int status = 1;
    int n_tables = 0;
    int i, start;

    error = parse_global_options(argc, argv, &opts, &local, &n_local, &i);
    if (error) {
        goto out;
    }
    if (opts.help) {
        usage(out);
        status = 0;
        goto out;
    }

    /* Split the rest into commands at each "--". */
    for (start = i; i <= argc; i++) {
        if (i == argc || !strcmp(argv[i], "--")) {
            if (i > start) {
                commands = xrealloc(commands,
                                    (n_commands + 1) * sizeof *commands);
                error = parse_command(i - start, &argv[start], &local,
                                      &n_local, &commands[n_commands]);
                n_commands++;
                if (error) {
                    goto out;
                }
            } else if (n_local) {
                error = xstrdup("missing command name (use --help for "
                                "help)");
                goto out;
            }
            start = i + 1;
        }
    }
    if (!n_commands) {
        error = xstrdup("missing command name (use --help for help)");
        goto out;
    }

    txn = vsdb_txn_begin(db);
    for (size_t c = 0; c < n_commands; c++) {
        struct command *cmd = &commands[c];
        struct vsctl_ctx ctx = {
            .txn = txn,
            .argc = cmd->argc,
            .argv = cmd->argv,
            .options = cmd->options,
            .n_options = cmd->n_options,
            .output = &cmd->output,
            .format = opts.bare ? VSCTL_FORMAT_BARE : VSCTL_FORMAT_LIST,
            .n_tables = &n_tables,
        };

        cmd->syntax->run(&ctx);
        cmd->is_table = ctx.printed_table;
        if (ctx.error) {
            error = ctx.error;
            status = ctx.exit_status ? ctx.exit_status : 1;
            goto out;
        }
    }
    if (opts.dry_run) {
        vsdb_txn_abort(txn);
    } else {
        uint64_t seqno = vsdb_get_seqno(db);

        error = vsdb_txn_commit(txn);
        if (!error && vsdb_get_seqno(db) != seqno) {
            log_command_line(argc, argv);
        }
    }
    txn = NULL;
    if (error) {
        goto out;
    }

    for (size_t c = 0; c < n_commands; c++) {
        if (opts.oneline && !commands[c].is_table) {
            put_oneline(out, &commands[c].output);
        } else {
            ds_put_buffer(out, commands[c].output.string,
                          commands[c].output.length);
        }
    }
    status = 0;

out:
    vsdb_txn_abort(txn);
    if (error) {
        COVERAGE_INC(vsctl_command_error);
        ds_clear(out);
        ds_put_cstr(out, error);
        free(error);
    }
    for (size_t c = 0; c < n_commands; c++) {
        free_options(commands[c].options, commands[c].n_options);
        ds_destroy(&commands[c].output);
    }
    free(commands);
    free_options(local, n_local);
    return status;
}

static void
vsctl_unixctl(struct ctl_conn *conn, int argc, const char *argv[], void *db)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    int status = vsctl_run(db, argc - 1, argv + 1, &out);

    if (status) {
        ctl_reply_status(conn, status, ds_cstr(&out));
    } else {
        ctl_reply(conn, ds_cstr(&out));
    }
    ds_destroy(&out);
}

void
vsctl_register_commands(struct vsdb *db)
{
    ctl_command_register("vsctl", "[OPTIONS] COMMAND [ARG...] [-- COMMAND "
                         "[ARG...]]...", 0, CTL_MAX_ARGS, vsctl_unixctl, db);
}
