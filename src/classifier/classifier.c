/*
 * classifier.c: tuple-space search classifier (see classifier.h).
 *
 * Layout.  A subtable keeps its mask as the compact list of the nonzero
 * 64-bit words of struct flow ('words' holds their indexes, 'masks' their
 * values), split into up to four stages: metadata, L2, L3 and L4.  Rules
 * with identical matches form a chain in decreasing priority order whose
 * head sits in the subtable's hash table, keyed by the hash of all masked
 * words.  For every nonempty stage but the last, a counting hash set
 * ('indices') holds, for each distinct match, the hash of its masked words
 * up to the end of that stage, so a lookup stops after the first stage no
 * rule agrees with, having compared (and un-wildcarded) only that far.
 *
 * Prefix tries.  cls->tries holds, per trie field (nw_src, nw_dst), the
 * prefixes of every distinct match in a subtable whose mask on the field
 * is a CIDR prefix.  Before hashing a subtable's L3 stage, a lookup that
 * computes wildcards consults the trie once (per lookup) for the packet's
 * address; if no prefix of the subtable's length matches, the subtable is
 * skipped with only the examined address bits un-wildcarded.
 *
 * Order.  cls->subtables is sorted by 'sort_priority' (descending, ties by
 * creation order; while insertions are deferred, subtables that they
 * created or raised keep their places until classifier_publish() sorts).  'sort_priority' is the subtable's max priority as of
 * the last insertion: removals only lower the true maximum, so it stays an
 * upper bound, which is all that the lookup's early termination needs, and
 * a cursor never sees subtables move under it.  Removals that lower a
 * maximum or empty a subtable set cls->order_stale, and the next insertion
 * recomputes maxima, frees empty subtables and re-sorts.
 */
#include "classifier/classifier.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/cls-trie.h"
#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"

COVERAGE_DEFINE(cls_lookup_miss);
COVERAGE_DEFINE(cls_conj_no_rule);
COVERAGE_DEFINE(cls_insert_conflict);

/* Staged lookup: the stages end at these 64-bit word indexes of struct
 * flow. */
#define CLS_N_STAGES 4
#define CLS_WORD(MEMBER) (offsetof(struct flow, MEMBER) / sizeof(uint64_t))

_Static_assert(offsetof(struct flow, dl_dst) % sizeof(uint64_t) == 0,
               "the L2 stage must start on a 64-bit word");
_Static_assert(offsetof(struct flow, nw_src) % sizeof(uint64_t) == 0,
               "the L3 stage must start on a 64-bit word");
_Static_assert(offsetof(struct flow, tp_src) % sizeof(uint64_t) == 0,
               "the L4 stage must start on a 64-bit word");
_Static_assert(FLOW_U64S <= UINT8_MAX, "word indexes must fit in uint8_t");

/* Prefix tries: fields whose CIDR prefixes a trie indexes. */
#define CLS_N_TRIES 2
static const size_t cls_trie_fields[CLS_N_TRIES] = {
    offsetof(struct flow, nw_src),
    offsetof(struct flow, nw_dst),
};

_Static_assert(offsetof(struct flow, nw_dst) < offsetof(struct flow, tp_src),
               "trie fields must be in the L3 stage");

static const uint8_t cls_stage_ends[CLS_N_STAGES] = {
    CLS_WORD(dl_dst),
    CLS_WORD(nw_src),
    CLS_WORD(tp_src),
    FLOW_U64S,
};

/* One slot of a staged-lookup index. */
struct cls_index_entry {
    uint32_t hash;  /* Hash of a match's words up to the stage's end. */
    uint32_t count; /* Distinct matches with that hash; 0: empty slot. */
};

/* A counting set of 32-bit hashes, open addressing with linear probing. */
struct cls_index {
    struct cls_index_entry *entries; /* 'mask' + 1 slots, or NULL. */
    size_t mask;                     /* Slots minus one (power of 2). */
    size_t n;                        /* Occupied slots. */
};

/* The rules of one mask. */
struct cls_subtable {
    struct hmap_node node;      /* In cls->subtables_by_mask. */
    struct flow_wildcards mask; /* Mask of every rule here. */
    uint64_t seq;               /* Creation order, for ties. */
    int max_priority;           /* Highest rule priority: exact unless
                                 * 'max_stale', then an upper bound. */
    size_t max_count;           /* Rules at 'max_priority' (exact
                                 * unless 'max_stale'). */
    uint64_t max_first_seq;     /* Lower bound on the insertion seq of
                                 * rules at 'max_priority'. */
    bool max_stale;             /* The last rule at 'max_priority'
                                 * was removed. */
    int sort_priority;          /* Key of cls->subtables' order,
                                 * >= 'max_priority' except for rules
                                 * inserted while deferred. */
    size_t n_rules;             /* Rules, chain members included. */
    struct hmap rules;          /* Chain heads by masked hash. */
    struct ovs_list order;      /* Every rule, in dump order. */
    unsigned int n_words;       /* Nonzero words of 'mask'. */
    uint8_t words[FLOW_U64S];   /* Their indexes in struct flow. */
    uint64_t masks[FLOW_U64S];  /* Their values. */
    unsigned int n_indices;     /* Staged-lookup indices in use. */
    uint8_t index_ends[CLS_N_STAGES - 1];       /* Words covered by each. */
    struct cls_index indices[CLS_N_STAGES - 1]; /* The indices. */
    uint8_t trie_plen[CLS_N_TRIES]; /* Prefix length of the mask on each
                                     * trie field, 0 if not a prefix. */
    bool has_trie;                  /* Some 'trie_plen' is nonzero. */
    unsigned int l3_start;          /* Words of the mask before L3. */
};

static inline const uint64_t *
cls_flow_words(const struct flow *flow)
{
    return (const uint64_t *)flow;
}

/* Returns trie field F of FLOW (a flow or a mask), in host order. */
static inline uint32_t
cls_trie_value(const struct flow *flow, int f)
{
    be32 v;

    memcpy(&v, (const uint8_t *)flow + cls_trie_fields[f], sizeof v);
    return ntohl(v);
}

/* Staged-lookup indices. */

static void
cls_index_destroy(struct cls_index *idx)
{
    free(idx->entries);
}

/* Returns how many distinct matches of IDX hash to HASH. */
static uint32_t
cls_index_count(const struct cls_index *idx, uint32_t hash)
{
    if (!idx->n) {
        return 0;
    }
    for (size_t i = hash & idx->mask;; i = (i + 1) & idx->mask) {
        const struct cls_index_entry *e = &idx->entries[i];

        if (!e->count) {
            return 0;
        }
        if (e->hash == hash) {
            return e->count;
        }
    }
}

/* Stores ENTRY (count > 0) in the first free slot of its probe sequence;
 * the caller knows its hash is not there yet. */
static void
cls_index_place(struct cls_index *idx, struct cls_index_entry entry)
{
    size_t i = entry.hash & idx->mask;

    while (idx->entries[i].count) {
        i = (i + 1) & idx->mask;
    }
    idx->entries[i] = entry;
}

static void
cls_index_inc(struct cls_index *idx, uint32_t hash)
{
    size_t i;

    if (!idx->entries || (idx->n + 1) * 4 > (idx->mask + 1) * 3) {
        struct cls_index_entry *old = idx->entries;
        size_t old_size = old ? idx->mask + 1 : 0;
        size_t size = old ? old_size * 2 : 16;

        idx->entries = xcalloc(size, sizeof *idx->entries);
        idx->mask = size - 1;
        for (i = 0; i < old_size; i++) {
            if (old[i].count) {
                cls_index_place(idx, old[i]);
            }
        }
        free(old);
    }

    for (i = hash & idx->mask; idx->entries[i].count;
         i = (i + 1) & idx->mask) {
        if (idx->entries[i].hash == hash) {
            idx->entries[i].count++;
            return;
        }
    }
    idx->entries[i].hash = hash;
    idx->entries[i].count = 1;
    idx->n++;
}

static void
cls_index_dec(struct cls_index *idx, uint32_t hash)
{
    size_t i = hash & idx->mask;
    size_t j;

    vx_assert(idx->n);
    while (idx->entries[i].hash != hash || !idx->entries[i].count) {
        vx_assert(idx->entries[i].count);
        i = (i + 1) & idx->mask;
    }
    if (--idx->entries[i].count) {
        return;
    }
    idx->n--;

    /* Backward-shift deletion: pull later entries of the probe run into
     * the hole unless their home slot lies cyclically in (hole, entry]. */
    for (j = (i + 1) & idx->mask; idx->entries[j].count;
         j = (j + 1) & idx->mask) {
        size_t home = idx->entries[j].hash & idx->mask;
        bool stays = i <= j ? i < home && home <= j : i < home || home <= j;

        if (!stays) {
            idx->entries[i] = idx->entries[j];
            idx->entries[j].count = 0;
            i = j;
        }
    }
}

/* Subtables. */

static uint32_t
cls_mask_hash(const struct flow_wildcards *mask)
{
    return hash_words64(cls_flow_words(&mask->masks), FLOW_U64S, 0);
}

static struct cls_subtable *
cls_find_subtable(const struct classifier *cls,
                  const struct flow_wildcards *mask, uint32_t hash)
{
    struct cls_subtable *st;

    HMAP_FOR_EACH_WITH_HASH (st, node, hash, &cls->subtables_by_mask) {
        if (!memcmp(&st->mask, mask, sizeof *mask)) {
            return st;
        }
    }
    return NULL;
}

/* Creates an empty subtable for MASK at the end of cls->subtables; the
 * first insertion moves it to its place. */
static struct cls_subtable *
cls_create_subtable(struct classifier *cls, const struct flow_wildcards *mask,
                    uint32_t hash)
{
    struct cls_subtable *st = xzalloc(sizeof *st);
    const uint64_t *m = cls_flow_words(&mask->masks);
    unsigned int prev_end = 0;

    st->mask = *mask;
    st->seq = cls->next_subtable_seq++;
    st->max_priority = INT_MIN;
    st->sort_priority = INT_MIN;
    hmap_init(&st->rules);
    ovs_list_init(&st->order);

    for (unsigned int w = 0; w < FLOW_U64S; w++) {
        if (m[w]) {
            st->words[st->n_words] = w;
            st->masks[st->n_words] = m[w];
            st->n_words++;
        }
    }

    /* A trie for every trie field the mask holds a CIDR prefix of. */
    for (int f = 0; f < CLS_N_TRIES; f++) {
        uint32_t fm = cls_trie_value(&mask->masks, f);
        int plen = popcount64(fm);

        if (fm && fm == UINT32_MAX << (32 - plen)) {
            st->trie_plen[f] = (uint8_t)plen;
            st->has_trie = true;
        }
    }
    while (st->l3_start < st->n_words &&
           st->words[st->l3_start] < CLS_WORD(nw_src)) {
        st->l3_start++;
    }

    /* An index for every nonempty stage that is not the last one. */
    for (int s = 0; s < CLS_N_STAGES; s++) {
        unsigned int end = prev_end;

        while (end < st->n_words && st->words[end] < cls_stage_ends[s]) {
            end++;
        }
        if (end > prev_end && end < st->n_words) {
            st->index_ends[st->n_indices++] = end;
        }
        prev_end = end;
    }

    hmap_insert(&cls->subtables_by_mask, &st->node, hash);
    if (cls->n_slots == cls->allocated_slots) {
        cls->subtables = x2nrealloc(cls->subtables, &cls->allocated_slots,
                                    sizeof *cls->subtables);
    }
    cls->subtables[cls->n_slots++] = st;
    return st;
}

/* Frees ST, which holds no rules, without touching cls->subtables. */
static void
cls_destroy_subtable(struct classifier *cls, struct cls_subtable *st)
{
    hmap_remove(&cls->subtables_by_mask, &st->node);
    hmap_destroy(&st->rules);
    for (unsigned int i = 0; i < st->n_indices; i++) {
        cls_index_destroy(&st->indices[i]);
    }
    free(st);
}

static bool
cls_subtable_before(const struct cls_subtable *a, const struct cls_subtable *b)
{
    return (a->sort_priority > b->sort_priority ||
            (a->sort_priority == b->sort_priority && a->seq < b->seq));
}

/* Moves the subtable at IDX towards the front of cls->subtables until the
 * order holds again. */
static void
cls_bubble_up(struct classifier *cls, size_t idx)
{
    struct cls_subtable *st = cls->subtables[idx];

    while (idx > 0 && cls_subtable_before(st, cls->subtables[idx - 1])) {
        cls->subtables[idx] = cls->subtables[idx - 1];
        idx--;
    }
    cls->subtables[idx] = st;
}

/* Recomputes ST's exact max priority, count and first seq. */
static void
cls_rescan_max(struct cls_subtable *st)
{
    struct cls_rule *rule;

    st->max_priority = INT_MIN;
    st->max_count = 0;
    st->max_first_seq = UINT64_MAX;
    LIST_FOR_EACH (rule, order_node, &st->order) {
        if (rule->priority > st->max_priority) {
            st->max_priority = rule->priority;
            st->max_count = 0;
            st->max_first_seq = UINT64_MAX;
        }
        if (rule->priority == st->max_priority) {
            st->max_count++;
            st->max_first_seq = MIN(st->max_first_seq, rule->seq);
        }
    }
    st->max_stale = false;
}

static int
cls_compare_subtables(const void *a_, const void *b_)
{
    const struct cls_subtable *const *a = a_;
    const struct cls_subtable *const *b = b_;

    return (cls_subtable_before(*a, *b) ? -1
            : cls_subtable_before(*b, *a) ? 1 : 0);
}

/* After removals or a deferred batch of insertions: frees empty subtables,
 * makes maxima exact and sorts cls->subtables by them. */
static void
cls_refresh_order(struct classifier *cls)
{
    size_t n = 0;

    if (!cls->order_stale) {
        return;
    }
    for (size_t i = 0; i < cls->n_slots; i++) {
        struct cls_subtable *st = cls->subtables[i];

        if (!st->n_rules) {
            cls_destroy_subtable(cls, st);
            continue;
        }
        if (st->max_stale) {
            cls_rescan_max(st);
        }
        st->sort_priority = st->max_priority;
        cls->subtables[n++] = st;
    }
    qsort(cls->subtables, n, sizeof *cls->subtables, cls_compare_subtables);
    cls->n_slots = n;
    cls->order_stale = false;
}

void
classifier_defer(struct classifier *cls)
{
    cls->deferred = true;
}

void
classifier_publish(struct classifier *cls)
{
    if (cls->deferred) {
        cls->deferred = false;
        cls->order_stale = true;
        cls_refresh_order(cls);
    }
}

/* Hashing and matching under a subtable's mask. */

/* Continues hash *BASIS over the words [*POS, END) of FW under ST's mask,
 * advances *POS to END and returns the finished hash of words [0, END). */
static inline uint32_t
cls_hash_words(const struct cls_subtable *st, const uint64_t *fw,
               unsigned int *pos, unsigned int end, uint32_t *basis)
{
    uint32_t h = *basis;

    for (unsigned int i = *pos; i < end; i++) {
        h = hash_add64(h, fw[st->words[i]] & st->masks[i]);
    }
    *pos = end;
    *basis = h;
    return hash_finish(h, end);
}

/* Computes the index hashes IHASH[] of FLOW in ST and returns its full
 * hash. */
static uint32_t
cls_hash_flow(const struct cls_subtable *st, const struct flow *flow,
              uint32_t ihash[CLS_N_STAGES - 1])
{
    const uint64_t *fw = cls_flow_words(flow);
    unsigned int pos = 0;
    uint32_t basis = 0;

    for (unsigned int i = 0; i < st->n_indices; i++) {
        ihash[i] = cls_hash_words(st, fw, &pos, st->index_ends[i], &basis);
    }
    return cls_hash_words(st, fw, &pos, st->n_words, &basis);
}

/* Returns true if FW masked by ST's mask equals RULE's (normalised)
 * values. */
static inline bool
cls_rule_matches_words(const struct cls_subtable *st,
                       const struct cls_rule *rule, const uint64_t *fw)
{
    const uint64_t *rw = cls_flow_words(&rule->match.flow);

    for (unsigned int i = 0; i < st->n_words; i++) {
        unsigned int w = st->words[i];

        if ((fw[w] & st->masks[i]) != rw[w]) {
            return false;
        }
    }
    return true;
}

/* Returns the head of the chain of ST whose match FW satisfies, given
 * FW's full HASH, or NULL. */
static struct cls_rule *
cls_find_head(const struct cls_subtable *st, const uint64_t *fw, uint32_t hash)
{
    struct cls_rule *head;

    HMAP_FOR_EACH_WITH_HASH (head, hmap_node, hash, &st->rules) {
        if (cls_rule_matches_words(st, head, fw)) {
            return head;
        }
    }
    return NULL;
}

/* ORs the first N words of ST's mask into WC. */
static inline void
cls_unwildcard(const struct cls_subtable *st, struct flow_wildcards *wc,
               unsigned int n)
{
    if (wc) {
        uint64_t *m = (uint64_t *)&wc->masks;

        for (unsigned int i = 0; i < n; i++) {
            m[st->words[i]] |= st->masks[i];
        }
    }
}

static void
cls_normalize(struct match *match)
{
    uint64_t *v = (uint64_t *)&match->flow;
    const uint64_t *m = cls_flow_words(&match->wc.masks);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        v[i] &= m[i];
    }
}

/* Rules. */

void
cls_rule_init(struct cls_rule *rule, const struct match *match, int priority)
{
    memset(rule, 0, sizeof *rule);
    rule->match = *match;
    cls_normalize(&rule->match);
    rule->priority = priority;
    rule->add_version = CLS_MIN_VERSION;
    rule->remove_version = CLS_MAX_VERSION;
}

void
cls_rule_set_conjunctions(struct cls_rule *rule,
                          const struct cls_conjunction *conj, size_t n_conj)
{
    vx_assert(!rule->inserted);
    for (size_t i = 0; i < n_conj; i++) {
        vx_assert(conj[i].n_clauses >= 1 && conj[i].n_clauses <= 64);
        vx_assert(conj[i].clause < conj[i].n_clauses);
    }
    free(rule->conj);
    rule->conj = n_conj ? xmemdup(conj, n_conj * sizeof *conj) : NULL;
    rule->n_conj = n_conj;
}

void
cls_rule_destroy(struct cls_rule *rule)
{
    vx_assert(!rule->inserted);
    free(rule->conj);
    rule->conj = NULL;
    rule->n_conj = 0;
}

void
cls_rule_make_invisible_in_version(struct cls_rule *rule,
                                   cls_version_t version)
{
    vx_assert(version >= rule->add_version);
    rule->remove_version = version;
}

/* Classifier. */

void
classifier_init(struct classifier *cls)
{
    memset(cls, 0, sizeof *cls);
    hmap_init(&cls->subtables_by_mask);
}

void
classifier_destroy(struct classifier *cls)
{
    vx_assert(cls->n_rules == 0);
    for (size_t i = 0; i < cls->n_slots; i++) {
        cls_destroy_subtable(cls, cls->subtables[i]);
    }
    for (int f = 0; f < CLS_N_TRIES; f++) {
        vx_assert(!cls->tries[f]);
    }
    free(cls->subtables);
    hmap_destroy(&cls->subtables_by_mask);
    memset(cls, 0, sizeof *cls);
}

/* Returns the heap memory of HMAP's bucket array. */
static size_t
cls_hmap_memory(const struct hmap *hmap)
{
    return (hmap->buckets != &hmap->one
            ? vx_malloc_footprint((hmap->mask + 1) * sizeof *hmap->buckets)
            : 0);
}

size_t
classifier_memory(const struct classifier *cls)
{
    size_t n = (cls_hmap_memory(&cls->subtables_by_mask)
                + vx_malloc_footprint(cls->allocated_slots
                                      * sizeof *cls->subtables));

    for (size_t i = 0; i < cls->n_slots; i++) {
        const struct cls_subtable *st = cls->subtables[i];

        n += vx_malloc_footprint(sizeof *st) + cls_hmap_memory(&st->rules);
        for (unsigned int j = 0; j < st->n_indices; j++) {
            const struct cls_index *idx = &st->indices[j];

            if (idx->entries) {
                n += vx_malloc_footprint((idx->mask + 1)
                                         * sizeof *idx->entries);
            }
        }
    }
    for (int f = 0; f < CLS_N_TRIES; f++) {
        n += cls_trie_memory(cls->tries[f]);
    }
    return n;
}

/* Returns the first rule in HEAD's chain with PRIORITY that is or will be
 * visible at or after VERSION, or NULL. */
static struct cls_rule *
cls_find_conflict(struct cls_rule *head, int priority, cls_version_t version)
{
    for (struct cls_rule *r = head; r && r->priority >= priority;
         r = r->next_same) {
        if (r->priority == priority && r->remove_version > version) {
            return r;
        }
    }
    return NULL;
}

/* Puts NEW in place of OLD as the head of a chain in ST's hash table. */
static void
cls_replace_head(struct cls_subtable *st, struct cls_rule *old,
                 struct cls_rule *new)
{
    size_t hash = old->hmap_node.hash;

    hmap_remove(&st->rules, &old->hmap_node);
    hmap_insert_fast(&st->rules, &new->hmap_node, hash);
}

/* Adds (ADD) or removes the distinct match of RULE, in ST, to or from
 * CLS's prefix tries. */
static void
cls_tries_update(struct classifier *cls, const struct cls_subtable *st,
                 const struct cls_rule *rule, bool add)
{
    for (int f = 0; f < CLS_N_TRIES; f++) {
        if (st->trie_plen[f]) {
            uint32_t value = cls_trie_value(&rule->match.flow, f);

            if (add) {
                cls_trie_insert(&cls->tries[f], value, st->trie_plen[f]);
            } else {
                cls_trie_remove(&cls->tries[f], value, st->trie_plen[f]);
            }
        }
    }
}

/* Links RULE into ST's chains: a new chain when HEAD is NULL, otherwise
 * HEAD's chain after every rule of higher or equal priority. */
static void
cls_chain_insert(struct classifier *cls, struct cls_subtable *st,
                 struct cls_rule *rule, struct cls_rule *head, uint32_t hash,
                 const uint32_t ihash[CLS_N_STAGES - 1])
{
    if (!head) {
        rule->next_same = NULL;
        hmap_insert(&st->rules, &rule->hmap_node, hash);
        for (unsigned int i = 0; i < st->n_indices; i++) {
            cls_index_inc(&st->indices[i], ihash[i]);
        }
        cls_tries_update(cls, st, rule, true);
    } else if (rule->priority > head->priority) {
        rule->next_same = head;
        cls_replace_head(st, head, rule);
    } else {
        struct cls_rule *prev = head;

        while (prev->next_same &&
               prev->next_same->priority >= rule->priority) {
            prev = prev->next_same;
        }
        rule->next_same = prev->next_same;
        prev->next_same = rule;
    }
}

/* Inserts RULE or returns the rule it conflicts with (see
 * classifier_insert()). */
static struct cls_rule *
cls_insert__(struct classifier *cls, struct cls_rule *rule,
             cls_version_t version)
{
    uint32_t ihash[CLS_N_STAGES - 1];
    struct cls_rule *head, *conflict;
    struct cls_subtable *st;
    uint32_t mask_hash, hash;
    bool fresh;

    vx_assert(!rule->inserted);
    cls_normalize(&rule->match);
    cls_refresh_order(cls);

    mask_hash = cls_mask_hash(&rule->match.wc);
    st = cls_find_subtable(cls, &rule->match.wc, mask_hash);
    if (!st) {
        st = cls_create_subtable(cls, &rule->match.wc, mask_hash);
    }
    hash = cls_hash_flow(st, &rule->match.flow, ihash);
    head = cls_find_head(st, cls_flow_words(&rule->match.flow), hash);
    conflict = head ? cls_find_conflict(head, rule->priority, version) : NULL;
    if (conflict) {
        COVERAGE_INC(cls_insert_conflict);
        return conflict;
    }

    rule->add_version = version;
    rule->remove_version = CLS_MAX_VERSION;
    rule->seq = cls->next_seq++;
    rule->subtable = st;
    rule->inserted = true;
    cls_chain_insert(cls, st, rule, head, hash, ihash);
    ovs_list_push_back(&st->order, &rule->order_node);

    fresh = !st->n_rules;
    if (fresh || rule->priority > st->max_priority) {
        st->max_priority = rule->priority;
        st->max_count = 1;
        st->max_first_seq = rule->seq;
    } else if (rule->priority == st->max_priority) {
        st->max_count++;
    }
    st->n_rules++;
    cls->n_rules++;
    cls->n_subtables += fresh;

    if (st->max_priority > st->sort_priority && !cls->deferred) {
        size_t idx = cls->n_slots - 1;

        while (cls->subtables[idx] != st) {
            idx--;
        }
        st->sort_priority = st->max_priority;
        cls_bubble_up(cls, idx);
    }
    return NULL;
}

const struct cls_rule *
classifier_insert(struct classifier *cls, struct cls_rule *rule,
                  cls_version_t version)
{
    return cls_insert__(cls, rule, version);
}

struct cls_rule *
classifier_replace(struct classifier *cls, struct cls_rule *rule,
                   cls_version_t version)
{
    struct cls_rule *old = cls_insert__(cls, rule, version);
    struct cls_subtable *st;
    uint32_t ihash[CLS_N_STAGES - 1];
    struct cls_rule *head;

    if (!old) {
        return NULL;
    }

    /* RULE takes OLD's place in its chain, the dump order and ties. */
    st = old->subtable;
    head = cls_find_head(st, cls_flow_words(&old->match.flow),
                         cls_hash_flow(st, &old->match.flow, ihash));
    rule->next_same = old->next_same;
    if (head == old) {
        cls_replace_head(st, old, rule);
    } else {
        struct cls_rule *prev = head;

        while (prev->next_same != old) {
            prev = prev->next_same;
        }
        prev->next_same = rule;
    }
    ovs_list_insert(&old->order_node, &rule->order_node);
    ovs_list_remove(&old->order_node);

    rule->add_version = version;
    rule->remove_version = CLS_MAX_VERSION;
    rule->seq = old->seq;
    rule->subtable = st;
    rule->inserted = true;

    old->subtable = NULL;
    old->next_same = NULL;
    old->inserted = false;

    /* Two rules with RULE's match and priority overlapping RULE's
     * visibility would make lookups ambiguous: only a caller that
     * scheduled rules in versions after VERSION could cause that. */
    vx_assert(!cls_find_conflict(rule->next_same, rule->priority, version));
    return old;
}

bool
classifier_remove(struct classifier *cls, struct cls_rule *rule)
{
    uint32_t ihash[CLS_N_STAGES - 1];
    struct cls_subtable *st;
    struct cls_rule *head;
    uint32_t hash;

    if (!rule->inserted) {
        return false;
    }
    st = rule->subtable;
    hash = cls_hash_flow(st, &rule->match.flow, ihash);
    head = cls_find_head(st, cls_flow_words(&rule->match.flow), hash);
    vx_assert(head);

    if (head == rule) {
        if (rule->next_same) {
            cls_replace_head(st, rule, rule->next_same);
        } else {
            hmap_remove(&st->rules, &rule->hmap_node);
            for (unsigned int i = 0; i < st->n_indices; i++) {
                cls_index_dec(&st->indices[i], ihash[i]);
            }
            cls_tries_update(cls, st, rule, false);
        }
    } else {
        struct cls_rule *prev = head;

        while (prev->next_same != rule) {
            prev = prev->next_same;
            vx_assert(prev);
        }
        prev->next_same = rule->next_same;
    }
    ovs_list_remove(&rule->order_node);

    st->n_rules--;
    cls->n_rules--;
    if (!st->n_rules) {
        cls->n_subtables--;
        cls->order_stale = true;
    } else if (!st->max_stale && rule->priority == st->max_priority &&
               !--st->max_count) {
        st->max_stale = true;
        cls->order_stale = true;
    }

    rule->subtable = NULL;
    rule->next_same = NULL;
    rule->inserted = false;
    return true;
}

void
classifier_remove_all(struct classifier *cls)
{
    for (size_t i = 0; i < cls->n_slots; i++) {
        struct cls_subtable *st = cls->subtables[i];
        struct cls_rule *rule;

        LIST_FOR_EACH (rule, order_node, &st->order) {
            rule->subtable = NULL;
            rule->next_same = NULL;
            rule->inserted = false;
        }
        cls_destroy_subtable(cls, st);
    }
    for (int f = 0; f < CLS_N_TRIES; f++) {
        cls_trie_destroy(&cls->tries[f]);
    }
    cls->n_slots = 0;
    cls->n_subtables = 0;
    cls->n_rules = 0;
    cls->order_stale = false;
}

void
classifier_compact(struct classifier *cls)
{
    cls_refresh_order(cls);
}

/* Lookup. */

/* Returns true if A should be chosen over B (NULL: no rule yet). */
static inline bool
cls_rule_beats(const struct cls_rule *a, const struct cls_rule *b)
{
    return (!b || a->priority > b->priority ||
            (a->priority == b->priority && a->seq < b->seq));
}

/* A lookup's use of one prefix trie, done on demand. */
struct cls_trie_ctx {
    bool done;             /* The trie was looked up. */
    uint64_t plens;        /* Bit L: a prefix of length L may match. */
    unsigned int maskbits; /* Address bits that determined 'plens'. */
};

/* Returns true if the prefix tries show that no rule of ST can match FLOW,
 * after un-wildcarding in WC the address bits that show it.  Does not
 * skip when that would take more bits than ST's own prefix, unless WC has
 * them already (as OVS's check_tries()).  Lookups without WC do not use
 * the tries: a walk down a large trie costs more than the staged hash
 * probes it would save, and its only gain is narrower wildcards. */
static bool
cls_trie_skip(const struct classifier *cls, const struct cls_subtable *st,
              const struct flow *flow, struct cls_trie_ctx ctx[CLS_N_TRIES],
              struct flow_wildcards *wc)
{
    /* The trie fields are nw_src and nw_dst, whose prerequisite is IPv4:
     * an ARP packet's arp_spa/arp_tpa share their bits but are other
     * fields, which OVS's tries do not index. */
    if (flow->dl_type != htons(ETH_TYPE_IP)) {
        return false;
    }
    for (int f = 0; f < CLS_N_TRIES; f++) {
        unsigned int plen = st->trie_plen[f];
        struct cls_trie_ctx *c = &ctx[f];
        be32 bits, *mask;

        if (!plen) {
            continue;
        }
        if (!c->done) {
            c->plens = 0;
            c->maskbits = cls_trie_lookup(cls->tries[f],
                                          cls_trie_value(flow, f), &c->plens);
            c->done = true;
        }
        if (c->plens & (UINT64_C(1) << plen)) {
            continue;
        }
        bits = htonl(c->maskbits ? UINT32_MAX << (32 - c->maskbits) : 0);
        mask = (be32 *)((uint8_t *)&wc->masks + cls_trie_fields[f]);
        if (c->maskbits <= plen || (*mask & bits) == bits) {
            *mask |= bits;
            return true;
        }
    }
    return false;
}

/* Returns the highest-priority rule of ST visible in VERSION that FLOW
 * matches, or NULL, un-wildcarding in WC the stages it compared.  CTX
 * caches CLS's prefix trie lookups for FLOW. */
static const struct cls_rule *
cls_subtable_lookup(const struct classifier *cls,
                    const struct cls_subtable *st, cls_version_t version,
                    const struct flow *flow,
                    struct cls_trie_ctx ctx[CLS_N_TRIES],
                    struct flow_wildcards *wc)
{
    const uint64_t *fw = cls_flow_words(flow);
    const struct cls_rule *head, *rule = NULL;
    unsigned int pos = 0;
    uint32_t basis = 0;
    uint32_t hash;

    for (unsigned int i = 0; i <= st->n_indices; i++) {
        /* Before the stage that holds the trie fields, see whether the
         * tries rule this subtable out.  The address bits they examined
         * suffice to show it, whatever the earlier stages hold, so those
         * stay wildcarded. */
        if (wc && st->has_trie && pos == st->l3_start &&
            cls_trie_skip(cls, st, flow, ctx, wc)) {
            return NULL;
        }
        if (i == st->n_indices) {
            break;
        }
        hash = cls_hash_words(st, fw, &pos, st->index_ends[i], &basis);
        if (!cls_index_count(&st->indices[i], hash)) {
            cls_unwildcard(st, wc, pos);
            return NULL;
        }
    }

    hash = cls_hash_words(st, fw, &pos, st->n_words, &basis);
    head = cls_find_head(st, fw, hash);
    for (rule = head; rule; rule = rule->next_same) {
        if (cls_rule_visible_in_version(rule, version)) {
            break;
        }
    }
    cls_unwildcard(st, wc, st->n_words);
    return rule;
}

/* Returns the next rule after RULE in its chain visible in VERSION. */
static const struct cls_rule *
cls_next_visible(const struct cls_rule *rule, cls_version_t version)
{
    for (rule = rule->next_same; rule; rule = rule->next_same) {
        if (cls_rule_visible_in_version(rule, version)) {
            return rule;
        }
    }
    return NULL;
}

/* Clauses seen so far for one conjunction id. */
struct cls_conj_match {
    uint32_t id;      /* Conjunction id. */
    uint64_t clauses; /* 1-bits: clauses seen, and bits >= n_clauses. */
};

static const struct cls_rule *
cls_lookup__(const struct classifier *, cls_version_t, const struct flow *,
             struct flow_wildcards *, bool allow_conj, uint64_t *n_probes);

/* Resolves the N_SOFT soft matches in SOFT (chain positions, which this
 * function updates) against HARD, the best hard match or NULL, as OVS's
 * classifier_lookup__() soft match loop does.  Returns the answer. */
static const struct cls_rule *
cls_resolve_soft(const struct classifier *cls, cls_version_t version,
                 const struct flow *flow, struct flow_wildcards *wc,
                 const struct cls_rule **soft, size_t n_soft,
                 const struct cls_rule *hard, uint64_t *n_probes)
{
    struct cls_conj_match cm_stub[16];
    struct cls_conj_match *cms = cm_stub;
    size_t allocated_cms = ARRAY_SIZE(cm_stub);
    const struct cls_rule *result = NULL;

    for (;;) {
        size_t n = 0, n_cms = 0, n_soft_pri = 0;
        int soft_pri = INT_MIN;

        /* Drop finished chains and soft matches that cannot beat HARD. */
        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i] && (!hard || soft[i]->priority > hard->priority)) {
                soft[n++] = soft[i];
            }
        }
        n_soft = n;
        if (!n_soft) {
            break;
        }

        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i]->priority > soft_pri) {
                soft_pri = soft[i]->priority;
                n_soft_pri = 1;
            } else if (soft[i]->priority == soft_pri) {
                n_soft_pri++;
            }
        }

        /* Gather the clauses provided at 'soft_pri'.  A conjunction with
         * more clauses than there are soft matches cannot complete. */
        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i]->priority != soft_pri) {
                continue;
            }
            for (size_t k = 0; k < soft[i]->n_conj; k++) {
                const struct cls_conjunction *c = &soft[i]->conj[k];
                size_t j;

                if (c->n_clauses > n_soft_pri) {
                    continue;
                }
                for (j = 0; j < n_cms && cms[j].id != c->id; j++) {
                    continue;
                }
                if (j == n_cms) {
                    if (n_cms == allocated_cms) {
                        if (cms == cm_stub) {
                            cms = xmemdup(cm_stub, sizeof cm_stub);
                        }
                        cms = x2nrealloc(cms, &allocated_cms, sizeof *cms);
                    }
                    cms[j].id = c->id;
                    cms[j].clauses =
                        (c->n_clauses >= 64 ? 0 : UINT64_MAX << c->n_clauses);
                    n_cms++;
                }
                cms[j].clauses |= UINT64_C(1) << c->clause;
            }
        }

        /* Try completed conjunctions in increasing id order. */
        for (size_t j = 1; j < n_cms; j++) {
            struct cls_conj_match cm = cms[j];
            size_t k = j;

            for (; k > 0 && cms[k - 1].id > cm.id; k--) {
                cms[k] = cms[k - 1];
            }
            cms[k] = cm;
        }
        for (size_t j = 0; j < n_cms; j++) {
            if (cms[j].clauses == UINT64_MAX) {
                struct flow conj_flow = *flow;
                const struct cls_rule *rule;

                conj_flow.conj_id = cms[j].id;
                rule = cls_lookup__(cls, version, &conj_flow, wc, false,
                                    n_probes);
                if (rule) {
                    result = rule;
                    goto out;
                }
                COVERAGE_INC(cls_conj_no_rule);
            }
        }

        /* No real match at 'soft_pri': fall back to lower-priority rules
         * with identical matches. */
        for (size_t i = 0; i < n_soft; i++) {
            const struct cls_rule *next;

            if (soft[i]->priority != soft_pri) {
                continue;
            }
            next = cls_next_visible(soft[i], version);
            if (next && !cls_rule_is_soft(next)) {
                if (cls_rule_beats(next, hard)) {
                    hard = next;
                }
                next = NULL;
            }
            soft[i] = next;
        }
    }
    result = hard;

out:
    if (cms != cm_stub) {
        free(cms);
    }
    return result;
}

static const struct cls_rule *
cls_lookup__(const struct classifier *cls, cls_version_t version,
             const struct flow *flow, struct flow_wildcards *wc,
             bool allow_conj, uint64_t *n_probes)
{
    const struct cls_rule *soft_stub[64];
    const struct cls_rule **soft = soft_stub;
    size_t n_soft = 0, allocated_soft = ARRAY_SIZE(soft_stub);
    struct cls_trie_ctx ctx[CLS_N_TRIES];
    const struct cls_rule *hard = NULL;
    const struct cls_rule *result;

    memset(ctx, 0, sizeof ctx);
    for (size_t i = 0; i < cls->n_slots; i++) {
        const struct cls_subtable *st = cls->subtables[i];
        const struct cls_rule *match;

        if (hard && st->sort_priority < hard->priority) {
            break;
        }
        if (!st->n_rules || (hard && (st->max_priority < hard->priority ||
                                      (st->max_priority == hard->priority &&
                                       st->max_first_seq > hard->seq)))) {
            continue;
        }

        (*n_probes)++;
        match = cls_subtable_lookup(cls, st, version, flow, ctx, wc);
        if (!match || !cls_rule_beats(match, hard)) {
            continue;
        }
        if (!cls_rule_is_soft(match)) {
            hard = match;
        } else if (allow_conj) {
            if (n_soft == allocated_soft) {
                if (soft == soft_stub) {
                    soft = xmemdup(soft_stub, sizeof soft_stub);
                }
                soft = x2nrealloc(soft, &allocated_soft, sizeof *soft);
            }
            soft[n_soft++] = match;
        }
    }

    result = (n_soft ? cls_resolve_soft(cls, version, flow, wc, soft, n_soft,
                                        hard, n_probes)
                     : hard);
    if (soft != soft_stub) {
        free(soft);
    }
    return result;
}

const struct cls_rule *
classifier_lookup(const struct classifier *cls, cls_version_t version,
                  const struct flow *flow, struct flow_wildcards *wc)
{
    /* The statistics are the only state a lookup changes; lookups run in
     * the classifier's modifying thread (see classifier.h). */
    struct classifier *stats = (struct classifier *)cls;
    const struct cls_rule *rule;

    stats->n_lookups++;
    rule =
        cls_lookup__(cls, version, flow, wc, true, &stats->n_subtable_probes);
    if (!rule) {
        COVERAGE_INC(cls_lookup_miss);
    }
    return rule;
}

const struct cls_rule *
classifier_find_match_exactly(const struct classifier *cls,
                              const struct match *target, int priority,
                              cls_version_t version)
{
    uint32_t ihash[CLS_N_STAGES - 1];
    const struct cls_subtable *st;
    const struct cls_rule *rule;
    struct match m = *target;

    cls_normalize(&m);
    st = cls_find_subtable(cls, &m.wc, cls_mask_hash(&m.wc));
    if (!st) {
        return NULL;
    }
    rule = cls_find_head(st, cls_flow_words(&m.flow),
                         cls_hash_flow(st, &m.flow, ihash));
    for (; rule && rule->priority >= priority; rule = rule->next_same) {
        if (rule->priority == priority &&
            cls_rule_visible_in_version(rule, version)) {
            return rule;
        }
    }
    return NULL;
}

bool
classifier_rule_overlaps(const struct classifier *cls,
                         const struct match *target, int priority,
                         cls_version_t version)
{
    const uint64_t *tf = cls_flow_words(&target->flow);
    const uint64_t *tm = cls_flow_words(&target->wc.masks);

    for (size_t i = 0; i < cls->n_slots; i++) {
        const struct cls_subtable *st = cls->subtables[i];
        const struct cls_rule *rule;

        if (st->sort_priority < priority && !cls->deferred) {
            break;
        }
        if (!st->n_rules || st->max_priority < priority) {
            continue;
        }
        LIST_FOR_EACH (rule, order_node, &st->order) {
            const uint64_t *rf = cls_flow_words(&rule->match.flow);
            unsigned int j;

            if (rule->priority != priority ||
                !cls_rule_visible_in_version(rule, version)) {
                continue;
            }
            for (j = 0; j < st->n_words; j++) {
                unsigned int w = st->words[j];

                if ((rf[w] ^ tf[w]) & tm[w] & st->masks[j]) {
                    break;
                }
            }
            if (j == st->n_words) {
                return true;
            }
        }
    }
    return false;
}

/* Iteration. */

struct cls_cursor
cls_cursor_start(const struct classifier *cls, const struct match *target,
                 cls_version_t version)
{
    struct cls_cursor cursor;

    memset(&cursor, 0, sizeof cursor);
    cursor.cls = cls;
    cursor.target =
        (target && !is_all_zeros(&target->wc, sizeof target->wc) ? target
                                                                 : NULL);
    cursor.version = version;
    return cursor;
}

/* Returns true if every bit of TARGET's mask is in ST's mask. */
static bool
cls_subtable_covers(const struct cls_subtable *st, const struct match *target)
{
    const uint64_t *sm = cls_flow_words(&st->mask.masks);
    const uint64_t *tm = cls_flow_words(&target->wc.masks);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (tm[i] & ~sm[i]) {
            return false;
        }
    }
    return true;
}

/* Returns true if RULE's values agree with TARGET's under TARGET's mask. */
static bool
cls_rule_agrees(const struct cls_rule *rule, const struct match *target)
{
    const uint64_t *rf = cls_flow_words(&rule->match.flow);
    const uint64_t *tf = cls_flow_words(&target->flow);
    const uint64_t *tm = cls_flow_words(&target->wc.masks);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((rf[i] ^ tf[i]) & tm[i]) {
            return false;
        }
    }
    return true;
}

/* Points CURSOR at the first rule of the next subtable that can hold
 * matching rules.  Returns false at the end. */
static bool
cls_cursor_next_subtable(struct cls_cursor *cursor)
{
    const struct classifier *cls = cursor->cls;

    while (cursor->subtable_idx < cls->n_slots) {
        const struct cls_subtable *st = cls->subtables[cursor->subtable_idx++];

        if (st->n_rules &&
            (!cursor->target || cls_subtable_covers(st, cursor->target))) {
            cursor->next =
                CONTAINER_OF(st->order.next, struct cls_rule, order_node);
            return true;
        }
    }
    return false;
}

struct cls_rule *
cls_cursor_next(struct cls_cursor *cursor)
{
    for (;;) {
        struct cls_rule *rule = cursor->next;

        if (!rule) {
            if (!cls_cursor_next_subtable(cursor)) {
                cursor->current = NULL;
                return NULL;
            }
            continue;
        }

        /* Step past RULE now, so that the caller may remove it. */
        cursor->next = (rule->order_node.next == &rule->subtable->order
                            ? NULL
                            : CONTAINER_OF(rule->order_node.next,
                                           struct cls_rule, order_node));
        if (cls_rule_visible_in_version(rule, cursor->version) &&
            (!cursor->target || cls_rule_agrees(rule, cursor->target))) {
            cursor->current = rule;
            return rule;
        }
    }
}
