/*
 * megaflow-test.h: random megaflows, random packets and the linear oracle
 * shared by the megaflow classifier's and the exact-match cache's unit
 * tests.
 *
 * Megaflows are built from a pool of mask shapes (so subtables hold many
 * rules) with key bytes from a small domain (so packets often agree with
 * several megaflows on most fields).  mt_add() only accepts a megaflow
 * that overlaps none already in the oracle, so a packet matches at most
 * one megaflow and the oracle's answer is unique.
 */
#ifndef VX_TESTS_UNIT_MEGAFLOW_TEST_H
#define VX_TESTS_UNIT_MEGAFLOW_TEST_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datapath/dp-key.h"
#include "datapath/dpcls.h"
#include "flow/match.h"
#include "harness.h"
#include "lib/util.h"

/* A test megaflow: the datapath's flow structure in miniature. */
struct tflow {
    struct dpcls_rule cr;       /* The classifier's rule. */
    struct flow key;            /* Masked key. */
    struct flow_wildcards mask; /* Mask. */
    int id;                     /* Test's number for it. */
    bool in_cls;                /* In the classifier (oracle's view). */
};

/* Number of tflows freed through mt_free_rule() or mt_unref(). */
static size_t mt_n_freed;

static uint64_t mt_rng_state = 0x9e3779b97f4a7c15ULL;

static inline uint64_t
mt_random(void)
{
    uint64_t x = mt_rng_state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    mt_rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static inline void
mt_seed(uint64_t seed)
{
    mt_rng_state = seed | 1;
}

static inline struct tflow *
tflow_from_rule(const struct dpcls_rule *cr)
{
    return cr ? CONTAINER_OF(cr, struct tflow, cr) : NULL;
}

/* The emc_free_func for tflows. */
static inline void
mt_free_rule(struct dpcls_rule *cr)
{
    mt_n_freed++;
    free(tflow_from_rule(cr));
}

/* Drops the owner's reference of F, freeing it if it was the last. */
static inline void
mt_unref(struct tflow *f)
{
    if (dpcls_rule_unref(&f->cr)) {
        mt_free_rule(&f->cr);
    }
}

/* A field of struct flow that masks may name. */
struct mt_field {
    size_t ofs; /* Offset in struct flow. */
    size_t len; /* Length in bytes. */
};

#define MT_FIELD(MEMBER)                                                      \
    {                                                                         \
        offsetof(struct flow, MEMBER), sizeof((struct flow *)0)->MEMBER       \
    }

static const struct mt_field mt_fields[] = {
    MT_FIELD(dl_dst),        MT_FIELD(dl_src),        MT_FIELD(dl_type),
    MT_FIELD(vlans[0].tci),  MT_FIELD(nw_src),        MT_FIELD(nw_dst),
    MT_FIELD(nw_proto),      MT_FIELD(nw_frag),       MT_FIELD(nw_tos),
    MT_FIELD(tp_src),        MT_FIELD(tp_dst),        MT_FIELD(ct_state),
    MT_FIELD(ct_zone),       MT_FIELD(ct_mark),       MT_FIELD(ct_label[0]),
    MT_FIELD(tunnel.tun_id), MT_FIELD(tunnel.ip_dst), MT_FIELD(pkt_mark),
    MT_FIELD(dp_hash),       MT_FIELD(ipv6_src),      MT_FIELD(tcp_flags),
    MT_FIELD(arp_sha),       MT_FIELD(ct_nw_src),     MT_FIELD(ipv6_label),
};

/* Returns a small-domain random byte: mostly 0 or 1, sometimes anything,
 * so that random keys often agree. */
static inline uint8_t
mt_small_byte(void)
{
    uint64_t r = mt_random();

    return (r & 3) == 0 ? (uint8_t)(r >> 8) : (uint8_t)((r >> 8) & 1);
}

/* Stores in *MASK a random megaflow mask: in_port and recirc_id exact plus
 * 0 to MAX_FIELDS other fields, each exact or (a third of the time) a
 * random subset of its bits. */
static inline void
mt_random_mask(struct flow_wildcards *mask, int max_fields)
{
    int n = max_fields ? (int)(mt_random() % (max_fields + 1)) : 0;
    uint8_t *m = (uint8_t *)&mask->masks;

    memset(mask, 0, sizeof *mask);
    mask->masks.in_port = UINT32_MAX;
    mask->masks.recirc_id = UINT32_MAX;
    for (int i = 0; i < n; i++) {
        const struct mt_field *f =
            &mt_fields[mt_random() % ARRAY_SIZE(mt_fields)];
        bool partial = mt_random() % 3 == 0;

        for (size_t b = 0; b < f->len; b++) {
            m[f->ofs + b] = partial ? (uint8_t)mt_random() : 0xff;
        }
    }
}

/* Fills the key words of *FLOW with small-domain bytes (zero elsewhere),
 * in_port with one of N_PORTS ports and recirc_id with 0..2. */
static inline void
mt_random_flow(struct flow *flow, int n_ports)
{
    uint8_t *p = (uint8_t *)flow;

    memset(flow, 0, sizeof *flow);
    for (size_t w = 0; w < FLOW_U64S; w++) {
        if (dp_key_word_is_key(w)) {
            for (size_t b = 0; b < 8; b++) {
                p[w * 8 + b] = mt_small_byte();
            }
        }
    }
    flow->in_port = (uint32_t)(mt_random() % n_ports) + 1;
    flow->recirc_id = (uint32_t)(mt_random() % 3);
    flow->conj_id = 0;
}

/* Stores KEY & MASK in *DST. */
static inline void
mt_apply_mask(struct flow *dst, const struct flow *key,
              const struct flow_wildcards *mask)
{
    const uint64_t *k = (const uint64_t *)key;
    const uint64_t *m = (const uint64_t *)&mask->masks;
    uint64_t *d = (uint64_t *)dst;

    for (size_t w = 0; w < FLOW_U64S; w++) {
        d[w] = k[w] & m[w];
    }
}

/* Returns true if FLOW matches megaflow F. */
static inline bool
mt_matches(const struct tflow *f, const struct flow *flow)
{
    const uint64_t *k = (const uint64_t *)&f->key;
    const uint64_t *m = (const uint64_t *)&f->mask.masks;
    const uint64_t *p = (const uint64_t *)flow;

    for (size_t w = 0; w < FLOW_U64S; w++) {
        if ((p[w] & m[w]) != k[w]) {
            return false;
        }
    }
    return true;
}

/* Returns true if some packet matches both A and B. */
static inline bool
mt_overlap(const struct tflow *a, const struct tflow *b)
{
    const uint64_t *ka = (const uint64_t *)&a->key;
    const uint64_t *ma = (const uint64_t *)&a->mask.masks;
    const uint64_t *kb = (const uint64_t *)&b->key;
    const uint64_t *mb = (const uint64_t *)&b->mask.masks;

    for (size_t w = 0; w < FLOW_U64S; w++) {
        if ((ka[w] ^ kb[w]) & ma[w] & mb[w]) {
            return false;
        }
    }
    return true;
}

/* The oracle: the megaflows now in the classifier, in a plain array. */
struct mt_oracle {
    struct tflow **flows; /* Megaflows in the classifier. */
    size_t n;             /* Number of 'flows'. */
    size_t allocated;     /* Allocated 'flows'. */
    int next_id;          /* Id of the next megaflow. */
};

static inline void
mt_oracle_init(struct mt_oracle *o)
{
    memset(o, 0, sizeof *o);
}

/* Returns the megaflow of O that FLOW matches, or NULL; fails the test if
 * there are two (the set must not overlap). */
static inline struct tflow *
mt_oracle_lookup(const struct mt_oracle *o, const struct flow *flow)
{
    struct tflow *found = NULL;

    for (size_t i = 0; i < o->n; i++) {
        if (mt_matches(o->flows[i], flow)) {
            ASSERT_TRUE(found == NULL);
            found = o->flows[i];
        }
    }
    return found;
}

/* Creates a megaflow (PKT & MASK, MASK) and, unless it overlaps one in O,
 * inserts it in CLS and O and returns it; returns NULL otherwise.  PKT
 * stands for the packet whose lookup missed. */
static inline struct tflow *
mt_add(struct mt_oracle *o, struct dpcls *cls, const struct flow *pkt,
       const struct flow_wildcards *mask)
{
    struct tflow *f = xzalloc(sizeof *f);

    f->mask = *mask;
    mt_apply_mask(&f->key, pkt, mask);
    for (size_t i = 0; i < o->n; i++) {
        if (mt_overlap(f, o->flows[i])) {
            free(f);
            return NULL;
        }
    }
    f->id = o->next_id++;
    dpcls_rule_init(&f->cr);
    dpcls_insert(cls, &f->cr, pkt, mask);
    f->in_cls = true;
    if (o->n >= o->allocated) {
        o->flows = x2nrealloc(o->flows, &o->allocated, sizeof *o->flows);
    }
    o->flows[o->n++] = f;
    return f;
}

/* Removes the megaflow at index I of O from CLS and O and drops the
 * owner's reference. */
static inline void
mt_remove(struct mt_oracle *o, struct dpcls *cls, size_t i)
{
    struct tflow *f = o->flows[i];

    dpcls_remove(cls, &f->cr);
    f->in_cls = false;
    o->flows[i] = o->flows[--o->n];
    mt_unref(f);
}

/* Removes every megaflow and frees O's memory. */
static inline void
mt_oracle_destroy(struct mt_oracle *o, struct dpcls *cls)
{
    while (o->n) {
        mt_remove(o, cls, o->n - 1);
    }
    free(o->flows);
}

/* Stores in *PKT a packet that matches F, with small-domain bytes in the
 * key words F does not mask. */
static inline void
mt_packet_for(const struct tflow *f, struct flow *pkt)
{
    const uint64_t *k = (const uint64_t *)&f->key;
    const uint64_t *m = (const uint64_t *)&f->mask.masks;
    uint64_t *p = (uint64_t *)pkt;

    mt_random_flow(pkt, 1);
    for (size_t w = 0; w < FLOW_U64S; w++) {
        p[w] = (p[w] & ~m[w]) | k[w];
    }
}

#endif /* VX_TESTS_UNIT_MEGAFLOW_TEST_H */
