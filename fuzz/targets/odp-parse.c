/*
 * odp-parse.c: fuzz target for the datapath text parsers.
 *
 * The first input byte selects what the rest is: a masked datapath flow
 * key (odp_flow_parse() with a mask), an exact key (without a mask), or a
 * datapath action list (odp_actions_parse()).  Whatever parses is printed;
 * the print must parse, and printing that must give the same text again
 * (the printed form is a fixed point).  Actions must also survive clone
 * and compare equal after the second parse.  Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/odp.h"
#include "lib/ds.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok, const char *what, const char *text)
{
    if (!ok) {
        fprintf(stderr, "odp-parse: %s: \"%s\"\n", what, text);
        abort();
    }
}

static void
fuzz_key(const char *text, bool masked)
{
    struct flow flow, flow2;
    struct flow_wildcards wc, wc2;
    struct ds s1 = DS_EMPTY_INITIALIZER, s2 = DS_EMPTY_INITIALIZER;
    char *error;

    error = odp_flow_parse(text, &flow, masked ? &wc : NULL);
    if (error) {
        free(error);
        return;
    }
    odp_flow_format(&flow, masked ? &wc : NULL, &s1);
    error = odp_flow_parse(ds_cstr(&s1), &flow2, masked ? &wc2 : NULL);
    check(!error, "printed key does not parse", ds_cstr(&s1));
    odp_flow_format(&flow2, masked ? &wc2 : NULL, &s2);
    check(!strcmp(ds_cstr(&s1), ds_cstr(&s2)), "key reprint differs",
          ds_cstr(&s1));
    ds_destroy(&s1);
    ds_destroy(&s2);
}

static void
fuzz_actions(const char *text)
{
    struct odp_actions a = ODP_ACTIONS_EMPTY, b = ODP_ACTIONS_EMPTY;
    struct odp_actions c = ODP_ACTIONS_EMPTY, d;
    struct ds s1 = DS_EMPTY_INITIALIZER, s2 = DS_EMPTY_INITIALIZER;
    char *error;

    error = odp_actions_parse(text, &a);
    if (error) {
        check(a.n == 0, "failed parse left actions", text);
        free(error);
        odp_actions_destroy(&a);
        return;
    }
    odp_actions_format(&a, &s1);
    error = odp_actions_parse(ds_cstr(&s1), &b);
    check(!error, "printed actions do not parse", ds_cstr(&s1));
    odp_actions_format(&b, &s2);
    check(!strcmp(ds_cstr(&s1), ds_cstr(&s2)), "actions reprint differs",
          ds_cstr(&s1));
    error = odp_actions_parse(ds_cstr(&s2), &c);
    check(!error && odp_actions_equal(&b, &c), "reparsed actions differ",
          ds_cstr(&s2));
    odp_actions_clone(&d, &a);
    check(odp_actions_equal(&a, &d), "clone differs", text);
    odp_actions_destroy(&a);
    odp_actions_destroy(&b);
    odp_actions_destroy(&c);
    odp_actions_destroy(&d);
    ds_destroy(&s1);
    ds_destroy(&s2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (!size || size > 4096) {
        return 0;
    }
    text = xmalloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 3) {
    case 0:
        fuzz_key(text, true);
        break;
    case 1:
        fuzz_key(text, false);
        break;
    default:
        fuzz_actions(text);
        break;
    }
    free(text);
    return 0;
}
