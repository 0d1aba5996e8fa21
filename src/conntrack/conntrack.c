/*
 * conntrack.c: ct() execution, limits and zone accounting, expiry and
 * flushing, over the table of conntrack-table.c.  See conntrack.h for the
 * design and the locking rules.
 */
#include "conntrack/conntrack.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "conntrack/conntrack-private.h"
#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/vlog.h"
#include "packet/flow.h"
#include "packet/pkt.h"

VLOG_DEFINE_THIS_MODULE(conntrack);

COVERAGE_DEFINE(conntrack_full);
COVERAGE_DEFINE(conntrack_zone_full);
COVERAGE_DEFINE(conntrack_malformed);
COVERAGE_DEFINE(conntrack_l3csum_err);
COVERAGE_DEFINE(conntrack_l4csum_err);
COVERAGE_DEFINE(conntrack_fragment);
COVERAGE_DEFINE(conntrack_frag_too_small);
COVERAGE_DEFINE(conntrack_frag_unknown);
COVERAGE_DEFINE(conntrack_frag_overlap);
COVERAGE_DEFINE(conntrack_frag_full);
COVERAGE_DEFINE(conntrack_related_miss);
COVERAGE_DEFINE(conntrack_invalid_new);
COVERAGE_DEFINE(conntrack_invalid_state);

/* Non-last fragments shorter than this (whole IP datagram, bytes) are
 * invalid, as in OVS's ipf. */
#define CT_FRAG_MIN_V4 1200
#define CT_FRAG_MIN_V6 1280

/* conntrack_run() stops after the stripe in which it has visited this many
 * connections. */
#define CT_SWEEP_VISIT_MAX 65536

/* Accounting and limit of one zone.  Exists while the zone has
 * connections or a limit.  All members are protected by the table
 * mutex. */
struct ct_zone {
    struct hmap_node node; /* In struct conntrack 'zones'. */
    uint16_t zone;         /* Zone number. */
    bool has_limit;        /* A limit is configured. */
    uint32_t limit;        /* The limit, if 'has_limit'. */
    uint32_t n_conns;      /* Connections of this zone in the table. */
};

struct conntrack {
    struct ct_table *table;    /* The connections. */
    pthread_mutex_t mutex;     /* Taken to insert or remove connections;
                                * protects the members up to 'maxconns'. */
    struct hmap zones;         /* Contains struct ct_zone by zone hash. */
    bool has_default_limit;    /* A default zone limit is configured. */
    uint32_t default_limit;    /* It, if 'has_default_limit'. */
    unsigned int sweep_cursor; /* Next stripe conntrack_run() visits. */
    uint32_t hash_basis;       /* Random basis of key hashes. */
    struct ct_frags *frags;    /* Fragmented datagrams. */

    _Atomic uint32_t maxconns; /* Global limit. */
    _Atomic bool tcp_seq_chk;  /* TCP window checks enabled. */
    _Atomic size_t n_conns;    /* Connections in the table; changed only
                                * under 'mutex'. */

    /* Statistics, as in struct ct_stats. */
    _Atomic uint64_t n_created;    /* Connections committed. */
    _Atomic uint64_t n_expired;    /* Freed by expiry. */
    _Atomic uint64_t n_flushed;    /* Freed by conntrack_flush(). */
    _Atomic uint64_t n_full;       /* Commits refused: global limit. */
    _Atomic uint64_t n_zone_full;  /* Commits refused: zone limit. */
    _Atomic uint64_t n_invalid;    /* +inv verdicts. */
    _Atomic uint64_t n_l3csum_err; /* ... for a bad IPv4 checksum. */
    _Atomic uint64_t n_l4csum_err; /* ... for a bad L4 checksum. */
    _Atomic uint64_t n_fragments;  /* IP fragments seen. */
};

static void
stat_inc(_Atomic uint64_t *stat)
{
    atomic_fetch_add_explicit(stat, 1, memory_order_relaxed);
}

static uint64_t
stat_get(const _Atomic uint64_t *stat)
{
    return atomic_load_explicit(stat, memory_order_relaxed);
}

static uint32_t
random_basis(void)
{
    uint32_t basis;

    if (getrandom(&basis, sizeof basis, GRND_NONBLOCK) != sizeof basis) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        basis = hash_int((uint32_t)ts.tv_nsec ^ (uint32_t)getpid(),
                         (uint32_t)ts.tv_sec);
    }
    return basis;
}

struct conntrack *
conntrack_create(void)
{
    struct conntrack *ct = xzalloc(sizeof *ct);

    ct->table = ct_table_create();
    pthread_mutex_init(&ct->mutex, NULL);
    hmap_init(&ct->zones);
    ct->hash_basis = random_basis();
    ct->frags = ct_frags_create();
    atomic_init(&ct->maxconns, CT_DEFAULT_MAXCONNS);
    atomic_init(&ct->tcp_seq_chk, true);
    atomic_init(&ct->n_conns, 0);
    return ct;
}

void
conntrack_destroy(struct conntrack *ct)
{
    struct ct_zone *zone;

    if (!ct) {
        return;
    }
    ct_table_destroy(ct->table);
    HMAP_FOR_EACH_POP (zone, node, &ct->zones) {
        free(zone);
    }
    hmap_destroy(&ct->zones);
    ct_frags_destroy(ct->frags);
    pthread_mutex_destroy(&ct->mutex);
    free(ct);
}

static bool
conn_expired(const struct ct_conn *conn, long long now)
{
    return now >=
           atomic_load_explicit(&conn->expiration, memory_order_relaxed);
}

static struct ct_zone *
zone_lookup(const struct conntrack *ct, uint16_t zone)
{
    struct ct_zone *z;

    HMAP_FOR_EACH_WITH_HASH (z, node, hash_int(zone, 0), &ct->zones) {
        if (z->zone == zone) {
            return z;
        }
    }
    return NULL;
}

/* Returns the zone entry of ZONE, creating it if needed.  Requires
 * ct->mutex. */
static struct ct_zone *
zone_get(struct conntrack *ct, uint16_t zone)
{
    struct ct_zone *z = zone_lookup(ct, zone);

    if (!z) {
        z = xzalloc(sizeof *z);
        z->zone = zone;
        hmap_insert(&ct->zones, &z->node, hash_int(zone, 0));
    }
    return z;
}

/* Frees Z if it has neither connections nor a limit.  Requires
 * ct->mutex. */
static void
zone_release(struct conntrack *ct, struct ct_zone *z)
{
    if (!z->n_conns && !z->has_limit) {
        hmap_remove(&ct->zones, &z->node);
        free(z);
    }
}

/* Removes CONN from the table, unless ONLY_IF_EXPIRED and it has not
 * expired at NOW.  Returns true if it was removed.  Requires ct->mutex and
 * the mutex of CONN's stripe. */
static bool
conn_delete(struct conntrack *ct, struct ct_conn *conn, bool only_if_expired,
            long long now)
{
    struct ct_zone *z = conn->zone;

    if (!ct_table_remove(ct->table, conn, only_if_expired, now)) {
        return false;
    }
    z->n_conns--;
    zone_release(ct, z);
    atomic_fetch_sub_explicit(&ct->n_conns, 1, memory_order_relaxed);
    return true;
}

/* Makes CONN invisible to lookups; it is removed by conntrack_run() or
 * when a connection with its key is created.  Requires CONN->lock. */
static void
conn_force_expire(struct ct_conn *conn)
{
    atomic_store_explicit(&conn->expiration, CT_EXPIRATION_KILLED,
                          memory_order_relaxed);
}

/* Applies the mark and label of ARGS to CONN.  Requires CONN->lock. */
static void
conn_apply_exec(struct ct_conn *conn, const struct ct_exec *args)
{
    conn->mark = ((conn->mark & ~args->mark_mask) |
                  (args->mark_value & args->mark_mask));
    for (int i = 0; i < 2; i++) {
        conn->label[i] = ((conn->label[i] & ~args->label_mask[i]) |
                          (args->label_value[i] & args->label_mask[i]));
    }
}

/* Writes the verdict STATE for ZONE into PKT's metadata, with the mark,
 * label and original-direction tuple of CONN (whose lock the caller holds)
 * if there is one, else the tuple of KEY if nonnull. */
static void
write_md(struct pkt *pkt, uint8_t state, uint16_t zone,
         const struct ct_conn *conn, const struct ct_key *key)
{
    struct pkt_md *md = &pkt->md;

    md->ct_state = state | CS_TRACKED;
    md->ct_zone = zone;
    md->ct_mark = conn ? conn->mark : 0;
    md->ct_label[0] = conn ? conn->label[0] : 0;
    md->ct_label[1] = conn ? conn->label[1] : 0;
    md->ct_conn = (void *)conn;
    md->ct_reply = (state & CS_REPLY_DIR) != 0;

    if (conn) {
        key = &conn->key;
    }
    md->ct_orig_tuple_ipv6 = key && key->dl_type == htons(ETH_TYPE_IPV6);
    md->ct_nw_src = key && !md->ct_orig_tuple_ipv6 ? key->src.addr.ipv4 : 0;
    md->ct_nw_dst = key && !md->ct_orig_tuple_ipv6 ? key->dst.addr.ipv4 : 0;
    md->ct_nw_proto = key ? key->nw_proto : 0;
    if (key && ct_key_class(key) == CT_CLASS_ICMP) {
        /* As OVS: the ICMP type and code of the original direction. */
        md->ct_tp_src = htons(key->src.icmp_type);
        md->ct_tp_dst = htons(key->src.icmp_code);
    } else {
        md->ct_tp_src = key ? key->src.port : 0;
        md->ct_tp_dst = key ? key->dst.port : 0;
    }
}

static void
write_md_invalid(struct conntrack *ct, struct pkt *pkt, uint16_t zone)
{
    stat_inc(&ct->n_invalid);
    write_md(pkt, CS_INVALID, zone, NULL, NULL);
}

/* Runs the existing connection CONN (which P's key matched, in the reply
 * direction if REPLY) on P and writes the verdict to PKT.  Returns false,
 * without writing anything, if P starts a new connection that replaces
 * CONN; CONN is then expired.  Requires CONN->lock. */
static bool
process_existing(struct conntrack *ct, struct pkt *pkt,
                 const struct ct_packet *p, struct ct_conn *conn, bool reply,
                 const struct ct_exec *args, long long now)
{
    uint8_t state;

    if (p->related) {
        state = CS_RELATED | (reply ? CS_REPLY_DIR : 0);
    } else {
        bool seq_chk =
            atomic_load_explicit(&ct->tcp_seq_chk, memory_order_relaxed);

        switch (ct_conn_update(conn, p, reply, seq_chk, now)) {
        case CT_UPDATE_VALID:
            state = CS_ESTABLISHED | (reply ? CS_REPLY_DIR : 0);
            break;
        case CT_UPDATE_VALID_NEW:
            state = CS_NEW;
            break;
        case CT_UPDATE_NEW:
            conn_force_expire(conn);
            return false;
        case CT_UPDATE_INVALID:
        default:
            COVERAGE_INC(conntrack_invalid_state);
            stat_inc(&ct->n_invalid);
            state = CS_INVALID;
            break;
        }
    }
    if (args->commit) {
        conn_apply_exec(conn, args);
    }
    write_md(pkt, state, args->zone, conn, NULL);
    return true;
}

/* Returns true if a new connection may be added to the zone whose entry
 * is Z (null if the zone has neither connections nor a limit), and counts
 * the refusal otherwise.  Requires ct->mutex. */
static bool
limits_allow(struct conntrack *ct, const struct ct_zone *z)
{
    size_t n = atomic_load_explicit(&ct->n_conns, memory_order_relaxed);
    uint32_t count = z ? z->n_conns : 0;

    if (n >= atomic_load_explicit(&ct->maxconns, memory_order_relaxed)) {
        COVERAGE_INC(conntrack_full);
        stat_inc(&ct->n_full);
        return false;
    }
    bool has_limit = (z && z->has_limit) || ct->has_default_limit;
    uint32_t limit = z && z->has_limit ? z->limit : ct->default_limit;

    if (has_limit && count >= limit) {
        COVERAGE_INC(conntrack_zone_full);
        stat_inc(&ct->n_zone_full);
        return false;
    }
    return true;
}

/* Deletion of the entries of a stripe that satisfy a condition. */
struct delete_ctx {
    struct conntrack *ct; /* The tracker. */
    long long now;        /* Current time. */
    bool only_if_expired; /* Only expired entries. */
    const uint16_t *zone; /* Only entries of this zone, if nonnull. */
    size_t n_visited;     /* Entries seen. */
    size_t n_deleted;     /* Entries deleted. */
};

static void
delete_cb(struct ct_conn *conn, void *ctx_)
{
    struct delete_ctx *ctx = ctx_;

    ctx->n_visited++;
    if ((!ctx->zone || conn->key.zone == *ctx->zone) &&
        conn_delete(ctx->ct, conn, ctx->only_if_expired, ctx->now)) {
        ctx->n_deleted++;
    }
}

/* Deletes the entries of STRIPE selected by CTX.  Requires ct->mutex and
 * the stripe's mutex. */
static void
stripe_delete__(struct conntrack *ct, unsigned int stripe,
                struct delete_ctx *ctx)
{
    ct_table_stripe_for_each(ct->table, stripe, delete_cb, ctx);
}

/* Same as stripe_delete__(), taking the locks. */
static void
stripe_delete(struct conntrack *ct, unsigned int stripe,
              struct delete_ctx *ctx)
{
    pthread_mutex_lock(&ct->mutex);
    ct_table_lock_stripe(ct->table, stripe);
    stripe_delete__(ct, stripe, ctx);
    ct_table_unlock_stripe(ct->table, stripe);
    pthread_mutex_unlock(&ct->mutex);
}

/* Commits a connection for the +new packet P (key hash HASH) and writes
 * the verdict to PKT.  Returns false if a connection limit refused the
 * commit (PKT is then to be dropped), true otherwise.  Takes the table
 * mutex and the stripe's mutex. */
static bool
commit_new(struct conntrack *ct, struct pkt *pkt, const struct ct_packet *p,
           uint32_t hash, const struct ct_exec *args, long long now)
{
    unsigned int stripe = ct_table_stripe(hash);
    struct ct_conn *conn;
    bool admitted = true;
    struct ct_zone *z;
    bool reply;

    pthread_mutex_lock(&ct->mutex);
    ct_table_lock_stripe(ct->table, stripe);

    /* Drop expired connections with this key, so that there is never more
     * than one entry per key; another thread may also have committed the
     * connection since our lookup. */
    while ((conn = ct_table_find_locked(ct->table, &p->key, hash, now, true,
                                        &reply))) {
        bool done;

        pthread_spin_lock(&conn->lock);
        done = (!conn_expired(conn, now) &&
                process_existing(ct, pkt, p, conn, reply, args, now));
        pthread_spin_unlock(&conn->lock);
        if (done) {
            goto out;
        }
        conn_delete(ct, conn, false, now);
    }

    if (atomic_load_explicit(&ct->n_conns, memory_order_relaxed) >=
        atomic_load_explicit(&ct->maxconns, memory_order_relaxed)) {
        /* At the limit: reclaim what has expired in this stripe rather
         * than wait for the sweeper. */
        struct delete_ctx ctx = {
            .ct = ct, .now = now, .only_if_expired = true};

        stripe_delete__(ct, stripe, &ctx);
        atomic_fetch_add_explicit(&ct->n_expired, ctx.n_deleted,
                                  memory_order_relaxed);
    }
    z = zone_lookup(ct, args->zone);
    if (!limits_allow(ct, z)) {
        write_md(pkt, CS_NEW, args->zone, NULL, &p->key);
        admitted = false;
        goto out;
    }
    if (!z) {
        z = zone_get(ct, args->zone);
    }

    /* The entry may be a recycled one that a stale reader still looks at:
     * it is filled under its lock, and published last. */
    conn = ct_table_alloc(ct->table);
    conn->key = p->key;
    conn->rev_key = p->key;
    ct_key_reverse(&conn->rev_key);
    conn->zone = z;
    conn->mark = 0;
    conn->label[0] = conn->label[1] = 0;
    conn->state = 0;
    memset(conn->peer, 0, sizeof conn->peer);
    ct_conn_init(conn, p, now);
    conn_apply_exec(conn, args);
    write_md(pkt, CS_NEW, args->zone, conn, NULL);
    pthread_spin_unlock(&conn->lock);
    ct_table_insert(ct->table, conn, hash);
    z->n_conns++;
    atomic_fetch_add_explicit(&ct->n_conns, 1, memory_order_relaxed);
    stat_inc(&ct->n_created);

out:
    ct_table_unlock_stripe(ct->table, stripe);
    pthread_mutex_unlock(&ct->mutex);
    return admitted;
}

/* Counts parse failure R and marks PKT invalid. */
static void
parse_failed(struct conntrack *ct, struct pkt *pkt, enum ct_parse_result r,
             uint16_t zone)
{
    switch (r) {
    case CT_PARSE_L3_CSUM:
        COVERAGE_INC(conntrack_l3csum_err);
        stat_inc(&ct->n_l3csum_err);
        break;
    case CT_PARSE_L4_CSUM:
        COVERAGE_INC(conntrack_l4csum_err);
        stat_inc(&ct->n_l4csum_err);
        break;
    case CT_PARSE_FRAGMENT:
    case CT_PARSE_MALFORMED:
    case CT_PARSE_OK:
    default:
        COVERAGE_INC(conntrack_malformed);
        break;
    }
    write_md_invalid(ct, pkt, zone);
}

/* Runs ct() with ARGS on the parsed packet P of PKT.  Returns false if PKT
 * must be dropped (see conntrack_execute()). */
static bool
process_packet(struct conntrack *ct, struct pkt *pkt,
               const struct ct_packet *p, const struct ct_exec *args,
               long long now)
{
    uint32_t hash = ct_key_hash(&p->key, ct->hash_basis);
    struct ct_conn *conn;
    bool reply;

    conn = ct_table_lookup(ct->table, &p->key, hash, now, &reply);
    if (conn) {
        bool done = false;

        if (args->force && args->commit && reply) {
            /* ct(force): the connection is reborn in this direction. */
            conn_force_expire(conn);
        } else {
            done = process_existing(ct, pkt, p, conn, reply, args, now);
        }
        pthread_spin_unlock(&conn->lock);
        if (done) {
            return true;
        }
    }

    if (p->related) {
        /* An ICMP error for no connection we know. */
        COVERAGE_INC(conntrack_related_miss);
        write_md_invalid(ct, pkt, args->zone);
    } else if (!ct_valid_new(p)) {
        COVERAGE_INC(conntrack_invalid_new);
        write_md_invalid(ct, pkt, args->zone);
    } else if (!args->commit) {
        write_md(pkt, CS_NEW, args->zone, NULL, &p->key);
    } else {
        return commit_new(ct, pkt, p, hash, args, now);
    }
    return true;
}

/* Runs ct() on the IP fragment P of PKT, whose IP header is at L3 and whose
 * place in its datagram is FRAG (see conntrack-frag.c).  Returns false if
 * PKT must be dropped: a first fragment whose commit a limit refused (the
 * later fragments then find no record and are +inv). */
static bool
process_fragment(struct conntrack *ct, struct pkt *pkt, const uint8_t *l3,
                 struct ct_packet *p, const struct ct_frag_info *frag,
                 const struct ct_exec *args, long long now)
{
    bool v6 = p->key.dl_type == htons(ETH_TYPE_IPV6);

    COVERAGE_INC(conntrack_fragment);
    stat_inc(&ct->n_fragments);
    if (frag->more &&
        frag->dgram_len < (v6 ? CT_FRAG_MIN_V6 : CT_FRAG_MIN_V4)) {
        COVERAGE_INC(conntrack_frag_too_small);
        write_md_invalid(ct, pkt, args->zone);
    } else if (frag->offset == 0) {
        enum ct_parse_result r = ct_parse_first_fragment(l3, frag, p);

        if (r != CT_PARSE_OK) {
            parse_failed(ct, pkt, r, args->zone);
            return true;
        }
        if (!process_packet(ct, pkt, p, args, now)) {
            return false;
        }
        if (!ct_frags_record(ct->frags, p, frag,
                             p->l4 - (l3 + frag->data_ofs) + p->l4_hdr_len,
                             &pkt->md, now)) {
            COVERAGE_INC(conntrack_frag_full);
            write_md_invalid(ct, pkt, args->zone);
        }
    } else {
        switch (ct_frags_lookup(ct->frags, p, frag, &pkt->md, now)) {
        case CT_FRAG_FOUND:
            pkt->md.ct_zone = args->zone;
            break;
        case CT_FRAG_OVERLAP:
            COVERAGE_INC(conntrack_frag_overlap);
            write_md_invalid(ct, pkt, args->zone);
            break;
        case CT_FRAG_UNKNOWN:
        default:
            COVERAGE_INC(conntrack_frag_unknown);
            write_md_invalid(ct, pkt, args->zone);
            break;
        }
    }
    return true;
}

/* Runs ct() with ARGS on PKT.  Returns false if PKT must be dropped. */
static bool
process_one(struct conntrack *ct, struct pkt *pkt, be16 dl_type,
            const struct ct_exec *args, long long now)
{
    uint16_t ofs = pkt->layers.l3;
    struct ct_frag_info frag;
    enum ct_parse_result r;
    struct ct_packet p;
    const uint8_t *l3;

    if (ofs == PKT_LAYER_NONE || ofs > pkt_size(pkt)) {
        parse_failed(ct, pkt, CT_PARSE_MALFORMED, args->zone);
        return true;
    }
    l3 = pkt_data(pkt) + ofs;
    r = ct_parse(l3, pkt_size(pkt) - ofs, dl_type, args->zone,
                 pkt->ol.csum_partial, &p, &frag);
    if (r == CT_PARSE_OK) {
        return process_packet(ct, pkt, &p, args, now);
    } else if (r == CT_PARSE_FRAGMENT) {
        return process_fragment(ct, pkt, l3, &p, &frag, args, now);
    }
    parse_failed(ct, pkt, r, args->zone);
    return true;
}

bool
conntrack_execute(struct conntrack *ct, struct pkt *pkt,
                  const struct flow *flow, const struct ct_exec *args,
                  long long now)
{
    return process_one(ct, pkt, flow->dl_type, args, now);
}

size_t
conntrack_execute_batch(struct conntrack *ct, struct pkt_batch *batch,
                        be16 dl_type, const struct ct_exec *args,
                        long long now)
{
    size_t n = 0;

    for (size_t i = 0; i < batch->count; i++) {
        struct pkt *pkt = batch->pkts[i];

        if (process_one(ct, pkt, dl_type, args, now)) {
            batch->pkts[n++] = pkt;
        } else {
            pkt_free(pkt);
        }
    }
    size_t n_dropped = batch->count - n;
    batch->count = n;
    return n_dropped;
}

void
conntrack_clear(struct pkt *pkt)
{
    struct pkt_md *md = &pkt->md;

    md->ct_state = 0;
    md->ct_zone = 0;
    md->ct_mark = 0;
    md->ct_label[0] = md->ct_label[1] = 0;
    md->ct_conn = NULL;
    md->ct_reply = false;
    md->ct_orig_tuple_ipv6 = false;
    md->ct_nw_proto = 0;
    md->ct_nw_src = md->ct_nw_dst = 0;
    md->ct_tp_src = md->ct_tp_dst = 0;
}

size_t
conntrack_run(struct conntrack *ct, long long now)
{
    struct delete_ctx ctx = {.ct = ct, .now = now, .only_if_expired = true};

    for (size_t i = 0; i < CT_N_STRIPES && ctx.n_visited < CT_SWEEP_VISIT_MAX;
         i++) {
        unsigned int stripe;

        pthread_mutex_lock(&ct->mutex);
        stripe = ct->sweep_cursor;
        ct->sweep_cursor = (stripe + 1) % CT_N_STRIPES;
        pthread_mutex_unlock(&ct->mutex);
        stripe_delete(ct, stripe, &ctx);
    }
    atomic_fetch_add_explicit(&ct->n_expired, ctx.n_deleted,
                              memory_order_relaxed);
    ct_frags_run(ct->frags, now);
    return ctx.n_deleted;
}

size_t
conntrack_flush(struct conntrack *ct, const uint16_t *zone)
{
    struct delete_ctx ctx = {.ct = ct, .zone = zone};

    for (unsigned int i = 0; i < CT_N_STRIPES; i++) {
        stripe_delete(ct, i, &ctx);
    }
    atomic_fetch_add_explicit(&ct->n_flushed, ctx.n_deleted,
                              memory_order_relaxed);
    return ctx.n_deleted;
}

size_t
conntrack_count(const struct conntrack *ct)
{
    return atomic_load_explicit(&ct->n_conns, memory_order_relaxed);
}

void
conntrack_set_maxconns(struct conntrack *ct, uint32_t maxconns)
{
    atomic_store_explicit(&ct->maxconns, maxconns, memory_order_relaxed);
    VLOG_INFO("maximum number of connections set to %" PRIu32, maxconns);
}

uint32_t
conntrack_get_maxconns(const struct conntrack *ct)
{
    return atomic_load_explicit(&ct->maxconns, memory_order_relaxed);
}

void
conntrack_set_tcp_seq_chk(struct conntrack *ct, bool enabled)
{
    atomic_store_explicit(&ct->tcp_seq_chk, enabled, memory_order_relaxed);
}

bool
conntrack_get_tcp_seq_chk(const struct conntrack *ct)
{
    return atomic_load_explicit(&ct->tcp_seq_chk, memory_order_relaxed);
}

static bool
zone_in_range(int32_t zone)
{
    return zone == CT_ZONE_DEFAULT || (zone >= 0 && zone <= UINT16_MAX);
}

int
conntrack_set_zone_limit(struct conntrack *ct, int32_t zone, uint32_t limit)
{
    if (!zone_in_range(zone)) {
        return EINVAL;
    }
    pthread_mutex_lock(&ct->mutex);
    if (zone == CT_ZONE_DEFAULT) {
        ct->has_default_limit = true;
        ct->default_limit = limit;
    } else {
        struct ct_zone *z = zone_get(ct, zone);

        z->has_limit = true;
        z->limit = limit;
    }
    pthread_mutex_unlock(&ct->mutex);
    if (zone == CT_ZONE_DEFAULT) {
        VLOG_INFO("default zone limit set to %" PRIu32, limit);
    } else {
        VLOG_INFO("zone %" PRId32 " limit set to %" PRIu32, zone, limit);
    }
    return 0;
}

int
conntrack_del_zone_limit(struct conntrack *ct, int32_t zone)
{
    int error = 0;

    if (!zone_in_range(zone)) {
        return EINVAL;
    }
    pthread_mutex_lock(&ct->mutex);
    if (zone == CT_ZONE_DEFAULT) {
        if (ct->has_default_limit) {
            ct->has_default_limit = false;
        } else {
            error = ENOENT;
        }
    } else {
        struct ct_zone *z = zone_lookup(ct, zone);

        if (z && z->has_limit) {
            z->has_limit = false;
            zone_release(ct, z);
        } else {
            error = ENOENT;
        }
    }
    pthread_mutex_unlock(&ct->mutex);
    return error;
}

int
conntrack_get_zone_limit(const struct conntrack *ct_, int32_t zone,
                         struct ct_zone_limit *zl)
{
    /* The mutex is not part of the logical state. */
    struct conntrack *ct = (struct conntrack *)ct_;

    if (!zone_in_range(zone)) {
        return EINVAL;
    }
    memset(zl, 0, sizeof *zl);
    zl->zone = zone;
    pthread_mutex_lock(&ct->mutex);
    if (zone == CT_ZONE_DEFAULT) {
        zl->has_limit = ct->has_default_limit;
        zl->limit = ct->default_limit;
    } else {
        const struct ct_zone *z = zone_lookup(ct, zone);

        if (z) {
            zl->has_limit = z->has_limit;
            zl->limit = z->limit;
            zl->count = z->n_conns;
        }
    }
    pthread_mutex_unlock(&ct->mutex);
    return 0;
}

uint16_t *
ct_limited_zones(struct conntrack *ct, size_t *n)
{
    uint16_t *zones = NULL;
    size_t allocated = 0;
    struct ct_zone *z;

    *n = 0;
    pthread_mutex_lock(&ct->mutex);
    HMAP_FOR_EACH (z, node, &ct->zones) {
        if (z->has_limit) {
            if (*n >= allocated) {
                zones = x2nrealloc(zones, &allocated, sizeof *zones);
            }
            zones[(*n)++] = z->zone;
        }
    }
    pthread_mutex_unlock(&ct->mutex);
    return zones;
}

void
conntrack_get_stats(const struct conntrack *ct, struct ct_stats *stats)
{
    stats->n_conns = conntrack_count(ct);
    stats->n_created = stat_get(&ct->n_created);
    stats->n_expired = stat_get(&ct->n_expired);
    stats->n_flushed = stat_get(&ct->n_flushed);
    stats->n_full = stat_get(&ct->n_full);
    stats->n_zone_full = stat_get(&ct->n_zone_full);
    stats->n_invalid = stat_get(&ct->n_invalid);
    stats->n_l3csum_err = stat_get(&ct->n_l3csum_err);
    stats->n_l4csum_err = stat_get(&ct->n_l4csum_err);
    stats->n_fragments = stat_get(&ct->n_fragments);
}

size_t
conntrack_conn_bytes(void)
{
    /* A stripe keeps at most two entries per bucket and, with the arrays
     * it outgrew, about one bucket pointer per entry. */
    return sizeof(struct ct_conn) + sizeof(struct ct_conn *);
}

size_t
conntrack_memory(const struct conntrack *ct)
{
    return sizeof *ct + ct_table_memory(ct->table);
}

/* Appending snapshots of a stripe's entries. */
struct snapshot_ctx {
    const uint16_t *zone;     /* Only this zone, if nonnull. */
    long long now;            /* Skip entries expired at this time. */
    struct ct_entry *entries; /* Snapshots. */
    size_t n;                 /* Number of snapshots. */
    size_t allocated;         /* Allocated snapshots. */
};

static void
snapshot_cb(struct ct_conn *conn, void *ctx_)
{
    struct snapshot_ctx *ctx = ctx_;
    struct ct_entry *e;

    if (ctx->zone && conn->key.zone != *ctx->zone) {
        return;
    }
    pthread_spin_lock(&conn->lock);
    if (!conn_expired(conn, ctx->now)) {
        if (ctx->n >= ctx->allocated) {
            ctx->entries = x2nrealloc(ctx->entries, &ctx->allocated,
                                      sizeof *ctx->entries);
        }
        e = &ctx->entries[ctx->n++];
        e->key = conn->key;
        e->rev_key = conn->rev_key;
        e->cls = conn->cls;
        e->expiration =
            atomic_load_explicit(&conn->expiration, memory_order_relaxed);
        e->mark = conn->mark;
        e->label[0] = conn->label[0];
        e->label[1] = conn->label[1];
        memcpy(e->peer, conn->peer, sizeof e->peer);
    }
    pthread_spin_unlock(&conn->lock);
}

struct ct_entry *
ct_snapshot(struct conntrack *ct, const uint16_t *zone, long long now,
            size_t *n)
{
    struct snapshot_ctx ctx = {.zone = zone, .now = now};

    for (unsigned int i = 0; i < CT_N_STRIPES; i++) {
        ct_table_lock_stripe(ct->table, i);
        ct_table_stripe_for_each(ct->table, i, snapshot_cb, &ctx);
        ct_table_unlock_stripe(ct->table, i);
    }
    *n = ctx.n;
    return ctx.entries;
}
