/* dpcls.c: see dpcls.h. */
#include "datapath/dpcls.h"

#include <stdlib.h>
#include <string.h>

#include "datapath/dp-key.h"
#include "lib/coverage.h"
#include "lib/hash.h"
#include "packet/pkt.h"

_Static_assert(DPCLS_MAX_BATCH >= PKT_BATCH_SIZE,
               "a packet batch must fit in one dpcls_lookup() call");

COVERAGE_DEFINE(dpcls_miss);
COVERAGE_DEFINE(dpcls_subtable_create);
COVERAGE_DEFINE(dpcls_resize);

/* Largest mask word count with its own specialised lookup loop. */
#define DPCLS_SPECIALISED_MAX 10

/* Slots per bucket: 5 hashes, an overflow count and 5 pointers fill one
 * 64-byte cache line. */
#define DPCLS_BUCKET_SLOTS 5

/* A bucket of a subtable's hash table.  A rule goes in the first bucket
 * with a free slot at or after its home bucket (hash & bucket_mask),
 * wrapping around; every full bucket it passes on the way counts it in
 * 'n_overflow', so a search can stop at the first bucket whose count is
 * zero. */
struct dpcls_bucket {
    uint32_t hashes[DPCLS_BUCKET_SLOTS]; /* Hash of each slot's rule. */
    uint32_t n_overflow;                 /* Rules that passed this bucket
                                          * to be stored further on. */
    struct dpcls_rule *rules[DPCLS_BUCKET_SLOTS]; /* NULL if free. */
};

_Static_assert(sizeof(struct dpcls_bucket) <= 64,
               "a bucket must fit in a cache line");

/* Looks up KEYS[i] for each bit i of KEYS_MAP in SUBTABLE; stores matches
 * in RULES[i] and returns the map of keys that matched. */
typedef uint32_t dpcls_lookup_func(const struct dpcls_subtable *subtable,
                                   uint32_t keys_map,
                                   const struct flow *const keys[],
                                   struct dpcls_rule *rules[]);

/* The rules of one partition that share a mask.  Members that lookups read
 * come first. */
struct dpcls_subtable {
    dpcls_lookup_func *lookup;    /* Lookup loop for 'n_words'. */
    struct dpcls_bucket *buckets; /* Hash table, 'bucket_mask' + 1
                                   * buckets (a power of 2). */
    uint32_t bucket_mask;         /* Number of buckets minus one. */
    uint32_t n_words;             /* Nonzero words in the mask. */
    uint64_t hit_cnt;             /* Keys matched since the last sort. */
    uint8_t idx[DP_KEY_U64S];     /* Indexes of the mask's nonzero words
                                   * in struct flow, increasing. */
    uint64_t words[DP_KEY_U64S];  /* The mask's nonzero words, in 'idx'
                                   * order. */
    size_t n_rules;               /* Rules in the hash table. */
    struct dpcls_port *port;      /* Partition holding the subtable. */
    struct hmap_node node;        /* In the partition's 'by_mask'. */
    struct flow_wildcards mask;   /* The whole mask. */
};

/* The subtables of one in_port. */
struct dpcls_port {
    struct hmap_node node;             /* In struct dpcls 'ports'. */
    uint32_t in_port;                  /* Datapath port number. */
    struct dpcls_subtable **subtables; /* In lookup order. */
    size_t n_subtables;                /* Number of 'subtables'. */
    size_t allocated;                  /* Allocated 'subtables'. */
    struct hmap by_mask;               /* The same subtables, by hash of
                                        * their masks. */
    size_t n_rules;                    /* Rules in all its subtables. */
};

/* Asks the compiler to unroll the next loop completely when its trip count
 * is a constant (the specialised lookup loops below). */
#define DPCLS_UNROLL _Pragma("GCC unroll 16")

/* Returns true if the masked words of key K match rule R of subtable ST,
 * which has N mask words. */
static inline bool
rule_matches(const struct dpcls_rule *r, const struct dpcls_subtable *st,
             const uint64_t *k, uint32_t n)
{
    uint64_t diff = 0;

    DPCLS_UNROLL
    for (uint32_t j = 0; j < n; j++) {
        diff |= (k[st->idx[j]] & st->words[j]) ^ r->key[j];
    }
    return !diff;
}

/* Returns the hash of key K under the N mask words of subtable ST. */
static inline uint32_t
subtable_hash_key(const struct dpcls_subtable *st, const uint64_t *k,
                  uint32_t n)
{
    uint64_t acc = 0;

    DPCLS_UNROLL
    for (uint32_t j = 0; j < n; j++) {
        acc = dp_hash_word(acc, k[st->idx[j]] & st->words[j], j);
    }
    return dp_hash_finish(acc);
}

/* Returns the hash of a rule's packed key of N words (equal to
 * subtable_hash_key() of every key it matches). */
static uint32_t
rule_hash(const struct dpcls_rule *r, uint32_t n)
{
    uint64_t acc = 0;

    for (uint32_t j = 0; j < n; j++) {
        acc = dp_hash_word(acc, r->key[j], j);
    }
    return dp_hash_finish(acc);
}

/* Returns the rule of subtable ST (with N mask words) whose hash is H and
 * that key K matches, or NULL. */
static inline struct dpcls_rule *
subtable_find(const struct dpcls_subtable *st, uint32_t h, const uint64_t *k,
              uint32_t n)
{
    uint32_t b = h & st->bucket_mask;

    /* Every bucket may have a nonzero overflow count (after removals, a
     * rule homed in each can sit in the other), so the probe also stops
     * once it has seen every bucket. */
    for (uint32_t i = 0; i <= st->bucket_mask; i++) {
        const struct dpcls_bucket *bucket = &st->buckets[b];

        DPCLS_UNROLL
        for (int s = 0; s < DPCLS_BUCKET_SLOTS; s++) {
            if (bucket->hashes[s] == h) {
                struct dpcls_rule *r = bucket->rules[s];

                if (r && rule_matches(r, st, k, n)) {
                    return r;
                }
            }
        }
        if (!bucket->n_overflow) {
            return NULL;
        }
        b = (b + 1) & st->bucket_mask;
    }
    return NULL;
}

/* The body of every lookup loop, for N mask words (a constant in the
 * specialised copies).  Memory latency is overlapped across the batch:
 * pass 1 hashes every key and prefetches its home bucket; pass 2 takes the
 * first rule with the key's hash in the home bucket as the candidate and
 * prefetches it; pass 3 compares candidates.  Keys whose candidate differs
 * (a hash collision) or that have none but whose home bucket overflowed
 * get a full search. */
static inline __attribute__((always_inline)) uint32_t
subtable_lookup__(const struct dpcls_subtable *st, uint32_t keys_map,
                  const struct flow *const keys[], struct dpcls_rule *rules[],
                  uint32_t n)
{
    uint32_t hashes[DPCLS_MAX_BATCH];
    struct dpcls_rule *cands[DPCLS_MAX_BATCH];
    uint32_t cand_map = 0, slow_map = 0, found = 0;

    for (uint32_t map = keys_map; map; map &= map - 1) {
        unsigned int i = __builtin_ctz(map);
        uint32_t h = subtable_hash_key(st, (const uint64_t *)keys[i], n);

        hashes[i] = h;
        __builtin_prefetch(&st->buckets[h & st->bucket_mask]);
    }

    for (uint32_t map = keys_map; map; map &= map - 1) {
        unsigned int i = __builtin_ctz(map);
        uint32_t h = hashes[i];
        const struct dpcls_bucket *bucket = &st->buckets[h & st->bucket_mask];
        struct dpcls_rule *cand = NULL;

        DPCLS_UNROLL
        for (int s = 0; s < DPCLS_BUCKET_SLOTS; s++) {
            if (bucket->hashes[s] == h && bucket->rules[s]) {
                cand = bucket->rules[s];
                break;
            }
        }
        if (cand) {
            cands[i] = cand;
            cand_map |= UINT32_C(1) << i;
            __builtin_prefetch(&cand->key[0]);
            __builtin_prefetch(&cand->key[n - 1]);
        } else if (bucket->n_overflow) {
            slow_map |= UINT32_C(1) << i;
        }
    }

    for (uint32_t map = cand_map; map; map &= map - 1) {
        unsigned int i = __builtin_ctz(map);

        if (OVS_LIKELY(
                rule_matches(cands[i], st, (const uint64_t *)keys[i], n))) {
            rules[i] = cands[i];
            found |= UINT32_C(1) << i;
        } else {
            slow_map |= UINT32_C(1) << i;
        }
    }

    for (uint32_t map = slow_map; map; map &= map - 1) {
        unsigned int i = __builtin_ctz(map);
        struct dpcls_rule *r =
            subtable_find(st, hashes[i], (const uint64_t *)keys[i], n);

        if (r) {
            rules[i] = r;
            found |= UINT32_C(1) << i;
        }
    }
    return found;
}

/* Lookup loop for any word count. */
static uint32_t
subtable_lookup_generic(const struct dpcls_subtable *st, uint32_t keys_map,
                        const struct flow *const keys[],
                        struct dpcls_rule *rules[])
{
    return subtable_lookup__(st, keys_map, keys, rules, st->n_words);
}

#define DPCLS_LOOKUP_SPECIALISED(N)                                           \
    static uint32_t subtable_lookup_##N(                                      \
        const struct dpcls_subtable *st, uint32_t keys_map,                   \
        const struct flow *const keys[], struct dpcls_rule *rules[])          \
    {                                                                         \
        return subtable_lookup__(st, keys_map, keys, rules, N);               \
    }

DPCLS_LOOKUP_SPECIALISED(1)
DPCLS_LOOKUP_SPECIALISED(2)
DPCLS_LOOKUP_SPECIALISED(3)
DPCLS_LOOKUP_SPECIALISED(4)
DPCLS_LOOKUP_SPECIALISED(5)
DPCLS_LOOKUP_SPECIALISED(6)
DPCLS_LOOKUP_SPECIALISED(7)
DPCLS_LOOKUP_SPECIALISED(8)
DPCLS_LOOKUP_SPECIALISED(9)
DPCLS_LOOKUP_SPECIALISED(10)

/* Specialised loops by word count; index 0 is unused (no mask is empty:
 * in_port is always exact). */
static dpcls_lookup_func *const specialised[DPCLS_SPECIALISED_MAX + 1] = {
    NULL,
    subtable_lookup_1,
    subtable_lookup_2,
    subtable_lookup_3,
    subtable_lookup_4,
    subtable_lookup_5,
    subtable_lookup_6,
    subtable_lookup_7,
    subtable_lookup_8,
    subtable_lookup_9,
    subtable_lookup_10,
};

/* Hash table maintenance. */

/* Returns a zeroed array of N cache-aligned buckets. */
static struct dpcls_bucket *
buckets_alloc(size_t n)
{
    void *p;

    if (posix_memalign(&p, 64, n * sizeof(struct dpcls_bucket))) {
        vx_fatal("out of memory allocating %zu megaflow buckets", n);
    }
    memset(p, 0, n * sizeof(struct dpcls_bucket));
    return p;
}

/* Puts R in ST's hash table without growing it. */
static void
table_insert__(struct dpcls_subtable *st, struct dpcls_rule *r)
{
    uint32_t b = r->hash & st->bucket_mask;

    for (;;) {
        struct dpcls_bucket *bucket = &st->buckets[b];

        for (int s = 0; s < DPCLS_BUCKET_SLOTS; s++) {
            if (!bucket->rules[s]) {
                bucket->rules[s] = r;
                bucket->hashes[s] = r->hash;
                return;
            }
        }
        bucket->n_overflow++;
        b = (b + 1) & st->bucket_mask;
    }
}

/* Rebuilds ST's hash table with N_BUCKETS buckets (a power of 2 that
 * holds its rules). */
static void
table_resize(struct dpcls_subtable *st, size_t n_buckets)
{
    struct dpcls_bucket *old = st->buckets;
    size_t n_old = (size_t)st->bucket_mask + 1;

    COVERAGE_INC(dpcls_resize);
    st->buckets = buckets_alloc(n_buckets);
    st->bucket_mask = (uint32_t)(n_buckets - 1);
    for (size_t b = 0; b < n_old; b++) {
        for (int s = 0; s < DPCLS_BUCKET_SLOTS; s++) {
            if (old[b].rules[s]) {
                table_insert__(st, old[b].rules[s]);
            }
        }
    }
    free(old);
}

/* Adds R to ST's hash table, growing it past 80% full. */
static void
table_insert(struct dpcls_subtable *st, struct dpcls_rule *r)
{
    size_t n_buckets = (size_t)st->bucket_mask + 1;

    if (st->n_rules + 1 > n_buckets * (DPCLS_BUCKET_SLOTS - 1)) {
        table_resize(st, n_buckets * 2);
    }
    table_insert__(st, r);
    st->n_rules++;
}

/* Removes R from ST's hash table, shrinking it under 10% full. */
static void
table_remove(struct dpcls_subtable *st, struct dpcls_rule *r)
{
    uint32_t b = r->hash & st->bucket_mask;
    size_t n_buckets;

    for (;;) {
        struct dpcls_bucket *bucket = &st->buckets[b];
        int s;

        for (s = 0; s < DPCLS_BUCKET_SLOTS; s++) {
            if (bucket->rules[s] == r) {
                bucket->rules[s] = NULL;
                bucket->hashes[s] = 0;
                break;
            }
        }
        if (s < DPCLS_BUCKET_SLOTS) {
            break;
        }
        vx_assert(bucket->n_overflow > 0);
        bucket->n_overflow--;
        b = (b + 1) & st->bucket_mask;
    }
    st->n_rules--;

    n_buckets = (size_t)st->bucket_mask + 1;
    if (n_buckets > 1 && st->n_rules < n_buckets / 2) {
        table_resize(st, n_buckets / 2);
    }
}

/* Partitions and subtables. */

static struct dpcls_port *
port_find(const struct dpcls *cls, uint32_t in_port)
{
    struct dpcls_port *port;

    HMAP_FOR_EACH_WITH_HASH (port, node, hash_int(in_port, 0), &cls->ports) {
        if (port->in_port == in_port) {
            return port;
        }
    }
    return NULL;
}

static struct dpcls_port *
port_find_or_create(struct dpcls *cls, uint32_t in_port)
{
    struct dpcls_port *port = port_find(cls, in_port);

    if (!port) {
        port = xzalloc(sizeof *port);
        port->in_port = in_port;
        hmap_init(&port->by_mask);
        hmap_insert(&cls->ports, &port->node, hash_int(in_port, 0));
    }
    return port;
}

static void
port_destroy(struct dpcls *cls, struct dpcls_port *port)
{
    hmap_remove(&cls->ports, &port->node);
    hmap_destroy(&port->by_mask);
    free(port->subtables);
    free(port);
}

static uint32_t
mask_hash(const struct flow_wildcards *mask)
{
    return hash_words64((const uint64_t *)&mask->masks, FLOW_U64S, 0);
}

static struct dpcls_subtable *
subtable_find_or_create(struct dpcls *cls, struct dpcls_port *port,
                        const struct flow_wildcards *mask)
{
    const uint64_t *mw = (const uint64_t *)&mask->masks;
    uint32_t hash = mask_hash(mask);
    struct dpcls_subtable *st;

    HMAP_FOR_EACH_WITH_HASH (st, node, hash, &port->by_mask) {
        if (!memcmp(&st->mask, mask, sizeof *mask)) {
            return st;
        }
    }

    COVERAGE_INC(dpcls_subtable_create);
    st = xzalloc(sizeof *st);
    st->mask = *mask;
    for (size_t w = 0; w < FLOW_U64S; w++) {
        if (mw[w]) {
            st->idx[st->n_words] = (uint8_t)w;
            st->words[st->n_words] = mw[w];
            st->n_words++;
        }
    }
    st->lookup = st->n_words <= DPCLS_SPECIALISED_MAX
                     ? specialised[st->n_words]
                     : subtable_lookup_generic;
    st->buckets = buckets_alloc(1);
    st->bucket_mask = 0;
    st->port = port;
    hmap_insert(&port->by_mask, &st->node, hash);

    if (port->n_subtables >= port->allocated) {
        port->subtables = x2nrealloc(port->subtables, &port->allocated,
                                     sizeof *port->subtables);
    }
    port->subtables[port->n_subtables++] = st;
    cls->n_subtables++;
    return st;
}

static void
subtable_destroy(struct dpcls *cls, struct dpcls_subtable *st)
{
    struct dpcls_port *port = st->port;
    size_t i;

    for (i = 0; port->subtables[i] != st; i++) {
        continue;
    }
    memmove(&port->subtables[i], &port->subtables[i + 1],
            (port->n_subtables - i - 1) * sizeof *port->subtables);
    port->n_subtables--;
    hmap_remove(&port->by_mask, &st->node);
    cls->n_subtables--;
    free(st->buckets);
    free(st);
}

/* Searches PORT's subtables for the keys in KEYS_MAP, in order, adding
 * hits to each subtable's count and, to *POS_SUM, the number of subtables
 * each key was tried against (its hit position, or all of them). */
static uint32_t
port_lookup(struct dpcls_port *port, const struct flow *const keys[],
            uint32_t keys_map, struct dpcls_rule *rules[], uint64_t *pos_sum)
{
    uint32_t found_all = 0;

    for (size_t s = 0; s < port->n_subtables; s++) {
        struct dpcls_subtable *st = port->subtables[s];
        uint32_t found = st->lookup(st, keys_map, keys, rules);

        if (found) {
            unsigned int n = __builtin_popcount(found);

            st->hit_cnt += n;
            *pos_sum += (uint64_t)n * (s + 1);
            found_all |= found;
            keys_map &= ~found;
            if (!keys_map) {
                break;
            }
        }
    }
    /* A key that missed was tried against every subtable. */
    *pos_sum += (uint64_t) __builtin_popcount(keys_map) * port->n_subtables;
    return found_all;
}

/* Returns the rule matching KEY without touching any statistics. */
static struct dpcls_rule *
dpcls_find(const struct dpcls *cls, const struct flow *key)
{
    const struct dpcls_port *port = port_find(cls, key->in_port);
    struct dpcls_rule *rule = NULL;

    for (size_t s = 0; port && s < port->n_subtables; s++) {
        const struct dpcls_subtable *st = port->subtables[s];

        if (st->lookup(st, 1, &key, &rule)) {
            return rule;
        }
    }
    return NULL;
}

/* Public functions. */

void
dpcls_init(struct dpcls *cls)
{
    hmap_init(&cls->ports);
    cls->n_rules = 0;
    cls->n_subtables = 0;
    cls->next_sort = 0;
}

void
dpcls_destroy(struct dpcls *cls)
{
    struct dpcls_port *port;

    HMAP_FOR_EACH_POP (port, node, &cls->ports) {
        for (size_t i = 0; i < port->n_subtables; i++) {
            struct dpcls_subtable *st = port->subtables[i];

            for (size_t b = 0; b <= st->bucket_mask; b++) {
                for (int s = 0; s < DPCLS_BUCKET_SLOTS; s++) {
                    struct dpcls_rule *r = st->buckets[b].rules[s];

                    if (r) {
                        r->subtable = NULL;
                        r->dead = true;
                    }
                }
            }
            free(st->buckets);
            free(st);
        }
        hmap_destroy(&port->by_mask);
        free(port->subtables);
        free(port);
    }
    hmap_destroy(&cls->ports);
    cls->n_rules = 0;
    cls->n_subtables = 0;
}

void
dpcls_rule_init(struct dpcls_rule *rule)
{
    memset(rule, 0, offsetof(struct dpcls_rule, key));
    rule->dead = true;
    rule->n_refs = 1;
}

void
dpcls_insert(struct dpcls *cls, struct dpcls_rule *rule,
             const struct flow *key, const struct flow_wildcards *mask)
{
    const uint64_t *mw = (const uint64_t *)&mask->masks;
    const uint64_t *kw = (const uint64_t *)key;
    struct dpcls_subtable *st;
    struct dpcls_port *port;

    vx_assert(rule->dead && !rule->subtable);
    vx_assert(mask->masks.in_port == UINT32_MAX);
    for (size_t w = 0; w < FLOW_U64S; w++) {
        vx_assert(!mw[w] || dp_key_word_is_key(w));
    }
#ifndef NDEBUG
    /* The caller inserts only after KEY's lookup failed (see dpcls.h). */
    vx_assert(!dpcls_find(cls, key));
#endif

    port = port_find_or_create(cls, key->in_port);
    st = subtable_find_or_create(cls, port, mask);
    for (uint32_t j = 0; j < st->n_words; j++) {
        rule->key[j] = kw[st->idx[j]] & st->words[j];
    }
    rule->hash = rule_hash(rule, st->n_words);
    rule->subtable = st;
    rule->dead = false;
    table_insert(st, rule);
    port->n_rules++;
    cls->n_rules++;
}

void
dpcls_remove(struct dpcls *cls, struct dpcls_rule *rule)
{
    struct dpcls_subtable *st = rule->subtable;
    struct dpcls_port *port;

    vx_assert(st && !rule->dead);
    port = st->port;
    table_remove(st, rule);
    rule->subtable = NULL;
    rule->dead = true;
    port->n_rules--;
    cls->n_rules--;
    if (!st->n_rules) {
        subtable_destroy(cls, st);
    }
    if (!port->n_rules) {
        port_destroy(cls, port);
    }
}

uint32_t
dpcls_lookup(struct dpcls *cls, const struct flow *const keys[],
             uint32_t keys_map, struct dpcls_rule *rules[],
             uint64_t *masks_hit)
{
    uint32_t remaining = keys_map;
    uint32_t found = 0;
    uint64_t pos_sum = 0;

    for (uint32_t map = keys_map; map; map &= map - 1) {
        rules[__builtin_ctz(map)] = NULL;
    }

    /* Split the keys by in_port: usually they all share one. */
    while (remaining) {
        uint32_t in_port = keys[__builtin_ctz(remaining)]->in_port;
        uint32_t port_map = 0;
        struct dpcls_port *port;

        for (uint32_t map = remaining; map; map &= map - 1) {
            unsigned int i = __builtin_ctz(map);

            if (keys[i]->in_port == in_port) {
                port_map |= UINT32_C(1) << i;
            }
        }
        remaining &= ~port_map;
        port = port_find(cls, in_port);
        if (port) {
            found |= port_lookup(port, keys, port_map, rules, &pos_sum);
        }
    }

    if (masks_hit) {
        *masks_hit += pos_sum;
    }
    if (found != keys_map) {
        COVERAGE_ADD(dpcls_miss, __builtin_popcount(keys_map & ~found));
    }
    return found;
}

struct dpcls_rule *
dpcls_lookup_one(struct dpcls *cls, const struct flow *key,
                 uint64_t *masks_hit)
{
    struct dpcls_rule *rule;

    dpcls_lookup(cls, &key, 1, &rule, masks_hit);
    return rule;
}

/* Sorts PORT's subtables by hit count, most first, keeping the order of
 * ties (insertion sort: partitions have few subtables), and resets the
 * counts. */
static void
port_sort(struct dpcls_port *port)
{
    struct dpcls_subtable **v = port->subtables;

    for (size_t i = 1; i < port->n_subtables; i++) {
        struct dpcls_subtable *st = v[i];
        size_t j;

        for (j = i; j > 0 && v[j - 1]->hit_cnt < st->hit_cnt; j--) {
            v[j] = v[j - 1];
        }
        v[j] = st;
    }
    for (size_t i = 0; i < port->n_subtables; i++) {
        v[i]->hit_cnt = 0;
    }
}

void
dpcls_sort(struct dpcls *cls)
{
    struct dpcls_port *port;

    HMAP_FOR_EACH (port, node, &cls->ports) {
        port_sort(port);
    }
}

bool
dpcls_run(struct dpcls *cls, long long int now_msec)
{
    if (now_msec < cls->next_sort) {
        return false;
    }
    dpcls_sort(cls);
    cls->next_sort = now_msec + DPCLS_OPTIMIZATION_INTERVAL_MS;
    return true;
}

size_t
dpcls_port_n_subtables(const struct dpcls *cls, uint32_t in_port)
{
    const struct dpcls_port *port = port_find(cls, in_port);

    return port ? port->n_subtables : 0;
}

const struct flow_wildcards *
dpcls_port_subtable_mask(const struct dpcls *cls, uint32_t in_port, size_t idx)
{
    const struct dpcls_port *port = port_find(cls, in_port);

    return port && idx < port->n_subtables ? &port->subtables[idx]->mask
                                           : NULL;
}

bool
dpcls_rule_matches_flow(const struct dpcls_rule *rule, const struct flow *flow)
{
    const struct dpcls_subtable *st = rule->subtable;

    vx_assert(st);
    return rule_matches(rule, st, (const uint64_t *)flow, st->n_words);
}

void
dpcls_rule_get_key(const struct dpcls_rule *rule, struct flow *key,
                   struct flow_wildcards *mask)
{
    const struct dpcls_subtable *st = rule->subtable;
    uint64_t *kw = (uint64_t *)key;

    vx_assert(st);
    memset(key, 0, sizeof *key);
    for (uint32_t j = 0; j < st->n_words; j++) {
        kw[st->idx[j]] = rule->key[j];
    }
    if (mask) {
        *mask = st->mask;
    }
}
