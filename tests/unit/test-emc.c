/*
 * test-emc.c: the exact-match cache in front of the megaflow classifier,
 * against the linear oracle and a log of what was inserted.
 */
#include "datapath/emc.h"
#include "harness.h"
#include "megaflow-test.h"

/* Returns a fresh megaflow for PKT with an in_port-and-recirc_id mask. */
static struct tflow *
simple_flow(struct mt_oracle *o, struct dpcls *cls, const struct flow *pkt)
{
    struct flow_wildcards mask;

    mt_random_mask(&mask, 0);
    return mt_add(o, cls, pkt, &mask);
}

TEST(hit_and_miss)
{
    struct mt_oracle o;
    struct dpcls cls;
    struct emc emc;
    struct flow pkt, other;
    struct tflow *f;
    uint32_t hash;

    mt_seed(11);
    mt_n_freed = 0;
    dpcls_init(&cls);
    mt_oracle_init(&o);
    emc_init(&emc, EMC_DEFAULT_SHIFT, mt_free_rule);
    emc_set_insert_inv_prob(&emc, 1);

    mt_random_flow(&pkt, 1);
    f = simple_flow(&o, &cls, &pkt);
    ASSERT_TRUE(f != NULL);
    hash = flow_hash_for_cache(&pkt);
    ASSERT_TRUE(emc_lookup(&emc, &pkt, hash) == NULL);
    emc_insert(&emc, &pkt, hash, &f->cr);
    ASSERT_EQ(f->cr.n_refs, 2);
    ASSERT_EQ(emc_count(&emc), 1);
    ASSERT_TRUE(emc_lookup(&emc, &pkt, hash) == &f->cr);

    /* A packet that differs in any key word, even one the megaflow does
     * not mask, misses, whatever hash it is looked up with. */
    for (size_t w = 0; w < FLOW_U64S; w++) {
        for (int bit = 0; bit < 64; bit += 21) {
            other = pkt;
            ((uint64_t *)&other)[w] ^= UINT64_C(1) << bit;
            if (dp_key_word_is_key(w)) {
                ASSERT_TRUE(emc_lookup(&emc, &other, hash) == NULL);
                ASSERT_TRUE(emc_lookup(&emc, &other,
                                       flow_hash_for_cache(&other)) == NULL);
            } else {
                /* Words outside the key words are not datapath state
                 * (always zero in datapath keys) and not compared. */
                ASSERT_TRUE(emc_lookup(&emc, &other, hash) == &f->cr);
            }
        }
    }

    /* Same key, wrong hash: a miss (the entry is elsewhere). */
    ASSERT_TRUE(emc_lookup(&emc, &pkt, hash ^ 0x5555) == NULL);

    mt_oracle_destroy(&o, &cls);
    /* The owner's reference is gone; the cache still pins the rule. */
    ASSERT_EQ(mt_n_freed, 0);
    ASSERT_TRUE(emc_lookup(&emc, &pkt, hash) == NULL);
    ASSERT_EQ(mt_n_freed, 1);
    ASSERT_EQ(emc_count(&emc), 0);
    emc_destroy(&emc);
    dpcls_destroy(&cls);
}

TEST(invalidation_orders)
{
    struct mt_oracle o;
    struct dpcls cls;
    struct emc emc;
    struct flow pkt;
    struct tflow *f;
    uint32_t hash;

    mt_seed(12);
    mt_n_freed = 0;
    dpcls_init(&cls);
    mt_oracle_init(&o);
    emc_init(&emc, 4, mt_free_rule);

    /* 1: remove the megaflow, then the cache frees it on lookup. */
    mt_random_flow(&pkt, 1);
    hash = flow_hash_for_cache(&pkt);
    f = simple_flow(&o, &cls, &pkt);
    emc_insert(&emc, &pkt, hash, &f->cr);
    mt_remove(&o, &cls, 0);
    ASSERT_EQ(mt_n_freed, 0);
    ASSERT_TRUE(emc_lookup(&emc, &pkt, hash) == NULL);
    ASSERT_EQ(mt_n_freed, 1);

    /* 2: the sweep frees a dead rule nobody looks up. */
    f = simple_flow(&o, &cls, &pkt);
    emc_insert(&emc, &pkt, hash, &f->cr);
    mt_remove(&o, &cls, 0);
    emc_sweep(&emc, 3);
    emc_sweep(&emc, 16);
    ASSERT_EQ(mt_n_freed, 2);
    ASSERT_EQ(emc_count(&emc), 0);

    /* 3: the cache lets go first (flush), the owner frees. */
    f = simple_flow(&o, &cls, &pkt);
    emc_insert(&emc, &pkt, hash, &f->cr);
    emc_flush(&emc);
    ASSERT_EQ(f->cr.n_refs, 1);
    ASSERT_EQ(mt_n_freed, 2);
    mt_remove(&o, &cls, 0);
    ASSERT_EQ(mt_n_freed, 3);

    /* 4: a new megaflow for the same key replaces a dead entry on insert,
     * and a live one in place. */
    f = simple_flow(&o, &cls, &pkt);
    emc_insert(&emc, &pkt, hash, &f->cr);
    mt_remove(&o, &cls, 0);
    f = simple_flow(&o, &cls, &pkt);
    emc_insert(&emc, &pkt, hash, &f->cr);
    ASSERT_EQ(mt_n_freed, 4);
    ASSERT_TRUE(emc_lookup(&emc, &pkt, hash) == &f->cr);
    ASSERT_EQ(emc_count(&emc), 1);

    mt_oracle_destroy(&o, &cls);
    emc_destroy(&emc);
    ASSERT_EQ(mt_n_freed, 5);
    dpcls_destroy(&cls);
}

TEST(replacement_prefers_dead_entries)
{
    struct flow pkts[3];
    struct tflow *f[3];
    struct mt_oracle o;
    struct dpcls cls;
    struct emc emc;

    mt_seed(13);
    mt_n_freed = 0;
    dpcls_init(&cls);
    mt_oracle_init(&o);
    /* Two entries: hash 2 has entries 0 and 1 as its candidates. */
    emc_init(&emc, 1, mt_free_rule);
    for (int i = 0; i < 3; i++) {
        mt_random_flow(&pkts[i], 1);
        pkts[i].recirc_id = (uint32_t)i;
        f[i] = simple_flow(&o, &cls, &pkts[i]);
        ASSERT_TRUE(f[i] != NULL);
    }
    emc_insert(&emc, &pkts[0], 2, &f[0]->cr);
    emc_insert(&emc, &pkts[1], 2, &f[1]->cr);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[0], 2) == &f[0]->cr);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[1], 2) == &f[1]->cr);

    /* Kill f[0]: the third key takes its entry, not f[1]'s. */
    dpcls_remove(&cls, &f[0]->cr);
    emc_insert(&emc, &pkts[2], 2, &f[2]->cr);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[1], 2) == &f[1]->cr);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[2], 2) == &f[2]->cr);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[0], 2) == NULL);
    ASSERT_EQ(f[0]->cr.n_refs, 1);
    dpcls_insert(&cls, &f[0]->cr, &pkts[0], &f[0]->mask);

    /* All alive: of the two candidates, the one with the smaller hash
     * loses its place.  Hash 2 picks entries 0 and 1, hash 1 picks 1 and
     * 0. */
    emc_flush(&emc);
    emc_insert(&emc, &pkts[0], 2, &f[0]->cr);
    emc_insert(&emc, &pkts[1], 1, &f[1]->cr);
    emc_insert(&emc, &pkts[2], 2, &f[2]->cr);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[0], 2) == &f[0]->cr);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[1], 1) == NULL);
    ASSERT_TRUE(emc_lookup(&emc, &pkts[2], 2) == &f[2]->cr);
    ASSERT_EQ(emc_count(&emc), 2);

    emc_destroy(&emc);
    mt_oracle_destroy(&o, &cls);
    ASSERT_EQ(mt_n_freed, 3);
    dpcls_destroy(&cls);
}

TEST(probabilistic_insertion)
{
    struct mt_oracle o;
    struct dpcls cls;
    struct emc emc;
    struct flow pkt;
    struct tflow *f;
    int n;

    mt_seed(14);
    dpcls_init(&cls);
    mt_oracle_init(&o);
    emc_init(&emc, EMC_DEFAULT_SHIFT, mt_free_rule);
    emc_seed(&emc, 99);
    mt_random_flow(&pkt, 1);
    f = simple_flow(&o, &cls, &pkt);

    /* Default 1/100: about 1000 of 100,000 (binomial sd ~31). */
    ASSERT_EQ(emc.insert_inv_prob, EMC_DEFAULT_INSERT_INV_PROB);
    n = 0;
    for (int i = 0; i < 100000; i++) {
        n += emc_probabilistic_insert(&emc, &pkt, (uint32_t)i, &f->cr);
    }
    ASSERT_GT(n, 850);
    ASSERT_LT(n, 1150);

    emc_set_insert_inv_prob(&emc, 0);
    for (int i = 0; i < 1000; i++) {
        ASSERT_FALSE(emc_probabilistic_insert(&emc, &pkt, 7, &f->cr));
    }
    emc_set_insert_inv_prob(&emc, 1);
    for (int i = 0; i < 1000; i++) {
        ASSERT_TRUE(emc_probabilistic_insert(&emc, &pkt, 7, &f->cr));
    }
    ASSERT_TRUE(emc_lookup(&emc, &pkt, 7) == &f->cr);

    emc_destroy(&emc);
    mt_oracle_destroy(&o, &cls);
    dpcls_destroy(&cls);
}

/* What the test inserted in the cache: key and rule. */
struct insert_log {
    struct flow *keys;    /* Keys inserted. */
    struct tflow **flows; /* Their megaflows. */
    size_t n;             /* Entries. */
    size_t allocated;     /* Allocated entries. */
};

/* Returns true if KEY was inserted with F (key words compared). */
static bool
insert_log_has(const struct insert_log *log, const struct flow *key,
               const struct tflow *f)
{
    for (size_t i = 0; i < log->n; i++) {
        if (log->flows[i] == f) {
            const uint64_t *a = (const uint64_t *)&log->keys[i];
            const uint64_t *b = (const uint64_t *)key;
            size_t w;

            for (w = 0; w < FLOW_U64S; w++) {
                if (dp_key_word_is_key(w) && a[w] != b[w]) {
                    break;
                }
            }
            if (w == FLOW_U64S) {
                return true;
            }
        }
    }
    return false;
}

/* The datapath's lookup, in miniature, with megaflows coming and going:
 * every answer, from the cache or the classifier, is the oracle's, and a
 * cache hit is always for a key inserted with that megaflow. */
static void
run_datapath(uint64_t seed, unsigned int shift, uint32_t inv_prob,
             size_t min_hits)
{
    struct flow_wildcards shapes[10];
    struct insert_log log = {NULL, NULL, 0, 0};
    enum { N_PKTS = 400 };
    struct flow *pool = xcalloc(N_PKTS, sizeof *pool);
    size_t n_emc_hits = 0, n_removed = 0;
    struct mt_oracle o;
    struct dpcls cls;
    struct emc emc;

    mt_seed(seed);
    mt_n_freed = 0;
    dpcls_init(&cls);
    mt_oracle_init(&o);
    emc_init(&emc, shift, mt_free_rule);
    emc_set_insert_inv_prob(&emc, inv_prob);
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
        mt_random_mask(&shapes[i], 4);
    }
    for (size_t i = 0; i < N_PKTS; i++) {
        mt_random_flow(&pool[i], 2);
    }

    for (int round = 0; round < 300; round++) {
        const struct flow *keys[DPCLS_MAX_BATCH];
        struct dpcls_rule *rules[DPCLS_MAX_BATCH];
        uint32_t hashes[DPCLS_MAX_BATCH];
        uint32_t hits, missed;

        for (int i = 0; i < DPCLS_MAX_BATCH; i++) {
            keys[i] = &pool[mt_random() % N_PKTS];
            hashes[i] = flow_hash_for_cache(keys[i]);
        }
        hits = emc_lookup_batch(&emc, keys, hashes, UINT32_MAX, rules);
        for (int i = 0; i < DPCLS_MAX_BATCH; i++) {
            if (hits & (UINT32_C(1) << i)) {
                struct tflow *f = tflow_from_rule(rules[i]);

                ASSERT_TRUE(f == mt_oracle_lookup(&o, keys[i]));
                ASSERT_TRUE(f->in_cls);
                ASSERT_TRUE(insert_log_has(&log, keys[i], f));
                n_emc_hits++;
            } else {
                ASSERT_TRUE(rules[i] == NULL);
            }
        }

        missed = ~hits;
        dpcls_lookup(&cls, keys, missed, rules, NULL);
        for (int i = 0; i < DPCLS_MAX_BATCH; i++) {
            struct tflow *f;

            if (!(missed & (UINT32_C(1) << i))) {
                continue;
            }
            /* Earlier packets of this batch may have installed it. */
            f = tflow_from_rule(rules[i]);
            if (!f) {
                f = tflow_from_rule(dpcls_lookup_one(&cls, keys[i], NULL));
            }
            ASSERT_TRUE(f == mt_oracle_lookup(&o, keys[i]));
            if (!f) {
                f = mt_add(&o, &cls, keys[i],
                           &shapes[mt_random() % ARRAY_SIZE(shapes)]);
            }
            if (f &&
                emc_probabilistic_insert(&emc, keys[i], hashes[i], &f->cr)) {
                if (log.n >= log.allocated) {
                    log.keys =
                        x2nrealloc(log.keys, &log.allocated, sizeof *log.keys);
                    log.flows =
                        xrealloc(log.flows, log.allocated * sizeof *log.flows);
                }
                log.keys[log.n] = *keys[i];
                log.flows[log.n++] = f;
            }
        }

        /* Revalidation: drop a few megaflows now and then.  Their log
         * entries go too: the memory is about to be freed and reused. */
        if (round % 5 == 4) {
            for (int k = 0; k < 3 && o.n; k++) {
                struct tflow *gone = o.flows[mt_random() % o.n];
                size_t j = 0;

                for (size_t i = 0; i < log.n; i++) {
                    if (log.flows[i] != gone) {
                        log.keys[j] = log.keys[i];
                        log.flows[j++] = log.flows[i];
                    }
                }
                log.n = j;
                for (size_t i = 0; i < o.n; i++) {
                    if (o.flows[i] == gone) {
                        mt_remove(&o, &cls, i);
                        break;
                    }
                }
                n_removed++;
            }
            emc_sweep(&emc, 64);
        }
    }
    ASSERT_GT(n_emc_hits, min_hits);
    ASSERT_GT(n_removed, 50);

    mt_oracle_destroy(&o, &cls);
    emc_destroy(&emc);
    /* Every megaflow ever created has been freed exactly once. */
    ASSERT_EQ(mt_n_freed, (size_t)o.next_id);
    dpcls_destroy(&cls);
    free(log.keys);
    free(log.flows);
    free(pool);
}

TEST(datapath_oracle_always_insert)
{
    run_datapath(21, EMC_DEFAULT_SHIFT, 1, 3000);
}

TEST(datapath_oracle_small_cache)
{
    /* 16 entries for 400 keys: constant replacement. */
    run_datapath(22, 4, 1, 100);
}

TEST(datapath_oracle_probabilistic)
{
    run_datapath(23, 10, 3, 1000);
}

TEST(batch_equals_single)
{
    enum { N = 200 };
    struct flow *pool = xcalloc(N, sizeof *pool);
    struct mt_oracle o;
    struct dpcls cls;
    struct emc emc;
    size_t n_hits = 0;

    mt_seed(24);
    dpcls_init(&cls);
    mt_oracle_init(&o);
    emc_init(&emc, 6, mt_free_rule);
    emc_set_insert_inv_prob(&emc, 1);
    for (size_t i = 0; i < N; i++) {
        struct tflow *f;

        mt_random_flow(&pool[i], 3);
        f = tflow_from_rule(dpcls_lookup_one(&cls, &pool[i], NULL));
        if (!f) {
            f = simple_flow(&o, &cls, &pool[i]);
        }
        if (i % 2) {
            emc_insert(&emc, &pool[i], flow_hash_for_cache(&pool[i]), &f->cr);
        }
    }
    for (int iter = 0; iter < 500; iter++) {
        const struct flow *keys[32];
        struct dpcls_rule *rules[32];
        uint32_t hashes[32];
        uint32_t map = (uint32_t)mt_random();
        uint32_t hits;

        for (int i = 0; i < 32; i++) {
            keys[i] = &pool[mt_random() % N];
            hashes[i] = flow_hash_for_cache(keys[i]);
            rules[i] = NULL;
        }
        hits = emc_lookup_batch(&emc, keys, hashes, map, rules);
        ASSERT_HEX_EQ(hits & ~map, 0);
        for (int i = 0; i < 32; i++) {
            if (map & (UINT32_C(1) << i)) {
                ASSERT_TRUE(rules[i] == emc_lookup(&emc, keys[i], hashes[i]));
                ASSERT_EQ(!!(hits & (UINT32_C(1) << i)), rules[i] != NULL);
                n_hits += rules[i] != NULL;
            }
        }
    }
    ASSERT_GT(n_hits, 500);
    emc_destroy(&emc);
    mt_oracle_destroy(&o, &cls);
    dpcls_destroy(&cls);
    free(pool);
}

TEST(cache_hash_covers_connection_fields)
{
    struct flow base, f;
    uint32_t h;

    mt_seed(25);
    mt_random_flow(&base, 1);
    h = flow_hash_for_cache(&base);
    ASSERT_EQ(h, flow_hash_for_cache(&base));

#define CHANGES_HASH(MEMBER, VALUE)                                           \
    do {                                                                      \
        f = base;                                                             \
        f.MEMBER ^= (VALUE);                                                  \
        ASSERT_NE(flow_hash_for_cache(&f), h);                                \
    } while (0)

    CHANGES_HASH(in_port, 1);
    CHANGES_HASH(recirc_id, 1);
    CHANGES_HASH(ct_state, CS_ESTABLISHED);
    CHANGES_HASH(tunnel.tun_id, htonll(0xef));
    CHANGES_HASH(tunnel.ip_dst, htonl(1));
    CHANGES_HASH(dl_dst.ea[5], 1);
    CHANGES_HASH(dl_src.ea[0], 2);
    CHANGES_HASH(dl_type, htons(1));
    CHANGES_HASH(vlans[0].tci, htons(3));
    CHANGES_HASH(nw_src, htonl(1));
    CHANGES_HASH(nw_dst, htonl(1));
    CHANGES_HASH(nw_proto, 1);
    CHANGES_HASH(tp_src, htons(1));
    CHANGES_HASH(tp_dst, htons(1));
    CHANGES_HASH(ipv6_src.s6_addr[15], 1);
    CHANGES_HASH(ipv6_dst.s6_addr[0], 1);
#undef CHANGES_HASH

    /* Swapping the directions of a connection changes the hash. */
    f = base;
    f.nw_src = htonl(0x0a000001);
    f.nw_dst = htonl(0x0a000002);
    h = flow_hash_for_cache(&f);
    f.nw_src = htonl(0x0a000002);
    f.nw_dst = htonl(0x0a000001);
    ASSERT_NE(h, flow_hash_for_cache(&f));
}
