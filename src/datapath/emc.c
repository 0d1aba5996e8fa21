/* emc.c: see emc.h. */
#include "datapath/emc.h"

#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"

COVERAGE_DEFINE(emc_dead_hit);

/* Copies the key words of FLOW to KEY. */
static inline void
emc_key_copy(uint64_t *key, const struct flow *flow)
{
    const uint64_t *f = (const uint64_t *)flow;
    size_t j = 0;

    for (size_t w = DP_KEY_RANGE0_START; w < DP_KEY_RANGE0_END; w++) {
        key[j++] = f[w];
    }
    for (size_t w = DP_KEY_RANGE1_START; w < DP_KEY_RANGE1_END; w++) {
        key[j++] = f[w];
    }
    for (size_t w = DP_KEY_RANGE2_START; w < DP_KEY_RANGE2_END; w++) {
        key[j++] = f[w];
    }
}

/* Returns true if KEY holds exactly the key words of FLOW.  Branch-free:
 * a hit compares every word anyway. */
static inline bool
emc_key_equal(const uint64_t *key, const struct flow *flow)
{
    const uint64_t *f = (const uint64_t *)flow;
    uint64_t diff = 0;
    size_t j = 0;

    for (size_t w = DP_KEY_RANGE0_START; w < DP_KEY_RANGE0_END; w++) {
        diff |= key[j++] ^ f[w];
    }
    for (size_t w = DP_KEY_RANGE1_START; w < DP_KEY_RANGE1_END; w++) {
        diff |= key[j++] ^ f[w];
    }
    for (size_t w = DP_KEY_RANGE2_START; w < DP_KEY_RANGE2_END; w++) {
        diff |= key[j++] ^ f[w];
    }
    return !diff;
}

/* Returns candidate entry I (0 or 1) for HASH. */
static inline struct emc_entry *
emc_candidate(const struct emc *cache, uint32_t hash, int i)
{
    return &cache->entries[(i ? hash >> cache->shift : hash) & cache->mask];
}

static inline bool
emc_entry_alive(const struct emc_entry *e)
{
    return e->rule && !dpcls_rule_is_dead(e->rule);
}

/* Frees entry E, which is in use, dropping its reference. */
static void
emc_entry_clear(struct emc *cache, struct emc_entry *e)
{
    struct dpcls_rule *rule = e->rule;

    e->rule = NULL;
    e->hash = 0;
    if (dpcls_rule_unref(rule)) {
        cache->free_rule(rule);
    }
}

void
emc_init(struct emc *cache, unsigned int shift, emc_free_func *free_rule)
{
    size_t n = (size_t)1 << shift;
    void *p;

    vx_assert(shift >= 1 && shift <= EMC_MAX_SHIFT);
    if (posix_memalign(&p, 64, n * sizeof *cache->entries)) {
        vx_fatal("out of memory allocating %zu exact-match cache entries", n);
    }
    memset(p, 0, n * sizeof *cache->entries);
    cache->entries = p;
    cache->mask = (uint32_t)(n - 1);
    cache->shift = shift;
    cache->sweep_pos = 0;
    cache->free_rule = free_rule;
    emc_seed(cache, 0x853c49e6748fea9bULL);
    emc_set_insert_inv_prob(cache, EMC_DEFAULT_INSERT_INV_PROB);
}

void
emc_destroy(struct emc *cache)
{
    emc_flush(cache);
    free(cache->entries);
    cache->entries = NULL;
}

void
emc_set_insert_inv_prob(struct emc *cache, uint32_t inv_prob)
{
    cache->insert_inv_prob = inv_prob;
    cache->insert_min = inv_prob ? UINT32_MAX / inv_prob : 0;
}

void
emc_seed(struct emc *cache, uint64_t seed)
{
    /* xorshift64* needs a nonzero state. */
    cache->rng = seed ? seed : 1;
}

struct dpcls_rule *
emc_lookup(struct emc *cache, const struct flow *key, uint32_t hash)
{
    for (int i = 0; i < 2; i++) {
        struct emc_entry *e = emc_candidate(cache, hash, i);

        if (e->hash == hash && e->rule && emc_key_equal(e->key, key)) {
            if (OVS_LIKELY(!dpcls_rule_is_dead(e->rule))) {
                return e->rule;
            }
            COVERAGE_INC(emc_dead_hit);
            emc_entry_clear(cache, e);
            return NULL;
        }
    }
    return NULL;
}

uint32_t
emc_lookup_batch(struct emc *cache, const struct flow *const keys[],
                 const uint32_t hashes[], uint32_t keys_map,
                 struct dpcls_rule *rules[])
{
    uint32_t hits = 0;

    for (uint32_t map = keys_map; map; map &= map - 1) {
        uint32_t h = hashes[__builtin_ctz(map)];

        __builtin_prefetch(emc_candidate(cache, h, 0));
        __builtin_prefetch(emc_candidate(cache, h, 1));
    }
    for (uint32_t map = keys_map; map; map &= map - 1) {
        unsigned int i = __builtin_ctz(map);
        struct dpcls_rule *rule = emc_lookup(cache, keys[i], hashes[i]);

        rules[i] = rule;
        if (rule) {
            hits |= UINT32_C(1) << i;
        }
    }
    return hits;
}

void
emc_insert(struct emc *cache, const struct flow *key, uint32_t hash,
           struct dpcls_rule *rule)
{
    struct emc_entry *victim = NULL;

    vx_assert(!dpcls_rule_is_dead(rule));
    for (int i = 0; i < 2; i++) {
        struct emc_entry *e = emc_candidate(cache, hash, i);

        if (e->rule && e->hash == hash && emc_key_equal(e->key, key)) {
            if (e->rule != rule) {
                dpcls_rule_ref(rule);
                emc_entry_clear(cache, e);
                e->rule = rule;
                e->hash = hash;
            }
            return;
        }
        if (!victim) {
            victim = e;
        } else if (emc_entry_alive(victim) != emc_entry_alive(e)) {
            if (!emc_entry_alive(e)) {
                victim = e;
            }
        } else if (e->hash < victim->hash) {
            victim = e;
        }
    }

    dpcls_rule_ref(rule);
    if (victim->rule) {
        emc_entry_clear(cache, victim);
    }
    victim->rule = rule;
    victim->hash = hash;
    emc_key_copy(victim->key, key);
}

bool
emc_probabilistic_insert(struct emc *cache, const struct flow *key,
                         uint32_t hash, struct dpcls_rule *rule)
{
    uint64_t x = cache->rng;

    if (!cache->insert_min) {
        return false;
    }
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    cache->rng = x;
    if ((uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32) > cache->insert_min) {
        return false;
    }
    emc_insert(cache, key, hash, rule);
    return true;
}

void
emc_sweep(struct emc *cache, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct emc_entry *e = &cache->entries[cache->sweep_pos];

        if (e->rule && dpcls_rule_is_dead(e->rule)) {
            emc_entry_clear(cache, e);
        }
        cache->sweep_pos = (cache->sweep_pos + 1) & cache->mask;
    }
}

void
emc_flush(struct emc *cache)
{
    for (size_t i = 0; i <= cache->mask; i++) {
        if (cache->entries[i].rule) {
            emc_entry_clear(cache, &cache->entries[i]);
        }
    }
}

size_t
emc_count(const struct emc *cache)
{
    size_t n = 0;

    for (size_t i = 0; i <= cache->mask; i++) {
        n += cache->entries[i].rule != NULL;
    }
    return n;
}
