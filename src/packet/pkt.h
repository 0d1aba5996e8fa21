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
 * front; pkt_pool_get()/pkt_pool_put() never call malloc.  Control-plane
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
#define PKT_MAX_SIZE 65536 + 256   /* Largest frame (GSO super-frames). */

/* Metadata carried with a packet, in datapath terms. */
struct pkt_md {
    uint32_t recirc_id;        /* Recirculation id; 0 on the first pass. */
    uint32_t dp_hash;          /* Hash computed by the datapath. */
    uint32_t skb_priority;
    uint32_t pkt_mark;
    uint32_t in_port;          /* Datapath input port number. */
    uint8_t ct_state;          /* CS_* bits; 0 if never tracked. */
    bool ct_orig_tuple_ipv6;
    uint16_t ct_zone;
    uint32_t ct_mark;
    uint64_t ct_label[2];
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
    struct pkt_layers layers;  /* Valid after pkt_extract(). */
    uint32_t hash;             /* RSS-style hash, valid if 'hash_valid'. */
    bool hash_valid;
    bool from_pool;            /* Returned to 'pool' by pkt_free(). */
    struct pkt_pool *pool;     /* Owning pool, if from_pool. */
    struct pkt_md md;          /* Metadata. */
    struct pkt_offload ol;     /* Offload state. */
};

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

/* Allocates a packet with room for SIZE bytes of frame plus headroom, with
 * size 0.  Control plane only. */
struct pkt *pkt_new(size_t size);

/* Returns a new packet holding a copy of SIZE bytes at DATA. */
struct pkt *pkt_clone_data(const void *data, size_t size);

/* Returns a deep copy of P (data, metadata, layers). */
struct pkt *pkt_clone(const struct pkt *p);

/* Frees P: back to its pool, or free() for pkt_new() packets. */
void pkt_free(struct pkt *p);

/* Prepends N bytes (uninitialised) and returns a pointer to them.  Uses
 * headroom; moves the data if there is not enough (slow path only). */
void *pkt_push_uninit(struct pkt *p, size_t n);

/* Removes N bytes from the front and returns the new start. */
void *pkt_pull(struct pkt *p, size_t n);

/* Appends N bytes (uninitialised) at the end and returns them. */
void *pkt_put_uninit(struct pkt *p, size_t n);

/* Appends N bytes copied from DATA. */
void pkt_put(struct pkt *p, const void *data, size_t n);

/* Sets the frame length to SIZE (<= allocated - data_ofs). */
void pkt_set_size(struct pkt *p, uint32_t size);

/* Extracts the frame into FLOW (header fields from the bytes, metadata
 * left as in FLOW) and caches the layer offsets in P. */
void pkt_extract(struct pkt *p, struct flow *flow);

/* Copies P's metadata into the metadata fields of FLOW (tunnel, recirc
 * id, ct_*, mark, priority, dp_hash); in_port is copied as the datapath
 * port number. */
void pkt_md_to_flow(const struct pkt_md *md, struct flow *flow);

/* Packet pools: N buffers of BUF_SIZE bytes each allocated up front. */
struct pkt_pool *pkt_pool_create(size_t n, size_t buf_size);
void pkt_pool_destroy(struct pkt_pool *);

/* Returns a packet of size 0 with default headroom, or NULL when the pool
 * is empty (the caller drops and counts). */
struct pkt *pkt_pool_get(struct pkt_pool *);

/* Number of free buffers in the pool. */
size_t pkt_pool_available(const struct pkt_pool *);

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

/* Frees every packet in B and empties it. */
void pkt_batch_free(struct pkt_batch *b);

#endif /* VX_PACKET_PKT_H */
