/*
 * actions-parse.c: fuzz target for ofpacts_parse() and ofpacts_format().
 *
 * The first input byte picks the match the actions are checked against
 * (none, catch-all, ip, tcp, a VLAN) and the rest is action text.  If the
 * text parses, printing it, parsing the print and printing again must give
 * the same text, and parsing that text once more must give an equal list;
 * clone and free must round-trip too.  Anything else aborts.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/match.h"
#include "flow/meta-field.h"
#include "flow/ofp-actions.h"
#include "flow/port-map.h"
#include "lib/ds.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok, const char *what, const char *text)
{
    if (!ok) {
        fprintf(stderr, "actions-parse: %s: \"%s\"\n", what, text);
        abort();
    }
}

/* Sets up the match that SELECTOR picks; returns NULL for "no match". */
static const struct match *
pick_match(uint8_t selector, struct match *match)
{
    union mf_value v;

    match_init_catchall(match);
    switch (selector % 5) {
    case 0:
        return NULL;
    case 1:
        return match;
    case 2:
        v.be16 = htons(ETH_TYPE_IP);
        mf_set(mf_from_id(MFF_ETH_TYPE), &v, NULL, match);
        return match;
    case 3:
        v.be16 = htons(ETH_TYPE_IP);
        mf_set(mf_from_id(MFF_ETH_TYPE), &v, NULL, match);
        v.u8 = IPPROTO_TCP_;
        mf_set(mf_from_id(MFF_IP_PROTO), &v, NULL, match);
        return match;
    default:
        v.be16 = htons(3);
        mf_set(mf_from_id(MFF_DL_VLAN), &v, NULL, match);
        return match;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ofp_port_map map;
    struct ofpacts a, b, c, d;
    struct ds s1 = DS_EMPTY_INITIALIZER, s2 = DS_EMPTY_INITIALIZER;
    struct match match;
    const struct match *m;
    char *text, *error;

    if (!size || size > 4096) {
        return 0;
    }
    m = pick_match(data[0], &match);
    text = xmalloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    ofp_port_map_init(&map);
    ofp_port_map_put(&map, 4, "tap648437e1-0d");
    ofp_port_map_put(&map, 7, "vxlan-ac10000b");

    error = ofpacts_parse(text, &map, m, &a);
    if (error) {
        check(a.n == 0 && a.acts == NULL, "failed parse left actions", text);
        free(error);
        goto out;
    }
    ofpacts_format(&a, &map, &s1);
    error = ofpacts_parse(ds_cstr(&s1), &map, m, &b);
    check(!error, "printed actions do not parse", ds_cstr(&s1));
    ofpacts_format(&b, &map, &s2);
    check(!strcmp(ds_cstr(&s1), ds_cstr(&s2)), "reprint differs",
          ds_cstr(&s1));
    error = ofpacts_parse(ds_cstr(&s2), &map, m, &c);
    check(!error, "reprinted actions do not parse", ds_cstr(&s2));
    check(ofpacts_equal(&b, &c), "reparsed list differs", ds_cstr(&s2));
    ofpacts_clone(&d, &a);
    check(ofpacts_equal(&a, &d), "clone differs", text);
    ofpacts_free(&a);
    ofpacts_free(&b);
    ofpacts_free(&c);
    ofpacts_free(&d);

out:
    ofp_port_map_destroy(&map);
    ds_destroy(&s1);
    ds_destroy(&s2);
    free(text);
    return 0;
}
