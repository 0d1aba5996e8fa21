/*
 * dpcls.h: the megaflow classifier, the datapath's second-level cache (Open
 * vSwitch's "dpcls", lib/dpif-netdev.c and lib/dpif-netdev-lookup*.c).
 *
 * A megaflow is a datapath flow key (struct flow) under a mask (struct
 * flow_wildcards): every packet that agrees with the key on the mask's
 * bits gets the same datapath actions.  The classifier holds megaflows as
 * struct dpcls_rule, which the datapath embeds in its own flow structure,
 * and finds the one a packet matches by tuple-space search: one hash table
 * ("subtable") per distinct mask, probed in turn until one holds the
 * packet's key under its mask.
 *
 * No priorities.  Megaflows are meant not to overlap, so the first
 * subtable that matches gives the answer and the search stops there.  The
 * caller keeps this by inserting a megaflow only after a lookup of the
 * packet that caused it has failed, which builds without NDEBUG assert:
 * dpcls_insert() is passed that packet's key and checks that it still
 * misses.  (That is the whole of what can be checked cheaply.  Two
 * megaflows translated from the same tables can still share packets when
 * neither mask names the bits on which they differ; for such packets both
 * megaflows give the same actions, and lookup returns whichever subtable
 * comes first.  The randomized tests build sets that do not overlap at
 * all and check the answer is always the unique match.)
 *
 * Partitions.  Every datapath megaflow matches in_port exactly, so the
 * classifier keeps one partition (its own subtables) per in_port and a
 * lookup only searches the partition of the key's in_port; dpcls_insert()
 * asserts that in_port is exact.  Masks are also checked to touch only
 * datapath key words (datapath/dp-key.h).
 *
 * Subtables.  Each subtable precomputes the list of its mask's nonzero
 * 64-bit words.  A lookup hashes only those words of the key (masked) and
 * compares only those words against the rule, which stores its masked key
 * packed in the same order.  Lookup loops are specialised for word counts
 * up to 10 (constant trip counts the compiler unrolls)
 * and chosen through a function pointer per subtable, as OVS does.  The
 * hash table is open addressing over 64-byte buckets of 5 (hash, rule)
 * slots with per-bucket overflow counts (as in folly's F14), so a probe
 * that misses usually reads one cache line and touches no rule.
 *
 * Batches.  dpcls_lookup() takes up to DPCLS_MAX_BATCH keys and a bitmap of
 * those to look up.  It probes one subtable for all remaining keys at a
 * time: first hashing every key and prefetching its bucket, then comparing,
 * so memory latency overlaps across the batch.
 *
 * Ordering.  Each subtable counts its hits.  dpcls_run() re-sorts every
 * partition's subtables by hits since the last sort, most first, once per
 * DPCLS_OPTIMIZATION_INTERVAL_MS (OVS: average probes per hit 2.5 -> 1.0 in
 * a VXLAN test).  New subtables go last.  Sorting never changes a lookup's
 * answer, only its cost.  The "masks hit" statistic (dpctl show's `masks:
 * hit:N`) is, as in the kernel datapath, the number of masks tried: for
 * each key the 1-based position of the subtable that matched, or every
 * subtable of its partition for a key that missed; dpcls_lookup() adds it
 * to its caller's counter.
 *
 * Rule lifetime.  A rule starts with one reference, its owner's.  The
 * exact-match cache (emc.h) takes a reference for each entry pointing to
 * the rule and checks dpcls_rule_is_dead() on every hit, so removing a
 * megaflow invalidates its cache entries without scanning the cache.  The
 * owner deletes a megaflow with dpcls_remove() (which marks the rule dead)
 * followed by dpcls_rule_unref(); whoever drops the last reference frees
 * the owner.
 *
 * Thread safety: a classifier has a single writer and, for now, its readers
 * run in the same thread (each datapath thread owns its classifiers, as
 * each OVS PMD thread does).  The layout is meant to allow concurrent
 * readers later: the reader-visible state is the partition's subtable
 * array, each subtable's bucket array and the rules.  An RCU scheme would
 * publish a new subtable array (on sort, add, remove) and a new bucket
 * array (on resize) by pointer swap and free the old ones after a grace
 * period, give each bucket a sequence counter that writers bump around
 * slot changes (OVS cmap's scheme, so readers retry a torn bucket), make
 * hit counts and reference counts per-thread or atomic, and postpone
 * freeing an owner until a grace period after its last reference goes.
 */
#ifndef VX_DATAPATH_DPCLS_H
#define VX_DATAPATH_DPCLS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "datapath/dp-key.h"
#include "flow/match.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "packet/flow.h"

/* Most keys one dpcls_lookup() call takes (bits of its keys map). */
#define DPCLS_MAX_BATCH 32

/* Interval between subtable re-sorts, as OVS's
 * DPCLS_OPTIMIZATION_INTERVAL. */
#define DPCLS_OPTIMIZATION_INTERVAL_MS 1000

struct dpcls_subtable;

/* A megaflow in a classifier.  Embed it in the datapath's flow structure
 * and recover that with CONTAINER_OF. */
struct dpcls_rule {
    struct dpcls_subtable *subtable; /* Subtable holding the rule (its mask
                                      * is the rule's mask), or NULL when
                                      * the rule is not in a classifier. */
    uint32_t hash;                   /* Hash of the masked key's words. */
    uint32_t n_refs;                 /* References: the owner's and one per
                                      * exact-match cache entry. */
    bool dead;                       /* True unless in a classifier. */
    uint64_t key[DP_KEY_U64S];       /* The key's words under the mask's
                                      * nonzero words (which are key
                                      * words), in the subtable's order;
                                      * only the first n_words are
                                      * used. */
};

/* A megaflow classifier. */
struct dpcls {
    struct hmap ports;       /* struct dpcls_port, by in_port. */
    size_t n_rules;          /* Rules in all partitions. */
    size_t n_subtables;      /* Subtables in all partitions. */
    long long int next_sort; /* Time (msec) of the next re-sort. */
};

/* Initialises an empty classifier. */
void dpcls_init(struct dpcls *);

/* Frees the classifier's memory.  Rules still in it are marked dead and
 * left to their owners, which must still drop their references. */
void dpcls_destroy(struct dpcls *);

/* Initialises RULE: not in a classifier, dead, one reference (the
 * caller's). */
void dpcls_rule_init(struct dpcls_rule *rule);

/* Inserts RULE, which must be initialised and not in a classifier, as the
 * megaflow (KEY & MASK, MASK).  KEY is the key of the packet whose lookup
 * failed and made the caller create this megaflow (any bits outside MASK
 * are ignored); builds without NDEBUG assert that it still misses.  MASK
 * must match in_port exactly and have no bits outside the datapath key
 * words (asserted).  The rule takes no new reference. */
void dpcls_insert(struct dpcls *, struct dpcls_rule *rule,
                  const struct flow *key, const struct flow_wildcards *mask);

/* Removes RULE, which must be in CLS, and marks it dead.  The caller still
 * holds its reference.  Frees the rule's subtable (and partition) when it
 * becomes empty. */
void dpcls_remove(struct dpcls *cls, struct dpcls_rule *rule);

/* Looks up KEYS[i] for every bit i set in KEYS_MAP (i < DPCLS_MAX_BATCH;
 * other entries of KEYS are not read).  For each, stores the matching rule
 * in RULES[i], or NULL on a miss.  Returns the map of keys that matched.
 * If MASKS_HIT is nonnull, adds to it, for each matched key, the 1-based
 * position of the subtable that matched in its partition's order, and for
 * each key that missed, the number of subtables of its partition.  Never
 * allocates. */
uint32_t dpcls_lookup(struct dpcls *, const struct flow *const keys[],
                      uint32_t keys_map, struct dpcls_rule *rules[],
                      uint64_t *masks_hit);

/* Looks up one KEY; returns its rule or NULL.  MASKS_HIT as above. */
struct dpcls_rule *dpcls_lookup_one(struct dpcls *, const struct flow *key,
                                    uint64_t *masks_hit);

/* Re-sorts every partition's subtables by hits since the last sort when
 * NOW_MSEC has reached the next sort time, then schedules the next one
 * DPCLS_OPTIMIZATION_INTERVAL_MS later.  Returns true if it sorted. */
bool dpcls_run(struct dpcls *, long long int now_msec);

/* Re-sorts every partition's subtables now (see dpcls_run()). */
void dpcls_sort(struct dpcls *);

/* Returns the number of rules in the classifier. */
static inline size_t
dpcls_count(const struct dpcls *cls)
{
    return cls->n_rules;
}

/* Returns the number of subtables (distinct masks per partition), the
 * figure dpctl show prints as `masks: total:`. */
static inline size_t
dpcls_n_subtables(const struct dpcls *cls)
{
    return cls->n_subtables;
}

/* Returns the number of subtables in IN_PORT's partition (0 if it has
 * none). */
size_t dpcls_port_n_subtables(const struct dpcls *, uint32_t in_port);

/* Returns the mask of the subtable at 0-based position IDX of IN_PORT's
 * partition in lookup order, or NULL if there is none. */
const struct flow_wildcards *
dpcls_port_subtable_mask(const struct dpcls *, uint32_t in_port, size_t idx);

/* Returns true if FLOW matches RULE, which must be in a classifier. */
bool dpcls_rule_matches_flow(const struct dpcls_rule *rule,
                             const struct flow *flow);

/* Stores RULE's masked key in *KEY and, if MASK is nonnull, its mask in
 * *MASK.  RULE must be in a classifier. */
void dpcls_rule_get_key(const struct dpcls_rule *rule, struct flow *key,
                        struct flow_wildcards *mask);

/* Returns true if RULE is not in a classifier (removed, or never
 * inserted). */
static inline bool
dpcls_rule_is_dead(const struct dpcls_rule *rule)
{
    return rule->dead;
}

/* Takes a reference to RULE. */
static inline void
dpcls_rule_ref(struct dpcls_rule *rule)
{
    rule->n_refs++;
}

/* Drops a reference to RULE.  Returns true if it was the last one: the
 * caller must then free RULE's owner (RULE is then dead). */
static inline bool
dpcls_rule_unref(struct dpcls_rule *rule)
{
    vx_assert(rule->n_refs > 0);
    if (--rule->n_refs) {
        return false;
    }
    vx_assert(rule->dead);
    return true;
}

#endif /* VX_DATAPATH_DPCLS_H */
