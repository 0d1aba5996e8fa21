/*
 * bench/classifier.c: classifier lookup throughput.
 *
 * Builds tables of 1,000 and 100,000 rules whose masks come from a small
 * set of OpenFlow-like shapes, then times classifier_lookup() (with
 * un-wildcarding, as the slow path does) over flows that each match some
 * rule, and without wildcards.  The anchor, run in the same process, is
 * a linear scan over the same rules; the ratio of the two is the figure
 * to compare across machines.  Prints one name=value line per figure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/classifier.h"
#include "lib/timeval.h"
#include "lib/util.h"

static uint64_t bench_rng = 0x853c49e6748fea9bULL;

static uint64_t
bench_random(void)
{
    bench_rng ^= bench_rng >> 12;
    bench_rng ^= bench_rng << 25;
    bench_rng ^= bench_rng >> 27;
    return bench_rng * 0x2545f4914f6cdd1dULL;
}

static void
bench_random_bytes(void *p_, size_t n)
{
    uint8_t *p = p_;

    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)bench_random();
    }
}

/* A field of struct flow by offset and length. */
struct bench_field {
    size_t ofs; /* Offset in struct flow. */
    size_t len; /* Length in bytes. */
};

#define BF(MEMBER)                                                            \
    {                                                                         \
        offsetof(struct flow, MEMBER), sizeof((struct flow *)0)->MEMBER       \
    }

static const struct bench_field bench_fields[] = {
    BF(in_port), BF(regs[5]),  BF(dl_src), BF(dl_type), BF(nw_src),
    BF(nw_dst),  BF(nw_proto), BF(tp_src), BF(tp_dst),  BF(tunnel.tun_id),
};

/* Mask shapes as lists of bench_fields indexes, -1 terminated. */
static const int bench_shapes[][5] = {
    {0, 3, 4, -1},    /* in_port, dl_type, nw_src. */
    {0, 3, 5, -1},    /* in_port, dl_type, nw_dst. */
    {1, 3, 6, 8, -1}, /* reg5, dl_type, nw_proto, tp_dst. */
    {0, 2, -1},       /* in_port, dl_src. */
    {3, 4, 5, 6, -1}, /* dl_type, nw_src, nw_dst, nw_proto. */
    {9, 0, -1},       /* tun_id, in_port. */
    {3, 5, 7, 8, -1}, /* dl_type, nw_dst, tp_src, tp_dst. */
    {0, 1, 5, -1},    /* in_port, reg5, nw_dst. */
};

/* A table of rules and flows that each match one of them. */
struct bench_table {
    struct classifier cls;  /* The classifier. */
    struct cls_rule *rules; /* Its rules. */
    size_t n_rules;         /* Rules created. */
    bool *inserted;         /* Whether each rule went in. */
    struct flow *flows;     /* Flows to look up. */
    size_t n_flows;         /* Number of 'flows'. */
    double insert_sec;      /* Time spent inserting. */
};

static void
bench_table_init(struct bench_table *t, size_t n_rules, size_t n_flows)
{
    long long int start;

    memset(t, 0, sizeof *t);
    classifier_init(&t->cls);
    t->rules = xcalloc(n_rules, sizeof *t->rules);
    t->inserted = xcalloc(n_rules, sizeof *t->inserted);
    t->n_rules = n_rules;
    for (size_t i = 0; i < n_rules; i++) {
        const int *shape =
            bench_shapes[bench_random() % ARRAY_SIZE(bench_shapes)];
        struct match m;

        memset(&m, 0, sizeof m);
        for (const int *f = shape; *f >= 0; f++) {
            memset((uint8_t *)&m.wc.masks + bench_fields[*f].ofs, 0xff,
                   bench_fields[*f].len);
            bench_random_bytes((uint8_t *)&m.flow + bench_fields[*f].ofs,
                               bench_fields[*f].len);
        }
        cls_rule_init(&t->rules[i], &m, (int)(bench_random() % 1000));
    }

    start = time_nsec();
    for (size_t i = 0; i < n_rules; i++) {
        t->inserted[i] = !classifier_insert(&t->cls, &t->rules[i], 0);
    }
    t->insert_sec = (time_nsec() - start) / 1e9;

    t->flows = xcalloc(n_flows, sizeof *t->flows);
    t->n_flows = n_flows;
    for (size_t i = 0; i < n_flows; i++) {
        const struct cls_rule *r = &t->rules[bench_random() % n_rules];
        uint64_t *f = (uint64_t *)&t->flows[i];
        const uint64_t *v = (const uint64_t *)&r->match.flow;
        const uint64_t *m = (const uint64_t *)&r->match.wc.masks;

        bench_random_bytes(f, sizeof t->flows[i]);
        for (size_t w = 0; w < FLOW_U64S; w++) {
            f[w] = (f[w] & ~m[w]) | v[w];
        }
        t->flows[i].conj_id = 0;
    }
}

static void
bench_table_destroy(struct bench_table *t)
{
    for (size_t i = 0; i < t->n_rules; i++) {
        if (t->inserted[i]) {
            classifier_remove(&t->cls, &t->rules[i]);
        }
        cls_rule_destroy(&t->rules[i]);
    }
    classifier_destroy(&t->cls);
    free(t->rules);
    free(t->inserted);
    free(t->flows);
}

/* The anchor: the best rule by a scan over every rule. */
static const struct cls_rule *
bench_linear_lookup(const struct bench_table *t, const struct flow *flow)
{
    const uint64_t *f = (const uint64_t *)flow;
    const struct cls_rule *best = NULL;

    for (size_t i = 0; i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        const uint64_t *v = (const uint64_t *)&r->match.flow;
        const uint64_t *m = (const uint64_t *)&r->match.wc.masks;
        size_t w;

        if (!t->inserted[i] || (best && r->priority <= best->priority)) {
            continue;
        }
        for (w = 0; w < FLOW_U64S && !((f[w] ^ v[w]) & m[w]); w++) {
            continue;
        }
        if (w == FLOW_U64S) {
            best = r;
        }
    }
    return best;
}

static void
bench_run(const char *label, size_t n_rules, size_t n_lookups, size_t n_linear)
{
    struct bench_table t;
    uint64_t probes0, lookups0;
    long long int start;
    double cls_sec, nowc_sec, linear_sec;
    size_t n_hits = 0;

    bench_table_init(&t, n_rules, 4096);

    probes0 = t.cls.n_subtable_probes;
    lookups0 = t.cls.n_lookups;
    start = time_nsec();
    for (size_t i = 0; i < n_lookups; i++) {
        struct flow_wildcards wc;

        memset(&wc, 0, sizeof wc);
        n_hits +=
            classifier_lookup(&t.cls, 0, &t.flows[i % t.n_flows], &wc) != NULL;
    }
    cls_sec = (time_nsec() - start) / 1e9;

    start = time_nsec();
    for (size_t i = 0; i < n_lookups; i++) {
        n_hits += classifier_lookup(&t.cls, 0, &t.flows[i % t.n_flows],
                                    NULL) != NULL;
    }
    nowc_sec = (time_nsec() - start) / 1e9;

    start = time_nsec();
    for (size_t i = 0; i < n_linear; i++) {
        n_hits += bench_linear_lookup(&t, &t.flows[i % t.n_flows]) != NULL;
    }
    linear_sec = (time_nsec() - start) / 1e9;

    printf("cls_rules_%s=%zu\n", label, classifier_count(&t.cls));
    printf("cls_subtables_%s=%zu\n", label, classifier_n_subtables(&t.cls));
    printf("cls_inserts_per_sec_%s=%.0f\n", label,
           classifier_count(&t.cls) / t.insert_sec);
    printf("cls_lookups_per_sec_%s=%.0f\n", label, n_lookups / cls_sec);
    printf("cls_lookups_nowc_per_sec_%s=%.0f\n", label, n_lookups / nowc_sec);
    printf("cls_linear_lookups_per_sec_%s=%.0f\n", label,
           n_linear / linear_sec);
    printf("cls_speedup_vs_linear_%s=%.1f\n", label,
           (n_lookups / cls_sec) / (n_linear / linear_sec));
    printf("cls_avg_probes_%s=%.2f\n", label,
           (double)(t.cls.n_subtable_probes - probes0) /
               (double)(t.cls.n_lookups - lookups0));
    printf("cls_hit_ratio_%s=%.3f\n", label,
           (double)n_hits / (double)(2 * n_lookups + n_linear));
    bench_table_destroy(&t);
}

int
main(void)
{
    bench_run("1k", 1000, 1000000, 20000);
    bench_run("100k", 100000, 1000000, 200);
    return 0;
}
