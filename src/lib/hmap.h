/*
 * hmap.h: intrusive hash map with chaining (the Open vSwitch hmap).
 *
 * The caller computes each node's hash; the map stores nodes in buckets by
 * hash and never compares keys itself, so lookups are written as
 * HMAP_FOR_EACH_WITH_HASH loops that compare the caller's key.  The bucket
 * array doubles when the map holds more than two nodes per bucket and
 * halves when it falls under half a node per bucket.
 *
 * Thread safety: none; callers serialise.
 */
#ifndef VX_LIB_HMAP_H
#define VX_LIB_HMAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

struct hmap_node {
    size_t hash;            /* Hash value given by the caller. */
    struct hmap_node *next; /* Next node in the same bucket. */
};

struct hmap {
    struct hmap_node **buckets; /* Array of mask + 1 bucket heads. */
    struct hmap_node *one;      /* Storage for a single bucket. */
    size_t mask;                /* Number of buckets minus one. */
    size_t n;                   /* Number of nodes. */
};

#define HMAP_INITIALIZER(HMAP) { &(HMAP)->one, NULL, 0, 0 }

void hmap_init(struct hmap *);
void hmap_destroy(struct hmap *);
void hmap_clear(struct hmap *);
void hmap_swap(struct hmap *, struct hmap *);
void hmap_expand(struct hmap *);
void hmap_shrink(struct hmap *);
void hmap_reserve(struct hmap *, size_t capacity);

static inline size_t
hmap_count(const struct hmap *hmap)
{
    return hmap->n;
}

static inline bool
hmap_is_empty(const struct hmap *hmap)
{
    return hmap->n == 0;
}

/* Inserts NODE with HASH, growing the bucket array when needed. */
static inline void
hmap_insert_fast(struct hmap *hmap, struct hmap_node *node, size_t hash)
{
    struct hmap_node **bucket = &hmap->buckets[hash & hmap->mask];

    node->hash = hash;
    node->next = *bucket;
    *bucket = node;
    hmap->n++;
}

static inline void
hmap_insert(struct hmap *hmap, struct hmap_node *node, size_t hash)
{
    hmap_insert_fast(hmap, node, hash);
    if (hmap->n / 2 > hmap->mask) {
        hmap_expand(hmap);
    }
}

/* Removes NODE, which must be in HMAP.  Never shrinks the bucket array, so
 * it is safe inside HMAP_FOR_EACH_SAFE. */
static inline void
hmap_remove(struct hmap *hmap, struct hmap_node *node)
{
    struct hmap_node **bucket = &hmap->buckets[node->hash & hmap->mask];

    while (*bucket != node) {
        bucket = &(*bucket)->next;
    }
    *bucket = node->next;
    hmap->n--;
}

static inline struct hmap_node *
hmap_first_with_hash(const struct hmap *hmap, size_t hash)
{
    struct hmap_node *node = hmap->buckets[hash & hmap->mask];

    while (node && node->hash != hash) {
        node = node->next;
    }
    return node;
}

static inline struct hmap_node *
hmap_next_with_hash(const struct hmap_node *node)
{
    size_t hash = node->hash;

    for (node = node->next; node && node->hash != hash; node = node->next) {
        continue;
    }
    return (struct hmap_node *) node;
}

/* Returns the first node in bucket order at or after bucket START, or
 * NULL. */
struct hmap_node *hmap_first_from(const struct hmap *, size_t start);

static inline struct hmap_node *
hmap_first(const struct hmap *hmap)
{
    return hmap_first_from(hmap, 0);
}

static inline struct hmap_node *
hmap_next(const struct hmap *hmap, const struct hmap_node *node)
{
    return node->next ? node->next
                      : hmap_first_from(hmap, (node->hash & hmap->mask) + 1);
}

#define HMAP_NODE_TO(NODE, ITER, MEMBER)                                      \
    ((NODE) ? CONTAINER_OF(NODE, __typeof__(*ITER), MEMBER) : NULL)

#define HMAP_FOR_EACH_WITH_HASH(ITER, MEMBER, HASH, HMAP)                     \
    for (ITER = HMAP_NODE_TO(hmap_first_with_hash(HMAP, HASH), ITER, MEMBER); \
         ITER;                                                                \
         ITER = HMAP_NODE_TO(hmap_next_with_hash(&(ITER)->MEMBER), ITER,      \
                             MEMBER))

#define HMAP_FOR_EACH(ITER, MEMBER, HMAP)                                     \
    for (ITER = HMAP_NODE_TO(hmap_first(HMAP), ITER, MEMBER); ITER;           \
         ITER = HMAP_NODE_TO(hmap_next(HMAP, &(ITER)->MEMBER), ITER, MEMBER))

#define HMAP_FOR_EACH_SAFE(ITER, NEXT, MEMBER, HMAP)                          \
    for (ITER = HMAP_NODE_TO(hmap_first(HMAP), ITER, MEMBER);                 \
         (ITER ? (NEXT = HMAP_NODE_TO(hmap_next(HMAP, &(ITER)->MEMBER),       \
                                      ITER, MEMBER), 1)                       \
               : 0);                                                          \
         ITER = NEXT)

/* Removes and visits every node; the map is empty afterwards. */
#define HMAP_FOR_EACH_POP(ITER, MEMBER, HMAP)                                 \
    while ((ITER = HMAP_NODE_TO(hmap_first(HMAP), ITER, MEMBER))              \
           ? (hmap_remove(HMAP, &(ITER)->MEMBER), 1) : 0)

#endif /* VX_LIB_HMAP_H */
