/* hmap.c: see hmap.h. */
#include "lib/hmap.h"

#include <string.h>

void
hmap_init(struct hmap *hmap)
{
    hmap->buckets = &hmap->one;
    hmap->one = NULL;
    hmap->mask = 0;
    hmap->n = 0;
}

void
hmap_destroy(struct hmap *hmap)
{
    if (hmap && hmap->buckets != &hmap->one) {
        free(hmap->buckets);
    }
}

void
hmap_clear(struct hmap *hmap)
{
    if (hmap->n > 0) {
        hmap->n = 0;
        memset(hmap->buckets, 0, (hmap->mask + 1) * sizeof *hmap->buckets);
    }
}

void
hmap_swap(struct hmap *a, struct hmap *b)
{
    struct hmap tmp = *a;

    *a = *b;
    *b = tmp;
    if (a->buckets == &b->one) {
        a->buckets = &a->one;
    }
    if (b->buckets == &a->one) {
        b->buckets = &b->one;
    }
}

static void
resize(struct hmap *hmap, size_t new_mask)
{
    struct hmap tmp;

    hmap_init(&tmp);
    if (new_mask) {
        tmp.buckets = xcalloc(new_mask + 1, sizeof *tmp.buckets);
        tmp.mask = new_mask;
    }
    for (size_t i = 0; i <= hmap->mask; i++) {
        struct hmap_node *node, *next;

        for (node = hmap->buckets[i]; node; node = next) {
            next = node->next;
            hmap_insert_fast(&tmp, node, node->hash);
        }
    }
    hmap_swap(hmap, &tmp);
    hmap_destroy(&tmp);
}

static size_t
calc_mask(size_t capacity)
{
    size_t mask = capacity / 2;

    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
#if SIZE_MAX > UINT32_MAX
    mask |= mask >> 32;
#endif
    /* At least 8 buckets once we leave the single-bucket state. */
    if (mask) {
        mask |= 7;
    }
    return mask;
}

void
hmap_expand(struct hmap *hmap)
{
    size_t new_mask = calc_mask(hmap->n);

    if (new_mask > hmap->mask) {
        resize(hmap, new_mask);
    }
}

void
hmap_shrink(struct hmap *hmap)
{
    size_t new_mask = calc_mask(hmap->n);

    if (new_mask < hmap->mask) {
        resize(hmap, new_mask);
    }
}

void
hmap_reserve(struct hmap *hmap, size_t n)
{
    size_t new_mask = calc_mask(n);

    if (new_mask > hmap->mask) {
        resize(hmap, new_mask);
    }
}

struct hmap_node *
hmap_first_from(const struct hmap *hmap, size_t start)
{
    for (size_t i = start; i <= hmap->mask; i++) {
        if (hmap->buckets[i]) {
            return hmap->buckets[i];
        }
    }
    return NULL;
}
