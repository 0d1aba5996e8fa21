/*
 * flow-match.c: fuzz target for the match parser.  Arbitrary bytes are a
 * match string ("tcp,nw_src=10.0.0.0/8,reg5=0x4"); when it parses, its
 * printed form must parse again and print the same, both with port names
 * and with numbers.  The same bytes also go through the
 * trace-flow parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow/match.h"
#include "flow/ofp-parse.h"
#include "flow/port-map.h"
#include "lib/ds.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints MATCH, parses the text again and checks it is the same match
 * that prints the same way.  Aborts otherwise. */
static void
check_roundtrip(const struct match *match, int priority,
                const struct ofp_port_map *map)
{
    struct ds s1 = DS_EMPTY_INITIALIZER;
    struct ds s2 = DS_EMPTY_INITIALIZER;
    struct match again;
    int priority2;
    char *error;

    match_format(match, map, priority, &s1);
    /* OVS prints a fragment match that no flow can have as "<error>". */
    if (!strstr(ds_cstr(&s1), "<error>")) {
        error = ofp_parse_match(ds_cstr(&s1), map, &again, &priority2);
        if (error) {
            abort();
        }
        match_format(&again, map, priority2, &s2);
        /* The text must be the same.  The matches themselves may differ
         * where OVS prints two masks alike ("nw_frag=no" is both "not a
         * fragment" and "neither first nor later fragment"). */
        if (strcmp(ds_cstr(&s1), ds_cstr(&s2)) || priority != priority2) {
            abort();
        }
    }
    ds_destroy(&s1);
    ds_destroy(&s2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ofp_port_map map;
    struct match match;
    struct flow flow;
    char *s = xmalloc(size + 1);
    char *error;
    int priority;

    memcpy(s, data, size);
    s[size] = '\0';

    ofp_port_map_init(&map);
    ofp_port_map_put(&map, 1, "patch-int");
    ofp_port_map_put(&map, 4, "tap648437e1-0d");
    ofp_port_map_put(&map, 5, "eth0");

    error = ofp_parse_match(s, &map, &match, &priority);
    if (!error) {
        check_roundtrip(&match, priority, &map);
        check_roundtrip(&match, priority, NULL);
    }
    free(error);

    error = ofp_parse_exact_flow(s, &map, &flow);
    free(error);

    ofp_port_map_destroy(&map);
    free(s);
    return 0;
}
