/*
 * emc.h: the exact-match cache, the datapath's first-level cache in front
 * of the megaflow classifier (Open vSwitch's EMC, lib/dpif-netdev-dfc.h).
 *
 * The cache maps a packet's whole datapath key to the megaflow (struct
 * dpcls_rule) that a previous packet with the same key matched.  It has
 * 2^shift entries (8192 by default, as OVS's EM_FLOW_HASH_SHIFT 13); a key
 * may live in one of two entries, chosen by two disjoint bit fields of its
 * flow_hash_for_cache() hash (datapath/dp-key.h), which the caller computes
 * once per packet.  An entry keeps the hash, a counted reference to the
 * rule and a copy of the key's DP_KEY_U64S key words; a lookup compares
 * the hash and then every key word, so a hit is never a different key.
 * Because the key words include every word a megaflow mask may name, a
 * hit's rule is the rule the megaflow classifier would return.
 *
 * Invalidation without scanning.  Removing a megaflow marks its rule dead
 * (dpcls_remove()); a lookup that finds a dead rule treats the entry as a
 * miss and frees it.  Entries hold references, so a dead rule's memory
 * lives until its last entry goes: on such a lookup, on replacement, by
 * emc_sweep() (a slow background sweep, a few entries per call, as OVS's
 * emc_cache_slow_sweep) or by emc_flush().  When the cache drops the last
 * reference of a rule it calls the free function given to emc_init().
 *
 * Insertion.  emc_probabilistic_insert() inserts with probability
 * 1/insert_inv_prob (default EMC_DEFAULT_INSERT_INV_PROB = 100, as OVS's
 * other_config:emc-insert-inv-prob; 1 = always, 0 = never), so a flood of
 * short flows does not thrash the cache.  A key already cached has its
 * rule updated; otherwise the new key replaces, of its two candidate
 * entries, a free or dead one, else the one with the smaller hash (an
 * arbitrary but cheap choice, as OVS).
 *
 * The per-packet functions (lookups, inserts) never allocate.
 *
 * Thread safety: one cache per datapath thread; a cache and the reference
 * counts of the rules it points to are used by that thread only (see
 * dpcls.h for what concurrent classifier readers would need).
 */
#ifndef VX_DATAPATH_EMC_H
#define VX_DATAPATH_EMC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "datapath/dp-key.h"
#include "datapath/dpcls.h"
#include "packet/flow.h"

/* log2 of the default number of entries (8192). */
#define EMC_DEFAULT_SHIFT 13

/* Largest shift: the two candidate entries use hash bits [0, shift) and
 * [shift, 2 * shift) of a 32-bit hash. */
#define EMC_MAX_SHIFT 16

/* Default inverse insertion probability. */
#define EMC_DEFAULT_INSERT_INV_PROB 100

/* Called with a dead rule when the cache drops its last reference; frees
 * the rule's owner. */
typedef void emc_free_func(struct dpcls_rule *rule);

/* One cache entry, cache-line aligned (256 bytes with the key words of
 * the current struct flow). */
struct emc_entry {
    struct dpcls_rule *rule;   /* Referenced rule, or NULL if free. */
    uint32_t hash;             /* flow_hash_for_cache() of the key. */
    uint32_t pad;              /* Zero. */
    uint64_t key[DP_KEY_U64S]; /* The key's key words, in order. */
} __attribute__((aligned(64)));

/* An exact-match cache. */
struct emc {
    struct emc_entry *entries; /* 2^shift entries. */
    uint32_t mask;             /* Number of entries minus one. */
    unsigned int shift;        /* log2 of the number of entries. */
    uint32_t insert_min;       /* Probabilistic inserts happen when a
                                * random 32-bit value is below or equal
                                * to this; 0 means never. */
    uint32_t insert_inv_prob;  /* The setting 'insert_min' comes from. */
    uint64_t rng;              /* Random state for insert decisions. */
    uint32_t sweep_pos;        /* Next entry emc_sweep() looks at. */
    emc_free_func *free_rule;  /* Frees a rule's owner. */
};

/* Initialises CACHE with 2^SHIFT entries (1 <= SHIFT <= EMC_MAX_SHIFT),
 * all free, and the default insertion probability.  FREE_RULE is called
 * when the cache drops the last reference of a rule. */
void emc_init(struct emc *cache, unsigned int shift, emc_free_func *free_rule);

/* Drops every entry (emc_flush()) and frees CACHE's memory. */
void emc_destroy(struct emc *cache);

/* Sets the insertion probability of emc_probabilistic_insert() to
 * 1/INV_PROB; 0 disables insertion. */
void emc_set_insert_inv_prob(struct emc *cache, uint32_t inv_prob);

/* Seeds the generator behind probabilistic insertion (for reproducible
 * tests and benchmarks). */
void emc_seed(struct emc *cache, uint64_t seed);

/* Returns the live rule cached for KEY, whose flow_hash_for_cache() is
 * HASH, or NULL.  An entry found for KEY whose rule is dead is freed. */
struct dpcls_rule *emc_lookup(struct emc *cache, const struct flow *key,
                              uint32_t hash);

/* Looks up KEYS[i] with hash HASHES[i] for each bit i of KEYS_MAP (i < 32);
 * stores the rule (or NULL) in RULES[i] and returns the map of hits.  Same
 * results as emc_lookup() on each key; faster, as it prefetches all
 * candidate entries first. */
uint32_t emc_lookup_batch(struct emc *cache, const struct flow *const keys[],
                          const uint32_t hashes[], uint32_t keys_map,
                          struct dpcls_rule *rules[]);

/* Caches RULE, which must be live, for KEY with hash HASH, taking a
 * reference to it. */
void emc_insert(struct emc *cache, const struct flow *key, uint32_t hash,
                struct dpcls_rule *rule);

/* Calls emc_insert() with the configured probability.  Returns true if it
 * did. */
bool emc_probabilistic_insert(struct emc *cache, const struct flow *key,
                              uint32_t hash, struct dpcls_rule *rule);

/* Frees the entries among the next N (cyclically) whose rules are dead.
 * Call regularly from the datapath thread's main loop so dead rules do not
 * stay pinned by entries that are never looked up again. */
void emc_sweep(struct emc *cache, size_t n);

/* Frees every entry. */
void emc_flush(struct emc *cache);

/* Returns the number of entries in use (live or dead rules), counting
 * them. */
size_t emc_count(const struct emc *cache);

#endif /* VX_DATAPATH_EMC_H */
