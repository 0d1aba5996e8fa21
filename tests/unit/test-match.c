/* Unit tests for src/flow/match.c and match-parse.c: match_format() and
 * the match parser against golden output of real ovs-ofctl
 * (tests/data/flows/, made by gen.sh), the seed's dump-flows, and bad
 * input. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "flow/match.h"
#include "flow/meta-field.h"
#include "flow/ofp-parse.h"
#include "flow/port-map.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"

#define ACTIONS_SUFFIX " actions=drop"

/* One golden line: INPUT <TAB> EXPECTED. */
struct golden {
    char *input;
    char *expected;
};

/* Reads tests/data/flows/NAME into a malloc'd array; returns its length. */
static size_t
read_golden(const char *name, struct golden **linesp)
{
    char path[1024];
    struct ds line = DS_EMPTY_INITIALIZER;
    struct golden *lines = NULL;
    size_t n = 0, allocated = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/data/flows/%s", harness_tests_dir(),
             name);
    f = fopen(path, "r");
    if (!f) {
        harness_fail(__FILE__, __LINE__, "cannot open %s", path);
    }
    while (!ds_get_line(&line, f)) {
        char *tab = strchr(ds_cstr(&line), '\t');

        if (!tab) {
            harness_fail(__FILE__, __LINE__, "%s: line without a tab: %s",
                         path, ds_cstr(&line));
        }
        if (n >= allocated) {
            lines = x2nrealloc(lines, &allocated, sizeof *lines);
        }
        lines[n].input = xstrndup(ds_cstr(&line), tab - ds_cstr(&line));
        lines[n].expected = xstrdup(tab + 1);
        n++;
    }
    fclose(f);
    ds_destroy(&line);
    *linesp = lines;
    return n;
}

static void
free_golden(struct golden *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(lines[i].input);
        free(lines[i].expected);
    }
    free(lines);
}

/* Strips the " actions=drop" that every golden input ends with. */
static char *
match_part(const char *input)
{
    size_t len = strlen(input);
    size_t suffix = strlen(ACTIONS_SUFFIX);

    if (!strcmp(input, &ACTIONS_SUFFIX[1])) {
        return xstrdup("");
    }
    if (len < suffix || strcmp(input + len - suffix, ACTIONS_SUFFIX)) {
        harness_fail(__FILE__, __LINE__, "golden input lacks actions: %s",
                     input);
    }
    return xstrndup(input, len - suffix);
}

/* Parses S as a match and renders it as ovs-ofctl's flow-mod printout
 * does ("MATCH actions=drop"), or returns "error: MSG". */
static char *
render_match(const char *s, const struct ofp_port_map *map)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct match match;
    int priority;
    char *error;

    error = ofp_parse_match(s, map, &match, &priority);
    if (error) {
        ds_put_format(&ds, "error: %s", error);
        free(error);
        return ds_steal_cstr(&ds);
    }
    match_format(&match, map, priority, &ds);
    if (ds.length) {
        ds_put_char(&ds, ' ');
    }
    ds_put_cstr(&ds, "actions=drop");
    return ds_steal_cstr(&ds);
}

TEST(golden_matches_from_ovs_ofctl)
{
    struct golden *lines;
    size_t n = read_golden("match.txt", &lines);
    int compared = 0;

    ASSERT_GE(n, 300);
    for (size_t i = 0; i < n; i++) {
        char *m = match_part(lines[i].input);
        char *got = render_match(m, NULL);

        if (strcmp(got, lines[i].expected)) {
            harness_fail(__FILE__, __LINE__, "input: %s\n  ovs: %s\n  ours: %s",
                         m, lines[i].expected, got);
        }
        compared++;
        free(got);
        free(m);
    }
    ASSERT_EQ(compared, n);
    free_golden(lines, n);
}

TEST(golden_output_reparses_to_itself)
{
    struct golden *lines;
    size_t n = read_golden("match.txt", &lines);

    for (size_t i = 0; i < n; i++) {
        char *m = match_part(lines[i].expected);
        char *got = render_match(m, NULL);

        ASSERT_STR_EQ(got, lines[i].expected);
        free(got);
        free(m);
    }
    free_golden(lines, n);
}

TEST(golden_errors_from_ovs_ofctl)
{
    struct golden *lines;
    size_t n = read_golden("errors.txt", &lines);
    int match_errors = 0;

    ASSERT_GE(n, 50);
    for (size_t i = 0; i < n; i++) {
        char *m = match_part(lines[i].input);
        struct match match, before;
        int priority = 12345;
        char *error;

        memset(&match, 0x5a, sizeof match);
        before = match;
        error = ofp_parse_match(m, NULL, &match, &priority);
        if (error && ((str_has_prefix(error, "unknown keyword ")
                       && !str_has_prefix(lines[i].expected,
                                          "unknown keyword "))
                      || !strcmp(error, "no usable protocol"))) {
            /* A flow-mod keyword (timeouts, cookie, table) or a field no
             * protocol carries, which a flow-mod reports in its own words:
             * the flow-mod parser's test covers it. */
            ASSERT_MEM_EQ(&match, &before, sizeof match);
            free(error);
        } else if (error) {
            /* Where the match parser fails, it says what ovs-ofctl says,
             * and leaves its outputs alone. */
            if (strcmp(error, lines[i].expected)) {
                harness_fail(__FILE__, __LINE__,
                             "input: %s\n  ovs: %s\n  ours: %s", m,
                             lines[i].expected, error);
            }
            ASSERT_MEM_EQ(&match, &before, sizeof match);
            ASSERT_EQ(priority, 12345);
            match_errors++;
            free(error);
        }
        free(m);
    }
    /* Only flow-mod keywords (timeouts, cookies, table, fields no
     * protocol carries) are left to the flow-mod parser's test. */
    ASSERT_GE(match_errors, n - 12);
    free_golden(lines, n);
}

/* Runs ovs-ofctl on S and returns what it prints after "ADD ", or the
 * error, or NULL when OVS cannot round-trip it. */
static char *
ovs_ofctl_parse(const char *s)
{
    struct ds cmd = DS_EMPTY_INITIALIZER;
    struct ds line = DS_EMPTY_INITIALIZER;
    char *result = NULL;
    FILE *p;

    ds_put_cstr(&cmd, "ovs-ofctl -O OpenFlow10 parse-flow '");
    ds_put_cstr(&cmd, s);
    ds_put_cstr(&cmd, "' 2>&1");
    p = popen(ds_cstr(&cmd), "r");
    if (!p) {
        harness_fail(__FILE__, __LINE__, "popen failed");
    }
    while (!ds_get_line(&line, p)) {
        const char *l = ds_cstr(&line);
        const char *add = strstr(l, "): ADD ");

        if (strstr(l, "decode error")) {
            free(result);
            result = NULL;
            break;
        } else if (add) {
            free(result);
            result = xstrdup(add + strlen("): ADD "));
        } else if (str_has_prefix(l, "ovs-ofctl: ")) {
            free(result);
            result = xasprintf("error: %s", l + strlen("ovs-ofctl: "));
        }
    }
    pclose(p);
    ds_destroy(&cmd);
    ds_destroy(&line);
    return result;
}

TEST(live_ovs_ofctl_agrees)
{
    struct golden *lines;
    size_t n;
    int compared = 0;

    if (system("ovs-ofctl --version >/dev/null 2>&1")) {
        SKIP("ovs-ofctl is not installed");
    }
    n = read_golden("match.txt", &lines);
    /* Every third line keeps the test quick; gen.sh does them all. */
    for (size_t i = 0; i < n; i += 3) {
        char *ovs = ovs_ofctl_parse(lines[i].input);
        char *m = match_part(lines[i].input);
        char *ours = render_match(m, NULL);

        if (ovs) {
            if (strcmp(ovs, ours)) {
                harness_fail(__FILE__, __LINE__,
                             "input: %s\n  ovs: %s\n  ours: %s", m, ovs,
                             ours);
            }
            compared++;
        }
        free(ovs);
        free(ours);
        free(m);
    }
    ASSERT_GE(compared, 150);
    free_golden(lines, n);
}

/* The port map of the seed's bridges. */
static void
seed_port_map(struct ofp_port_map *map)
{
    ofp_port_map_init(map);
    ofp_port_map_put(map, 1, "patch-int");
    ofp_port_map_put(map, 2, "vxlan-ac10000b");
    ofp_port_map_put(map, 3, "int-br-provider");
    ofp_port_map_put(map, 4, "tap648437e1-0d");
    ofp_port_map_put(map, 5, "int-br-mgmt");
    ofp_port_map_put(map, 6, "phy-br-provider");
    ofp_port_map_put(map, 7, "phy-br-mgmt");
}

/* Returns the match text of a dump-flows line: after the statistics and
 * timeouts, before " actions=". */
static char *
seed_match_text(const char *line)
{
    const char *start = strstr(line, "n_bytes=");
    const char *end = strstr(line, " actions=");

    if (!start || !end) {
        return NULL;
    }
    start = strstr(start, ", ") + 2;
    if (str_has_prefix(start, "hard_timeout=")) {
        start = strstr(start, ", ") + 2;
    }
    return xstrndup(start, end - start);
}

TEST(seed_dump_flows_matches_roundtrip)
{
    static const char *files[] = {
        "ovs-ofctl-dump-flows-br-int.txt",
        "ovs-ofctl-dump-flows-br-tun.txt",
        "ovs-ofctl-dump-flows-br-provider.txt",
        "ovs-ofctl-dump-flows-br-mgmt.txt",
    };
    struct ofp_port_map map;
    int n_flows = 0;

    seed_port_map(&map);
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        struct ds line = DS_EMPTY_INITIALIZER;
        char path[1024];
        FILE *f;

        snprintf(path, sizeof path, "%s/data/seed/%s", harness_tests_dir(),
                 files[i]);
        f = fopen(path, "r");
        if (!f) {
            harness_fail(__FILE__, __LINE__, "cannot open seed %s", path);
        }
        while (!ds_get_line(&line, f)) {
            struct ds out = DS_EMPTY_INITIALIZER;
            struct match match;
            char *text;
            int priority;

            if (ds_cstr(&line)[0] != ' ') {
                continue;
            }
            text = seed_match_text(ds_cstr(&line));
            ASSERT_TRUE(text != NULL);
            ASSERT_NO_ERROR(ofp_parse_match(text, &map, &match, &priority));
            match_format(&match, &map, priority, &out);
            ASSERT_STR_EQ(ds_cstr(&out), text);
            /* Without names, ports print as numbers and parse back. */
            ds_clear(&out);
            match_format(&match, NULL, priority, &out);
            struct match again;
            int prio2;
            ASSERT_NO_ERROR(ofp_parse_match(ds_cstr(&out), NULL, &again,
                                            &prio2));
            ASSERT_TRUE(match_equal(&match, &again));
            ASSERT_EQ(prio2, priority);
            n_flows++;
            ds_destroy(&out);
            free(text);
        }
        fclose(f);
        ds_destroy(&line);
    }
    ASSERT_EQ(n_flows, 96);
    ofp_port_map_destroy(&map);
}

TEST(format_rules)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct match match;

    match_init_catchall(&match);
    match_format(&match, NULL, OFP_DEFAULT_PRIORITY, &s);
    ASSERT_STR_EQ(ds_cstr(&s), "");
    match_format(&match, NULL, 0, &s);
    ASSERT_STR_EQ(ds_cstr(&s), "priority=0");
    ds_clear(&s);
    match_format(&match, NULL, -1, &s);
    ASSERT_STR_EQ(ds_cstr(&s), "");

    /* ct_state flags print in bit order whatever the input order. */
    ASSERT_NO_ERROR(ofp_parse_match("ct_state=+trk+inv,priority=50", NULL,
                                    &match, NULL));
    match_format(&match, NULL, 50, &s);
    ASSERT_STR_EQ(ds_cstr(&s), "priority=50,ct_state=+inv+trk");
    ds_destroy(&s);
}

TEST(match_ops)
{
    struct match a, b, exact;
    struct flow flow;

    ASSERT_NO_ERROR(ofp_parse_match("tcp,nw_src=10.0.0.0/8,tp_dst=22", NULL,
                                    &a, NULL));
    ASSERT_NO_ERROR(ofp_parse_match("ip,nw_src=10.0.0.0/8", NULL, &b, NULL));
    ASSERT_TRUE(match_is_subset_of(&a, &b));
    ASSERT_FALSE(match_is_subset_of(&b, &a));
    ASSERT_FALSE(match_equal(&a, &b));
    ASSERT_NE(match_hash(&a, 0), match_hash(&b, 0));

    ASSERT_NO_ERROR(ofp_parse_exact_flow("tcp,nw_src=10.1.2.3,tp_dst=22",
                                         NULL, &flow));
    ASSERT_TRUE(match_matches_flow(&a, &flow));
    ASSERT_TRUE(match_matches_flow(&b, &flow));
    ASSERT_EQ(flow.in_port, OFPP_NONE);
    flow.tp_dst = htons(23);
    ASSERT_FALSE(match_matches_flow(&a, &flow));
    ASSERT_TRUE(match_matches_flow(&b, &flow));

    match_init_exact(&exact, &flow);
    ASSERT_TRUE(match_matches_flow(&exact, &flow));
    ASSERT_TRUE(match_is_subset_of(&exact, &b));
    flow.regs[3] = 1;
    ASSERT_FALSE(match_matches_flow(&exact, &flow));

    struct flow_wildcards wc;
    flow_wildcards_init_catchall(&wc);
    ASSERT_TRUE(flow_wildcards_is_catchall(&wc));
    flow_wildcards_or(&wc, &a.wc);
    ASSERT_FALSE(flow_wildcards_is_catchall(&wc));
    ASSERT_MEM_EQ(&wc, &a.wc, sizeof wc);
}

TEST(exact_flow_parsing)
{
    struct flow flow, before;

    ASSERT_NO_ERROR(ofp_parse_exact_flow(
        "in_port=4,icmp6,ipv6_src=fe80::1,icmp_type=135,nd_target=fe80::2,"
        "nd_sll=fa:16:3e:00:00:01", NULL, &flow));
    ASSERT_EQ(flow.in_port, 4);
    ASSERT_HEX_EQ(ntohs(flow.dl_type), ETH_TYPE_IPV6);
    ASSERT_EQ(flow.nw_proto, 58);
    ASSERT_EQ(ntohs(flow.tp_src), 135);
    ASSERT_EQ(flow.arp_sha.ea[5], 1);

    memset(&flow, 0x77, sizeof flow);
    before = flow;
    static const struct {
        const char *in;
        const char *err;
    } bad[] = {
        { "tcp,tp_dst=80,tp_dst=81",
          "tcp,tp_dst=80,tp_dst=81: field tp_dst set multiple times" },
        { "tp_dst=80",
          "tp_dst=80: prerequisites not met for setting tp_dst" },
        { "ip,ipv6", "ip,ipv6: Ethernet type set multiple times" },
        { "foo=1", "foo=1: unknown field foo" },
        { "ip,nw_src=10.0.0.0/8",
          "ip,nw_src=10.0.0.0/8: bad value for nw_src "
          "(10.0.0.0/8: wildcards not allowed here)" },
        { "in_port=bogus",
          "in_port=bogus: bad value for in_port (bogus: invalid or unknown "
          "port for in_port)" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = ofp_parse_exact_flow(bad[i].in, NULL, &flow);

        ASSERT_STR_EQ(error, bad[i].err);
        free(error);
        ASSERT_MEM_EQ(&flow, &before, sizeof flow);
    }
}

TEST(bad_inputs_leave_outputs_alone)
{
    static const char *bad[] = {
        "nw_src=10.0.0.1,bogus=1",
        "ip,nw_src=1.2.3.4 trailing=garbage",
        "reg0=0x1,reg1=zz",
        "priority=100000",
        "dl_src=fa:16:3e:61:21",
        "tcp,tp_dst=80/0x1ffff",
        "in_port=\"unterminated",
        "ct_state=+trk-",
        "reg0[0..3]=0x10",
        "metadata=0x1/zz",
        "ipv6,ipv6_src=::1/::1/::1",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct match match, before;
        int priority = -7;
        char *error;

        memset(&match, 0xa5, sizeof match);
        before = match;
        error = ofp_parse_match(bad[i], NULL, &match, &priority);
        if (!error) {
            harness_fail(__FILE__, __LINE__, "\"%s\" parsed", bad[i]);
        }
        ASSERT_TRUE(strlen(error) > 0);
        ASSERT_MEM_EQ(&match, &before, sizeof match);
        ASSERT_EQ(priority, -7);
        free(error);
    }

    /* A subfield of a field that cannot be masked is refused (OVS would
     * assert-fail on it). */
    struct match m;
    char *e = ofp_parse_match("eth_type[1]=1", NULL, &m, NULL);
    ASSERT_STR_EQ(e, "eth_type[1]: invalid mask for field eth_type");
    free(e);

    /* ICMP type and code are bytes: a masked tp_src under icmp keeps its
     * low byte, exactly, as OVS's NXM encoding does. */
    ASSERT_NO_ERROR(ofp_parse_match("icmp,tp_src=0x8000/0x8001", NULL, &m,
                                    NULL));
    struct ds ds = DS_EMPTY_INITIALIZER;
    match_format(&m, NULL, OFP_DEFAULT_PRIORITY, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "icmp,icmp_type=0");
    ds_destroy(&ds);

    /* Overlong input is refused outright. */
    size_t len = 70000;
    char *big = xmalloc(len + 1);
    struct match match;
    memset(big, 'a', len);
    big[len] = '\0';
    char *error = ofp_parse_match(big, NULL, &match, NULL);
    ASSERT_STR_CONTAINS(error, "too long");
    free(error);
    free(big);
}
