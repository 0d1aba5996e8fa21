/*
 * cls-trie.h: a path-compressed binary prefix tree over 32-bit values,
 * private to the classifier.
 *
 * The classifier keeps one tree per prefix field (nw_src, nw_dst) holding,
 * for every distinct match of a subtable whose mask on that field is a
 * CIDR prefix of length L, the first L bits of the match's value.  A lookup
 * walks the tree once with the packet's address and learns which prefix
 * lengths could match at all; a subtable whose length is not among them
 * cannot match, and the classifier skips it while un-wildcarding only the
 * leading address bits the walk examined, instead of the subtable's whole
 * prefix (OVS lib/classifier.c "prefix tries").
 *
 * Values are in host byte order; bit 0 is the most significant bit.
 *
 * Thread safety: none; the classifier serialises.
 */
#ifndef VX_CLASSIFIER_CLS_TRIE_H
#define VX_CLASSIFIER_CLS_TRIE_H 1

#include <stddef.h>
#include <stdint.h>

struct cls_trie_node;

/* Adds the prefix made of the first PLEN (1 to 32) bits of VALUE to the
 * tree at *ROOT (NULL for an empty tree).  A prefix may be added several
 * times; each addition is counted. */
void cls_trie_insert(struct cls_trie_node **root, uint32_t value,
                     unsigned int plen);

/* Removes one addition of the prefix of PLEN bits of VALUE, which must be
 * in the tree at *ROOT, freeing nodes that no longer hold anything. */
void cls_trie_remove(struct cls_trie_node **root, uint32_t value,
                     unsigned int plen);

/* Frees every node of the tree at *ROOT and empties it. */
void cls_trie_destroy(struct cls_trie_node **root);

/* Returns the heap memory of the tree at ROOT (vx_malloc_footprint() of
 * each node). */
size_t cls_trie_memory(const struct cls_trie_node *root);

/* Looks VALUE up in the tree ROOT.  Sets bit L of *PLENS (which the
 * caller zeroes) for each length L such that the tree holds a prefix of L
 * bits equal to VALUE's first L bits.  Returns the number of leading bits
 * of VALUE that determine that set: every value agreeing with VALUE on
 * those bits gets the same *PLENS. */
unsigned int cls_trie_lookup(const struct cls_trie_node *root, uint32_t value,
                             uint64_t *plens);

#endif /* VX_CLASSIFIER_CLS_TRIE_H */
