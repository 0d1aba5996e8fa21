/*
 * flow-parse.c: fuzz target for flow-mod text.  Arbitrary bytes are a
 * flow-mod string as `ovs-ofctl add-flow` takes it ("table=71,priority=95,
 * arp,reg5=0x4 actions=resubmit(,94)").  When it parses, the flow is
 * printed as a dump-flows line; that line must parse again and print
 * identically.  The bytes are also tried as a modify and a delete.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/match.h"
#include "flow/ofp-actions.h"
#include "flow/ofp-parse.h"
#include "flow/port-map.h"
#include "lib/ds.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Appends FM as a dump-flows line without statistics. */
static void
format_flow_mod(const struct ofp_flow_mod *fm,
                const struct ofp_port_map *map, struct ds *s)
{
    struct ofp_flow_stats fs;

    memset(&fs, 0, sizeof fs);
    fs.table_id = fm->table_id;
    fs.cookie = fm->cookie;
    fs.priority = fm->priority;
    fs.match = &fm->match;
    fs.ofpacts = &fm->ofpacts;
    fs.idle_timeout = fm->idle_timeout;
    fs.hard_timeout = fm->hard_timeout;
    fs.importance = fm->importance;
    fs.flags = fm->flags;
    fs.idle_age = -1;
    fs.hard_age = -1;
    ofp_flow_stats_format(&fs, map, false, s);
}

static void
check_roundtrip(const struct ofp_flow_mod *fm, const struct ofp_port_map *map)
{
    struct ds s1 = DS_EMPTY_INITIALIZER;
    struct ds s2 = DS_EMPTY_INITIALIZER;
    struct ofp_flow_mod again;
    char *error;

    format_flow_mod(fm, map, &s1);
    /* OVS prints a fragment match that no flow can have as "<error>". */
    if (!strstr(ds_cstr(&s1), "<error>")) {
        error = ofp_parse_flow_mod(&again, ds_cstr(&s1), map, OFPFC_ADD);
        if (error) {
            abort();
        }
        format_flow_mod(&again, map, &s2);
        if (strcmp(ds_cstr(&s1), ds_cstr(&s2))) {
            abort();
        }
        ofp_flow_mod_uninit(&again);
    }
    ds_destroy(&s1);
    ds_destroy(&s2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum ofp_flow_mod_command others[] = {
        OFPFC_MODIFY, OFPFC_DELETE_STRICT,
    };
    struct ofp_port_map map;
    struct ofp_flow_mod fm;
    char *s = xmalloc(size + 1);
    char *error;

    memcpy(s, data, size);
    s[size] = '\0';

    ofp_port_map_init(&map);
    ofp_port_map_put(&map, 1, "patch-int");
    ofp_port_map_put(&map, 2, "vxlan-ac10000b");
    ofp_port_map_put(&map, 4, "tap648437e1-0d");
    ofp_port_map_put(&map, 5, "eth0");

    error = ofp_parse_flow_mod(&fm, s, &map, OFPFC_ADD);
    if (!error) {
        check_roundtrip(&fm, &map);
        check_roundtrip(&fm, NULL);
        ofp_flow_mod_uninit(&fm);
    }
    free(error);

    for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
        error = ofp_parse_flow_mod(&fm, s, &map, others[i]);
        if (!error) {
            ofp_flow_mod_uninit(&fm);
        }
        free(error);
    }

    ofp_port_map_destroy(&map);
    free(s);
    return 0;
}
