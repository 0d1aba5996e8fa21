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
 * metadata, then L2, then L3, then L4, split at dl_dst, nw_src and tp_src
 * in struct flow).  A subtable skipped because of its priority contributes
 * nothing.  For nw_src and nw_dst, prefix tries (as OVS's) rule out
 * subtables whose CIDR prefix length cannot match the packet's address,
 * un-wildcarding only the leading address bits that show it.  The datapath
 * installs a megaflow with exactly that mask, so a later packet that agrees on
 * those bits must get the same answer.  Missing a bit gives wrong answers;
 * adding needless bits only costs cache efficiency.  The randomized oracle
 * test checks both the lookup result against a linear scan and that the mask
 * is sufficient.
 *
 * Conjunctive matches.  A rule whose actions are only conjunction(id,k/n)
 * actions is a "soft" rule: it does not match by itself.  When lookup finds
 * soft rules covering all n clauses of a conjunction id at a priority
 * higher than any ordinary ("hard") match, it looks up again with
 * flow->conj_id = id, ignoring soft rules, where rules matching conj_id=id
 * can match; the result of that second lookup, if any, is the answer.
 * Otherwise, soft rules that have a lower-priority rule with an identical
 * match fall back to that rule, soft or hard, and the search goes on at
 * the next lower soft priority (OVS lib/classifier.c semantics, including
 * the "priority fallback" case of OVS's tests).
 *
 * Versions.  Each rule is visible in versions [add_version,
 * remove_version).  Lookups name a version, so a batch of flow changes can
 * be staged at version N+1 and published by moving readers to N+1 at
 * once, which is how a bulk add-flows becomes atomic.
 *
 * Dump order.  CLS_FOR_EACH visits subtables in lookup order (highest max
 * priority first, ties in creation order) and, within a subtable, rules in
 * insertion order, as Open vSwitch's per-subtable rule list does: a rule
 * that classifier_replace() puts in place of another takes its place in
 * that order.  This reproduces the order in which ovs-ofctl dump-flows
 * lists the seed's flows.  Removing rules never reorders subtables (so a
 * cursor survives the removal of the rule it just returned); the order is
 * brought up to date, and emptied subtables are freed, at the next
 * insertion or classifier_compact() call.  OVS re-sorts at once on
 * removal, so a user that removes rules calls classifier_compact() when
 * it has no cursor open, to dump in OVS's order.
 *
 * Ties.  Rules of equal priority that match the same packet are broken by
 * insertion order (earlier wins), where OVS leaves the choice undefined.
 * When several conjunctions are completed at the same priority, their ids
 * are tried in increasing order.
 *
 * Thread safety: a classifier is modified by one thread at a time.  Lookups
 * run in the same thread as modifications (the slow path); they update the
 * classifier's statistics counters, so they are not safe to run
 * concurrently either.  The datapath's fast path never reads a classifier
 * directly.
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

/* Versions.  A rule inserted in version V is visible in [V,
 * remove_version); CLS_MAX_VERSION as a remove_version means "never
 * removed", so the newest version a reader can use is CLS_MAX_VERSION - 1
 * (CLS_NEWEST_VERSION). */
#define CLS_MIN_VERSION 0
#define CLS_MAX_VERSION UINT64_MAX
#define CLS_NEWEST_VERSION (CLS_MAX_VERSION - 1)

/* One clause of a conjunctive match: this rule provides clause 'clause'
 * (0-based) of 'n_clauses' for conjunction 'id'. */
struct cls_conjunction {
    uint32_t id;       /* Conjunction id, matched later as conj_id. */
    uint8_t clause;    /* Clause index, 0 <= clause < n_clauses. */
    uint8_t n_clauses; /* Number of clauses, 1 to 64. */
};

struct cls_subtable;
struct cls_trie_node;

/* A rule in a classifier.  Embed it in a larger structure (OVS style). */
struct cls_rule {
    struct match match;           /* Normalised match. */
    int priority;                 /* Higher wins. */
    cls_version_t add_version;    /* First version it is visible in. */
    cls_version_t remove_version; /* First version it is not. */

    /* Conjunction clauses (soft rule) when n_conj > 0; owned. */
    struct cls_conjunction *conj; /* Array of 'n_conj' clauses. */
    size_t n_conj;                /* Number of clauses in 'conj'. */

    /* Private to the classifier. */
    struct cls_subtable *subtable; /* Subtable holding the rule. */
    struct hmap_node hmap_node;    /* In subtable, by masked flow hash;
                                    * only the head of a same-match
                                    * chain is in the hmap. */
    struct cls_rule *next_same;    /* Same match, lower priority (or
                                    * same priority, inserted later). */
    struct ovs_list order_node;    /* In subtable's dump (insertion)
                                    * order. */
    uint64_t seq;                  /* Insertion sequence number, for
                                    * ties between equal priorities. */
    bool inserted;                 /* In a classifier now. */
};

/* A classifier.  All members are private: use the functions below. */
struct classifier {
    struct hmap subtables_by_mask;   /* struct cls_subtable by mask hash. */
    struct cls_subtable **subtables; /* In lookup and dump order. */
    size_t n_slots;                  /* Entries in 'subtables', including
                                      * emptied ones not yet freed. */
    size_t allocated_slots;          /* Allocated size of 'subtables'. */
    size_t n_subtables;              /* Subtables holding rules. */
    size_t n_rules;                  /* Rules, soft ones included. */
    bool order_stale;                /* Removals changed some subtable's
                                      * max priority or emptied it. */
    bool deferred;                   /* classifier_defer() in effect. */
    uint64_t next_seq;               /* Insertion counter. */
    uint64_t next_subtable_seq;      /* Subtable creation counter. */
    struct cls_trie_node *tries[2];  /* Prefix tries on nw_src, nw_dst. */
    uint64_t n_lookups;              /* Calls to classifier_lookup(). */
    uint64_t n_subtable_probes;      /* Subtables probed by them. */
};

/* Initialises CLS as an empty classifier. */
void classifier_init(struct classifier *);

/* Destroys CLS, which must be empty (every rule removed). */
void classifier_destroy(struct classifier *);

/* Initialises RULE with a copy of MATCH, normalised (value bits under
 * 0-bits of the mask cleared), and PRIORITY, as a hard (ordinary) rule
 * visible from version 0 on until removed.  RULE is not in any classifier
 * until classifier_insert(). */
void cls_rule_init(struct cls_rule *, const struct match *, int priority);

/* Makes RULE, which must not be in a classifier, a soft rule providing the
 * N_CONJ clauses in CONJ (copied), or a hard rule again if N_CONJ is 0.
 * Each clause must have 1 <= n_clauses <= 64 and clause < n_clauses. */
void cls_rule_set_conjunctions(struct cls_rule *,
                               const struct cls_conjunction *conj,
                               size_t n_conj);

/* Frees what RULE owns (its conjunctions).  RULE must not be in a
 * classifier. */
void cls_rule_destroy(struct cls_rule *);

/* Inserts RULE, visible in versions >= VERSION (its add_version becomes
 * VERSION and its remove_version CLS_MAX_VERSION).  If a rule with the
 * same match and priority is visible at VERSION or in some later version
 * (its remove_version is above VERSION), returns it and does not insert:
 * the caller decides to replace it, either by marking the old one removed
 * with cls_rule_make_invisible_in_version(old, VERSION) and inserting
 * again, or with classifier_replace().  Returns NULL on insertion.  RULE
 * must stay in place, unmodified, until classifier_remove(). */
const struct cls_rule *classifier_insert(struct classifier *,
                                         struct cls_rule *,
                                         cls_version_t version);

/* Inserts RULE like classifier_insert(), replacing the rule with the same
 * match and priority that classifier_insert() would have reported, if
 * any: that rule is removed from the classifier and returned (the caller
 * owns it again), and RULE takes its place in the dump order and in ties.
 * Returns NULL when nothing was replaced.  Two such rules can exist only
 * if the caller inserted rules at versions above VERSION; that aborts. */
struct cls_rule *classifier_replace(struct classifier *, struct cls_rule *,
                                    cls_version_t version);

/* Makes RULE invisible from VERSION on (it stays in the classifier until
 * classifier_remove()).  VERSION must not be below RULE's add_version. */
void cls_rule_make_invisible_in_version(struct cls_rule *,
                                        cls_version_t version);

/* Returns true if RULE is visible in VERSION. */
static inline bool
cls_rule_visible_in_version(const struct cls_rule *rule, cls_version_t version)
{
    return rule->add_version <= version && version < rule->remove_version;
}

/* Returns true if RULE is a soft rule (has conjunction clauses). */
static inline bool
cls_rule_is_soft(const struct cls_rule *rule)
{
    return rule->n_conj > 0;
}

/* Removes RULE from CLS.  Returns true if it was there, false if RULE was
 * not in any classifier.  RULE must not be in another classifier. */
bool classifier_remove(struct classifier *, struct cls_rule *);

/* Removes every rule from CLS, as classifier_remove() of each one would
 * (each rule is out of the classifier afterwards, to be destroyed or
 * inserted again), but without updating hash tables, indices and tries
 * rule by rule: it frees them.  For deleting a whole table.  Invalidates
 * cursors. */
void classifier_remove_all(struct classifier *);

/* Bulk insertion.  Each insertion that raises a subtable's maximum
 * priority (or creates a subtable) moves the subtable to its place in the
 * lookup order, which costs up to one step per subtable: inserting rules
 * of N distinct masks one by one costs O(N^2).  Between classifier_defer()
 * and classifier_publish() subtables keep their places (new ones wait at
 * the end); publish sorts them once, in O(N log N), into the order
 * one-by-one insertion would have produced.  While deferred, lookups and
 * cursors stay correct for every version older than the rules inserted
 * since classifier_defer() (a staged batch's published version) and must
 * not be used for newer ones; classifier_find_match_exactly() and
 * classifier_rule_overlaps() work for any version. */
void classifier_defer(struct classifier *);
void classifier_publish(struct classifier *);

/* Brings the dump and lookup order up to date after removals and frees
 * emptied subtables.  Invalidates cursors. */
void classifier_compact(struct classifier *);

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

/* Returns the rule with exactly MATCH (compared normalised) and PRIORITY
 * visible in VERSION, or NULL. */
const struct cls_rule *classifier_find_match_exactly(const struct classifier *,
                                                     const struct match *,
                                                     int priority,
                                                     cls_version_t version);

/* Returns true if a rule visible in VERSION with PRIORITY overlaps
 * MATCH (some packet could match both), for check_overlap.  A rule with
 * exactly MATCH and PRIORITY counts as overlapping. */
bool classifier_rule_overlaps(const struct classifier *, const struct match *,
                              int priority, cls_version_t version);

/* Returns the heap memory of CLS's own structures: subtables, their hash
 * tables and staged-lookup indices, the subtable array and the prefix
 * tries, each block counted as vx_malloc_footprint() of its size.  The
 * rules are not included: they live in the caller's structures (their
 * conjunction arrays, allocated by cls_rule_set_conjunctions(), are the
 * caller's to count as well). */
size_t classifier_memory(const struct classifier *);

/* Returns the number of rules in CLS, soft ones included, whatever their
 * versions. */
static inline size_t
classifier_count(const struct classifier *cls)
{
    return cls->n_rules;
}

/* Returns true if CLS holds no rules. */
static inline bool
classifier_is_empty(const struct classifier *cls)
{
    return cls->n_rules == 0;
}

/* Returns the number of distinct masks among CLS's rules. */
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
 * or CLS_FOR_EACH / CLS_FOR_EACH_TARGET below, visits every rule visible
 * in VERSION (CLS_NEWEST_VERSION for the newest) whose match is at least
 * as specific as TARGET (NULL: all), that is, whose mask includes TARGET's
 * mask and whose value agrees with TARGET's under TARGET's mask (OVS
 * "loose" matching, as non-strict flow_mod and flow stats use).  TARGET
 * must stay valid while the cursor is used.  The cursor stays valid while
 * the classifier is unchanged, except that the rule just returned may be
 * removed. */
struct cls_cursor {
    const struct classifier *cls; /* Classifier being iterated. */
    const struct match *target;   /* Loose filter, or NULL for all. */
    cls_version_t version;        /* Only rules visible in it. */
    size_t subtable_idx;          /* Next index in cls->subtables. */
    struct cls_rule *next;        /* Next rule to consider, or NULL to
                                   * move to the next subtable. */
    struct cls_rule *current;     /* Rule last returned, or NULL. */
};

/* Returns a cursor over the rules of CLS matching TARGET in VERSION. */
struct cls_cursor cls_cursor_start(const struct classifier *,
                                   const struct match *target,
                                   cls_version_t version);

/* Returns the next rule of CURSOR (also stored in CURSOR->current), or
 * NULL at the end. */
struct cls_rule *cls_cursor_next(struct cls_cursor *);

/* Iterates RULE, a pointer to the structure embedding a struct cls_rule
 * named MEMBER, over CLS in dump order: every rule visible in VERSION
 * loosely matching TARGET (NULL: all).  RULE may be removed in the body. */
#define CLS_FOR_EACH_TARGET(RULE, MEMBER, CLS, TARGET, VERSION)               \
    for (struct cls_cursor cursor__ = cls_cursor_start(CLS, TARGET, VERSION); \
         (cls_cursor_next(&cursor__)                                          \
              ? ((RULE) = CONTAINER_OF(cursor__.current, __typeof__(*(RULE)), \
                                       MEMBER),                               \
                1)                                                            \
              : 0);)

/* Iterates RULE over every rule of CLS visible in the newest version. */
#define CLS_FOR_EACH(RULE, MEMBER, CLS)                                       \
    CLS_FOR_EACH_TARGET(RULE, MEMBER, CLS, NULL, CLS_NEWEST_VERSION)

#endif /* VX_CLASSIFIER_CLASSIFIER_H */
