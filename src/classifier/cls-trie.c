/*
 * cls-trie.c: path-compressed binary prefix tree (see cls-trie.h).
 *
 * Each node holds an edge of 'n_bits' bits (left-aligned in 'prefix') that
 * continues the bits of its ancestors; a node's children start with bit 0
 * or 1 respectively.  Only the root may have an empty edge (when its two
 * subtrees differ in their first bit).  A node at which no prefix ends has
 * two children, so the tree has fewer than two nodes per distinct
 * prefix.
 */
#include "classifier/cls-trie.h"

#include <stdbool.h>
#include <stdlib.h>

#include "lib/util.h"

struct cls_trie_node {
    uint32_t prefix;                /* Edge bits, left-aligned; the bits
                                     * past 'n_bits' are zero. */
    unsigned int n_bits;            /* Edge length, 0 (root) to 32. */
    unsigned int n_rules;           /* Additions of the prefix ending at
                                     * the end of this edge. */
    struct cls_trie_node *edges[2]; /* Children, by their first bit. */
};

/* Returns VALUE's bits from bit OFS on, left-aligned. */
static uint32_t
trie_bits_from(uint32_t value, unsigned int ofs)
{
    return ofs < 32 ? value << ofs : 0;
}

/* Returns a mask of the N most significant bits. */
static uint32_t
trie_prefix_mask(unsigned int n)
{
    return n ? UINT32_MAX << (32 - n) : 0;
}

/* Returns bit OFS (0 is the most significant) of VALUE. */
static unsigned int
trie_bit(uint32_t value, unsigned int ofs)
{
    return (value >> (31 - ofs)) & 1;
}

/* Returns how many leading bits of NODE's edge equal VALUE's bits from OFS
 * on, at most MAX. */
static unsigned int
trie_equal_bits(const struct cls_trie_node *node, uint32_t value,
                unsigned int ofs, unsigned int max)
{
    uint32_t diff = node->prefix ^ trie_bits_from(value, ofs);
    unsigned int eq = diff ? (unsigned int)__builtin_clz(diff) : 32;

    return MIN(eq, MIN(node->n_bits, max));
}

static bool
trie_is_leaf(const struct cls_trie_node *node)
{
    return !node->edges[0] && !node->edges[1];
}

/* Returns a new node for VALUE's N_BITS bits from OFS on, holding one
 * prefix. */
static struct cls_trie_node *
trie_leaf(uint32_t value, unsigned int ofs, unsigned int n_bits)
{
    struct cls_trie_node *node = xzalloc(sizeof *node);

    node->prefix = trie_bits_from(value, ofs) & trie_prefix_mask(n_bits);
    node->n_bits = n_bits;
    node->n_rules = 1;
    return node;
}

void
cls_trie_insert(struct cls_trie_node **slot, uint32_t value, unsigned int plen)
{
    unsigned int ofs = 0;

    vx_assert(plen >= 1 && plen <= 32);
    for (;;) {
        struct cls_trie_node *node = *slot;
        struct cls_trie_node *split;
        unsigned int eq;

        if (!node) {
            *slot = trie_leaf(value, ofs, plen - ofs);
            return;
        }

        eq = trie_equal_bits(node, value, ofs, plen - ofs);
        if (eq == node->n_bits) {
            ofs += node->n_bits;
            if (ofs == plen) {
                node->n_rules++;
                return;
            }
            slot = &node->edges[trie_bit(value, ofs)];
            continue;
        }

        /* The new prefix leaves NODE's edge after EQ bits: split it. */
        split = xzalloc(sizeof *split);
        split->prefix = node->prefix & trie_prefix_mask(eq);
        split->n_bits = eq;
        node->prefix <<= eq;
        node->n_bits -= eq;
        split->edges[trie_bit(node->prefix, 0)] = node;
        if (ofs + eq == plen) {
            split->n_rules = 1;
        } else {
            split->edges[trie_bit(value, ofs + eq)] =
                trie_leaf(value, ofs + eq, plen - ofs - eq);
        }
        *slot = split;
        return;
    }
}

static void
trie_remove__(struct cls_trie_node **slot, uint32_t value, unsigned int ofs,
              unsigned int plen)
{
    struct cls_trie_node *node = *slot;
    struct cls_trie_node *child;

    vx_assert(node);
    vx_assert(trie_equal_bits(node, value, ofs, plen - ofs) == node->n_bits);
    ofs += node->n_bits;
    if (ofs == plen) {
        vx_assert(node->n_rules);
        node->n_rules--;
    } else {
        vx_assert(ofs < plen);
        trie_remove__(&node->edges[trie_bit(value, ofs)], value, ofs, plen);
    }

    /* Drop NODE if it holds nothing, or merge it into its only child. */
    if (node->n_rules || (node->edges[0] && node->edges[1])) {
        return;
    }
    child = node->edges[0] ? node->edges[0] : node->edges[1];
    if (child) {
        child->prefix = node->prefix | (child->prefix >> node->n_bits);
        child->n_bits += node->n_bits;
    }
    *slot = child;
    free(node);
}

void
cls_trie_remove(struct cls_trie_node **root, uint32_t value, unsigned int plen)
{
    vx_assert(plen >= 1 && plen <= 32);
    trie_remove__(root, value, 0, plen);
}

void
cls_trie_destroy(struct cls_trie_node **root)
{
    struct cls_trie_node *node = *root;

    if (node) {
        cls_trie_destroy(&node->edges[0]);
        cls_trie_destroy(&node->edges[1]);
        free(node);
        *root = NULL;
    }
}

unsigned int
cls_trie_lookup(const struct cls_trie_node *node, uint32_t value,
                uint64_t *plens)
{
    const struct cls_trie_node *prev = NULL;
    unsigned int ofs = 0;

    while (node) {
        unsigned int eq = trie_equal_bits(node, value, ofs, 32 - ofs);

        if (eq < node->n_bits) {
            /* The bit after the EQ equal ones differs: nothing deeper. */
            return ofs + eq + 1;
        }
        ofs += node->n_bits;
        if (node->n_rules) {
            *plens |= UINT64_C(1) << ofs;
        }
        if (ofs >= 32) {
            return 32;
        }
        prev = node;
        node = node->edges[trie_bit(value, ofs)];
    }

    /* A missing child: the next bit matters only if the other child
     * exists. */
    return !prev || trie_is_leaf(prev) ? ofs : ofs + 1;
}

size_t
cls_trie_memory(const struct cls_trie_node *root)
{
    if (!root) {
        return 0;
    }
    return (vx_malloc_footprint(sizeof *root) + cls_trie_memory(root->edges[0])
            + cls_trie_memory(root->edges[1]));
}
