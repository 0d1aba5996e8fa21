/* vsdb-iface.c: checks of interface types and options at commit, so that
 * a configuration the switch cannot set up is refused with the error that
 * ovs-vsctl would report after ovs-vswitchd failed to apply it
 * ("Error detected while setting up 'vxlan-0a000001': ..."), and nothing
 * changes. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/vsdb-private.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vsdb_iface);
COVERAGE_DEFINE(vsdb_iface_bad_config);

/* Interface types the switch implements. */
static const char *const iface_types[] = {
    "", "dummy", "internal", "patch", "system", "tap", "vxlan", NULL,
};

/* Options a vxlan interface accepts. */
static const char *const vxlan_options[] = {
    "csum", "df_default", "dst_port", "egress_pkt_mark", "in_key", "key",
    "local_ip", "out_key", "remote_ip", "tos", "ttl", NULL,
};

static bool
in_list(const char *const *list, const char *s)
{
    for (; *list; list++) {
        if (!strcmp(*list, s)) {
            return true;
        }
    }
    return false;
}

static bool
is_ip_address(const char *s)
{
    unsigned char buf[16];

    return (inet_pton(AF_INET, s, buf) == 1
            || inet_pton(AF_INET6, s, buf) == 1);
}

/* Returns true if S is a decimal or 0x-hexadecimal number in [MIN, MAX]. */
static bool
is_number_in(const char *s, uint64_t min, uint64_t max)
{
    uint64_t x;

    return str_to_uint64(s, 0, max, &x) && x >= min;
}

static char *
check_vxlan_option(const char *key, const char *value)
{
    if (!strcmp(key, "remote_ip") || !strcmp(key, "local_ip")) {
        if (strcmp(value, "flow") && !is_ip_address(value)) {
            return xasprintf("bad vxlan '%s' \"%s\" (an IP address or "
                             "\"flow\")", key, value);
        }
    } else if (!strcmp(key, "key") || !strcmp(key, "in_key")
               || !strcmp(key, "out_key")) {
        if (strcmp(value, "flow") && !is_number_in(value, 0, 0xffffff)) {
            return xasprintf("bad vxlan '%s' \"%s\" (a VNI from 0 to "
                             "16777215, or \"flow\")", key, value);
        }
    } else if (!strcmp(key, "dst_port")) {
        if (!is_number_in(value, 1, 65535)) {
            return xasprintf("bad vxlan 'dst_port' \"%s\" (a UDP port from "
                             "1 to 65535)", value);
        }
    } else if (!strcmp(key, "tos")) {
        if (strcmp(value, "inherit") && !is_number_in(value, 0, 255)) {
            return xasprintf("bad vxlan 'tos' \"%s\" (0 to 255, or "
                             "\"inherit\")", value);
        }
    } else if (!strcmp(key, "ttl")) {
        if (strcmp(value, "inherit") && !is_number_in(value, 1, 255)) {
            return xasprintf("bad vxlan 'ttl' \"%s\" (1 to 255, or "
                             "\"inherit\")", value);
        }
    } else if (!strcmp(key, "df_default") || !strcmp(key, "csum")) {
        if (strcmp(value, "true") && strcmp(value, "false")) {
            return xasprintf("bad vxlan '%s' \"%s\" (\"true\" or "
                             "\"false\")", key, value);
        }
    } else if (!strcmp(key, "egress_pkt_mark")) {
        if (!is_number_in(value, 0, UINT32_MAX)) {
            return xasprintf("bad vxlan 'egress_pkt_mark' \"%s\" (a 32-bit "
                             "number)", value);
        }
    }
    return NULL;
}

char *
vsdb_iface_check_config(const char *name, const char *type,
                        const struct vsdb_datum *options)
{
    if (!in_list(iface_types, type)) {
        return xasprintf("unsupported interface type \"%s\" (supported: "
                         "dummy, internal, patch, system, tap, vxlan)",
                         type);
    }

    if (!strcmp(type, "patch")) {
        const char *peer = vsdb_datum_get_smap(options, "peer");

        for (unsigned int i = 0; i < options->n; i++) {
            if (strcmp(options->keys[i].string, "peer")) {
                return xasprintf("unknown patch argument '%s'",
                                 options->keys[i].string);
            }
        }
        if (!peer || !peer[0]) {
            return xstrdup("patch type requires valid 'peer' argument");
        }
        if (!strcmp(peer, name)) {
            return xstrdup("patch peer must not be self");
        }
    } else if (!strcmp(type, "vxlan")) {
        for (unsigned int i = 0; i < options->n; i++) {
            const char *key = options->keys[i].string;
            char *error;

            if (!in_list(vxlan_options, key)) {
                return xasprintf("unknown vxlan argument '%s'", key);
            }
            error = check_vxlan_option(key, options->values[i].string);
            if (error) {
                return error;
            }
        }
        if (!vsdb_datum_get_smap(options, "remote_ip")) {
            return xstrdup("vxlan type requires valid 'remote_ip' "
                           "argument");
        }
    } else if (options->n) {
        return xasprintf("unknown %s argument '%s' (%s interfaces take no "
                         "options)", type[0] ? type : "system",
                         options->keys[0].string,
                         type[0] ? type : "system");
    }
    return NULL;
}

char *
vsdb_iface_validate(const struct vsdb_data *old, const struct vsdb_data *new,
                    void *aux)
{
    const struct vsdb_row *iface;
    size_t i;

    (void) aux;
    VSDB_FOR_EACH_ROW (iface, i, VSDB_INTERFACE, new) {
        const struct vsdb_row *was = vsdb_get_row(old, VSDB_INTERFACE,
                                                  &iface->uuid);
        const struct vsdb_type *options_type
            = &vsdb_column(VSDB_INTERFACE, VSDB_IFACE_OPTIONS)->type;
        const char *name = vsdb_row_name(iface);
        const char *type = vsdb_row_get_string(iface, VSDB_IFACE_TYPE);
        char *error;

        if (was && !strcmp(type, vsdb_row_get_string(was, VSDB_IFACE_TYPE))
            && vsdb_datum_equals(vsdb_row_get(was, VSDB_IFACE_OPTIONS),
                                 vsdb_row_get(iface, VSDB_IFACE_OPTIONS),
                                 options_type)) {
            continue;
        }
        error = vsdb_iface_check_config(
            name, type, vsdb_row_get(iface, VSDB_IFACE_OPTIONS));
        if (error) {
            char *msg = xasprintf("Error detected while setting up '%s': "
                                  "%s.  See vxstackd log for details.",
                                  name, error);

            COVERAGE_INC(vsdb_iface_bad_config);
            VLOG_WARN("%s: %s", name, error);
            free(error);
            return msg;
        }
    }
    return NULL;
}
