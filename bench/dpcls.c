/*
 * bench/dpcls.c: the datapath's caches, the megaflow classifier and the
 * exact-match cache, in batches of 32 packets as the datapath uses them.
 *
 * Megaflow classifier: 1, 3, 8 and 32 masks (subtables) on one in_port,
 * with 1,000 and 100,000 megaflows, looked up by packets that each hit a
 * megaflow chosen uniformly at random (so with S subtables a hit probes
 * about (S + 1) / 2 of them; skewed real traffic does better once the
 * subtables are sorted).  The anchor is the OpenFlow classifier
 * (classifier/classifier.h) holding the same megaflows as rules of one
 * priority, looked up one packet at a time without un-wildcarding.
 *
 * Exact-match cache: 1,000 and 8,000 cached keys in the default 8192-entry
 * cache, looked up in batches with the per-packet hash already computed
 * (the datapath computes it once per packet); the hash's own cost is a
 * separate figure.  The anchor is a plain exact-match table: lib/hmap
 * keyed by a hash of the whole struct flow, compared with memcmp.
 *
 * Packets.  A datapath looks up a key it has just extracted, so its key is
 * in cache while the megaflows are not.  The benchmark does the same: it
 * builds each batch's keys into a small buffer from the megaflow index
 * (a few stores), and subtracts the time of a pass that only builds them.
 * Times are this thread's CPU time, so other processes on a shared
 * machine count only through cache and SMT contention.
 *
 * Prints one name=value line per figure.  Arguments, if any, select
 * figures by prefix (e.g. `bench-dpcls dpcls_1sub emc`).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/classifier.h"
#include "datapath/dp-key.h"
#include "datapath/dpcls.h"
#include "datapath/emc.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"

#define BATCH DPCLS_MAX_BATCH

static uint64_t bench_rng = 0x853c49e6748fea9bULL;

static uint64_t
bench_random(void)
{
    bench_rng ^= bench_rng >> 12;
    bench_rng ^= bench_rng << 25;
    bench_rng ^= bench_rng >> 27;
    return bench_rng * 0x2545f4914f6cdd1dULL;
}

/* Returns this thread's CPU time in nanoseconds.  The figures use CPU
 * time rather than wall time so that other processes on a shared machine
 * do not count (their cache and SMT contention still does). */
static long long int
bench_nsec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A megaflow as the datapath would hold it, plus the anchor's rule. */
struct bench_flow {
    struct dpcls_rule cr;       /* Megaflow classifier rule. */
    struct cls_rule of_rule;    /* The same megaflow in the anchor. */
    struct flow key;            /* Masked key. */
    struct flow_wildcards mask; /* Mask. */
};

/* Stores in *MASK the megaflow mask number I: in_port, recirc_id and
 * dl_type exact, then IPv4 and L4 fields whose choice and prefix lengths
 * depend on I, as masks from a firewall pipeline would. */
static void
bench_mask(struct flow_wildcards *mask, int i)
{
    memset(mask, 0, sizeof *mask);
    mask->masks.in_port = UINT32_MAX;
    mask->masks.recirc_id = UINT32_MAX;
    mask->masks.dl_type = htons(0xffff);
    mask->masks.nw_dst = htonl(UINT32_MAX << (i % 8));
    mask->masks.nw_proto = 0xff;
    if (i & 8) {
        mask->masks.nw_src = htonl(UINT32_MAX << (i % 5));
    }
    if (i & 16) {
        mask->masks.tp_dst = htons(0xffff);
    }
    if (i == 0) {
        mask->masks.tp_dst = htons(0xffff);
        mask->masks.nw_src = htonl(UINT32_MAX);
    }
}

/* A set of megaflows and the order in which packets hit them. */
struct bench_set {
    struct dpcls cls;         /* Megaflow classifier. */
    struct classifier of_cls; /* Anchor. */
    struct bench_flow *flows; /* Megaflows. */
    size_t n_flows;           /* Number of 'flows'. */
    int n_masks;              /* Number of masks. */
    uint32_t *seq;            /* Megaflow index of each packet. */
    size_t n_seq;             /* Number of 'seq' (a power of 2). */
};

/* Stores in *P packet J of set S: it hits megaflow J.  Megaflow J has
 * mask J % n_masks and recirc_id J % n_masks, so megaflows never overlap;
 * J / n_masks goes in bits that every mask keeps (nw_dst's top 24, and
 * tp_dst), so megaflows of one mask differ. */
static inline void
bench_packet(const struct bench_set *s, size_t j, struct flow *p)
{
    uint32_t m = (uint32_t)(j % s->n_masks);
    uint32_t n = (uint32_t)(j / s->n_masks);

    memset(p, 0, sizeof *p);
    p->in_port = 1;
    p->recirc_id = m;
    p->dl_dst.ea[5] = 0x42;
    p->dl_src.ea[4] = (uint8_t)(j >> 8);
    p->dl_src.ea[5] = (uint8_t)j;
    p->dl_type = htons(ETH_TYPE_IP);
    p->nw_src = htonl(0xc0a80000 | (uint32_t)(j & 0xffff));
    p->nw_dst = htonl(0x0a000000 | (n << 8) | (uint32_t)(j & 0x7f));
    p->nw_proto = 6;
    p->nw_ttl = 64;
    p->tp_src = htons((uint16_t)(1024 + (j * 7919) % 60000));
    p->tp_dst = htons((uint16_t)n);
}

static void
bench_set_init(struct bench_set *s, int n_masks, size_t n_flows)
{
    dpcls_init(&s->cls);
    classifier_init(&s->of_cls);
    s->flows = xcalloc(n_flows, sizeof *s->flows);
    s->n_flows = n_flows;
    s->n_masks = n_masks;
    for (size_t j = 0; j < n_flows; j++) {
        struct bench_flow *f = &s->flows[j];
        struct flow_wildcards mask;
        struct match match;
        struct flow pkt;

        bench_mask(&mask, (int)(j % n_masks));
        bench_packet(s, j, &pkt);
        dpcls_rule_init(&f->cr);
        dpcls_insert(&s->cls, &f->cr, &pkt, &mask);
        dpcls_rule_get_key(&f->cr, &f->key, &f->mask);

        match.flow = f->key;
        match.wc = mask;
        cls_rule_init(&f->of_rule, &match, 100);
        classifier_insert(&s->of_cls, &f->of_rule, 0);
    }

    s->n_seq = 1 << 20;
    s->seq = xcalloc(s->n_seq, sizeof *s->seq);
    for (size_t i = 0; i < s->n_seq; i++) {
        s->seq[i] = (uint32_t)(bench_random() % n_flows);
    }
}

static void
bench_set_destroy(struct bench_set *s)
{
    for (size_t i = 0; i < s->n_flows; i++) {
        classifier_remove(&s->of_cls, &s->flows[i].of_rule);
        cls_rule_destroy(&s->flows[i].of_rule);
        dpcls_remove(&s->cls, &s->flows[i].cr);
    }
    classifier_destroy(&s->of_cls);
    dpcls_destroy(&s->cls);
    free(s->flows);
    free(s->seq);
}

/* What a timed pass does with each batch after building its keys. */
enum bench_op {
    OP_NONE,       /* Build only. */
    OP_DPCLS,      /* dpcls_lookup() of the batch. */
    OP_CLASSIFIER, /* classifier_lookup() of each key (anchor). */
    OP_HASH,       /* flow_hash_for_cache() of each key. */
    OP_EMC,        /* emc_lookup_batch() with precomputed hashes. */
    OP_EXACT,      /* Whole-flow hmap lookup of each key (anchor). */
};

/* Context of a timed pass. */
struct bench_ctx {
    struct bench_set *s;      /* Megaflows and packet order. */
    struct emc *emc;          /* Cache, for OP_EMC. */
    const uint32_t *hashes;   /* flow_hash_for_cache() by index. */
    const struct hmap *exact; /* Anchor map, for OP_EXACT. */
    uint64_t hits;            /* Keys found. */
    uint64_t masks_hit;       /* dpcls_lookup()'s masks hit. */
};

/* The exact-match anchor: an hmap of whole flows. */
struct bench_exact {
    struct hmap_node node;   /* In the anchor map, by whole-flow hash. */
    struct flow key;         /* Whole key. */
    struct dpcls_rule *rule; /* Answer. */
};

static struct dpcls_rule *
bench_exact_lookup(const struct hmap *map, const struct flow *key)
{
    uint32_t hash = hash_words64((const uint64_t *)key, FLOW_U64S, 0);
    struct bench_exact *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, hash, map) {
        if (!memcmp(&e->key, key, sizeof *key)) {
            return e->rule;
        }
    }
    return NULL;
}

/* Runs N_PKTS packets through OP in batches; returns CPU seconds. */
static double
bench_pass(struct bench_ctx *c, enum bench_op op, size_t n_pkts)
{
    struct flow buf[BATCH];
    const struct flow *keys[BATCH];
    struct dpcls_rule *rules[BATCH];
    uint32_t hashes[BATCH];
    struct bench_set *s = c->s;
    long long int start = bench_nsec();
    size_t pos = 0;

    for (int i = 0; i < BATCH; i++) {
        keys[i] = &buf[i];
    }
    for (size_t done = 0; done < n_pkts; done += BATCH) {
        for (int i = 0; i < BATCH; i++) {
            uint32_t j = s->seq[(pos + i) & (s->n_seq - 1)];

            bench_packet(s, j, &buf[i]);
            hashes[i] = c->hashes ? c->hashes[j] : 0;
        }
        pos += BATCH;
        /* Make the compiler build every key even when OP ignores it. */
        __asm__ volatile("" : : "r"(buf) : "memory");

        switch (op) {
        case OP_NONE:
            break;
        case OP_DPCLS:
            c->hits += __builtin_popcount(
                dpcls_lookup(&s->cls, keys, UINT32_MAX, rules, &c->masks_hit));
            break;
        case OP_CLASSIFIER:
            for (int i = 0; i < BATCH; i++) {
                c->hits +=
                    classifier_lookup(&s->of_cls, 0, keys[i], NULL) != NULL;
            }
            break;
        case OP_HASH:
            for (int i = 0; i < BATCH; i++) {
                c->hits += flow_hash_for_cache(keys[i]) == hashes[i];
            }
            break;
        case OP_EMC:
            c->hits += __builtin_popcount(
                emc_lookup_batch(c->emc, keys, hashes, UINT32_MAX, rules));
            break;
        case OP_EXACT:
            for (int i = 0; i < BATCH; i++) {
                c->hits += bench_exact_lookup(c->exact, keys[i]) != NULL;
            }
            break;
        }
    }
    return (bench_nsec() - start) / 1e9;
}

/* Returns nanoseconds per packet that OP adds to building the keys. */
static double
bench_op_ns(struct bench_ctx *c, enum bench_op op, size_t n_pkts)
{
    double base = bench_pass(c, OP_NONE, n_pkts);
    double sec = bench_pass(c, op, n_pkts);

    return sec > base ? (sec - base) * 1e9 / n_pkts : 0.0;
}

static void
bench_dpcls(int n_masks, size_t n_flows, const char *label)
{
    size_t n_lookups = 4000000, n_anchor = n_flows > 10000 ? 300000 : 1000000;
    struct bench_ctx c;
    struct bench_set s;
    double ns, anchor_ns;
    uint64_t hits;

    bench_set_init(&s, n_masks, n_flows);
    memset(&c, 0, sizeof c);
    c.s = &s;

    /* Warm up, then sort by hits as the datapath would each second. */
    bench_pass(&c, OP_DPCLS, 1000000);
    dpcls_sort(&s.cls);
    c.hits = c.masks_hit = 0;
    ns = bench_op_ns(&c, OP_DPCLS, n_lookups);
    printf("dpcls_%s_subtables=%zu\n", label, dpcls_n_subtables(&s.cls));
    printf("dpcls_%s_megaflows=%zu\n", label, dpcls_count(&s.cls));
    printf("dpcls_%s_hit_ratio=%.3f\n", label, (double)c.hits / n_lookups);
    printf("dpcls_%s_avg_probes_per_hit=%.2f\n", label,
           c.hits ? (double)c.masks_hit / c.hits : 0.0);
    printf("dpcls_%s_ns_per_lookup=%.1f\n", label, ns);
    printf("dpcls_%s_lookups_per_sec=%.0f\n", label, ns ? 1e9 / ns : 0.0);

    c.hits = 0;
    anchor_ns = bench_op_ns(&c, OP_CLASSIFIER, n_anchor);
    hits = c.hits;
    printf("dpcls_%s_anchor_ns_per_lookup=%.1f\n", label, anchor_ns);
    printf("dpcls_%s_anchor_hit_ratio=%.3f\n", label, (double)hits / n_anchor);
    printf("dpcls_%s_speedup_vs_anchor=%.1f\n", label,
           ns ? anchor_ns / ns : 0.0);
    bench_set_destroy(&s);
}

static void
bench_free_rule(struct dpcls_rule *rule)
{
    (void)rule;
}

static void
bench_emc(size_t n_keys, const char *label)
{
    size_t n_lookups = 8000000;
    struct bench_exact *exact = xcalloc(n_keys, sizeof *exact);
    uint32_t *hashes = xcalloc(n_keys, sizeof *hashes);
    struct hmap map = HMAP_INITIALIZER(&map);
    double ns, hash_ns, anchor_ns;
    struct bench_ctx c;
    struct bench_set s;
    struct emc emc;

    /* One megaflow per key (8 masks), every key cached. */
    bench_set_init(&s, 8, n_keys);
    emc_init(&emc, EMC_DEFAULT_SHIFT, bench_free_rule);
    emc_set_insert_inv_prob(&emc, 1);
    for (size_t j = 0; j < n_keys; j++) {
        struct flow pkt;

        bench_packet(&s, j, &pkt);
        hashes[j] = flow_hash_for_cache(&pkt);
        emc_insert(&emc, &pkt, hashes[j], &s.flows[j].cr);
        exact[j].key = pkt;
        exact[j].rule = &s.flows[j].cr;
        hmap_insert(&map, &exact[j].node,
                    hash_words64((const uint64_t *)&pkt, FLOW_U64S, 0));
    }
    memset(&c, 0, sizeof c);
    c.s = &s;
    c.emc = &emc;
    c.hashes = hashes;
    c.exact = &map;

    bench_pass(&c, OP_EMC, 1000000);
    c.hits = 0;
    ns = bench_op_ns(&c, OP_EMC, n_lookups);
    printf("emc_%s_cached_keys=%zu\n", label, emc_count(&emc));
    printf("emc_%s_hit_ratio=%.3f\n", label, (double)c.hits / n_lookups);
    printf("emc_%s_ns_per_lookup=%.1f\n", label, ns);
    printf("emc_%s_lookups_per_sec=%.0f\n", label, ns ? 1e9 / ns : 0.0);

    c.hits = 0;
    hash_ns = bench_op_ns(&c, OP_HASH, n_lookups);
    vx_assert(c.hits == n_lookups);
    printf("emc_%s_hash_ns_per_packet=%.1f\n", label, hash_ns);

    c.hits = 0;
    anchor_ns = bench_op_ns(&c, OP_EXACT, n_lookups);
    printf("emc_%s_anchor_ns_per_lookup=%.1f\n", label, anchor_ns);
    printf("emc_%s_anchor_hit_ratio=%.3f\n", label,
           (double)c.hits / n_lookups);
    printf("emc_%s_speedup_vs_anchor=%.1f\n", label,
           ns ? anchor_ns / ns : 0.0);

    emc_destroy(&emc);
    hmap_destroy(&map);
    free(exact);
    free(hashes);
    bench_set_destroy(&s);
}

/* Returns true if figure LABEL of KIND ("dpcls" or "emc") was asked for:
 * the command-line arguments, if any, are prefixes of "KIND_LABEL". */
static bool
bench_wanted(int argc, char *argv[], const char *kind, const char *label)
{
    char name[64];

    snprintf(name, sizeof name, "%s_%s", kind, label);
    for (int i = 1; i < argc; i++) {
        if (!strncmp(name, argv[i], strlen(argv[i]))) {
            return true;
        }
    }
    return argc < 2;
}

int
main(int argc, char *argv[])
{
    static const struct {
        int n_masks;    /* Subtables. */
        size_t n_flows; /* Megaflows. */
        const char *label;
    } dpcls_runs[] = {
        {1, 1000, "1sub_1k"},     {3, 1000, "3sub_1k"},
        {8, 1000, "8sub_1k"},     {32, 1000, "32sub_1k"},
        {1, 100000, "1sub_100k"}, {3, 100000, "3sub_100k"},
        {8, 100000, "8sub_100k"}, {32, 100000, "32sub_100k"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(dpcls_runs); i++) {
        if (bench_wanted(argc, argv, "dpcls", dpcls_runs[i].label)) {
            bench_dpcls(dpcls_runs[i].n_masks, dpcls_runs[i].n_flows,
                        dpcls_runs[i].label);
        }
    }
    if (bench_wanted(argc, argv, "emc", "1k")) {
        bench_emc(1000, "1k");
    }
    if (bench_wanted(argc, argv, "emc", "8k")) {
        bench_emc(8000, "8k");
    }
    return 0;
}
