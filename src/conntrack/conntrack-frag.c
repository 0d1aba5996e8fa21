/*
 * conntrack-frag.c: IP fragments, tracked without reassembly.
 *
 * OVS reassembles fragments (lib/ipf.c), runs conntrack on the whole
 * datagram and gives every fragment its verdict.  We give a datagram's
 * verdict to its fragments without holding them: the first fragment
 * (offset 0) carries the transport header, so conntrack runs on it as on
 * a whole packet (the state machine sees one packet per datagram, as in
 * OVS); its verdict is remembered under (zone, addresses, protocol, IP
 * identification), and the later fragments of the datagram get that
 * verdict.  The differences from OVS:
 *
 *   - a later fragment that arrives before the first is +inv (OVS holds
 *     it until the datagram is complete);
 *   - the transport checksum of a fragmented datagram is not verified;
 *   - the TCP state machine sees the first fragment's payload length, not
 *     the datagram's.
 *
 * As in OVS, non-last fragments shorter than 1200 (IPv4) or 1280 (IPv6)
 * bytes are +inv, and a datagram's fragments are forgotten 15 seconds
 * after its first fragment was last seen.  A later fragment that would
 * overlap the transport header the verdict was based on (the "tiny
 * fragment" and "overlapping fragment" attacks of RFC 1858) is +inv.  At
 * most CT_FRAG_MAX datagrams are remembered; beyond that first fragments
 * are +inv.
 *
 * Thread safety: the table has its own mutex; fragments are rare.
 */
#include "conntrack/conntrack-private.h"

#include "lib/hash.h"
#include "packet/pkt.h"

#define CT_FRAG_TIMEOUT 15000 /* Msec, as OVS's ipf lists. */
#define CT_FRAG_MAX 1000      /* Datagrams remembered at once. */

/* Identifies the fragments of one datagram. */
struct ct_frag_key {
    union ct_addr src; /* Source address. */
    union ct_addr dst; /* Destination address. */
    be32 id;           /* IP identification. */
    be16 dl_type;      /* ETH_TYPE_IP or ETH_TYPE_IPV6. */
    uint16_t zone;     /* Conntrack zone. */
    uint8_t proto;     /* Protocol of the fragmented payload. */
    uint8_t pad[3];    /* Always zero. */
};

/* What the last ct() of a datagram's first fragment wrote into its
 * metadata (everything but the zone and the connection). */
struct ct_frag_verdict {
    uint8_t ct_state;        /* CS_* bits. */
    bool ct_reply;           /* Reply direction. */
    bool ct_orig_tuple_ipv6; /* Original tuple is IPv6. */
    uint8_t ct_nw_proto;     /* Original-direction protocol. */
    uint32_t ct_mark;        /* ct_mark. */
    uint64_t ct_label[2];    /* ct_label. */
    be32 ct_nw_src;          /* Original-direction IPv4 source. */
    be32 ct_nw_dst;          /* Original-direction IPv4 destination. */
    be16 ct_tp_src;          /* Original-direction source port. */
    be16 ct_tp_dst;          /* Original-direction destination port. */
};

/* A datagram whose first fragment has been seen. */
struct ct_frag {
    struct hmap_node node;          /* In struct ct_frags 'table'. */
    struct ct_frag_key key;         /* Identity. */
    long long expiration;           /* Msec at which it is forgotten. */
    size_t min_offset;              /* Later fragments must start here or
                                     * beyond. */
    struct ct_frag_verdict verdict; /* Verdict for later fragments. */
};

struct ct_frags {
    pthread_mutex_t mutex; /* Protects 'table'. */
    struct hmap table;     /* Contains struct ct_frag. */
};

struct ct_frags *
ct_frags_create(void)
{
    struct ct_frags *frags = xzalloc(sizeof *frags);

    pthread_mutex_init(&frags->mutex, NULL);
    hmap_init(&frags->table);
    return frags;
}

void
ct_frags_destroy(struct ct_frags *frags)
{
    struct ct_frag *frag;

    HMAP_FOR_EACH_POP (frag, node, &frags->table) {
        free(frag);
    }
    hmap_destroy(&frags->table);
    pthread_mutex_destroy(&frags->mutex);
    free(frags);
}

static void
frag_key_init(struct ct_frag_key *key, const struct ct_packet *p,
              const struct ct_frag_info *info)
{
    memset(key, 0, sizeof *key);
    key->src = p->key.src.addr;
    key->dst = p->key.dst.addr;
    key->id = info->id;
    key->dl_type = p->key.dl_type;
    key->zone = p->key.zone;
    key->proto = info->proto;
}

static struct ct_frag *
frag_lookup(struct ct_frags *frags, const struct ct_frag_key *key,
            uint32_t hash)
{
    struct ct_frag *frag;

    HMAP_FOR_EACH_WITH_HASH (frag, node, hash, &frags->table) {
        if (!memcmp(&frag->key, key, sizeof *key)) {
            return frag;
        }
    }
    return NULL;
}

/* Forgets the datagrams that expired at NOW.  Requires the mutex. */
static size_t
frags_expire(struct ct_frags *frags, long long now)
{
    struct ct_frag *frag, *next;
    size_t n = 0;

    HMAP_FOR_EACH_SAFE (frag, next, node, &frags->table) {
        if (now >= frag->expiration) {
            hmap_remove(&frags->table, &frag->node);
            free(frag);
            n++;
        }
    }
    return n;
}

bool
ct_frags_record(struct ct_frags *frags, const struct ct_packet *p,
                const struct ct_frag_info *info, size_t min_offset,
                const struct pkt_md *md, long long now)
{
    struct ct_frag_key key;
    struct ct_frag *frag;
    uint32_t hash;

    frag_key_init(&key, p, info);
    hash = hash_bytes(&key, sizeof key, 0);
    pthread_mutex_lock(&frags->mutex);
    frag = frag_lookup(frags, &key, hash);
    if (!frag) {
        if (hmap_count(&frags->table) >= CT_FRAG_MAX &&
            (!frags_expire(frags, now) ||
             hmap_count(&frags->table) >= CT_FRAG_MAX)) {
            pthread_mutex_unlock(&frags->mutex);
            return false;
        }
        frag = xzalloc(sizeof *frag);
        frag->key = key;
        hmap_insert(&frags->table, &frag->node, hash);
    }
    frag->expiration = now + CT_FRAG_TIMEOUT;
    frag->min_offset = min_offset;
    frag->verdict = (struct ct_frag_verdict){
        .ct_state = md->ct_state,
        .ct_reply = md->ct_reply,
        .ct_orig_tuple_ipv6 = md->ct_orig_tuple_ipv6,
        .ct_nw_proto = md->ct_nw_proto,
        .ct_mark = md->ct_mark,
        .ct_label = {md->ct_label[0], md->ct_label[1]},
        .ct_nw_src = md->ct_nw_src,
        .ct_nw_dst = md->ct_nw_dst,
        .ct_tp_src = md->ct_tp_src,
        .ct_tp_dst = md->ct_tp_dst,
    };
    pthread_mutex_unlock(&frags->mutex);
    return true;
}

enum ct_frag_result
ct_frags_lookup(struct ct_frags *frags, const struct ct_packet *p,
                const struct ct_frag_info *info, struct pkt_md *md,
                long long now)
{
    enum ct_frag_result result = CT_FRAG_UNKNOWN;
    struct ct_frag_key key;
    struct ct_frag *frag;

    frag_key_init(&key, p, info);
    pthread_mutex_lock(&frags->mutex);
    frag = frag_lookup(frags, &key, hash_bytes(&key, sizeof key, 0));
    if (frag && now < frag->expiration) {
        if (info->offset < frag->min_offset) {
            result = CT_FRAG_OVERLAP;
        } else {
            const struct ct_frag_verdict *v = &frag->verdict;

            md->ct_state = v->ct_state;
            md->ct_reply = v->ct_reply;
            md->ct_orig_tuple_ipv6 = v->ct_orig_tuple_ipv6;
            md->ct_nw_proto = v->ct_nw_proto;
            md->ct_mark = v->ct_mark;
            md->ct_label[0] = v->ct_label[0];
            md->ct_label[1] = v->ct_label[1];
            md->ct_nw_src = v->ct_nw_src;
            md->ct_nw_dst = v->ct_nw_dst;
            md->ct_tp_src = v->ct_tp_src;
            md->ct_tp_dst = v->ct_tp_dst;
            md->ct_conn = NULL;
            result = CT_FRAG_FOUND;
        }
    }
    pthread_mutex_unlock(&frags->mutex);
    return result;
}

size_t
ct_frags_run(struct ct_frags *frags, long long now)
{
    size_t n;

    pthread_mutex_lock(&frags->mutex);
    n = frags_expire(frags, now);
    pthread_mutex_unlock(&frags->mutex);
    return n;
}

size_t
ct_frags_count(struct ct_frags *frags)
{
    size_t n;

    pthread_mutex_lock(&frags->mutex);
    n = hmap_count(&frags->table);
    pthread_mutex_unlock(&frags->mutex);
    return n;
}
