/*
 * pkt.h: the packet buffer and the batch of up to 32 packets that the
 * datapath moves through every stage.
 *
 * A struct pkt owns a contiguous buffer with headroom in front of the frame
 * so that encapsulation (VLAN push, a VXLAN header) prepends without a
 * copy.  Offsets of the parsed layers are cached after extraction.  The
 * metadata (struct pkt_md) travels with the packet through recirculation:
 * it is what the datapath knows that the bytes do not say (input port,
 * tunnel, conntrack state, recirculation id).
 *
 * Buffers for the per-packet path come from a struct pkt_pool allocated up
 * front; pkt_pool_get()/pkt_free() never call malloc.  A pool may also hold
 * a few large buffers (pkt_pool_create_mixed(), PKT_LARGE_SIZE) for the
 * 64 KiB GSO super-frames that offload-capable devices receive.  Control-plane
 * code (trace, tests, netdev-dummy/receive) may use pkt_new()/pkt_delete().
 *
 * Thread safety: a packet belongs to one thread at a time.  A pool is used
 * by one thread.
 */
#ifndef VX_PACKET_PKT_H
#define VX_PACKET_PKT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/flow.h"

#define PKT_BATCH_SIZE 32
#define PKT_HEADROOM 128           /* Room for outer headers. */
#define PKT_DEFAULT_SIZE 2048      /* Pool buffer size: MTU frames. */
#define PKT_MAX_SIZE (65536 + 256) /* Largest frame (GSO super-frames). */
#define PKT_LARGE_SIZE (PKT_HEADROOM + PKT_MAX_SIZE) /* Large pool buffer. */

/* Metadata carried with a packet, in datapath terms. */
struct pkt_md {
    uint32_t recirc_id;        /* Recirculation id; 0 on the first pass. */
    uint32_t dp_hash;          /* Hash computed by the datapath. */
    uint32_t skb_priority;     /* QoS priority. */
    uint32_t pkt_mark;         /* Packet mark. */
    uint32_t in_port;          /* Datapath input port number. */
    uint8_t ct_state;          /* CS_* bits; 0 if never tracked. */
    bool ct_orig_tuple_ipv6;   /* The original-direction tuple is IPv6 (and
                                * not in the ct_nw_* members below). */
    uint16_t ct_zone;          /* Conntrack zone of the last ct(). */
    uint32_t ct_mark;          /* Conntrack mark. */
    uint64_t ct_label[2];      /* Conntrack label, [0] = low 64 bits. */
    uint8_t ct_nw_proto;       /* Original-direction IP protocol, 0 if
                                * unknown. */
    be32 ct_nw_src;            /* Original-direction IPv4 source, set by
                                * conntrack with ct_state. */
    be32 ct_nw_dst;            /* Original-direction IPv4 destination. */
    be16 ct_tp_src;            /* Original-direction L4 source port. */
    be16 ct_tp_dst;            /* Original-direction L4 destination port. */
    void *ct_conn;             /* Conntrack entry of the last ct(), cache
                                * for recirculation (owned by conntrack). */
    bool ct_reply;             /* Packet is in the reply direction. */
    struct flow_tnl tunnel;    /* Tunnel metadata (zero if none). */
};

/* Offload state from a virtio-net header (IFF_VNET_HDR devices). */
struct pkt_offload {
    uint8_t gso_type;          /* VIRTIO_NET_HDR_GSO_* or 0. */
    uint16_t gso_size;         /* MSS for GSO frames. */
    uint16_t csum_start;       /* Partial checksum: start of summing. */
    uint16_t csum_offset;      /* Offset of the checksum from csum_start. */
    bool csum_partial;         /* Checksum still to be completed. */
};

struct pkt_pool;

struct pkt {
    uint8_t *base;             /* Start of the buffer. */
    uint32_t allocated;        /* Bytes at 'base'. */
    uint32_t data_ofs;         /* Offset of the frame from 'base'. */
    uint32_t size;             /* Frame length. */
    struct pkt_layers layers;  /* Valid after pkt_extract(); all
                                * PKT_LAYER_NONE before. */
    uint32_t hash;             /* RSS-style hash, valid if 'hash_valid'. */
    bool hash_valid;           /* Whether 'hash' is set. */
    bool from_pool;            /* Returned to 'pool' by pkt_free(). */
    struct pkt_pool *pool;     /* Owning pool, if from_pool. */
    struct pkt_md md;          /* Metadata. */
    struct pkt_offload ol;     /* Offload state. */
};

/* Up to PKT_BATCH_SIZE packets moved through a datapath stage together. */
struct pkt_batch {
    size_t count;                        /* Packets in use. */
    struct pkt *pkts[PKT_BATCH_SIZE];    /* The packets. */
};

static inline uint8_t *
pkt_data(const struct pkt *p)
{
    return p->base + p->data_ofs;
}

static inline uint32_t
pkt_size(const struct pkt *p)
{
    return p->size;
}

static inline uint32_t
pkt_headroom(const struct pkt *p)
{
    return p->data_ofs;
}

static inline uint32_t
pkt_tailroom(const struct pkt *p)
{
    return p->allocated - p->data_ofs - p->size;
}

/* Allocates a packet with room for SIZE bytes of frame plus PKT_HEADROOM
 * bytes of headroom, with size 0, zero metadata and no layers.  Control
 * plane only (uses xmalloc). */
struct pkt *pkt_new(size_t size);

/* Returns a new packet (pkt_new()) holding a copy of SIZE bytes at DATA. */
struct pkt *pkt_clone_data(const void *data, size_t size);

/* Returns a deep copy of P (data, metadata, layers, hash, offload state).
 * The copy of a pool packet comes from the same pool when the pool has a
 * free packet whose buffer fits the frame (no allocation); otherwise it is
 * allocated with pkt_new(). */
struct pkt *pkt_clone(const struct pkt *p);

/* Frees P: back to its pool (never calling free()), or free() for
 * pkt_new()/pkt_clone() packets.  P may be NULL. */
void pkt_free(struct pkt *p);

/* Prepends N bytes (uninitialised) and returns a pointer to them (the new
 * start of the frame).  Uses headroom; without enough, slides the frame
 * within the buffer or, if the buffer is too small, moves it to a larger
 * malloc()ed one (slow path only, counted as pkt_realloc; a pool packet
 * gets its pool buffer back when freed).  Layer offsets are not updated. */
void *pkt_push_uninit(struct pkt *p, size_t n);

/* Removes N bytes (at most the frame size) from the front and returns the
 * new start.  Layer offsets are not updated. */
void *pkt_pull(struct pkt *p, size_t n);

/* Appends N bytes (uninitialised) at the end and returns them, growing the
 * buffer as pkt_push_uninit() does when the tailroom is too small. */
void *pkt_put_uninit(struct pkt *p, size_t n);

/* Appends N bytes copied from DATA. */
void pkt_put(struct pkt *p, const void *data, size_t n);

/* Sets the frame length to SIZE (<= allocated - data_ofs, asserted). */
void pkt_set_size(struct pkt *p, uint32_t size);

/* Extracts the frame into FLOW (header fields from the bytes, metadata
 * left as in FLOW) and caches the layer offsets in P. */
void pkt_extract(struct pkt *p, struct flow *flow);

/* Copies MD into the metadata fields of FLOW (tunnel, recirc id, ct_*,
 * mark, priority, dp_hash); in_port is copied as the datapath port number.
 * As in OVS, the original-direction tuple (ct_nw_src and the like) is copied only for a
 * tracked (ct_state != 0) IPv4 tuple and zeroed otherwise. */
void pkt_md_to_flow(const struct pkt_md *md, struct flow *flow);

/* Creates a pool of N packets whose buffers of BUF_SIZE bytes each
 * (PKT_HEADROOM of headroom included; BUF_SIZE > PKT_HEADROOM) are all
 * allocated up front. */
struct pkt_pool *pkt_pool_create(size_t n, size_t buf_size);

/* Creates a pool of N packets with buffers of BUF_SIZE bytes, as
 * pkt_pool_create(), plus N_LARGE packets with buffers of LARGE_SIZE
 * (> BUF_SIZE) bytes handed out by pkt_pool_get_large().  The large
 * buffers' memory is touched only once they are used. */
struct pkt_pool *pkt_pool_create_mixed(size_t n, size_t buf_size,
                                       size_t n_large, size_t large_size);

/* Destroys POOL.  Every packet must have been returned (asserted). */
void pkt_pool_destroy(struct pkt_pool *);

/* Destroys POOL once every packet has been returned: at once if none is
 * out, otherwise when pkt_free() takes back the last one.  For an owner
 * (a device's receive queue) that goes away while its packets may still
 * be queued elsewhere.  POOL must not be used afterwards. */
void pkt_pool_release(struct pkt_pool *);

/* Returns a packet of size 0 with PKT_HEADROOM of headroom, zero metadata
 * and no layers, or NULL when the pool is empty (the caller drops and
 * counts; pkt_pool_exhausted is counted here too).  Never allocates.
 * pkt_free() gives the packet back. */
struct pkt *pkt_pool_get(struct pkt_pool *);

/* Returns a large-buffer packet as pkt_pool_get() does, or NULL if the
 * pool has none free (or none at all).  Never allocates. */
struct pkt *pkt_pool_get_large(struct pkt_pool *);

/* Returns a packet whose buffer holds a frame of SIZE bytes after the
 * headroom: a small one if it fits, else a large one; NULL if none is free
 * or SIZE fits neither.  Never allocates. */
struct pkt *pkt_pool_get_size(struct pkt_pool *, size_t size);

/* Returns the number of free (small / large) packets in the pool. */
size_t pkt_pool_available(const struct pkt_pool *);
size_t pkt_pool_available_large(const struct pkt_pool *);

/* Returns the size of the pool's small / large buffers (0: no large
 * buffers). */
size_t pkt_pool_buf_size(const struct pkt_pool *);
size_t pkt_pool_large_size(const struct pkt_pool *);

static inline void
pkt_batch_init(struct pkt_batch *b)
{
    b->count = 0;
}

static inline void
pkt_batch_add(struct pkt_batch *b, struct pkt *p)
{
    vx_assert(b->count < PKT_BATCH_SIZE);
    b->pkts[b->count++] = p;
}

static inline bool
pkt_batch_is_full(const struct pkt_batch *b)
{
    return b->count >= PKT_BATCH_SIZE;
}

/* Frees every packet in B (pkt_free()) and empties it. */
void pkt_batch_free(struct pkt_batch *b);

#endif /* VX_PACKET_PKT_H */
