/*
 * Unit tests for src/classifier.
 *
 * Randomized tests.  They compare classifier_lookup() with a linear scan
 * over the same rules (the oracle), check that the returned wildcards are
 * sufficient (random flows that agree on every un-wildcarded bit get the
 * same answer from the oracle), and check cursor contents and order.  They
 * run with fixed seeds, and once more with a seed taken from the clock (or
 * $VXSTACK_CLS_SEED) that every failure message prints.  Also the prefix
 * trie against a list, and 100,000 rules at scale.  Hand-written cases
 * are in test-classifier-cases.c.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "classifier/classifier.h"
#include "classifier/cls-trie.h"
#include "lib/timeval.h"
#include "lib/util.h"

#include "classifier-test.h"

/* Random numbers (xorshift64*), seeded per test. */

static uint64_t rng_state;
static uint64_t test_seed;

static void
rng_seed(uint64_t seed)
{
    test_seed = seed;
    rng_state = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
}

static uint64_t
rng_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t
rng_range(uint32_t n)
{
    return (uint32_t)((rng_u64() >> 16) % n);
}

static bool
rng_chance(unsigned int percent)
{
    return rng_range(100) < percent;
}

static void
rng_bytes(void *p_, size_t n)
{
    uint8_t *p = p_;

    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)rng_u64();
    }
}

#define CHECK(COND)                                                           \
    do {                                                                      \
        if (!(COND)) {                                                        \
            harness_fail(__FILE__, __LINE__, "seed %" PRIu64 ": expected %s", \
                         test_seed, #COND);                                   \
        }                                                                     \
    } while (0)

#define CHECK_RULE(GOT, WANT)                                                 \
    do {                                                                      \
        const struct cls_rule *got__ = (GOT);                                 \
        const struct cls_rule *want__ = (WANT);                               \
        if (got__ != want__) {                                                \
            harness_fail(__FILE__, __LINE__,                                  \
                         "seed %" PRIu64 ": %s gave rule %d (priority %d), "  \
                         "expected rule %d (priority %d)",                    \
                         test_seed, #GOT, trule_id(got__),                    \
                         got__ ? got__->priority : 0, trule_id(want__),       \
                         want__ ? want__->priority : 0);                      \
        }                                                                     \
    } while (0)

/* Word-wise helpers, written independently of the classifier. */

static const uint64_t *
words(const void *flow)
{
    return flow;
}

static bool
oracle_rule_matches(const struct cls_rule *cr, const struct flow *flow)
{
    const uint64_t *f = words(flow);
    const uint64_t *v = words(&cr->match.flow);
    const uint64_t *m = words(&cr->match.wc.masks);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((f[i] ^ v[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

static bool
same_match(const struct cls_rule *a, const struct cls_rule *b)
{
    const uint64_t *am = words(&a->match.wc.masks);
    const uint64_t *bm = words(&b->match.wc.masks);
    const uint64_t *av = words(&a->match.flow);
    const uint64_t *bv = words(&b->match.flow);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (am[i] != bm[i] || ((av[i] ^ bv[i]) & am[i])) {
            return false;
        }
    }
    return true;
}

static bool
same_mask(const struct cls_rule *a, const struct cls_rule *b)
{
    return !memcmp(&a->match.wc, &b->match.wc, sizeof a->match.wc);
}

/* Returns FLOW with the bits outside WC replaced by those of NOISE. */
static struct flow
flow_agreeing(const struct flow *flow, const struct flow_wildcards *wc,
              const struct flow *noise)
{
    struct flow out;
    uint64_t *o = (uint64_t *)&out;
    const uint64_t *f = words(flow);
    const uint64_t *m = words(&wc->masks);
    const uint64_t *n = words(noise);

    for (size_t i = 0; i < FLOW_U64S; i++) {
        o[i] = (f[i] & m[i]) | (n[i] & ~m[i]);
    }
    return out;
}

/* A set of rules and the oracle's view of them. */
struct world {
    struct classifier cls; /* Classifier under test. */
    struct trule **rules;  /* Every rule created, in or out of 'cls'. */
    size_t n_rules;        /* Number of 'rules'. */
    size_t allocated;      /* Allocated size of 'rules'. */
    uint64_t next_seq;     /* Oracle's insertion counter. */
    cls_version_t version; /* Version readers use now. */

    /* Statistics, for the log: they show that the random operations do
     * exercise what they are meant to. */
    unsigned int n_lookups;   /* Checked lookups. */
    unsigned int n_hits;      /* ...that found a rule. */
    unsigned int n_ties;      /* ...where another rule had the same
                               * priority and matched too. */
    unsigned int n_conj_hits; /* ...whose rule matches on conj_id. */
    unsigned int n_conflicts; /* Insertions refused. */
    unsigned int n_replaced;  /* Rules replaced. */
    size_t max_subtables;     /* Largest number of subtables seen. */
};

static void
world_init(struct world *w)
{
    memset(w, 0, sizeof *w);
    classifier_init(&w->cls);
}

static void
world_destroy(struct world *w)
{
    for (size_t i = 0; i < w->n_rules; i++) {
        if (w->rules[i]->in_cls) {
            CHECK(classifier_remove(&w->cls, &w->rules[i]->cr));
        }
    }
    CHECK(classifier_is_empty(&w->cls));
    classifier_destroy(&w->cls);
    for (size_t i = 0; i < w->n_rules; i++) {
        trule_destroy(w->rules[i]);
    }
    free(w->rules);
}

static struct trule *
world_new_rule(struct world *w, const struct match *match, int priority)
{
    struct trule *r = trule_create(match, priority, (int)w->n_rules);

    if (w->n_rules == w->allocated) {
        w->rules = x2nrealloc(w->rules, &w->allocated, sizeof *w->rules);
    }
    w->rules[w->n_rules++] = r;
    return r;
}

/* The rule the classifier must report as conflicting with inserting a
 * rule like R in VERSION: same match and priority, removal after VERSION,
 * lowest seq.  Counts such rules in *N when N is nonnull. */
static struct trule *
oracle_conflict(const struct world *w, const struct trule *r,
                cls_version_t version, size_t *n)
{
    struct trule *best = NULL;

    if (n) {
        *n = 0;
    }
    for (size_t i = 0; i < w->n_rules; i++) {
        struct trule *o = w->rules[i];

        if (o != r && o->in_cls && o->cr.priority == r->cr.priority &&
            o->cr.remove_version > version && same_match(&o->cr, &r->cr)) {
            if (n) {
                (*n)++;
            }
            if (!best || o->seq < best->seq) {
                best = o;
            }
        }
    }
    return best;
}

static bool
oracle_beats(const struct trule *a, const struct trule *b)
{
    return (!b || a->cr.priority > b->cr.priority ||
            (a->cr.priority == b->cr.priority && a->seq < b->seq));
}

/* Linear oracle without conjunctions: highest priority visible match,
 * ties by insertion order. */
static const struct cls_rule *
oracle_lookup(const struct world *w, cls_version_t version,
              const struct flow *flow)
{
    const struct trule *best = NULL;

    for (size_t i = 0; i < w->n_rules; i++) {
        const struct trule *r = w->rules[i];

        if (r->in_cls && cls_rule_visible_in_version(&r->cr, version) &&
            oracle_rule_matches(&r->cr, flow) && oracle_beats(r, best)) {
            best = r;
        }
    }
    return best ? &best->cr : NULL;
}

/* Linear oracle with OVS conjunction semantics.  Rules visible in VERSION
 * matching FLOW that share a match form a chain, highest priority first;
 * only chain heads are candidates at first.  Soft heads above the best
 * hard head are resolved from the highest soft priority down: completed
 * conjunctions (increasing id) are looked up again with conj_id set and
 * soft rules ignored; failing that, each soft rule at that priority falls
 * back to the next rule of its chain. */
static const struct cls_rule *
oracle_lookup_conj(const struct world *w, cls_version_t version,
                   const struct flow *flow, bool allow_conj)
{
    size_t n = 0, n_soft = 0;
    const struct trule **m = xcalloc(w->n_rules + 1, sizeof *m);
    const struct trule **soft = xcalloc(w->n_rules + 1, sizeof *soft);
    const struct trule *hard = NULL;
    const struct cls_rule *result = NULL;

    for (size_t i = 0; i < w->n_rules; i++) {
        const struct trule *r = w->rules[i];

        if (r->in_cls && cls_rule_visible_in_version(&r->cr, version) &&
            oracle_rule_matches(&r->cr, flow)) {
            m[n++] = r;
        }
    }

    /* Chain heads. */
    for (size_t i = 0; i < n; i++) {
        bool head = true;

        for (size_t j = 0; j < n; j++) {
            if (j != i && same_match(&m[i]->cr, &m[j]->cr) &&
                m[j]->cr.priority > m[i]->cr.priority) {
                head = false;
            }
        }
        if (!head) {
            continue;
        }
        if (!cls_rule_is_soft(&m[i]->cr)) {
            if (oracle_beats(m[i], hard)) {
                hard = m[i];
            }
        } else {
            soft[n_soft++] = m[i];
        }
    }
    if (!allow_conj) {
        result = hard ? &hard->cr : NULL;
        goto out;
    }

    for (;;) {
        size_t k = 0, n_soft_pri = 0;
        int soft_pri = INT_MIN;
        uint32_t ids[64];
        uint64_t clauses[64];
        size_t n_ids = 0;

        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i] &&
                (!hard || soft[i]->cr.priority > hard->cr.priority)) {
                soft[k++] = soft[i];
            }
        }
        n_soft = k;
        if (!n_soft) {
            break;
        }
        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i]->cr.priority > soft_pri) {
                soft_pri = soft[i]->cr.priority;
                n_soft_pri = 0;
            }
            n_soft_pri += soft[i]->cr.priority == soft_pri;
        }
        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i]->cr.priority != soft_pri) {
                continue;
            }
            for (size_t c = 0; c < soft[i]->cr.n_conj; c++) {
                const struct cls_conjunction *cj = &soft[i]->cr.conj[c];
                size_t j;

                if (cj->n_clauses > n_soft_pri) {
                    continue;
                }
                for (j = 0; j < n_ids && ids[j] != cj->id; j++) {
                    continue;
                }
                if (j == n_ids) {
                    vx_assert(n_ids < ARRAY_SIZE(ids));
                    ids[j] = cj->id;
                    clauses[j] = 0;
                    n_ids++;
                }
                clauses[j] |= UINT64_C(1) << cj->clause;
                vx_assert(cj->n_clauses < 64);
                if (clauses[j] == (UINT64_C(1) << cj->n_clauses) - 1) {
                    clauses[j] = UINT64_MAX;
                }
            }
        }
        for (;;) {
            /* Smallest completed id not tried yet. */
            size_t best = SIZE_MAX;

            for (size_t j = 0; j < n_ids; j++) {
                if (clauses[j] == UINT64_MAX &&
                    (best == SIZE_MAX || ids[j] < ids[best])) {
                    best = j;
                }
            }
            if (best == SIZE_MAX) {
                break;
            }
            clauses[best] = 0;

            struct flow conj_flow = *flow;
            conj_flow.conj_id = ids[best];
            result = oracle_lookup_conj(w, version, &conj_flow, false);
            if (result) {
                goto out;
            }
        }
        for (size_t i = 0; i < n_soft; i++) {
            const struct trule *next = NULL;

            if (soft[i]->cr.priority != soft_pri) {
                continue;
            }
            for (size_t j = 0; j < n; j++) {
                if (same_match(&m[j]->cr, &soft[i]->cr) &&
                    m[j]->cr.priority < soft_pri &&
                    (!next || m[j]->cr.priority > next->cr.priority)) {
                    next = m[j];
                }
            }
            if (next && !cls_rule_is_soft(&next->cr)) {
                if (oracle_beats(next, hard)) {
                    hard = next;
                }
                next = NULL;
            }
            soft[i] = next;
        }
    }
    result = hard ? &hard->cr : NULL;

out:
    free(m);
    free(soft);
    return result;
}

/* Random matches over a table of fields with small value domains, so that
 * random flows often match and often tie. */

struct tfield {
    size_t ofs; /* Offset in struct flow. */
    size_t len; /* Length in bytes. */
};

#define TF(MEMBER)                                                            \
    {                                                                         \
        offsetof(struct flow, MEMBER), sizeof((struct flow *)0)->MEMBER       \
    }

static const struct tfield tfields[] = {
    TF(tunnel.tun_id), TF(metadata),  TF(regs[0]), TF(regs[5]),  TF(in_port),
    TF(ct_state),      TF(ct_mark),   TF(dl_dst),  TF(dl_src),   TF(dl_type),
    TF(vlans[0].tci),  TF(nw_src),    TF(nw_dst),  TF(ipv6_src), TF(nw_proto),
    TF(nw_tos),        TF(tcp_flags), TF(tp_src),  TF(tp_dst),
};
#define N_TFIELDS ARRAY_SIZE(tfields)
#define N_VALUES 3
#define MAX_FIELD_LEN 16

/* Per-field value domains, drawn once per seed. */
static uint8_t tvalues[N_TFIELDS][N_VALUES][MAX_FIELD_LEN];

static void
tvalues_init(void)
{
    rng_bytes(tvalues, sizeof tvalues);
}

/* A mask shape: which fields, with which masks. */
struct tshape {
    struct flow_wildcards wc; /* The mask. */
};

/* A random mask over at least one field, each field included with
 * FIELD_PERCENT probability. */
static void
tshape_random(struct tshape *s, unsigned int field_percent)
{
    size_t forced = rng_range(N_TFIELDS);

    memset(s, 0, sizeof *s);
    for (size_t f = 0; f < N_TFIELDS; f++) {
        uint8_t *m = (uint8_t *)&s->wc.masks + tfields[f].ofs;
        size_t len = tfields[f].len;

        if (f != forced && !rng_chance(field_percent)) {
            continue;
        }
        if (rng_chance(60)) {
            memset(m, 0xff, len);
        } else if (rng_chance(50)) {
            size_t bits = 1 + rng_range((uint32_t)(len * 8));

            for (size_t b = 0; b < bits; b++) {
                m[b / 8] |= (uint8_t)(0x80 >> (b % 8));
            }
        } else {
            rng_bytes(m, len);
            m[rng_range((uint32_t)len)] |= 1;
        }
    }
}

/* Writes a value of field F into FLOW: from the domain usually, random
 * otherwise. */
static void
tfield_random_value(struct flow *flow, size_t f, unsigned int random_percent)
{
    uint8_t *p = (uint8_t *)flow + tfields[f].ofs;

    if (rng_chance(random_percent)) {
        rng_bytes(p, tfields[f].len);
    } else {
        memcpy(p, tvalues[f][rng_range(N_VALUES)], tfields[f].len);
    }
}

static void
random_match(struct match *match, const struct tshape *shape)
{
    memset(match, 0, sizeof *match);
    match->wc = shape->wc;
    for (size_t f = 0; f < N_TFIELDS; f++) {
        tfield_random_value(&match->flow, f, 5);
    }
}

/* A random flow: random bytes everywhere (padding included), then values
 * from the domains; conj_id is 0 as for packets. */
static void
random_flow(struct flow *flow)
{
    rng_bytes(flow, sizeof *flow);
    for (size_t f = 0; f < N_TFIELDS; f++) {
        tfield_random_value(flow, f, 10);
    }
    flow->conj_id = 0;
}

/* Operations on a world, checked against the oracle. */

static void
world_insert(struct world *w, struct trule *r, cls_version_t version)
{
    struct trule *expect = oracle_conflict(w, r, version, NULL);
    const struct cls_rule *got = classifier_insert(&w->cls, &r->cr, version);

    CHECK_RULE(got, expect ? &expect->cr : NULL);
    w->n_conflicts += got != NULL;
    w->max_subtables = MAX(w->max_subtables, classifier_n_subtables(&w->cls));
    if (!got) {
        r->in_cls = true;
        r->seq = w->next_seq++;
        CHECK(r->cr.add_version == version);
    }
}

static void
world_replace(struct world *w, struct trule *r, cls_version_t version)
{
    size_t n;
    struct trule *expect = oracle_conflict(w, r, version, &n);
    struct cls_rule *got;

    if (n > 1) {
        return;
    }
    got = classifier_replace(&w->cls, &r->cr, version);
    CHECK_RULE(got, expect ? &expect->cr : NULL);
    r->in_cls = true;
    if (expect) {
        w->n_replaced++;
        expect->in_cls = false;
        r->seq = expect->seq;
    } else {
        r->seq = w->next_seq++;
    }
}

static struct trule *
world_random_inserted(struct world *w)
{
    if (!classifier_count(&w->cls)) {
        return NULL;
    }
    for (;;) {
        struct trule *r = w->rules[rng_range((uint32_t)w->n_rules)];

        if (r->in_cls) {
            return r;
        }
    }
}

/* Checks one lookup against LOOKUP_ORACLE and the sufficiency of its
 * wildcards over N_AGREE flows that agree with it on them. */
static void
world_check_lookup(struct world *w, cls_version_t version,
                   const struct flow *flow, bool conj, int n_agree)
{
    struct flow_wildcards wc;
    const struct cls_rule *got, *want;

    memset(&wc, 0, sizeof wc);
    got = classifier_lookup(&w->cls, version, flow, &wc);
    want = (conj ? oracle_lookup_conj(w, version, flow, true)
                 : oracle_lookup(w, version, flow));
    CHECK_RULE(got, want);
    w->n_lookups++;
    if (got) {
        w->n_hits++;
        w->n_conj_hits += got->match.wc.masks.conj_id != 0;
        for (size_t i = 0; i < w->n_rules; i++) {
            const struct trule *r = w->rules[i];

            if (&r->cr != got && r->in_cls &&
                r->cr.priority == got->priority &&
                cls_rule_visible_in_version(&r->cr, version) &&
                oracle_rule_matches(&r->cr, flow)) {
                w->n_ties++;
                break;
            }
        }
    }

    for (int i = 0; i < n_agree; i++) {
        struct flow noise, other;

        random_flow(&noise);
        other = flow_agreeing(flow, &wc, &noise);
        want = (conj ? oracle_lookup_conj(w, version, &other, true)
                     : oracle_lookup(w, version, &other));
        CHECK_RULE(got, want);
    }
}

/* Checks that a cursor in VERSION visits exactly the visible rules, each
 * mask's rules contiguously and in insertion order. */
static void
world_check_cursor(struct world *w, cls_version_t version)
{
    struct cls_cursor cursor = cls_cursor_start(&w->cls, NULL, version);
    const struct cls_rule **seen = xcalloc(w->n_rules + 1, sizeof *seen);
    struct cls_rule *cr;
    size_t n_seen = 0, n_visible = 0;

    while ((cr = cls_cursor_next(&cursor))) {
        struct trule *r = trule_from_cls(cr);

        CHECK(r->in_cls && cls_rule_visible_in_version(cr, version));
        CHECK(n_seen < w->n_rules);
        if (n_seen && same_mask(seen[n_seen - 1], cr)) {
            CHECK(trule_from_cls(seen[n_seen - 1])->seq < r->seq);
        } else {
            for (size_t i = 0; i < n_seen; i++) {
                CHECK(!same_mask(seen[i], cr));
            }
        }
        seen[n_seen++] = cr;
    }
    for (size_t i = 0; i < w->n_rules; i++) {
        n_visible += (w->rules[i]->in_cls &&
                      cls_rule_visible_in_version(&w->rules[i]->cr, version));
    }
    CHECK(n_seen == n_visible);
    free((void *)seen);
}

/* Randomized oracle test: N_OPS random operations over rules with
 * N_SHAPES masks, with versioned modifications when VERSIONED and soft
 * rules when CONJ. */
struct oracle_params {
    int n_ops;                  /* Operations. */
    int n_shapes;               /* Distinct mask shapes. */
    unsigned int field_percent; /* Chance of each field in a shape. */
    int n_priorities;           /* Priorities are 0..n_priorities-1. */
    size_t max_rules;           /* Target size of the classifier. */
    bool versioned;             /* Use staged versions. */
    bool conj;                  /* Add soft rules and conj_id rules. */
};

static void
random_conj_rule(struct trule *r)
{
    struct cls_conjunction conj[3];
    size_t n = 1 + rng_range(2);

    for (size_t i = 0; i < n; i++) {
        conj[i].id = 1 + rng_range(3);
        conj[i].n_clauses = conj[i].id == 2 ? 3 : 2;
        conj[i].clause = (uint8_t)rng_range(conj[i].n_clauses);
    }
    cls_rule_set_conjunctions(&r->cr, conj, n);
}

static const struct tshape *
random_shape(const struct tshape *shapes, const struct oracle_params *p)
{
    return &shapes[rng_chance(3) ? 0 : 1 + rng_range(p->n_shapes - 1)];
}

/* A priority for a new rule: soft rules mostly sit above the hard ones,
 * where conjunctions can matter. */
static int
random_priority(const struct oracle_params *p, bool soft)
{
    return (soft && rng_chance(70) ? p->n_priorities + (int)rng_range(2)
                                   : (int)rng_range(p->n_priorities));
}

static void
run_oracle(uint64_t seed, const struct oracle_params *p)
{
    struct tshape *shapes = xcalloc(p->n_shapes, sizeof *shapes);
    struct match *pool = xcalloc(64, sizeof *pool);
    struct world w;

    rng_seed(seed);
    tvalues_init();
    world_init(&w);
    for (int i = 0; i < p->n_shapes; i++) {
        tshape_random(&shapes[i], p->field_percent);
    }
    /* Shape 0 is the catch-all, used rarely (random_shape()). */
    memset(&shapes[0], 0, sizeof shapes[0]);
    /* A pool of matches, so that identical matches recur (chains). */
    for (int i = 0; i < 64; i++) {
        random_match(&pool[i], random_shape(shapes, p));
        if (p->conj && rng_chance(20)) {
            pool[i].flow.conj_id = 1 + rng_range(3);
            pool[i].wc.masks.conj_id = UINT32_MAX;
        }
    }

    for (int op = 0; op < p->n_ops; op++) {
        unsigned int dice = rng_range(100);
        bool full = classifier_count(&w.cls) >= p->max_rules;

        if (dice < 40 && !full) {
            /* Insert, maybe a duplicate of a rule that is there. */
            struct trule *old = world_random_inserted(&w);
            struct match match;
            bool soft = p->conj && rng_chance(50);
            int priority = random_priority(p, soft);
            struct trule *r;

            if (old && rng_chance(15)) {
                match = old->cr.match;
                priority = old->cr.priority;
                soft = soft && cls_rule_is_soft(&old->cr);
            } else if (rng_chance(50)) {
                match = pool[rng_range(64)];
            } else {
                random_match(&match, random_shape(shapes, p));
            }
            r = world_new_rule(&w, &match, priority);
            if (soft && !match.wc.masks.conj_id) {
                random_conj_rule(r);
            }
            world_insert(&w, r, w.version);
        } else if (dice < 55) {
            struct trule *r = world_random_inserted(&w);

            if (r) {
                CHECK(classifier_remove(&w.cls, &r->cr));
                r->in_cls = false;
                CHECK(!classifier_remove(&w.cls, &r->cr));
            }
        } else if (dice < 62) {
            /* Replace a rule in place, or insert when nothing is there. */
            struct trule *old = world_random_inserted(&w);
            struct trule *r;

            if (old) {
                r = world_new_rule(&w, &old->cr.match, old->cr.priority);
                if (p->conj && rng_chance(40) &&
                    !old->cr.match.wc.masks.conj_id) {
                    random_conj_rule(r);
                }
                world_replace(&w, r, w.version);
            }
        } else if (dice < 72 && p->versioned) {
            /* Staged modification: the old rule disappears and a new one
             * (same match or not) appears in the next version. */
            struct trule *old = world_random_inserted(&w);

            if (old && old->cr.remove_version == CLS_MAX_VERSION &&
                cls_rule_visible_in_version(&old->cr, w.version)) {
                cls_rule_make_invisible_in_version(&old->cr, w.version + 1);
                if (rng_chance(70) && !full) {
                    struct match match = old->cr.match;
                    int priority = old->cr.priority;
                    struct trule *r;

                    if (rng_chance(30)) {
                        random_match(&match, random_shape(shapes, p));
                        priority = random_priority(p, false);
                    }
                    r = world_new_rule(&w, &match, priority);
                    world_insert(&w, r, w.version + 1);
                }
                w.version++;
            }
        } else if (dice < 75 && p->versioned) {
            /* Forget rules that no reader can see any more. */
            for (size_t i = 0; i < w.n_rules; i++) {
                struct trule *r = w.rules[i];

                if (r->in_cls && w.version >= 2 &&
                    r->cr.remove_version <= w.version - 2) {
                    CHECK(classifier_remove(&w.cls, &r->cr));
                    r->in_cls = false;
                }
            }
        } else if (dice < 77) {
            world_check_cursor(&w, w.version);
        } else {
            cls_version_t v = w.version;
            struct flow flow;

            if (p->versioned && v >= 2) {
                v -= rng_range(3);
            }
            random_flow(&flow);
            world_check_lookup(&w, v, &flow, p->conj, 4);
        }
        CHECK(classifier_count(&w.cls) <= w.n_rules);
    }

    world_check_cursor(&w, w.version);
    printf("oracle seed %" PRIu64 ": lookups=%u hits=%u ties=%u "
           "conj_hits=%u conflicts=%u replaced=%u max_subtables=%zu "
           "version=%" PRIu64 "\n",
           seed, w.n_lookups, w.n_hits, w.n_ties, w.n_conj_hits, w.n_conflicts,
           w.n_replaced, w.max_subtables, w.version);
    world_destroy(&w);
    free(shapes);
    free(pool);
}

static const struct oracle_params plain_params = {
    .n_ops = 8000,
    .n_shapes = 24,
    .field_percent = 12,
    .n_priorities = 6,
    .max_rules = 250,
};

static const struct oracle_params wide_params = {
    .n_ops = 8000,
    .n_shapes = 24,
    .field_percent = 20,
    .n_priorities = 1000,
    .max_rules = 250,
};

static const struct oracle_params versioned_params = {
    .n_ops = 8000,
    .n_shapes = 16,
    .field_percent = 12,
    .n_priorities = 4,
    .max_rules = 200,
    .versioned = true,
};

static const struct oracle_params conj_params = {
    .n_ops = 6000,
    .n_shapes = 8,
    .field_percent = 5,
    .n_priorities = 3,
    .max_rules = 120,
    .versioned = true,
    .conj = true,
};

TEST(oracle_random)
{
    for (uint64_t seed = 1; seed <= 6; seed++) {
        run_oracle(seed, &plain_params);
        run_oracle(seed + 50, &wide_params);
    }
}

TEST(oracle_versioned)
{
    for (uint64_t seed = 100; seed <= 105; seed++) {
        run_oracle(seed, &versioned_params);
    }
}

TEST(oracle_conjunctions)
{
    for (uint64_t seed = 200; seed <= 207; seed++) {
        run_oracle(seed, &conj_params);
    }
}

TEST(oracle_time_seeded)
{
    const char *env = getenv("VXSTACK_CLS_SEED");
    uint64_t seed =
        (env ? strtoull(env, NULL, 0) : (uint64_t)time_wall_msec());

    printf("oracle_time_seeded: seed %" PRIu64
           " (rerun with VXSTACK_CLS_SEED=%" PRIu64 ")\n",
           seed, seed);
    fflush(stdout);
    run_oracle(seed, &plain_params);
    run_oracle(seed + 1, &versioned_params);
    run_oracle(seed + 2, &conj_params);
}

/* The prefix trie against a list of prefixes: lookups report exactly the
 * lengths with an equal prefix, and values that agree on the bits the
 * lookup says it used get the same lengths. */
static uint64_t
brute_plens(const uint32_t *values, const unsigned int *plens, size_t n,
            uint32_t value)
{
    uint64_t out = 0;

    for (size_t i = 0; i < n; i++) {
        uint32_t mask = UINT32_MAX << (32 - plens[i]);

        if (!((values[i] ^ value) & mask)) {
            out |= UINT64_C(1) << plens[i];
        }
    }
    return out;
}

TEST(trie_random)
{
    enum { N_MAX = 300 };
    uint32_t *values = xcalloc(N_MAX, sizeof *values);
    unsigned int *plens = xcalloc(N_MAX, sizeof *plens);
    uint32_t pool[16];
    struct cls_trie_node *root = NULL;
    size_t n = 0;

    rng_seed(7);
    for (size_t i = 0; i < ARRAY_SIZE(pool); i++) {
        pool[i] = (uint32_t)rng_u64();
    }
    for (int op = 0; op < 20000; op++) {
        unsigned int dice = rng_range(100);

        if (dice < 35 && n < N_MAX) {
            /* Prefixes of a few base values share long common parts. */
            values[n] = pool[rng_range(ARRAY_SIZE(pool))];
            if (rng_chance(30)) {
                values[n] ^= (uint32_t)rng_u64() >> rng_range(32);
            }
            plens[n] = 1 + rng_range(32);
            values[n] &= UINT32_MAX << (32 - plens[n]);
            cls_trie_insert(&root, values[n], plens[n]);
            n++;
        } else if (dice < 65 && n) {
            size_t i = rng_range((uint32_t)n);

            cls_trie_remove(&root, values[i], plens[i]);
            values[i] = values[--n];
            plens[i] = plens[n];
        } else {
            uint32_t value = pool[rng_range(ARRAY_SIZE(pool))];
            uint64_t got = 0;
            unsigned int bits;

            if (rng_chance(50)) {
                value ^= (uint32_t)rng_u64() >> rng_range(32);
            }
            bits = cls_trie_lookup(root, value, &got);
            CHECK(bits <= 32);
            CHECK(got == brute_plens(values, plens, n, value));
            for (int k = 0; k < 4; k++) {
                uint32_t keep = bits ? UINT32_MAX << (32 - bits) : 0;
                uint32_t other =
                    (value & keep) | ((uint32_t)rng_u64() & ~keep);

                CHECK(brute_plens(values, plens, n, other) == got);
            }
        }
    }
    while (n) {
        n--;
        cls_trie_remove(&root, values[n], plens[n]);
    }
    CHECK(root == NULL);
    free(values);
    free(plens);
}

/* classifier_remove_all() empties a classifier with chains, several
 * masks and prefix tries, after which it behaves as a new one: nothing
 * matches, the same rules can be inserted again, and lookups agree with
 * the oracle.  classifier_memory() follows. */
TEST(remove_all_then_reinsert)
{
    struct tshape shapes[12];
    struct match pool[32];
    struct world w;
    size_t empty_memory;

    rng_seed(77);
    tvalues_init();
    world_init(&w);
    empty_memory = classifier_memory(&w.cls);
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
        tshape_random(&shapes[i], 15);
    }
    shapes[0].wc.masks.nw_src = htonl(0xffffff00);
    shapes[1].wc.masks.nw_dst = htonl(0xfffff000);
    for (size_t i = 0; i < ARRAY_SIZE(pool); i++) {
        random_match(&pool[i], &shapes[rng_range(ARRAY_SIZE(shapes))]);
    }
    for (int i = 0; i < 2000; i++) {
        struct match match;

        if (rng_chance(30)) {
            match = pool[rng_range(ARRAY_SIZE(pool))];
        } else {
            random_match(&match, &shapes[rng_range(ARRAY_SIZE(shapes))]);
        }
        world_insert(&w, world_new_rule(&w, &match, (int)rng_range(8)), 0);
    }
    ASSERT_GT(classifier_count(&w.cls), 1000);
    ASSERT_GT(classifier_memory(&w.cls), empty_memory + 100 * sizeof(void *));

    classifier_remove_all(&w.cls);
    for (size_t i = 0; i < w.n_rules; i++) {
        CHECK(!w.rules[i]->cr.inserted);
        w.rules[i]->in_cls = false;
    }
    ASSERT_TRUE(classifier_is_empty(&w.cls));
    ASSERT_EQ(classifier_n_subtables(&w.cls), 0);
    ASSERT_LT(classifier_memory(&w.cls), 64 * 1024);
    world_check_cursor(&w, 0);
    for (int i = 0; i < 200; i++) {
        struct flow flow;

        random_flow(&flow);
        world_check_lookup(&w, 0, &flow, false, 0);
    }

    /* The same rules again, in a new order. */
    for (size_t i = w.n_rules; i-- > 0;) {
        world_insert(&w, w.rules[i], 1);
    }
    ASSERT_GT(classifier_count(&w.cls), 1000);
    world_check_cursor(&w, 1);
    for (int i = 0; i < 500; i++) {
        struct flow flow;
        const struct trule *r = w.rules[rng_range((uint32_t)w.n_rules)];

        random_flow(&flow);
        if (rng_chance(70)) {
            flow = flow_agreeing(&r->cr.match.flow, &r->cr.match.wc, &flow);
        }
        world_check_lookup(&w, 1, &flow, false, 2);
    }
    world_destroy(&w);
}

/* Insertions between classifier_defer() and classifier_publish() end in
 * the order one-by-one insertion gives, and lookups in the versions older
 * than them stay right meanwhile. */
TEST(deferred_insertions)
{
    enum { N_SHAPES = 150, N_RULES = 1500 };
    struct tshape *shapes = xcalloc(N_SHAPES, sizeof *shapes);
    struct match *matches = xcalloc(N_RULES, sizeof *matches);
    int *priorities = xcalloc(N_RULES, sizeof *priorities);
    struct world one, bulk;

    rng_seed(91);
    tvalues_init();
    for (int i = 0; i < N_SHAPES; i++) {
        tshape_random(&shapes[i], 10);
    }
    for (int i = 0; i < N_RULES; i++) {
        random_match(&matches[i], &shapes[rng_range(N_SHAPES)]);
        priorities[i] = (int)rng_range(40);
    }

    /* The same rules: the first third published, then the rest in version
     * 1, one by one in ONE, deferred in BULK. */
    world_init(&one);
    world_init(&bulk);
    for (int i = 0; i < N_RULES; i++) {
        cls_version_t v = i < N_RULES / 3 ? 0 : 1;

        if (i == N_RULES / 3) {
            classifier_defer(&bulk.cls);
        }
        world_insert(&one, world_new_rule(&one, &matches[i], priorities[i]),
                     v);
        world_insert(&bulk, world_new_rule(&bulk, &matches[i],
                                           priorities[i]), v);
    }
    for (int i = 0; i < 300; i++) {
        struct flow flow;
        const struct trule *r = bulk.rules[rng_range(N_RULES / 3)];

        random_flow(&flow);
        flow = flow_agreeing(&r->cr.match.flow, &r->cr.match.wc, &flow);
        world_check_lookup(&bulk, 0, &flow, false, 2);
    }
    classifier_publish(&bulk.cls);
    classifier_publish(&bulk.cls);

    /* Same order of subtables and rules. */
    struct cls_cursor c1 = cls_cursor_start(&one.cls, NULL, 1);
    struct cls_cursor c2 = cls_cursor_start(&bulk.cls, NULL, 1);
    struct cls_rule *r1, *r2;
    size_t n = 0;
    do {
        r1 = cls_cursor_next(&c1);
        r2 = cls_cursor_next(&c2);
        ASSERT_EQ(r1 ? trule_from_cls(r1)->id : -1,
                  r2 ? trule_from_cls(r2)->id : -1);
        n += r1 != NULL;
    } while (r1 && r2);
    ASSERT_EQ(n, classifier_count(&one.cls));
    for (int i = 0; i < 300; i++) {
        struct flow flow;
        const struct trule *r = bulk.rules[rng_range(N_RULES)];

        random_flow(&flow);
        flow = flow_agreeing(&r->cr.match.flow, &r->cr.match.wc, &flow);
        world_check_lookup(&bulk, 1, &flow, false, 2);
    }
    world_destroy(&one);
    world_destroy(&bulk);
    free(shapes);
    free(matches);
    free(priorities);
}

/* Scale: 100,000 rules over a few masks.  Figures go to the log. */
TEST(scale_100k)
{
    enum { N_RULES = 100000, N_LOOKUPS = 20000, N_ORACLE = 200 };
    static const size_t shape_fields[][4] = {
        {4, 9, 11, 0},   /* in_port, dl_type, nw_src. */
        {4, 9, 12, 0},   /* in_port, dl_type, nw_dst. */
        {3, 9, 14, 18},  /* reg5, dl_type, nw_proto, tp_dst. */
        {4, 8, 0, 0},    /* in_port, dl_src. */
        {9, 11, 12, 14}, /* dl_type, nw_src, nw_dst, nw_proto. */
        {0, 4, 0, 0},    /* tun_id, in_port. */
        {9, 12, 17, 18}, /* dl_type, nw_dst, tp_src, tp_dst. */
        {4, 3, 12, 0},   /* in_port, reg5, nw_dst. */
    };
    struct flow *flows = xcalloc(N_LOOKUPS, sizeof *flows);
    const struct cls_rule **results = xcalloc(N_LOOKUPS, sizeof *results);
    struct world w;
    long long int t0, t1, t2, t3;
    size_t n_conflicts = 0;
    uint64_t probes0;

    rng_seed(42);
    tvalues_init();
    world_init(&w);
    w.rules = xcalloc(N_RULES, sizeof *w.rules);
    w.allocated = N_RULES;
    for (int i = 0; i < N_RULES; i++) {
        size_t s = rng_range(ARRAY_SIZE(shape_fields));
        struct match m;

        memset(&m, 0, sizeof m);
        for (size_t k = 0; k < 4; k++) {
            size_t f = shape_fields[s][k];

            if (k && !f) {
                continue;
            }
            memset((uint8_t *)&m.wc.masks + tfields[f].ofs, 0xff,
                   tfields[f].len);
            rng_bytes((uint8_t *)&m.flow + tfields[f].ofs, tfields[f].len);
        }
        if (s == 4) {
            m.wc.masks.nw_dst = htonl(0xffffff00); /* A prefix. */
        }
        w.rules[w.n_rules++] = trule_create(&m, (int)rng_range(1000), i);
    }

    t0 = time_nsec();
    for (int i = 0; i < N_RULES; i++) {
        struct trule *r = w.rules[i];

        if (classifier_insert(&w.cls, &r->cr, 0)) {
            n_conflicts++;
        } else {
            r->in_cls = true;
            r->seq = w.next_seq++;
        }
    }
    t1 = time_nsec();
    ASSERT_EQ(classifier_count(&w.cls), N_RULES - n_conflicts);
    ASSERT_EQ(classifier_n_subtables(&w.cls), ARRAY_SIZE(shape_fields));

    /* Flows that match some rule, with noise elsewhere. */
    for (int i = 0; i < N_LOOKUPS; i++) {
        const struct trule *r = w.rules[rng_range(N_RULES)];
        struct flow noise;

        rng_bytes(&noise, sizeof noise);
        noise.conj_id = 0;
        flows[i] = flow_agreeing(&r->cr.match.flow, &r->cr.match.wc, &noise);
    }
    probes0 = w.cls.n_subtable_probes;
    t2 = time_nsec();
    for (int i = 0; i < N_LOOKUPS; i++) {
        results[i] = classifier_lookup(&w.cls, 0, &flows[i], NULL);
    }
    t3 = time_nsec();

    double insert_ms = (t1 - t0) / 1e6;
    double lookup_ns = (double)(t3 - t2) / N_LOOKUPS;
    double probes = ((double)(w.cls.n_subtable_probes - probes0) / N_LOOKUPS);
    ASSERT_TRUE(probes <= (double)classifier_n_subtables(&w.cls));

    long long int t4 = time_nsec();
    for (int i = 0; i < N_ORACLE; i++) {
        CHECK_RULE(results[i], oracle_lookup(&w, 0, &flows[i]));
    }
    long long int t5 = time_nsec();
    double linear_ns = (double)(t5 - t4) / N_ORACLE;

    printf("scale: rules=%zu subtables=%zu insert_ms=%.1f "
           "lookup_ns=%.0f avg_probes=%.2f linear_scan_ns=%.0f "
           "speedup=%.0f\n",
           classifier_count(&w.cls), classifier_n_subtables(&w.cls), insert_ms,
           lookup_ns, probes, linear_ns, linear_ns / lookup_ns);

    /* Removal of everything through a cursor. */
    t0 = time_nsec();
    struct trule *r;
    size_t n_removed = 0;
    CLS_FOR_EACH(r, cr, &w.cls)
    {
        ASSERT_TRUE(classifier_remove(&w.cls, &r->cr));
        r->in_cls = false;
        n_removed++;
    }
    t1 = time_nsec();
    printf("scale: removed=%zu remove_ms=%.1f\n", n_removed, (t1 - t0) / 1e6);
    ASSERT_EQ(n_removed, N_RULES - n_conflicts);

    /* The same rules again, removed at once. */
    for (int i = 0; i < N_RULES; i++) {
        w.rules[i]->in_cls = !classifier_insert(&w.cls, &w.rules[i]->cr, 0);
    }
    printf("scale: memory=%zu bytes (%.0f per rule)\n",
           classifier_memory(&w.cls),
           (double)classifier_memory(&w.cls) / classifier_count(&w.cls));
    t0 = time_nsec();
    classifier_remove_all(&w.cls);
    t1 = time_nsec();
    printf("scale: remove_all_ms=%.1f\n", (t1 - t0) / 1e6);
    ASSERT_TRUE(classifier_is_empty(&w.cls));
    for (int i = 0; i < N_RULES; i++) {
        w.rules[i]->in_cls = false;
    }
    world_destroy(&w);
    free(flows);
    free((void *)results);
}
