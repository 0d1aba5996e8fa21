/* Unit tests for src/flow/ofp-parse.c: flow-mod text against golden output
 * of real ovs-ofctl (tests/data/flows/), the seed's dump-flows lines
 * parsed and printed back byte for byte, command semantics, bad input. */
#include <stdio.h>
#include <stdlib.h>

#include "flow/match.h"
#include "flow/ofp-actions.h"
#include "flow/ofp-parse.h"
#include "flow/port-map.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"

/* One golden line: INPUT <TAB> EXPECTED. */
struct golden {
    char *input;
    char *expected;
};

static size_t
read_golden(const char *name, struct golden **linesp)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    struct golden *lines = NULL;
    size_t n = 0, allocated = 0;
    char path[1024];
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
            harness_fail(__FILE__, __LINE__, "%s: line without a tab",
                         path);
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

/* Parses S as an ADD and renders it as ovs-ofctl's flow-mod printout over
 * OpenFlow 1.0 does ("ADD table:5 MATCH cookie:0x5 idle:10 hard:20
 * send_flow_rem actions=..."), or "error: MSG". */
static char *
render_flow_mod(const char *s, const struct ofp_port_map *map)
{
    static const char *flags[] = {
        "send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts",
        "no_byte_counts",
    };
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct ofp_flow_mod fm;
    char *error;

    error = ofp_parse_flow_mod(&fm, s, map, OFPFC_ADD);
    if (error) {
        ds_put_format(&ds, "error: %s", error);
        free(error);
        return ds_steal_cstr(&ds);
    }
    ds_put_cstr(&ds, "ADD");
    if (fm.table_id) {
        ds_put_format(&ds, " table:%d", fm.table_id);
    }
    ds_put_char(&ds, ' ');
    match_format(&fm.match, map, fm.priority, &ds);
    if (ds.string[ds.length - 1] != ' ') {
        ds_put_char(&ds, ' ');
    }
    if (fm.cookie && fm.cookie != UINT64_MAX) {
        ds_put_format(&ds, "cookie:0x%" PRIx64 " ", fm.cookie);
    }
    if (fm.idle_timeout) {
        ds_put_format(&ds, "idle:%d ", fm.idle_timeout);
    }
    if (fm.hard_timeout) {
        ds_put_format(&ds, "hard:%d ", fm.hard_timeout);
    }
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (fm.flags & (1 << i)) {
            ds_put_format(&ds, "%s ", flags[i]);
        }
    }
    ds_put_cstr(&ds, "actions=");
    ofpacts_format(&fm.ofpacts, map, &ds);
    ofp_flow_mod_uninit(&fm);
    return ds_steal_cstr(&ds);
}

/* Compares every golden line of NAME with our rendering. */
static void
check_golden(const char *name, size_t min_lines)
{
    struct golden *lines;
    size_t n = read_golden(name, &lines);

    ASSERT_GE(n, min_lines);
    for (size_t i = 0; i < n; i++) {
        char *got = render_flow_mod(lines[i].input, NULL);
        const char *expected = lines[i].expected;
        char *want;

        /* match.txt records the printout without the "ADD ". */
        want = str_has_prefix(expected, "ADD") || str_has_prefix(expected,
                                                                 "error: ")
               ? xstrdup(expected) : xasprintf("ADD %s", expected);
        if (strcmp(got, want)) {
            harness_fail(__FILE__, __LINE__, "input: %s\n  ovs: %s\n  ours: %s",
                         lines[i].input, want, got);
        }
        free(want);
        free(got);
    }
    free_golden(lines, n);
}

TEST(golden_match_lines_as_flow_mods)
{
    check_golden("match.txt", 600);
}

TEST(golden_flow_mods_with_keywords_and_actions)
{
    check_golden("flowmods.txt", 120);
}

TEST(golden_errors_exact)
{
    struct golden *lines;
    size_t n = read_golden("errors.txt", &lines);

    ASSERT_GE(n, 70);
    for (size_t i = 0; i < n; i++) {
        struct ofp_flow_mod fm, before;
        char *error;

        memset(&fm, 0x5a, sizeof fm);
        before = fm;
        error = ofp_parse_flow_mod(&fm, lines[i].input, NULL, OFPFC_ADD);
        if (!error || strcmp(error, lines[i].expected)) {
            harness_fail(__FILE__, __LINE__, "input: %s\n  ovs: %s\n  ours: %s",
                         lines[i].input, lines[i].expected,
                         error ? error : "(parsed)");
        }
        /* Nothing is written on error. */
        ASSERT_MEM_EQ(&fm, &before, sizeof fm);
        free(error);
    }
    free_golden(lines, n);
}

/* Runs ovs-ofctl on S and returns its printout from "ADD", its error as
 * "error: ...", or NULL when OVS cannot round-trip S. */
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
        const char *add = strstr(l, "): ADD");

        free(result);
        result = NULL;
        if (strstr(l, "decode error") || strstr(l, "no usable protocol")) {
            break;
        } else if (add) {
            result = xstrdup(add + 3);
        } else if (str_has_prefix(l, "ovs-ofctl: ")) {
            result = xasprintf("error: %s", l + strlen("ovs-ofctl: "));
        }
        if (result) {
            break;
        }
    }
    pclose(p);
    ds_destroy(&cmd);
    ds_destroy(&line);
    return result;
}

TEST(live_ovs_ofctl_agrees_on_flow_mods)
{
    struct golden *lines;
    size_t n;
    int compared = 0;

    if (system("ovs-ofctl --version >/dev/null 2>&1")) {
        SKIP("ovs-ofctl is not installed");
    }
    n = read_golden("flowmods.txt", &lines);
    for (size_t i = 0; i < n; i++) {
        char *ovs = ovs_ofctl_parse(lines[i].input);
        char *ours = render_flow_mod(lines[i].input, NULL);

        if (ovs) {
            if (strcmp(ovs, ours)) {
                harness_fail(__FILE__, __LINE__,
                             "input: %s\n  ovs: %s\n  ours: %s",
                             lines[i].input, ovs, ours);
            }
            compared++;
        }
        free(ovs);
        free(ours);
    }
    ASSERT_GE(compared, 100);
    free_golden(lines, n);
}

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

/* Reads the number after "KEY=" in LINE (the dump-flows statistics that
 * the parser ignores). */
static unsigned long long int
stat_value(const char *line, const char *key, unsigned long long int *frac)
{
    const char *p = strstr(line, key);
    char *end;
    unsigned long long int v;

    if (!p) {
        harness_fail(__FILE__, __LINE__, "no %s in %s", key, line);
    }
    v = strtoull(p + strlen(key), &end, 10);
    if (frac) {
        *frac = *end == '.' ? strtoull(end + 1, NULL, 10) : 0;
    }
    return v;
}

TEST(seed_dump_flows_lines_roundtrip)
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
            harness_fail(__FILE__, __LINE__, "cannot open %s", path);
        }
        while (!ds_get_line(&line, f)) {
            const char *l = ds_cstr(&line);
            struct ds out = DS_EMPTY_INITIALIZER;
            struct ofp_flow_stats fs;
            struct ofp_flow_mod fm;
            unsigned long long int sec, msec;

            if (l[0] != ' ') {
                continue;
            }
            /* The whole dump-flows line is a valid flow-mod. */
            ASSERT_NO_ERROR(ofp_parse_flow_mod(&fm, l, &map, OFPFC_ADD));
            sec = stat_value(l, "duration=", &msec);
            memset(&fs, 0, sizeof fs);
            fs.table_id = fm.table_id;
            fs.cookie = fm.cookie;
            fs.priority = fm.priority;
            fs.match = &fm.match;
            fs.ofpacts = &fm.ofpacts;
            fs.duration_msec = sec * 1000 + msec;
            fs.idle_timeout = fm.idle_timeout;
            fs.hard_timeout = fm.hard_timeout;
            fs.importance = fm.importance;
            fs.flags = fm.flags;
            fs.packet_count = stat_value(l, "n_packets=", NULL);
            fs.byte_count = stat_value(l, "n_bytes=", NULL);
            fs.idle_age = -1;
            fs.hard_age = -1;
            ofp_flow_stats_format(&fs, &map, true, &out);
            ASSERT_STR_EQ(ds_cstr(&out), l);

            /* --no-stats leaves out duration and counters. */
            ds_clear(&out);
            ofp_flow_stats_format(&fs, &map, false, &out);
            ASSERT_TRUE(strstr(ds_cstr(&out), "duration=") == NULL);
            ASSERT_TRUE(strstr(ds_cstr(&out), "n_packets=") == NULL);
            ASSERT_STR_CONTAINS(ds_cstr(&out), "cookie=0x");
            ASSERT_STR_CONTAINS(ds_cstr(&out), strstr(l, "priority="));

            ofp_flow_mod_uninit(&fm);
            ds_destroy(&out);
            n_flows++;
        }
        fclose(f);
        ds_destroy(&line);
    }
    ASSERT_EQ(n_flows, 96);
    ofp_port_map_destroy(&map);
}

TEST(flow_stats_format_details)
{
    struct ofpacts acts = OFPACTS_EMPTY;
    struct ofp_flow_stats fs;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct match match;

    match_init_catchall(&match);
    memset(&fs, 0, sizeof fs);
    fs.match = &match;
    fs.ofpacts = &acts;
    fs.priority = OFP_DEFAULT_PRIORITY;
    fs.duration_msec = 5000;
    fs.idle_age = 3;
    fs.hard_age = 5;
    fs.flags = OFPFF_SEND_FLOW_REM | OFPFF_NO_BYT_COUNTS;
    fs.importance = 7;
    fs.idle_timeout = 10;
    ofp_flow_stats_format(&fs, NULL, true, &s);
    ASSERT_STR_EQ(ds_cstr(&s),
                  " cookie=0x0, duration=5s, table=0, n_packets=0, "
                  "n_bytes=0, idle_timeout=10, send_flow_rem no_byte_counts "
                  "importance=7, idle_age=3, actions=drop");
    ds_clear(&s);
    fs.hard_age = 4;
    fs.duration_msec = 1;
    fs.flags = 0;
    fs.importance = 0;
    fs.idle_timeout = 0;
    fs.priority = 0;
    ofp_flow_stats_format(&fs, NULL, true, &s);
    ASSERT_STR_EQ(ds_cstr(&s),
                  " cookie=0x0, duration=0.001s, table=0, n_packets=0, "
                  "n_bytes=0, idle_age=3, hard_age=4, priority=0 "
                  "actions=drop");
    ds_clear(&s);
    fs.table_id = 3;
    ofp_flow_stats_format(&fs, NULL, false, &s);
    ASSERT_STR_EQ(ds_cstr(&s), " table=3, priority=0 actions=drop");
    ds_destroy(&s);
}

TEST(command_semantics)
{
    struct ofp_flow_mod fm;

    /* ADD: cookie sets the flow's cookie; no table means table 0. */
    ASSERT_NO_ERROR(ofp_parse_flow_mod(&fm, "cookie=0x5,ip actions=drop",
                                       NULL, OFPFC_ADD));
    ASSERT_HEX_EQ(fm.cookie, 5);
    ASSERT_EQ(fm.table_id, 0);
    ASSERT_FALSE(fm.table_given);
    ASSERT_TRUE(fm.has_actions);
    ASSERT_EQ(fm.ofpacts.n, 0);
    ASSERT_EQ(fm.out_port, OFPP_ANY);
    ofp_flow_mod_uninit(&fm);

    /* MODIFY: a cookie without mask is the new cookie. */
    ASSERT_NO_ERROR(ofp_parse_flow_mod(&fm, "table=3,cookie=0x7 actions=NORMAL",
                                       NULL, OFPFC_MODIFY));
    ASSERT_TRUE(fm.modify_cookie);
    ASSERT_HEX_EQ(fm.new_cookie, 7);
    ASSERT_EQ(fm.table_id, 3);
    ASSERT_TRUE(fm.table_given);
    ASSERT_EQ(fm.ofpacts.n, 1);
    ofp_flow_mod_uninit(&fm);

    /* MODIFY without cookie: a flow it adds gets cookie 0. */
    ASSERT_NO_ERROR(ofp_parse_flow_mod(&fm, "ip actions=drop", NULL,
                                       OFPFC_MODIFY_STRICT));
    ASSERT_FALSE(fm.modify_cookie);
    ASSERT_HEX_EQ(fm.new_cookie, 0);
    ASSERT_EQ(fm.table_id, OFPTT_ALL);
    ofp_flow_mod_uninit(&fm);

    /* MODIFY with a cookie mask filters and keeps the cookie. */
    ASSERT_NO_ERROR(ofp_parse_flow_mod(&fm, "cookie=0x10/0xf0 actions=drop",
                                       NULL, OFPFC_MODIFY));
    ASSERT_HEX_EQ(fm.cookie, 0x10);
    ASSERT_HEX_EQ(fm.cookie_mask, 0xf0);
    ASSERT_HEX_EQ(fm.new_cookie, UINT64_MAX);
    ofp_flow_mod_uninit(&fm);

    /* DELETE: cookie mask, out_port, table; no actions. */
    ASSERT_NO_ERROR(ofp_parse_flow_mod(&fm,
                                       "table=71,cookie=0x9/-1,out_port=4,"
                                       "reg5=0x4", NULL, OFPFC_DELETE));
    ASSERT_EQ(fm.table_id, 71);
    ASSERT_HEX_EQ(fm.cookie_mask, UINT64_MAX);
    ASSERT_EQ(fm.out_port, 4);
    ASSERT_FALSE(fm.has_actions);
    ASSERT_EQ(fm.match.flow.regs[5], 4);
    ofp_flow_mod_uninit(&fm);

    /* DELETE_STRICT takes a priority; DELETE does not. */
    ASSERT_NO_ERROR(ofp_parse_flow_mod(&fm, "priority=7,ip", NULL,
                                       OFPFC_DELETE_STRICT));
    ASSERT_EQ(fm.priority, 7);
    ofp_flow_mod_uninit(&fm);

    static const struct {
        const char *s;
        enum ofp_flow_mod_command command;
        const char *error;
    } bad[] = {
        { "priority=7,ip", OFPFC_DELETE, "unknown keyword priority" },
        { "cookie=5", OFPFC_DELETE,
          "cannot set cookie (to match on a cookie, specify a mask, "
          "e.g. cookie=5/-1)" },
        { "ip actions=drop", OFPFC_DELETE, "unknown keyword actions" },
        { "out_port=5 actions=drop", OFPFC_ADD, "unknown keyword out_port" },
        { "out_port=bogus", OFPFC_DELETE_STRICT,
          "bogus is not a valid OpenFlow port" },
        { "importance=5 actions=drop", OFPFC_MODIFY,
          "unknown keyword importance" },
        { "ip", OFPFC_ADD, "must specify an action" },
        { "ip", OFPFC_MODIFY, "must specify an action" },
        { "cookie=1/0x", OFPFC_DELETE, "invalid numeric format 0x" },
        { "ip actions=bogus", OFPFC_ADD, "unknown action bogus" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = ofp_parse_flow_mod(&fm, bad[i].s, NULL,
                                         bad[i].command);

        ASSERT_STR_EQ(error, bad[i].error);
        free(error);
    }
}

TEST(port_names_in_flow_mods)
{
    struct ofp_port_map map;
    struct ofp_flow_mod fm;

    seed_port_map(&map);
    ASSERT_NO_ERROR(ofp_parse_flow_mod(
        &fm, "in_port=tap648437e1-0d actions=output:\"patch-int\"", &map,
        OFPFC_ADD));
    ASSERT_EQ(fm.match.flow.in_port, 4);
    ofp_flow_mod_uninit(&fm);

    char *error = ofp_parse_flow_mod(&fm, "in_port=nosuch actions=drop",
                                     &map, OFPFC_ADD);
    ASSERT_STR_EQ(error, "nosuch: invalid or unknown port for in_port");
    free(error);
    ofp_port_map_destroy(&map);
}

TEST(overlong_and_garbage_input)
{
    struct ofp_flow_mod fm;
    char *big = xmalloc(100001);
    char *error;

    memset(big, 'x', 100000);
    big[100000] = '\0';
    memcpy(big, "actions=", 8);
    error = ofp_parse_flow_mod(&fm, big, NULL, OFPFC_ADD);
    ASSERT_STR_CONTAINS(error, "too long");
    free(error);
    free(big);

    static const char *garbage[] = {
        "\x01\x02\x03 actions=drop",
        "ip,,,=5 actions=drop",
        "(((( actions=drop",
        "ip actions=output:",
        "=",
        "",
    };
    for (size_t i = 0; i < ARRAY_SIZE(garbage); i++) {
        error = ofp_parse_flow_mod(&fm, garbage[i], NULL, OFPFC_ADD);
        ASSERT_TRUE(error != NULL);
        free(error);
    }
}

/* Appends a random value of a random field (or protocol) to S, for the
 * differential test below. */
static void
put_random_term(struct ds *s)
{
    static const char *protos[] = {
        "ip", "ipv6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "tcp6",
        "udp6", "sctp", "sctp6", "dl_type=0x0800", "dl_type=0x86dd",
    };
    static const char *ipv6[] = {
        "::1", "fe80::1", "2001:db8::7", "::", "ff02::1:ff00:1",
    };
    static const char *ct[] = {
        "+trk", "-trk", "+trk+est", "+new-est", "+inv+trk", "+est-rel-rpl",
        "trk|new", "0x21/0x31",
    };
    static const char *frag[] = {
        "no", "yes", "first", "later", "not_later",
    };
    static const char *tcpf[] = { "syn", "+syn-ack", "ack|fin", "0x12/0x12" };
    static const int icmp[] = { 0, 8, 128, 135, 136 };
    static const int protos_n[] = { 1, 6, 17, 58, 132, 47 };
    static const unsigned int tci_masks[] = {
        0xffff, 0x1fff, 0x0fff, 0x1000, 0xf000, 0xefff,
    };
#define PICK(A) (A[random() % ARRAY_SIZE(A)])
#define IP() (int) (random() % 256), (int) (random() % 256), \
             (int) (random() % 256), (int) (random() % 256)
#define MAC() (int) (random() % 256), (int) (random() % 256), \
              (int) (random() % 256), (int) (random() % 256), \
              (int) (random() % 256), (int) (random() % 256)

    switch (random() % 34) {
    case 0: ds_put_cstr(s, PICK(protos)); break;
    case 1: ds_put_format(s, "in_port=%ld", random() % 70000); break;
    case 2: ds_put_format(s, "dl_vlan=%ld", random() % 4096); break;
    case 3: ds_put_format(s, "dl_vlan_pcp=%ld", random() % 8); break;
    case 4: ds_put_format(s, "vlan_tci=0x%04lx/0x%04x", random() % 65536,
                          PICK(tci_masks)); break;
    case 5: ds_put_format(s, "dl_src=%x:%x:%x:%x:%x:%x", MAC()); break;
    case 6: ds_put_format(s, "dl_dst=%x:%x:%x:%x:%x:%x/ff:ff:ff:00:00:00",
                          MAC()); break;
    case 7: ds_put_format(s, "nw_src=%d.%d.%d.%d/%ld", IP(), random() % 33);
        break;
    case 8: ds_put_format(s, "nw_dst=%d.%d.%d.%d", IP()); break;
    case 9: ds_put_format(s, "ipv6_src=%s/%ld", PICK(ipv6), random() % 129);
        break;
    case 10: ds_put_format(s, "arp_spa=%d.%d.%d.%d", IP()); break;
    case 11: ds_put_format(s, "arp_op=%ld", random() % 4); break;
    case 12: ds_put_format(s, "arp_sha=%x:%x:%x:%x:%x:%x", MAC()); break;
    case 13: ds_put_format(s, "nw_proto=%d", PICK(protos_n)); break;
    case 14: ds_put_format(s, "nw_tos=%ld", random() % 64 * 4); break;
    case 15: ds_put_format(s, "nw_ecn=%ld", random() % 4); break;
    case 16: ds_put_format(s, "nw_ttl=%ld", random() % 256); break;
    case 17: ds_put_format(s, "ip_frag=%s", PICK(frag)); break;
    case 18: ds_put_format(s, "tp_src=%ld", random() % 65536); break;
    case 19: ds_put_format(s, "tp_dst=0x%lx/0xff00", random() % 65536);
        break;
    case 20: ds_put_format(s, "tcp_flags=%s", PICK(tcpf)); break;
    case 21: ds_put_format(s, "icmp_type=%d", PICK(icmp)); break;
    case 22: ds_put_format(s, "icmp_code=%ld", random() % 4); break;
    case 23: ds_put_format(s, "nd_target=%s", PICK(ipv6)); break;
    case 24: ds_put_format(s, "nd_sll=%x:%x:%x:%x:%x:%x", MAC()); break;
    case 25: ds_put_format(s, "ipv6_label=0x%lx", random() % 0x100000);
        break;
    case 26: ds_put_format(s, "reg%ld=0x%lx/0xff", random() % 16,
                           random() % 1000); break;
    case 27: ds_put_format(s, "metadata=0x%lx", random()); break;
    case 28: ds_put_format(s, "tun_id=0x%lx", random() % 1000); break;
    case 29: ds_put_format(s, "ct_state=%s", PICK(ct)); break;
    case 30: ds_put_format(s, "ct_zone=%ld", random() % 10); break;
    case 31: ds_put_format(s, "ct_mark=0x%lx", random() % 10); break;
    case 32: ds_put_format(s, "priority=%ld", random() % 65536); break;
    default: ds_put_format(s, "reg%ld[3..5]=%ld", random() % 4,
                           random() % 8); break;
    }
#undef PICK
#undef IP
#undef MAC
}

/* Oracle test: random flows through real ovs-ofctl and through us. */
TEST(live_random_differential)
{
    int compared = 0;

    if (system("ovs-ofctl --version >/dev/null 2>&1")) {
        SKIP("ovs-ofctl is not installed");
    }
    srandom(20261124);
    for (int i = 0; i < 300; i++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        int n = random() % 5 + 1;
        char *ovs, *ours;

        for (int k = 0; k < n; k++) {
            if (k) {
                ds_put_char(&s, ',');
            }
            put_random_term(&s);
        }
        ds_put_cstr(&s, " actions=drop");
        ovs = ovs_ofctl_parse(ds_cstr(&s));
        ours = render_flow_mod(ds_cstr(&s), NULL);
        if (ovs) {
            if (strcmp(ovs, ours)) {
                harness_fail(__FILE__, __LINE__,
                             "input: %s\n  ovs: %s\n  ours: %s", ds_cstr(&s),
                             ovs, ours);
            }
            compared++;
        }
        free(ovs);
        free(ours);
        ds_destroy(&s);
    }
    ASSERT_GE(compared, 250);
}
