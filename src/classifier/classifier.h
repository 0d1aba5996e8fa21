/*
 * classifier.h: the OpenFlow table lookup structure, a tuple-space search
 * classifier with priorities and un-wildcarding, as in Open vSwitch's
 * lib/classifier.h.
 *
 * Rules are grouped into subtables, one per distinct mask.  A lookup
 * hashes the packet's flow under each subtable's mask and probes that
 * subtable's hash table; the highest-priority match over all subtables
 * wins.  Subtables are visited in decreasing order of the highest priority
 * they hold, so the search stops as soon as no remaining subtable can beat
 * the best match found so far.
 *
 * Un-wildcarding.  classifier_lookup() also reports, in a struct
 * flow_wildcards, every bit of the flow that influenced the result: the
 * bits of each probed subtable's mask that it compared (with staged lookup
 * a subtable that misses early only un-wildcards the stages it looked at:
 * metadata, then L2, then L3, then L4).  The datapath installs a megaflow
 * with exactly that mask, so a later packet that agrees on those bits must
 * get the same answer.  Missing a bit gives wrong answers; adding needless
 * bits only costs cache efficiency.  The randomized oracle test checks
 * both the lookup result against a linear scan and that the mask is
 * sufficient.
 *
 * Conjunctive matches.  A rule whose actions are only conjunction(id,k/n)
 * actions is a "soft" rule: it does not match by itself.  When lookup finds
 * soft rules covering all n clauses of a conjunction id at a priority
 * higher than any ordinary match, it sets flow->conj_id = id and looks up
 * again, where rules matching conj_id=id can match (OVS semantics).
 *
 * Versions.  Each rule is visible in versions [add_version,
 * remove_version).  Lookups name a version, so a batch of flow changes can
 * be staged at version N+1 and published by moving readers to N+1 at
 * once, which is how a bulk add-flows becomes atomic.
 *
 * Dump order.  CLS_FOR_EACH visits subtables in lookup order (highest max
 * priority first, ties in creation order) and, within a subtable, rules in
 * insertion order, higher priority first for rules with the same match.
 * This reproduces the order in which ovs-ofctl dump-flows lists the seed's
 * flows.
 *
 * Thread safety: a classifier is modified by one thread at a time.  Lookups
 * run in the same thread as modifications (the slow path); the datapath's
 * fast path never reads a classifier directly.
 */
#ifndef VX_CLASSIFIER_CLASSIFIER_H
#define VX_CLASSIFIER_CLASSIFIER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/match.h"
#include "lib/hmap.h"
#include "lib/list.h"

typedef uint64_t cls_version_t;

#define CLS_MIN_VERSION 0
#define CLS_MAX_VERSION UINT64_MAX

/* One clause of a conjunctive match: this rule provides clause 'clause'
 * (0-based) of 'n_clauses' for conjunction 'id'. */
struct cls_conjunction {
    uint32_t id;
    uint8_t clause;
    uint8_t n_clauses;
};

struct cls_subtable;

/* A rule in a classifier.  Embed it in a larger structure (OVS style). */
struct cls_rule {
    struct match match;               /* Normalised match. */
    int priority;                     /* Higher wins. */
    cls_version_t add_version;        /* First version it is visible in. */
    cls_version_t remove_version;     /* First version it is not. */

    /* Conjunction clauses (soft rule) when n_conj > 0; owned. */
    struct cls_conjunction *conj;
    size_t n_conj;

    /* Private to the classifier. */
    struct cls_subtable *subtable;    /* Subtable holding the rule. */
    struct hmap_node hmap_node;       /* In subtable, by masked flow hash;
                                       * only the head of a same-match
                                       * chain is in the hmap. */
    struct cls_rule *next_same;       /* Same match, lower priority. */
    struct ovs_list order_node;       /* In subtable's insertion order. */
    uint64_t seq;                     /* Insertion sequence number. */
    bool inserted;                    /* In a classifier now. */
};

struct classifier {
    struct hmap subtables_by_mask;    /* struct cls_subtable by mask hash. */
    struct cls_subtable **subtables;  /* Sorted by max priority desc. */
    size_t n_subtables;
    size_t allocated_subtables;
    size_t n_rules;                   /* Rules, soft ones included. */
    uint64_t next_seq;                /* Insertion counter. */
    uint64_t next_subtable_seq;       /* Subtable creation counter. */
    bool has_conjunctions;            /* Any soft rules present. */
    uint64_t n_lookups;               /* Statistics. */
    uint64_t n_subtable_probes;
};

/* Initialises CLS.  RULE->match must already be normalised by the caller
 * of cls_rule_init(). */
void classifier_init(struct classifier *);

/* Destroys CLS, which must be empty. */
void classifier_destroy(struct classifier *);

/* Initialises RULE with MATCH (copied and normalised) and PRIORITY,
 * visible from version 0 on.  CONJ (N_CONJ entries, copied) makes it a
 * soft rule. */
void cls_rule_init(struct cls_rule *, const struct match *, int priority);
void cls_rule_set_conjunctions(struct cls_rule *,
                               const struct cls_conjunction *conj,
                               size_t n_conj);
void cls_rule_destroy(struct cls_rule *);

/* Inserts RULE, visible in versions >= VERSION.  If a rule with the same
 * match and priority is already visible at VERSION, returns it and does
 * not insert (the caller decides to replace: mark the old one removed
 * with cls_rule_make_invisible_in_version() and insert again, or
 * classifier_replace()). */
const struct cls_rule *classifier_insert(struct classifier *,
                                         struct cls_rule *,
                                         cls_version_t version);

/* Inserts RULE, replacing any rule with the same match and priority,
 * which is removed from the classifier and returned (or NULL). */
struct cls_rule *classifier_replace(struct classifier *, struct cls_rule *,
                                    cls_version_t version);

/* Makes RULE invisible from VERSION on (it stays in the classifier until
 * classifier_remove()). */
void cls_rule_make_invisible_in_version(struct cls_rule *,
                                        cls_version_t version);

/* Returns true if RULE is visible in VERSION. */
static inline bool
cls_rule_visible_in_version(const struct cls_rule *rule,
                            cls_version_t version)
{
    return rule->add_version <= version && version < rule->remove_version;
}

/* Removes RULE from CLS.  Returns true if it was there. */
bool classifier_remove(struct classifier *, struct cls_rule *);

/* Returns the highest-priority rule visible in VERSION that matches FLOW,
 * or NULL.  With conjunctions in use, FLOW->conj_id may be examined, and
 * the lookup is done as described above (FLOW is not modified; the
 * conj_id used is internal).  When WC is nonnull, ORs into it the bits
 * that determined the result.  Ties between rules of equal priority are
 * broken by insertion order (earlier wins), deterministic as OVS says
 * such tables are "undefined". */
const struct cls_rule *classifier_lookup(const struct classifier *,
                                         cls_version_t version,
                                         const struct flow *flow,
                                         struct flow_wildcards *wc);

/* Returns the rule with exactly MATCH and PRIORITY visible in VERSION, or
 * NULL. */
const struct cls_rule *classifier_find_match_exactly(
    const struct classifier *, const struct match *, int priority,
    cls_version_t version);

/* Returns true if a rule visible in VERSION with PRIORITY overlaps
 * MATCH (some packet could match both), for check_overlap. */
bool classifier_rule_overlaps(const struct classifier *,
                              const struct match *, int priority,
                              cls_version_t version);

static inline size_t
classifier_count(const struct classifier *cls)
{
    return cls->n_rules;
}

static inline bool
classifier_is_empty(const struct classifier *cls)
{
    return cls->n_rules == 0;
}

/* Number of distinct masks. */
static inline size_t
classifier_n_subtables(const struct classifier *cls)
{
    return cls->n_subtables;
}

/* Iteration in dump order:
 *
 *     struct cls_cursor cursor = cls_cursor_start(cls, target, version);
 *     struct cls_rule *rule;
 *
 *     while ((rule = cls_cursor_next(&cursor))) { ... }
 *
 * visits every rule visible in VERSION (CLS_MAX_VERSION - 1 for the
 * newest) whose match is at least as specific as TARGET (NULL: all).  The
 * cursor stays valid while the classifier is unchanged, except that the
 * rule just returned may be removed. */
struct cls_cursor {
    const struct classifier *cls;
    const struct match *target;   /* Loose filter, or NULL for all. */
    cls_version_t version;
    size_t subtable_idx;          /* Index in cls->subtables. */
    struct cls_rule *next;        /* Next rule to return. */
};

struct cls_cursor cls_cursor_start(const struct classifier *,
                                   const struct match *target,
                                   cls_version_t version);
struct cls_rule *cls_cursor_next(struct cls_cursor *);

#endif /* VX_CLASSIFIER_CLASSIFIER_H */
