/*
 * test-dpcls.c: the megaflow classifier against a linear oracle.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datapath/dpcls.h"
#include "harness.h"
#include "megaflow-test.h"

/* Checks every lookup path for PKT against the oracle: single lookup,
 * matches_flow, and the masks-hit position. */
static void
check_one(struct dpcls *cls, const struct mt_oracle *o, const struct flow *pkt)
{
    struct tflow *want = mt_oracle_lookup(o, pkt);
    uint64_t masks_hit = 0;
    struct dpcls_rule *got = dpcls_lookup_one(cls, pkt, &masks_hit);

    ASSERT_TRUE(tflow_from_rule(got) == want);
    if (want) {
        const struct flow_wildcards *m;

        ASSERT_TRUE(dpcls_rule_matches_flow(got, pkt));
        /* The position reported is that of the rule's subtable. */
        ASSERT_GE(masks_hit, 1);
        m = dpcls_port_subtable_mask(cls, pkt->in_port, masks_hit - 1);
        ASSERT_TRUE(m != NULL);
        ASSERT_MEM_EQ(m, &want->mask, sizeof *m);
    } else {
        /* A miss tried every subtable of the key's partition. */
        ASSERT_EQ(masks_hit, dpcls_port_n_subtables(cls, pkt->in_port));
    }
}

/* Returns a packet: half the time one that matches a random megaflow of O
 * (if any), otherwise a random small-domain one. */
static void
random_packet(const struct mt_oracle *o, struct flow *pkt, int n_ports)
{
    if (o->n && mt_random() % 2) {
        mt_packet_for(o->flows[mt_random() % o->n], pkt);
    } else {
        mt_random_flow(pkt, n_ports);
    }
}

TEST(single_megaflow)
{
    struct flow_wildcards mask, got_mask;
    struct flow pkt, other, got_key;
    struct mt_oracle o;
    struct dpcls cls;
    struct tflow *f;

    mt_seed(1);
    dpcls_init(&cls);
    mt_oracle_init(&o);

    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = UINT32_MAX;
    mask.masks.recirc_id = UINT32_MAX;
    mask.masks.dl_type = htons(0xffff);
    mask.masks.nw_dst = htonl(0xffffff00);
    memset(&pkt, 0, sizeof pkt);
    pkt.in_port = 3;
    pkt.dl_type = htons(ETH_TYPE_IP);
    pkt.nw_dst = htonl(0x0a000105);
    pkt.nw_src = htonl(0x0a000001);
    pkt.tp_dst = htons(80);

    ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == NULL);
    f = mt_add(&o, &cls, &pkt, &mask);
    ASSERT_TRUE(f != NULL);
    ASSERT_FALSE(dpcls_rule_is_dead(&f->cr));
    ASSERT_EQ(dpcls_count(&cls), 1);
    ASSERT_EQ(dpcls_n_subtables(&cls), 1);
    ASSERT_EQ(dpcls_port_n_subtables(&cls, 3), 1);
    ASSERT_EQ(dpcls_port_n_subtables(&cls, 4), 0);

    /* The stored key is the packet under the mask. */
    dpcls_rule_get_key(&f->cr, &got_key, &got_mask);
    ASSERT_MEM_EQ(&got_key, &f->key, sizeof got_key);
    ASSERT_MEM_EQ(&got_mask, &mask, sizeof got_mask);
    ASSERT_EQ(got_key.nw_src, 0);
    ASSERT_HEX_EQ(ntohl(got_key.nw_dst), 0x0a000100);

    /* Wildcarded bits do not matter; masked ones do. */
    other = pkt;
    other.nw_dst = htonl(0x0a0001fe);
    other.tp_dst = htons(22);
    other.nw_src = htonl(0xc0a80001);
    ASSERT_TRUE(dpcls_lookup_one(&cls, &other, NULL) == &f->cr);
    other.nw_dst = htonl(0x0a000205);
    ASSERT_TRUE(dpcls_lookup_one(&cls, &other, NULL) == NULL);
    other = pkt;
    other.in_port = 4;
    ASSERT_TRUE(dpcls_lookup_one(&cls, &other, NULL) == NULL);
    other = pkt;
    other.recirc_id = 1;
    ASSERT_TRUE(dpcls_lookup_one(&cls, &other, NULL) == NULL);

    /* Removal marks the rule dead and frees the subtable and partition;
     * the owner's reference is then the last. */
    dpcls_remove(&cls, &f->cr);
    ASSERT_TRUE(dpcls_rule_is_dead(&f->cr));
    ASSERT_EQ(dpcls_count(&cls), 0);
    ASSERT_EQ(dpcls_n_subtables(&cls), 0);
    ASSERT_EQ(dpcls_port_n_subtables(&cls, 3), 0);
    ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == NULL);

    /* A removed rule can go back in. */
    dpcls_insert(&cls, &f->cr, &pkt, &mask);
    ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == &f->cr);
    dpcls_remove(&cls, &f->cr);
    ASSERT_TRUE(dpcls_rule_unref(&f->cr));
    free(f);
    free(o.flows);
    dpcls_destroy(&cls);
}

/* Inserts, removes and looks up at random, checking every lookup against
 * the oracle, with MAX_FIELDS fields per mask from a pool of N_SHAPES
 * masks and N_PORTS in_ports. */
static void
run_oracle(uint64_t seed, int n_shapes, int max_fields, int n_ports,
           int rounds)
{
    struct flow_wildcards *shapes = xcalloc(n_shapes, sizeof *shapes);
    struct mt_oracle o;
    struct dpcls cls;
    size_t n_inserted = 0, n_hits = 0;

    mt_seed(seed);
    dpcls_init(&cls);
    mt_oracle_init(&o);
    for (int i = 0; i < n_shapes; i++) {
        mt_random_mask(&shapes[i], max_fields);
    }

    for (int round = 0; round < rounds; round++) {
        int n_ops = (int)(mt_random() % 50);

        /* Grow most of the time, shrink sometimes. */
        bool grow = round % 4 != 3;

        for (int i = 0; i < n_ops; i++) {
            struct flow pkt;

            if (grow || !o.n) {
                random_packet(&o, &pkt, n_ports);
                if (!dpcls_lookup_one(&cls, &pkt, NULL)) {
                    n_inserted +=
                        mt_add(&o, &cls, &pkt,
                               &shapes[mt_random() % n_shapes]) != NULL;
                }
            } else {
                mt_remove(&o, &cls, mt_random() % o.n);
            }
        }
        ASSERT_EQ(dpcls_count(&cls), o.n);

        for (int i = 0; i < 200; i++) {
            struct flow pkt;

            random_packet(&o, &pkt, n_ports);
            check_one(&cls, &o, &pkt);
            n_hits += mt_oracle_lookup(&o, &pkt) != NULL;
        }
        if (round % 10 == 0) {
            dpcls_sort(&cls);
        }
    }
    /* The test did exercise both hits and inserts. */
    ASSERT_GT(n_inserted, 100);
    ASSERT_GT(n_hits, 100);

    mt_oracle_destroy(&o, &cls);
    ASSERT_EQ(dpcls_count(&cls), 0);
    ASSERT_EQ(dpcls_n_subtables(&cls), 0);
    dpcls_destroy(&cls);
    free(shapes);
}

TEST(oracle_few_masks)
{
    run_oracle(2, 4, 3, 1, 200);
}

TEST(oracle_many_masks)
{
    run_oracle(3, 40, 6, 3, 200);
}

TEST(oracle_wide_masks)
{
    /* Masks with many words exercise the generic lookup loop. */
    run_oracle(4, 12, 20, 2, 150);
}

TEST(batch_equals_single)
{
    struct flow_wildcards shapes[8];
    struct mt_oracle o;
    struct dpcls cls;
    size_t n_hits = 0;

    mt_seed(5);
    dpcls_init(&cls);
    mt_oracle_init(&o);
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
        mt_random_mask(&shapes[i], 4);
    }
    for (int i = 0; i < 3000; i++) {
        struct flow pkt;

        random_packet(&o, &pkt, 3);
        if (!dpcls_lookup_one(&cls, &pkt, NULL)) {
            mt_add(&o, &cls, &pkt, &shapes[mt_random() % ARRAY_SIZE(shapes)]);
        }
    }

    for (int iter = 0; iter < 2000; iter++) {
        struct flow pkts[DPCLS_MAX_BATCH];
        const struct flow *keys[DPCLS_MAX_BATCH];
        struct dpcls_rule *rules[DPCLS_MAX_BATCH];
        struct dpcls_rule *sentinel = (struct dpcls_rule *)&o;
        uint32_t map = (uint32_t)mt_random();
        uint64_t batch_hit = 0, single_hit = 0;
        uint32_t found;

        if (iter % 3 == 0) {
            map = UINT32_MAX;
        }
        for (int i = 0; i < DPCLS_MAX_BATCH; i++) {
            random_packet(&o, &pkts[i], 3);
            keys[i] = &pkts[i];
            rules[i] = sentinel;
        }
        found = dpcls_lookup(&cls, keys, map, rules, &batch_hit);
        ASSERT_HEX_EQ(found & ~map, 0);
        for (int i = 0; i < DPCLS_MAX_BATCH; i++) {
            if (!(map & (UINT32_C(1) << i))) {
                /* Keys outside the map are left alone. */
                ASSERT_TRUE(rules[i] == sentinel);
                continue;
            }
            ASSERT_TRUE(rules[i] ==
                        dpcls_lookup_one(&cls, &pkts[i], &single_hit));
            ASSERT_TRUE(tflow_from_rule(rules[i]) ==
                        mt_oracle_lookup(&o, &pkts[i]));
            ASSERT_EQ(!!(found & (UINT32_C(1) << i)), rules[i] != NULL);
            n_hits += rules[i] != NULL;
        }
        ASSERT_EQ(batch_hit, single_hit);
    }
    ASSERT_GT(n_hits, 1000);
    mt_oracle_destroy(&o, &cls);
    dpcls_destroy(&cls);
}

/* Returns the index in SHAPES of the mask of the subtable at position POS
 * of in_port 1's partition, or -1. */
static int
shape_at(const struct dpcls *cls, size_t pos,
         const struct flow_wildcards *shapes)
{
    const struct flow_wildcards *m = dpcls_port_subtable_mask(cls, 1, pos);

    for (int i = 0; m && i < 6; i++) {
        if (!memcmp(m, &shapes[i], sizeof *m)) {
            return i;
        }
    }
    return -1;
}

TEST(resort_by_hits)
{
    struct flow_wildcards shapes[6];
    struct tflow *last[6] = {NULL};
    int before[6];
    struct mt_oracle o;
    struct dpcls cls;
    struct flow pkt;
    uint64_t masks_hit;

    mt_seed(6);
    dpcls_init(&cls);
    mt_oracle_init(&o);
    /* Six distinct masks on one port, told apart by recirc_id so that no
     * two megaflows overlap. */
    for (size_t s = 0; s < ARRAY_SIZE(shapes); s++) {
        mt_random_mask(&shapes[s], 3);
        shapes[s].masks.tp_dst = htons((uint16_t)(0xff00 | s));
        for (int i = 0; i < 50; i++) {
            mt_random_flow(&pkt, 1);
            pkt.recirc_id = (uint32_t)s;
            if (!dpcls_lookup_one(&cls, &pkt, NULL)) {
                struct tflow *f = mt_add(&o, &cls, &pkt, &shapes[s]);

                last[s] = f ? f : last[s];
            }
        }
        ASSERT_TRUE(last[s] != NULL);
    }
    ASSERT_EQ(dpcls_port_n_subtables(&cls, 1), ARRAY_SIZE(shapes));

    /* Before any sort, subtables are in creation order. */
    ASSERT_EQ(shape_at(&cls, 5, shapes), 5);
    ASSERT_TRUE(dpcls_port_subtable_mask(&cls, 1, 6) == NULL);

    /* Building the set hit some subtables; a sort resets the counts. */
    dpcls_sort(&cls);
    for (int i = 0; i < 6; i++) {
        before[i] = shape_at(&cls, i, shapes);
    }

    /* Hit the last subtable most, the fourth next. */
    for (int i = 0; i < 100; i++) {
        mt_packet_for(last[5], &pkt);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == &last[5]->cr);
    }
    for (int i = 0; i < 10; i++) {
        mt_packet_for(last[3], &pkt);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == &last[3]->cr);
    }

    /* The first run sorts; the next one waits for the interval. */
    ASSERT_TRUE(dpcls_run(&cls, 5000));
    ASSERT_FALSE(dpcls_run(&cls, 5000 + DPCLS_OPTIMIZATION_INTERVAL_MS - 1));
    ASSERT_EQ(shape_at(&cls, 0, shapes), 5);
    ASSERT_EQ(shape_at(&cls, 1, shapes), 3);
    /* Ties (no hits) keep their order. */
    for (int i = 0, j = 2; i < 6; i++) {
        if (before[i] != 5 && before[i] != 3) {
            ASSERT_EQ(shape_at(&cls, j++, shapes), before[i]);
        }
    }

    /* The hot subtable is now found at the first probe. */
    masks_hit = 0;
    mt_packet_for(last[5], &pkt);
    ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, &masks_hit) == &last[5]->cr);
    ASSERT_EQ(masks_hit, 1);

    /* Answers are unchanged by the order. */
    for (int i = 0; i < 2000; i++) {
        random_packet(&o, &pkt, 1);
        check_one(&cls, &o, &pkt);
    }

    /* Counts were reset: hitting the first subtable once moves it ahead
     * at the next sort. */
    mt_packet_for(last[0], &pkt);
    ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == &last[0]->cr);
    for (int i = 0; i < 2000; i++) {
        mt_packet_for(last[0], &pkt);
        dpcls_lookup_one(&cls, &pkt, NULL);
    }
    ASSERT_TRUE(dpcls_run(&cls, 5000 + DPCLS_OPTIMIZATION_INTERVAL_MS));
    ASSERT_EQ(shape_at(&cls, 0, shapes), 0);

    mt_oracle_destroy(&o, &cls);
    dpcls_destroy(&cls);
}

TEST(large_subtable_grows_and_shrinks)
{
    struct flow_wildcards mask;
    struct mt_oracle o;
    struct dpcls cls;
    enum { N = 20000 };

    mt_seed(7);
    dpcls_init(&cls);
    mt_oracle_init(&o);
    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = UINT32_MAX;
    mask.masks.recirc_id = UINT32_MAX;
    mask.masks.nw_src = UINT32_MAX;
    mask.masks.tp_dst = UINT16_MAX;

    /* Distinct keys by construction (the oracle's overlap check would be
     * quadratic here, so the test fills the oracle directly). */
    o.flows = xcalloc(N, sizeof *o.flows);
    o.allocated = N;
    for (uint32_t i = 0; i < N; i++) {
        struct tflow *f = xzalloc(sizeof *f);

        f->mask = mask;
        f->key.in_port = 1;
        f->key.nw_src = htonl(0x0a000000 + i / 7);
        f->key.tp_dst = htons((uint16_t)(i % 7));
        f->id = (int)i;
        dpcls_rule_init(&f->cr);
        dpcls_insert(&cls, &f->cr, &f->key, &mask);
        f->in_cls = true;
        o.flows[o.n++] = f;
    }
    ASSERT_EQ(dpcls_count(&cls), N);
    ASSERT_EQ(dpcls_n_subtables(&cls), 1);
    for (size_t i = 0; i < N; i++) {
        struct flow pkt;

        mt_packet_for(o.flows[i], &pkt);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == &o.flows[i]->cr);
        pkt.tp_dst = htons(7);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == NULL);
    }

    /* Remove in random order, checking survivors as the table shrinks. */
    while (o.n) {
        size_t i = mt_random() % o.n;
        struct tflow *gone = o.flows[i];
        struct flow pkt;

        mt_packet_for(gone, &pkt);
        mt_remove(&o, &cls, i);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == NULL);
        if (o.n) {
            struct tflow *f = o.flows[mt_random() % o.n];

            mt_packet_for(f, &pkt);
            ASSERT_TRUE(dpcls_lookup_one(&cls, &pkt, NULL) == &f->cr);
        }
    }
    ASSERT_EQ(dpcls_count(&cls), 0);
    ASSERT_EQ(dpcls_n_subtables(&cls), 0);
    free(o.flows);
    dpcls_destroy(&cls);
}

/* A key and the subtable hash it gets under the collision test's mask. */
struct hashed_key {
    uint32_t hash; /* Hash, as dpcls.c computes it. */
    uint32_t idx;  /* Index of the key. */
};

static int
hashed_key_cmp(const void *a_, const void *b_)
{
    const struct hashed_key *a = a_, *b = b_;

    return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* Keys whose masked words differ but whose subtable hashes are equal take
 * the paths that 32-bit hashes almost never exercise: a candidate rule
 * with the right hash and the wrong key.  The pairs are found by birthday
 * search with a copy of dpcls.c's hash (over the mask's nonzero words in
 * order); the rules' stored hashes confirm the collisions are real. */
TEST(hash_collisions)
{
    enum { N = 300000, MAX_PAIRS = 4 };
    struct hashed_key *hk = xcalloc(N, sizeof *hk);
    struct flow_wildcards mask;
    struct flow a[MAX_PAIRS], b[MAX_PAIRS];
    struct dpcls_rule ra[MAX_PAIRS], rb[MAX_PAIRS];
    int n_pairs = 0;
    struct dpcls cls;

    mt_seed(9);
    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = UINT32_MAX;
    mask.masks.recirc_id = UINT32_MAX;
    mask.masks.nw_src = UINT32_MAX;
    mask.masks.tp_dst = UINT16_MAX;

    /* Key i: nw_src = i, tp_dst from i, so keys are distinct. */
    for (uint32_t i = 0; i < N; i++) {
        struct flow f;
        const uint64_t *fw = (const uint64_t *)&f;
        const uint64_t *mw = (const uint64_t *)&mask.masks;
        uint64_t acc = 0;
        unsigned int pos = 0;

        memset(&f, 0, sizeof f);
        f.in_port = 1;
        f.nw_src = htonl(i);
        f.tp_dst = htons((uint16_t)(i * 2654435761u >> 16));
        for (size_t w = 0; w < FLOW_U64S; w++) {
            if (mw[w]) {
                acc = dp_hash_word(acc, fw[w] & mw[w], pos++);
            }
        }
        hk[i].hash = dp_hash_finish(acc);
        hk[i].idx = i;
    }
    qsort(hk, N, sizeof *hk, hashed_key_cmp);
    for (size_t i = 1; i < N && n_pairs < MAX_PAIRS; i++) {
        if (hk[i].hash == hk[i - 1].hash) {
            uint32_t x = hk[i - 1].idx, y = hk[i].idx;

            memset(&a[n_pairs], 0, sizeof a[n_pairs]);
            a[n_pairs].in_port = 1;
            a[n_pairs].nw_src = htonl(x);
            a[n_pairs].tp_dst = htons((uint16_t)(x * 2654435761u >> 16));
            b[n_pairs] = a[n_pairs];
            b[n_pairs].nw_src = htonl(y);
            b[n_pairs].tp_dst = htons((uint16_t)(y * 2654435761u >> 16));
            n_pairs++;
        }
    }
    free(hk);
    /* About 10 pairs are expected among 300,000 32-bit hashes. */
    ASSERT_GE(n_pairs, 1);

    dpcls_init(&cls);
    for (int p = 0; p < n_pairs; p++) {
        const struct flow *keys[2] = {&a[p], &b[p]};
        struct dpcls_rule *rules[2];

        /* Only A is in: B has A as its candidate and must miss. */
        dpcls_rule_init(&ra[p]);
        dpcls_insert(&cls, &ra[p], &a[p], &mask);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &a[p], NULL) == &ra[p]);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &b[p], NULL) == NULL);

        /* Both in: each finds its own. */
        dpcls_rule_init(&rb[p]);
        dpcls_insert(&cls, &rb[p], &b[p], &mask);
        ASSERT_HEX_EQ(ra[p].hash, rb[p].hash);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &a[p], NULL) == &ra[p]);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &b[p], NULL) == &rb[p]);
        ASSERT_HEX_EQ(dpcls_lookup(&cls, keys, 3, rules, NULL), 3);
        ASSERT_TRUE(rules[0] == &ra[p] && rules[1] == &rb[p]);

        /* A out: B still found, A not. */
        dpcls_remove(&cls, &ra[p]);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &b[p], NULL) == &rb[p]);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &a[p], NULL) == NULL);
        dpcls_insert(&cls, &ra[p], &a[p], &mask);
    }
    /* All pairs together in one table. */
    for (int p = 0; p < n_pairs; p++) {
        ASSERT_TRUE(dpcls_lookup_one(&cls, &a[p], NULL) == &ra[p]);
        ASSERT_TRUE(dpcls_lookup_one(&cls, &b[p], NULL) == &rb[p]);
    }
    for (int p = 0; p < n_pairs; p++) {
        dpcls_remove(&cls, &ra[p]);
        dpcls_remove(&cls, &rb[p]);
    }
    ASSERT_EQ(dpcls_count(&cls), 0);
    dpcls_destroy(&cls);
}

/* The subtable hash of KEY under MASK, as dpcls.c computes it. */
static uint32_t
key_hash(const struct flow *key, const struct flow_wildcards *mask)
{
    const uint64_t *fw = (const uint64_t *)key;
    const uint64_t *mw = (const uint64_t *)&mask->masks;
    uint64_t acc = 0;
    unsigned int pos = 0;

    for (size_t w = 0; w < FLOW_U64S; w++) {
        if (mw[w]) {
            acc = dp_hash_word(acc, fw[w] & mw[w], pos++);
        }
    }
    return dp_hash_finish(acc);
}

/* Fills KEYS with N keys (nw_src from *NEXT on) whose home bucket in a
 * two-bucket table is HOME. */
static void
keys_homed(struct flow *keys, int n, uint32_t home,
           const struct flow_wildcards *mask, uint32_t *next)
{
    for (int i = 0; i < n; (*next)++) {
        memset(&keys[i], 0, sizeof keys[i]);
        keys[i].in_port = 1;
        keys[i].nw_src = htonl(*next);
        if ((key_hash(&keys[i], mask) & 1) == home) {
            i++;
        }
    }
}

/* After removals, a rule homed in each bucket of a two-bucket subtable can
 * overflow into the other, so that both buckets have overflow counts; a
 * key that is not there must still miss (the probe used to go round and
 * round).  Relies on dpcls.c's sizing: one bucket of 5 slots at first,
 * doubling when a rule would take the table past 4 per bucket, halving
 * only under half a rule per bucket. */
TEST(probe_ends_when_every_bucket_overflowed)
{
    struct flow_wildcards mask;
    struct flow k0[6], k1[5], absent;
    struct dpcls_rule r0[6], r1[5];
    uint32_t next = 1;
    struct dpcls cls;

    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = UINT32_MAX;
    mask.masks.nw_src = UINT32_MAX;
    keys_homed(k0, 6, 0, &mask, &next);
    keys_homed(k1, 5, 1, &mask, &next);
    keys_homed(&absent, 1, 0, &mask, &next);

    dpcls_init(&cls);
    /* Bucket 0 full with 5 rules homed there; a 6th overflows into 1. */
    for (int i = 0; i < 6; i++) {
        dpcls_rule_init(&r0[i]);
        dpcls_insert(&cls, &r0[i], &k0[i], &mask);
    }
    /* Two homed in bucket 1; then room in bucket 0 again. */
    for (int i = 0; i < 2; i++) {
        dpcls_rule_init(&r1[i]);
        dpcls_insert(&cls, &r1[i], &k1[i], &mask);
    }
    dpcls_remove(&cls, &r0[0]);
    dpcls_remove(&cls, &r0[1]);
    /* Bucket 1 fills up; one more rule homed there overflows into 0. */
    for (int i = 2; i < 4; i++) {
        dpcls_rule_init(&r1[i]);
        dpcls_insert(&cls, &r1[i], &k1[i], &mask);
    }
    dpcls_remove(&cls, &r0[2]);
    dpcls_rule_init(&r1[4]);
    dpcls_insert(&cls, &r1[4], &k1[4], &mask);
    ASSERT_EQ(dpcls_count(&cls), 8);

    ASSERT_TRUE(dpcls_lookup_one(&cls, &absent, NULL) == NULL);
    {
        const struct flow *keys[1] = { &absent };
        struct dpcls_rule *rules[1];

        ASSERT_EQ(dpcls_lookup(&cls, keys, 1, rules, NULL), 0);
    }
    for (int i = 3; i < 6; i++) {
        ASSERT_TRUE(dpcls_lookup_one(&cls, &k0[i], NULL) == &r0[i]);
    }
    for (int i = 0; i < 5; i++) {
        ASSERT_TRUE(dpcls_lookup_one(&cls, &k1[i], NULL) == &r1[i]);
    }
    for (int i = 3; i < 6; i++) {
        dpcls_remove(&cls, &r0[i]);
    }
    for (int i = 0; i < 5; i++) {
        dpcls_remove(&cls, &r1[i]);
    }
    ASSERT_EQ(dpcls_count(&cls), 0);
    dpcls_destroy(&cls);
}

TEST(destroy_marks_rules_dead)
{
    struct flow_wildcards mask;
    struct dpcls cls;
    struct tflow *f = xzalloc(sizeof *f);
    struct flow pkt;

    mt_seed(8);
    dpcls_init(&cls);
    mt_random_mask(&mask, 3);
    mt_random_flow(&pkt, 2);
    dpcls_rule_init(&f->cr);
    ASSERT_TRUE(dpcls_rule_is_dead(&f->cr));
    dpcls_insert(&cls, &f->cr, &pkt, &mask);
    ASSERT_FALSE(dpcls_rule_is_dead(&f->cr));
    dpcls_destroy(&cls);
    ASSERT_TRUE(dpcls_rule_is_dead(&f->cr));
    ASSERT_TRUE(dpcls_rule_unref(&f->cr));
    free(f);
}

/* Runs FUNC in a child and returns true if the child was killed by
 * SIGABRT (a failed vx_assert). */
static bool
aborts(void (*func)(void))
{
    pid_t pid = fork();
    int status;

    ASSERT_TRUE(pid >= 0);
    if (!pid) {
        /* Keep the expected assertion message out of the test output. */
        if (!freopen("/dev/null", "w", stderr)) {
            _exit(2);
        }
        func();
        _exit(0);
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void
insert_with_mask(const struct flow_wildcards *mask)
{
    struct dpcls_rule rule;
    struct dpcls cls;
    struct flow pkt;

    dpcls_init(&cls);
    memset(&pkt, 0, sizeof pkt);
    pkt.in_port = 1;
    dpcls_rule_init(&rule);
    dpcls_insert(&cls, &rule, &pkt, mask);
}

static void
insert_wildcarded_in_port(void)
{
    struct flow_wildcards mask;

    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = 0xffff;
    mask.masks.recirc_id = UINT32_MAX;
    insert_with_mask(&mask);
}

static void
insert_register_mask(void)
{
    struct flow_wildcards mask;

    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = UINT32_MAX;
    mask.masks.regs[2] = 1;
    insert_with_mask(&mask);
}

static void
insert_good_mask(void)
{
    struct flow_wildcards mask;

    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = UINT32_MAX;
    insert_with_mask(&mask);
}

#ifndef NDEBUG
static void
insert_covered_key(void)
{
    struct flow_wildcards mask;
    struct dpcls_rule a, b;
    struct dpcls cls;
    struct flow pkt;

    dpcls_init(&cls);
    memset(&pkt, 0, sizeof pkt);
    pkt.in_port = 1;
    memset(&mask, 0, sizeof mask);
    mask.masks.in_port = UINT32_MAX;
    dpcls_rule_init(&a);
    dpcls_insert(&cls, &a, &pkt, &mask);
    /* PKT's lookup would hit A: inserting for it breaks the contract. */
    mask.masks.nw_src = UINT32_MAX;
    dpcls_rule_init(&b);
    dpcls_insert(&cls, &b, &pkt, &mask);
}
#endif

TEST(insert_checks_its_contract)
{
    ASSERT_FALSE(aborts(insert_good_mask));
    ASSERT_TRUE(aborts(insert_wildcarded_in_port));
    ASSERT_TRUE(aborts(insert_register_mask));
#ifdef NDEBUG
    SKIP("the covered-key check is compiled out with NDEBUG");
#else
    ASSERT_TRUE(aborts(insert_covered_key));
#endif
}
