/*
 * Hand-written unit tests for src/classifier: the conjunctive match
 * examples of OVS's tests/classifier.at, un-wildcarding minimality and
 * staging, dump order against the seed's br-int tables 71 and 72, cursor
 * behaviour under removal, and insert/replace/find/overlap with versions.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "classifier/classifier.h"
#include "lib/util.h"

#include "classifier-test.h"

static bool
wc_is_zero_in(const struct flow_wildcards *wc, size_t ofs, size_t len)
{
    return is_all_zeros((const uint8_t *)&wc->masks + ofs, len);
}

/* Match builders for the hand-written tests. */

#define MATCH_SET(M, FIELD, VALUE)                                            \
    do {                                                                      \
        (M)->flow.FIELD = (VALUE);                                            \
        memset(&(M)->wc.masks.FIELD, 0xff, sizeof(M)->wc.masks.FIELD);        \
    } while (0)

#define MATCH_SET_MASKED(M, FIELD, VALUE, MASK)                               \
    do {                                                                      \
        (M)->flow.FIELD = (VALUE);                                            \
        (M)->wc.masks.FIELD = (MASK);                                         \
    } while (0)

static be32
ip4(const char *s)
{
    struct in_addr a;

    vx_assert(inet_pton(AF_INET, s, &a) == 1);
    return a.s_addr;
}

static struct in6_addr
ip6(const char *s)
{
    struct in6_addr a;

    vx_assert(inet_pton(AF_INET6, s, &a) == 1);
    return a;
}

static struct eth_addr
mac(const char *s)
{
    struct eth_addr ea;
    unsigned int b[6];

    vx_assert(sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
                     &b[5]) == 6);
    for (int i = 0; i < 6; i++) {
        ea.ea[i] = (uint8_t)b[i];
    }
    return ea;
}

/* Sets an IPv4 CIDR "a.b.c.d/len" (or a plain address) into *VALUE and
 * *MASK. */
static void
cidr(const char *s, be32 *value, be32 *mask)
{
    char buf[32];
    const char *slash = strchr(s, '/');
    int len = slash ? atoi(slash + 1) : 32;

    vx_strlcpy(buf, s, slash ? (size_t)(slash - s + 1) : sizeof buf);
    *mask = len ? htonl(UINT32_MAX << (32 - len)) : 0;
    *value = ip4(buf) & *mask;
}

static void
m_ip(struct match *m, int nw_proto)
{
    MATCH_SET(m, dl_type, htons(ETH_TYPE_IP));
    if (nw_proto >= 0) {
        MATCH_SET(m, nw_proto, (uint8_t)nw_proto);
    }
}

static void
m_nw_src(struct match *m, const char *s)
{
    be32 v, mask;

    cidr(s, &v, &mask);
    MATCH_SET_MASKED(m, nw_src, v, mask);
}

static void
m_nw_dst(struct match *m, const char *s)
{
    be32 v, mask;

    cidr(s, &v, &mask);
    MATCH_SET_MASKED(m, nw_dst, v, mask);
}

/* A table built by hand: rules carry their "action" as id. */
struct table {
    struct classifier cls;   /* The classifier. */
    struct trule *rules[64]; /* Rules, in insertion order. */
    size_t n;                /* Number of rules. */
};

static void
table_init(struct table *t)
{
    memset(t, 0, sizeof *t);
    classifier_init(&t->cls);
}

static void
table_destroy(struct table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        classifier_remove(&t->cls, &t->rules[i]->cr);
        trule_destroy(t->rules[i]);
    }
    classifier_destroy(&t->cls);
}

/* Adds a rule with MATCH, PRIORITY and ACTION, soft when N_CONJ > 0. */
static struct trule *
table_add(struct table *t, const struct match *match, int priority, int action,
          const struct cls_conjunction *conj, size_t n_conj)
{
    struct trule *r = trule_create(match, priority, action);

    vx_assert(t->n < ARRAY_SIZE(t->rules));
    cls_rule_set_conjunctions(&r->cr, conj, n_conj);
    ASSERT_TRUE(classifier_insert(&t->cls, &r->cr, 0) == NULL);
    t->rules[t->n++] = r;
    return r;
}

static int
table_lookup_action(const struct table *t, const struct flow *flow,
                    struct flow_wildcards *wc)
{
    return trule_id(classifier_lookup(&t->cls, 0, flow, wc));
}

static struct flow
ip_flow(const char *src, const char *dst, int nw_proto, int tp_src, int tp_dst)
{
    struct flow flow;

    memset(&flow, 0, sizeof flow);
    flow.in_port = 1;
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.nw_src = ip4(src);
    flow.nw_dst = ip4(dst);
    flow.nw_proto = (uint8_t)nw_proto;
    flow.tp_src = htons((uint16_t)tp_src);
    flow.tp_dst = htons((uint16_t)tp_dst);
    return flow;
}

static struct cls_conjunction
cj(uint32_t id, int k, int n)
{
    struct cls_conjunction c = {id, (uint8_t)(k - 1), (uint8_t)n};

    return c;
}

/* Rule with "conj_id=ID,actions=ACTION" at the default priority. */
static void
table_add_conj_id(struct table *t, uint32_t id, int action)
{
    struct match m;

    memset(&m, 0, sizeof m);
    MATCH_SET(&m, conj_id, id);
    table_add(t, &m, 32768, action, NULL, 0);
}

/* Rule "priority=P,ip,SRC_OR_DST_FIELD=CIDR,actions=conjunction(...)". */
static void
table_add_ip_conj(struct table *t, int priority, const char *src,
                  const char *dst, const struct cls_conjunction *c, size_t n)
{
    struct match m;

    memset(&m, 0, sizeof m);
    m_ip(&m, -1);
    if (src) {
        m_nw_src(&m, src);
    }
    if (dst) {
        m_nw_dst(&m, dst);
    }
    table_add(t, &m, priority, -1, c, n);
}

static void
table_add_ip(struct table *t, int priority, const char *src, const char *dst,
             int action)
{
    struct match m;

    memset(&m, 0, sizeof m);
    m_ip(&m, -1);
    if (src) {
        m_nw_src(&m, src);
    }
    if (dst) {
        m_nw_dst(&m, dst);
    }
    table_add(t, &m, priority, action, NULL, 0);
}

static void
table_add_catchall(struct table *t, int priority, int action)
{
    struct match m;

    memset(&m, 0, sizeof m);
    table_add(t, &m, priority, action, NULL, 0);
}

/* OVS tests/classifier.at "single conjunctive match". */
TEST(conj_single)
{
    static const char *srcs[] = {"10.0.0.1", "10.0.0.4", "10.0.0.6",
                                 "10.0.0.7"};
    static const char *dsts[] = {"10.0.0.2", "10.0.0.5", "10.0.0.7",
                                 "10.0.0.8"};
    struct cls_conjunction c1 = cj(1, 1, 2), c2 = cj(1, 2, 2);
    struct table t;

    table_init(&t);
    table_add_conj_id(&t, 1, 3);
    for (int i = 0; i < 4; i++) {
        table_add_ip_conj(&t, 100, srcs[i], NULL, &c1, 1);
    }
    for (int i = 0; i < 4; i++) {
        table_add_ip_conj(&t, 100, NULL, dsts[i], &c2, 1);
    }
    table_add_ip(&t, 100, "10.0.0.1", "10.0.0.4", 4);
    table_add_ip(&t, 100, "10.0.0.3", "10.0.0.5", 5);
    table_add_catchall(&t, 0, 2);

    for (int src = 0; src < 8; src++) {
        for (int dst = 0; dst < 8; dst++) {
            char s[16], d[16];
            struct flow flow;
            int out;

            snprintf(s, sizeof s, "10.0.0.%d", src);
            snprintf(d, sizeof d, "10.0.0.%d", dst);
            flow = ip_flow(s, d, 0, 0, 0);
            if (src == 1 && dst == 4) {
                out = 4;
            } else if (src == 3 && dst == 5) {
                out = 5;
            } else if (strchr("1467", '0' + src) &&
                       strchr("2578", '0' + dst)) {
                out = 3;
            } else {
                out = 2;
            }
            ASSERT_EQ(table_lookup_action(&t, &flow, NULL), out);
        }
    }
    table_destroy(&t);
}

/* OVS tests/classifier.at "multiple conjunctive match". */
TEST(conj_multiple)
{
    static const char *a_ips[] = {"20.0.0.1", "10.1.0.1", "10.2.0.1",
                                  "10.1.3.1", "10.1.4.5", "1.2.3.4"};
    static const char *b_ips[] = {"20.0.0.1", "10.1.0.1", "10.2.0.1",
                                  "10.1.3.1", "10.1.4.5", "30.0.0.1",
                                  "40.5.0.1", "1.2.3.4"};
    static const int ports[] = {80, 443, 8080};
    struct cls_conjunction c[2];
    struct table t;
    struct match m;

    table_init(&t);
    table_add_conj_id(&t, 1, 1);
    table_add_conj_id(&t, 2, 2);
    table_add_conj_id(&t, 3, 3);

    c[0] = cj(1, 1, 2), c[1] = cj(2, 1, 2);
    table_add_ip_conj(&t, 5, "20.0.0.0/8", NULL, c, 2);
    c[0] = cj(1, 1, 2), c[1] = cj(3, 2, 3);
    table_add_ip_conj(&t, 5, "10.1.0.0/16", NULL, c, 2);
    c[0] = cj(1, 1, 2), c[1] = cj(2, 1, 2);
    table_add_ip_conj(&t, 5, "10.2.0.0/16", NULL, c, 2);
    c[0] = cj(1, 1, 2), c[1] = cj(3, 2, 3);
    table_add_ip_conj(&t, 5, "10.1.3.0/24", NULL, c, 2);
    c[0] = cj(1, 1, 2), c[1] = cj(2, 1, 2);
    table_add_ip_conj(&t, 5, "10.1.4.5/32", NULL, c, 2);

    c[0] = cj(1, 2, 2);
    table_add_ip_conj(&t, 5, NULL, "20.0.0.0/8", c, 1);
    table_add_ip_conj(&t, 5, NULL, "10.1.0.0/16", c, 1);
    table_add_ip_conj(&t, 5, NULL, "10.2.0.0/16", c, 1);
    table_add_ip_conj(&t, 5, NULL, "10.1.3.0/24", c, 1);
    table_add_ip_conj(&t, 5, NULL, "10.1.4.5/32", c, 1);
    c[0] = cj(2, 2, 2), c[1] = cj(3, 1, 3);
    table_add_ip_conj(&t, 5, NULL, "30.0.0.0/8", c, 2);
    table_add_ip_conj(&t, 5, NULL, "40.5.0.0/16", c, 2);

    c[0] = cj(3, 3, 3);
    for (int i = 0; i < 4; i++) {
        memset(&m, 0, sizeof m);
        m_ip(&m, IPPROTO_TCP_);
        if (i < 2) {
            MATCH_SET(&m, tp_dst, htons(i ? 443 : 80));
        } else {
            MATCH_SET(&m, tp_src, htons(i == 3 ? 443 : 80));
        }
        table_add(&t, &m, 5, -1, c, 1);
    }
    table_add_catchall(&t, 0, 4);

    for (int a = 1; a <= 6; a++) {
        for (int b = 1; b <= 8; b++) {
            for (int cc = 1; cc <= 3; cc++) {
                for (int d = 1; d <= 3; d++) {
                    struct flow flow =
                        ip_flow(a_ips[a - 1], b_ips[b - 1], IPPROTO_TCP_,
                                ports[cc - 1], ports[d - 1]);
                    int out;

                    if (a <= 5 && b <= 5) {
                        out = 1;
                    } else if ((a == 1 || a == 3 || a == 5) &&
                               (b == 6 || b == 7)) {
                        out = 2;
                    } else if ((a == 2 || a == 4) && (b == 6 || b == 7) &&
                               (cc <= 2 || d <= 2)) {
                        out = 3;
                    } else {
                        out = 4;
                    }
                    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), out);
                }
            }
        }
    }
    table_destroy(&t);
}

/* OVS tests/classifier.at "conjunctive match priority fallback": soft
 * matches that do not complete fall back to lower-priority rules with the
 * same match. */
TEST(conj_priority_fallback)
{
    struct cls_conjunction c1 = cj(1, 1, 2), c2 = cj(1, 2, 2);
    struct cls_conjunction c3 = cj(3, 1, 2), c4 = cj(3, 2, 2);
    struct table t;

    table_init(&t);
    table_add_conj_id(&t, 1, 1);
    table_add_conj_id(&t, 3, 3);

    table_add_ip_conj(&t, 5, "10.0.0.1", NULL, &c1, 1);
    table_add_ip_conj(&t, 5, "10.0.0.2", NULL, &c1, 1);
    table_add_ip_conj(&t, 5, NULL, "10.0.0.1", &c2, 1);
    table_add_ip_conj(&t, 5, NULL, "10.0.0.2", &c2, 1);
    table_add_ip_conj(&t, 5, NULL, "10.0.0.3", &c2, 1);

    table_add_ip(&t, 4, "10.0.0.3", "10.0.0.2", 2);

    table_add_ip_conj(&t, 3, "10.0.0.1", NULL, &c3, 1);
    table_add_ip_conj(&t, 3, "10.0.0.3", NULL, &c3, 1);
    table_add_ip_conj(&t, 3, NULL, "10.0.0.2", &c4, 1);
    table_add_ip_conj(&t, 3, NULL, "10.0.0.3", &c4, 1);
    table_add_ip_conj(&t, 3, NULL, "10.0.0.4", &c4, 1);

    table_add_ip(&t, 2, NULL, "10.0.0.1", 4);
    table_add_ip(&t, 1, "10.0.0.1", "10.0.0.5", 5);
    table_add_catchall(&t, 0, 6);

    for (int src = 0; src <= 3; src++) {
        for (int dst = 0; dst <= 5; dst++) {
            char s[16], d[16];
            struct flow flow;
            int out;

            snprintf(s, sizeof s, "10.0.0.%d", src);
            snprintf(d, sizeof d, "10.0.0.%d", dst);
            flow = ip_flow(s, d, 0, 0, 0);
            if ((src == 1 || src == 2) && dst >= 1 && dst <= 3) {
                out = 1;
            } else if (src == 3 && dst == 2) {
                out = 2;
            } else if ((src == 1 || src == 3) && dst >= 2 && dst <= 4) {
                out = 3;
            } else if (dst == 1) {
                out = 4;
            } else if (src == 1 && dst == 5) {
                out = 5;
            } else {
                out = 6;
            }
            ASSERT_EQ(table_lookup_action(&t, &flow, NULL), out);
        }
    }
    table_destroy(&t);
}

/* Completed conjunctions are looked up again with conj_id set, in
 * increasing id order, and the first lookup that finds any rule gives the
 * answer, even a rule that does not match on conj_id (OVS semantics). */
TEST(conj_lookup_order)
{
    struct cls_conjunction c[2];
    struct table t;
    struct flow flow = ip_flow("10.0.0.1", "10.0.0.2", 0, 0, 0);
    struct flow_wildcards wc;
    struct trule *catchall;

    table_init(&t);
    c[0] = cj(9, 1, 2), c[1] = cj(7, 1, 2);
    table_add_ip_conj(&t, 10, "10.0.0.1", NULL, c, 2);
    c[0] = cj(9, 2, 2), c[1] = cj(7, 2, 2);
    table_add_ip_conj(&t, 10, NULL, "10.0.0.2", c, 2);
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), -1);

    /* The conj_id=7 lookup finds the catch-all. */
    catchall =
        table_add(&t, &(struct match){.flow.in_port = 0}, 1, 100, NULL, 0);
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), 100);
    table_add_conj_id(&t, 9, 9);
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), 100);

    /* Without it, conjunction 7 finds nothing and 9 is tried. */
    ASSERT_TRUE(classifier_remove(&t.cls, &catchall->cr));
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), 9);
    table_add_conj_id(&t, 7, 7);
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), 7);

    /* The second lookup examined conj_id; the first, both addresses. */
    ASSERT_HEX_EQ(wc.masks.conj_id, UINT32_MAX);
    ASSERT_HEX_EQ(wc.masks.nw_src, UINT32_MAX);
    ASSERT_HEX_EQ(wc.masks.nw_dst, UINT32_MAX);

    /* Only one clause matches: no conjunction. */
    flow.nw_dst = ip4("10.0.0.3");
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), -1);

    /* A hard rule at the soft priority wins over the conjunction. */
    flow.nw_dst = ip4("10.0.0.2");
    table_add_ip(&t, 10, "10.0.0.1", "10.0.0.2", 50);
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), 50);
    table_destroy(&t);
}

/* Un-wildcarding: a subtable that misses in an early stage un-wildcards
 * only the stages it compared. */
TEST(unwildcard_minimal)
{
    struct flow_wildcards wc;
    struct flow flow;
    struct table t;
    struct match m;

    /* Only rule: in_port.  No L2, L3 or L4 bits. */
    table_init(&t);
    memset(&m, 0, sizeof m);
    MATCH_SET(&m, in_port, 3);
    table_add(&t, &m, 10, 1, NULL, 0);
    flow = ip_flow("1.2.3.4", "5.6.7.8", IPPROTO_TCP_, 1000, 80);
    for (int port = 2; port <= 3; port++) {
        flow.in_port = port;
        memset(&wc, 0, sizeof wc);
        ASSERT_EQ(table_lookup_action(&t, &flow, &wc), port == 3 ? 1 : -1);
        ASSERT_HEX_EQ(wc.masks.in_port, UINT32_MAX);
        wc.masks.in_port = 0;
        ASSERT_TRUE(is_all_zeros(&wc, sizeof wc));
    }
    table_destroy(&t);

    /* in_port=1,tcp,tp_dst=80: one subtable of four stages. */
    table_init(&t);
    memset(&m, 0, sizeof m);
    MATCH_SET(&m, in_port, 1);
    m_ip(&m, IPPROTO_TCP_);
    MATCH_SET(&m, tp_dst, htons(80));
    table_add(&t, &m, 10, 1, NULL, 0);

    /* Metadata miss. */
    flow.in_port = 2;
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), -1);
    ASSERT_HEX_EQ(wc.masks.in_port, UINT32_MAX);
    ASSERT_HEX_EQ(wc.masks.dl_type, 0);
    ASSERT_HEX_EQ(wc.masks.nw_proto, 0);
    ASSERT_HEX_EQ(wc.masks.tp_dst, 0);

    /* L3 miss (UDP): no L4 bits. */
    flow.in_port = 1;
    flow.nw_proto = IPPROTO_UDP_;
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), -1);
    ASSERT_HEX_EQ(wc.masks.dl_type, 0xffff);
    ASSERT_HEX_EQ(wc.masks.nw_proto, 0xff);
    ASSERT_TRUE(wc_is_zero_in(&wc, offsetof(struct flow, tp_src),
                              sizeof flow - offsetof(struct flow, tp_src)));

    /* L4 compared. */
    flow.nw_proto = IPPROTO_TCP_;
    flow.tp_dst = htons(81);
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), -1);
    ASSERT_HEX_EQ(wc.masks.tp_dst, 0xffff);
    ASSERT_HEX_EQ(wc.masks.tp_src, 0);
    flow.tp_dst = htons(80);
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), 1);
    table_destroy(&t);
}

/* The flows of OVS tests/classifier.at "lookup segmentation".  Where OVS
 * narrows tp_dst further with its ports trie, we un-wildcard the whole
 * field. */
TEST(unwildcard_segmentation)
{
    struct flow_wildcards wc, expect;
    struct table t;
    struct match m;
    struct flow flow;

    table_init(&t);
    static const struct {
        int in_port, priority, proto, action;
        const char *src, *dst;
        int tp_dst;
    } rules[] = {
        {1, 16, 6, 3, NULL, "10.1.0.0/16", -1},
        {1, 32, 6, 2, NULL, "10.1.2.15", -1},
        {1, 33, 6, 0, NULL, "10.1.2.15", 80},
        {1, 0, -1, 0, NULL, NULL, -1},
        {2, 16, 6, 1, NULL, "192.168.0.0/16", -1},
        {2, 0, -1, 0, NULL, NULL, -1},
        {3, 16, 6, 1, "10.1.0.0/16", NULL, -1},
        {3, 0, -1, 0, NULL, NULL, -1},
    };
    for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
        memset(&m, 0, sizeof m);
        MATCH_SET(&m, in_port, (uint32_t)rules[i].in_port);
        m_ip(&m, rules[i].proto);
        if (rules[i].src) {
            m_nw_src(&m, rules[i].src);
        }
        if (rules[i].dst) {
            m_nw_dst(&m, rules[i].dst);
        }
        if (rules[i].tp_dst >= 0) {
            MATCH_SET(&m, tp_dst, htons((uint16_t)rules[i].tp_dst));
        }
        table_add(&t, &m, rules[i].priority, (int)i, NULL, 0);
    }

    /* in_port=2 to 192.168.0.2: in_port, tcp, nw_dst/16 (as OVS). */
    flow = ip_flow("192.168.0.1", "192.168.0.2", IPPROTO_TCP_, 8, 80);
    flow.in_port = 2;
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), 4);
    memset(&expect, 0, sizeof expect);
    expect.masks.in_port = UINT32_MAX;
    expect.masks.dl_type = 0xffff;
    expect.masks.nw_proto = 0xff;
    expect.masks.nw_dst = htonl(0xffff0000);
    ASSERT_MEM_EQ(&wc, &expect, sizeof wc);

    /* in_port=1 to 10.1.2.15:80: the priority-33 rule (as OVS). */
    flow = ip_flow("192.168.0.1", "10.1.2.15", IPPROTO_TCP_, 8, 80);
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), 2);
    expect.masks.nw_dst = UINT32_MAX;
    expect.masks.tp_dst = 0xffff;
    ASSERT_MEM_EQ(&wc, &expect, sizeof wc);

    /* Port 79: the priority-32 rule; all of tp_dst was compared (OVS's
     * ports trie would narrow it to one bit). */
    flow.tp_dst = htons(79);
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), 1);
    ASSERT_MEM_EQ(&wc, &expect, sizeof wc);

    /* in_port=1 to 11.1.2.15: the catch-all ip rule.  The nw_dst trie
     * rules out the three nw_dst subtables after 8 bits of the address
     * (OVS, with its prefix tries too, shows "ip,in_port=1,nw_dst=..."),
     * so neither nw_proto nor the rest of nw_dst is un-wildcarded. */
    flow = ip_flow("192.168.0.1", "11.1.2.15", IPPROTO_TCP_, 8, 80);
    memset(&wc, 0, sizeof wc);
    ASSERT_EQ(table_lookup_action(&t, &flow, &wc), 3);
    memset(&expect, 0, sizeof expect);
    expect.masks.in_port = UINT32_MAX;
    expect.masks.dl_type = 0xffff;
    expect.masks.nw_dst = htonl(0xff000000);
    ASSERT_MEM_EQ(&wc, &expect, sizeof wc);

    /* Without wildcards to narrow, the lookup gives the same answer. */
    ASSERT_EQ(table_lookup_action(&t, &flow, NULL), 3);
    table_destroy(&t);
}

/* The shapes of the seed's br-int tables 71 and 72, inserted in the
 * seed's order, come out of a cursor in the seed's order. */

#define SEED_PORT 5

static struct match
seed_match(const char *proto, bool reg5, bool port, const char *dl_src,
           const char *src, const char *dst)
{
    struct match m;

    memset(&m, 0, sizeof m);
    if (!strcmp(proto, "arp")) {
        MATCH_SET(&m, dl_type, htons(ETH_TYPE_ARP));
    } else if (!strcmp(proto, "rarp")) {
        MATCH_SET(&m, dl_type, htons(ETH_TYPE_RARP));
    } else if (!strcmp(proto, "ip")) {
        MATCH_SET(&m, dl_type, htons(ETH_TYPE_IP));
    } else if (!strcmp(proto, "ipv6")) {
        MATCH_SET(&m, dl_type, htons(ETH_TYPE_IPV6));
    } else if (!strcmp(proto, "udp")) {
        m_ip(&m, IPPROTO_UDP_);
    } else if (!strcmp(proto, "udp6")) {
        MATCH_SET(&m, dl_type, htons(ETH_TYPE_IPV6));
        MATCH_SET(&m, nw_proto, IPPROTO_UDP_);
    } else if (!strcmp(proto, "icmp6")) {
        MATCH_SET(&m, dl_type, htons(ETH_TYPE_IPV6));
        MATCH_SET(&m, nw_proto, IPPROTO_ICMPV6_);
    }
    if (reg5) {
        MATCH_SET(&m, regs[5], 4);
    }
    if (port) {
        MATCH_SET(&m, in_port, SEED_PORT);
    }
    if (dl_src) {
        MATCH_SET(&m, dl_src, mac(dl_src));
    }
    if (src && strchr(src, ':')) {
        MATCH_SET(&m, ipv6_src, ip6(src));
    } else if (src) {
        MATCH_SET(&m, nw_src, ip4(src));
    }
    if (dst) {
        MATCH_SET(&m, nd_target, ip6(dst));
    }
    return m;
}

static void
check_dump_order(struct table *t)
{
    struct trule *r;
    int i = 0;

    CLS_FOR_EACH(r, cr, &t->cls)
    {
        ASSERT_EQ(r->id, i);
        i++;
    }
    ASSERT_EQ(i, (int)t->n);
}

TEST(cursor_seed_table71)
{
    static const char mac0[] = "fa:16:3e:61:21:c6";
    static const char ll[] = "fe80::f816:3eff:fe61:21c6";
    struct table t;
    struct match m;
    int id = 0;

    table_init(&t);
    memset(&m, 0, sizeof m);
    MATCH_SET_MASKED(&m, ct_state, CS_TRACKED, CS_TRACKED);
    table_add(&t, &m, 110, id++, NULL, 0);
    m = seed_match("arp", true, true, mac0, "192.168.101.85", NULL);
    table_add(&t, &m, 95, id++, NULL, 0);
    m = seed_match("ip", true, true, mac0, "192.168.101.85", NULL);
    table_add(&t, &m, 65, id++, NULL, 0);
    m = seed_match("rarp", true, true, mac0, NULL, NULL);
    table_add(&t, &m, 95, id++, NULL, 0);
    for (int type = 130; type <= 135; type++) {
        if (type == 130 || type == 133 || type == 135) {
            m = seed_match("icmp6", true, true, mac0, ll, NULL);
            MATCH_SET(&m, tp_src, htons((uint16_t)type));
            table_add(&t, &m, 95, id++, NULL, 0);
        }
    }
    m = seed_match("icmp6", true, true, NULL, NULL, ll);
    MATCH_SET(&m, tp_src, htons(136));
    table_add(&t, &m, 95, id++, NULL, 0);
    m = seed_match("udp", true, true, mac0, "192.168.101.85", NULL);
    MATCH_SET(&m, tp_src, htons(68));
    MATCH_SET(&m, tp_dst, htons(67));
    table_add(&t, &m, 80, id++, NULL, 0);
    m = seed_match("udp", true, true, mac0, "0.0.0.0", NULL);
    MATCH_SET(&m, tp_src, htons(68));
    MATCH_SET(&m, tp_dst, htons(67));
    table_add(&t, &m, 80, id++, NULL, 0);
    m = seed_match("udp6", true, true, mac0, ll, NULL);
    MATCH_SET(&m, tp_src, htons(546));
    MATCH_SET(&m, tp_dst, htons(547));
    table_add(&t, &m, 80, id++, NULL, 0);
    m = seed_match("udp", true, true, NULL, NULL, NULL);
    MATCH_SET(&m, tp_src, htons(67));
    MATCH_SET(&m, tp_dst, htons(68));
    table_add(&t, &m, 70, id++, NULL, 0);
    m = seed_match("udp6", true, true, NULL, NULL, NULL);
    MATCH_SET(&m, tp_src, htons(547));
    MATCH_SET(&m, tp_dst, htons(546));
    table_add(&t, &m, 70, id++, NULL, 0);
    m = seed_match("icmp6", true, true, NULL, NULL, NULL);
    MATCH_SET(&m, tp_src, htons(134));
    table_add(&t, &m, 70, id++, NULL, 0);
    m = seed_match("ipv6", true, true, mac0, ll, NULL);
    table_add(&t, &m, 65, id++, NULL, 0);
    m = seed_match("", true, true, NULL, NULL, NULL);
    table_add(&t, &m, 10, id++, NULL, 0);
    memset(&m, 0, sizeof m);
    table_add(&t, &m, 0, id++, NULL, 0);

    ASSERT_EQ(t.n, 17);
    ASSERT_EQ(classifier_n_subtables(&t.cls), 12);
    check_dump_order(&t);
    table_destroy(&t);
}

TEST(cursor_seed_table72)
{
    static const struct {
        int priority;
        uint8_t state, state_mask;
        const char *proto;
        bool zone, mark, reg5;
        uint32_t mark_value;
    } rules[] = {
        {74, CS_ESTABLISHED, CS_ESTABLISHED | CS_RELATED | CS_REPLY_DIR,
         "ipv6", false, false, true, 0},
        {74, CS_ESTABLISHED, CS_ESTABLISHED | CS_RELATED | CS_REPLY_DIR, "ip",
         false, false, true, 0},
        {74, CS_NEW, CS_NEW | CS_ESTABLISHED, "ipv6", false, false, true, 0},
        {74, CS_NEW, CS_NEW | CS_ESTABLISHED, "ip", false, false, true, 0},
        {50, CS_INVALID | CS_TRACKED, CS_INVALID | CS_TRACKED, "", false,
         false, false, 0},
        {50, 0, 0, "", false, true, true, 1},
        {50, CS_ESTABLISHED | CS_REPLY_DIR,
         CS_ESTABLISHED | CS_RELATED | CS_REPLY_DIR, "", true, true, true, 0},
        {50, CS_RELATED, CS_NEW | CS_ESTABLISHED | CS_RELATED | CS_INVALID, "",
         true, true, true, 0},
        {40, 0, CS_ESTABLISHED, "", false, false, true, 0},
        {40, CS_ESTABLISHED, CS_ESTABLISHED, "ip", false, false, true, 0},
        {40, CS_ESTABLISHED, CS_ESTABLISHED, "ipv6", false, false, true, 0},
        {0, 0, 0, "", false, false, false, 0},
    };
    struct table t;

    table_init(&t);
    for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
        struct match m =
            seed_match(rules[i].proto, rules[i].reg5, false, NULL, NULL, NULL);

        MATCH_SET_MASKED(&m, ct_state, rules[i].state, rules[i].state_mask);
        if (rules[i].zone) {
            MATCH_SET(&m, ct_zone, 3);
        }
        if (rules[i].mark) {
            MATCH_SET(&m, ct_mark, rules[i].mark_value);
        }
        table_add(&t, &m, rules[i].priority, (int)i, NULL, 0);
    }
    check_dump_order(&t);
    table_destroy(&t);
}

/* Dump order: subtables by max priority (ties by creation), rules in
 * insertion order within a subtable whatever their priority; removals do
 * not reorder until the next insertion; a cursor survives removal of the
 * rule it returned; targets filter loosely. */
TEST(cursor_order_and_removal)
{
    struct table t;
    struct match m1, m2, m3;
    struct trule *r;
    int order[8], n;

    table_init(&t);
    memset(&m1, 0, sizeof m1);
    MATCH_SET(&m1, in_port, 1);
    memset(&m2, 0, sizeof m2);
    MATCH_SET(&m2, dl_type, htons(ETH_TYPE_IP));
    memset(&m3, 0, sizeof m3);
    MATCH_SET(&m3, in_port, 2); /* Same mask as m1. */

    table_add(&t, &m1, 1, 0, NULL, 0);  /* Subtable A. */
    table_add(&t, &m2, 5, 1, NULL, 0);  /* Subtable B. */
    table_add(&t, &m3, 10, 2, NULL, 0); /* A, now max 10. */
    table_add(&t, &m1, 3, 3, NULL, 0);  /* A, same match. */

    n = 0;
    CLS_FOR_EACH(r, cr, &t.cls)
    {
        order[n++] = r->id;
    }
    ASSERT_EQ(n, 4);
    ASSERT_EQ(order[0], 0);
    ASSERT_EQ(order[1], 2);
    ASSERT_EQ(order[2], 3);
    ASSERT_EQ(order[3], 1);

    /* Removing A's top rule keeps A first until the next insertion. */
    ASSERT_TRUE(classifier_remove(&t.cls, &t.rules[2]->cr));
    n = 0;
    CLS_FOR_EACH(r, cr, &t.cls)
    {
        order[n++] = r->id;
    }
    ASSERT_EQ(n, 3);
    ASSERT_EQ(order[0], 0);
    ASSERT_EQ(order[2], 1);

    /* ...or until classifier_compact(), which puts B (max 5) before A
     * (max now 3), as OVS does at once. */
    classifier_compact(&t.cls);
    n = 0;
    CLS_FOR_EACH(r, cr, &t.cls)
    {
        order[n++] = r->id;
    }
    ASSERT_EQ(n, 3);
    ASSERT_EQ(order[0], 1);
    ASSERT_EQ(order[1], 0);
    ASSERT_EQ(order[2], 3);
    {
        struct match m4;

        memset(&m4, 0, sizeof m4);
        MATCH_SET(&m4, nw_proto, 6);
        table_add(&t, &m4, 0, 4, NULL, 0);
    }
    n = 0;
    CLS_FOR_EACH(r, cr, &t.cls)
    {
        order[n++] = r->id;
    }
    ASSERT_EQ(n, 4);
    ASSERT_EQ(order[0], 1);
    ASSERT_EQ(order[1], 0);
    ASSERT_EQ(order[2], 3);
    ASSERT_EQ(order[3], 4);

    /* Loose target: in_port=1 finds the in_port=1 rules only. */
    n = 0;
    CLS_FOR_EACH_TARGET(r, cr, &t.cls, &m1, 0)
    {
        order[n++] = r->id;
    }
    ASSERT_EQ(n, 2);
    ASSERT_EQ(order[0], 0);
    ASSERT_EQ(order[1], 3);

    /* Remove every rule while iterating. */
    n = 0;
    CLS_FOR_EACH(r, cr, &t.cls)
    {
        ASSERT_TRUE(classifier_remove(&t.cls, &r->cr));
        n++;
    }
    ASSERT_EQ(n, 4);
    ASSERT_TRUE(classifier_is_empty(&t.cls));
    ASSERT_EQ(classifier_n_subtables(&t.cls), 0);
    n = 0;
    CLS_FOR_EACH(r, cr, &t.cls)
    {
        n++;
    }
    ASSERT_EQ(n, 0);
    ASSERT_EQ(t.cls.n_slots, 3);
    classifier_compact(&t.cls);
    ASSERT_EQ(t.cls.n_slots, 0);

    /* The next insertion frees the emptied subtables. */
    table_add(&t, &m2, 1, 5, NULL, 0);
    ASSERT_EQ(classifier_n_subtables(&t.cls), 1);
    ASSERT_EQ(t.cls.n_slots, 1);
    table_destroy(&t);
}

/* Insert conflicts, replacement, exact finds, overlaps and versions. */
TEST(insert_replace_find_overlap)
{
    struct match m1, m2, m3;
    struct trule *a, *b, *c, *d;
    struct classifier cls;
    struct trule *r;
    struct flow flow;
    int n;

    classifier_init(&cls);
    memset(&m1, 0, sizeof m1);
    MATCH_SET(&m1, in_port, 1);
    m1.flow.nw_src = htonl(0x01020304); /* Not in the mask: normalised. */
    memset(&m2, 0, sizeof m2);
    MATCH_SET(&m2, dl_type, htons(ETH_TYPE_IP));
    memset(&m3, 0, sizeof m3);
    MATCH_SET(&m3, in_port, 2);

    a = trule_create(&m1, 10, 1);
    ASSERT_TRUE(a->cr.match.flow.nw_src == 0);
    b = trule_create(&m1, 10, 2);
    c = trule_create(&m1, 10, 3);
    d = trule_create(&m2, 10, 4);

    ASSERT_TRUE(classifier_insert(&cls, &a->cr, 1) == NULL);
    ASSERT_TRUE(classifier_insert(&cls, &b->cr, 1) == &a->cr);
    ASSERT_TRUE(classifier_insert(&cls, &b->cr, 5) == &a->cr);
    ASSERT_TRUE(classifier_find_match_exactly(&cls, &m1, 10, 1) == &a->cr);
    ASSERT_TRUE(classifier_find_match_exactly(&cls, &m1, 10, 0) == NULL);
    ASSERT_TRUE(classifier_find_match_exactly(&cls, &m1, 11, 1) == NULL);
    ASSERT_TRUE(classifier_find_match_exactly(&cls, &m3, 10, 1) == NULL);

    /* Staged modification: A invisible from 2, B visible from 2. */
    cls_rule_make_invisible_in_version(&a->cr, 2);
    ASSERT_TRUE(classifier_insert(&cls, &b->cr, 2) == NULL);
    memset(&flow, 0, sizeof flow);
    flow.in_port = 1;
    ASSERT_TRUE(classifier_lookup(&cls, 0, &flow, NULL) == NULL);
    ASSERT_TRUE(classifier_lookup(&cls, 1, &flow, NULL) == &a->cr);
    ASSERT_TRUE(classifier_lookup(&cls, 2, &flow, NULL) == &b->cr);
    ASSERT_TRUE(classifier_find_match_exactly(&cls, &m1, 10, 1) == &a->cr);
    ASSERT_TRUE(classifier_find_match_exactly(&cls, &m1, 10, 2) == &b->cr);
    ASSERT_EQ(classifier_count(&cls), 2);

    /* Inserting at an older version conflicts with every rule visible
     * then or later, the earliest inserted first. */
    ASSERT_TRUE(classifier_insert(&cls, &c->cr, 1) == &a->cr);
    ASSERT_TRUE(classifier_insert(&cls, &c->cr, 0) == &a->cr);
    ASSERT_TRUE(classifier_insert(&cls, &c->cr, 2) == &b->cr);

    /* Each version's cursor sees one of them. */
    n = 0;
    CLS_FOR_EACH_TARGET(r, cr, &cls, NULL, 1)
    {
        ASSERT_EQ(r->id, 1);
        n++;
    }
    CLS_FOR_EACH_TARGET(r, cr, &cls, NULL, 3)
    {
        ASSERT_EQ(r->id, 2);
        n++;
    }
    ASSERT_EQ(n, 2);

    /* Replace B by C: C takes B's place; A is untouched. */
    ASSERT_TRUE(classifier_insert(&cls, &d->cr, 2) == NULL);
    ASSERT_TRUE(classifier_replace(&cls, &c->cr, 3) == &b->cr);
    ASSERT_FALSE(classifier_remove(&cls, &b->cr));
    ASSERT_TRUE(classifier_lookup(&cls, 3, &flow, NULL) == &c->cr);
    ASSERT_TRUE(classifier_lookup(&cls, 1, &flow, NULL) == &a->cr);
    n = 0;
    CLS_FOR_EACH_TARGET(r, cr, &cls, NULL, 3)
    {
        ASSERT_EQ(r->id, n == 0 ? 3 : 4);
        n++;
    }
    ASSERT_EQ(n, 2);

    /* Overlaps: in_port=1 and ip overlap at the same priority only. */
    ASSERT_TRUE(classifier_rule_overlaps(&cls, &m2, 10, 3));
    ASSERT_TRUE(classifier_rule_overlaps(&cls, &m3, 10, 3));
    ASSERT_FALSE(classifier_rule_overlaps(&cls, &m3, 11, 3));
    ASSERT_TRUE(classifier_remove(&cls, &d->cr));
    ASSERT_FALSE(classifier_rule_overlaps(&cls, &m3, 10, 3));
    ASSERT_TRUE(classifier_rule_overlaps(&cls, &m1, 10, 3));
    ASSERT_FALSE(classifier_rule_overlaps(&cls, &m1, 10, 0));

    ASSERT_TRUE(classifier_remove(&cls, &a->cr));
    ASSERT_TRUE(classifier_remove(&cls, &c->cr));
    ASSERT_TRUE(classifier_is_empty(&cls));
    classifier_destroy(&cls);
    trule_destroy(a);
    trule_destroy(b);
    trule_destroy(c);
    trule_destroy(d);
}
