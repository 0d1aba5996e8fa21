/*
 * pkt-gso.h: software segmentation and checksum completion for frames
 * that carry offload state (struct pkt_offload), the part of a
 * virtio-net header that a kernel TAP device or an AF_PACKET socket with
 * PACKET_VNET_HDR hands over with each frame.
 *
 * A guest's TCP stack with TSO hands over 64 KiB "GSO" frames: one
 * Ethernet/IP/TCP header followed by up to 64 KiB of payload, with the MSS
 * in 'gso_size' and the TCP checksum left to be completed.  As long as
 * every output device takes the offload, such a frame travels through the
 * switch whole; this module cuts it into MSS-sized frames for a device
 * that cannot (what the kernel's tcp_gso_segment() does): each segment
 * gets a copy of the headers with its own IPv4 total length and
 * identification (or IPv6 payload length), TCP sequence number, flags
 * (FIN and PSH only on the last segment, CWR only on the first) and full
 * IPv4 and TCP checksums.  UDP GSO ("USO", VIRTIO_NET_HDR_GSO_UDP_L4)
 * cuts the payload into separate UDP datagrams the same way.  Frames may
 * carry up to two VLAN tags.
 *
 * Segments come from a packet pool (no allocation on the packet path) or,
 * for a frame that is not a pool packet (control plane), from pkt_new().
 *
 * Every function reads only the SIZE bytes of the frame, whatever the
 * offload state claims: the state is checked against the frame first, so
 * that a malformed header from a guest cannot cause an out-of-bounds
 * access (fuzz/targets/pkt-gso.c).
 *
 * Thread safety: a segmentation (struct pkt_gso) belongs to the thread
 * that owns the packet and the pool.
 */
#ifndef VX_PACKET_PKT_GSO_H
#define VX_PACKET_PKT_GSO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/pkt.h"

/* GSO types, as in the virtio-net header (linux/virtio_net.h). */
#define PKT_GSO_NONE 0       /* Not a GSO frame. */
#define PKT_GSO_TCPV4 1      /* TCP over IPv4 (TSO). */
#define PKT_GSO_UDP 3        /* IPv4 UDP fragmentation (UFO, unsupported). */
#define PKT_GSO_TCPV6 4      /* TCP over IPv6. */
#define PKT_GSO_UDP_L4 5     /* UDP segmentation (USO), IPv4 or IPv6. */
#define PKT_GSO_ECN 0x80     /* Flag: the TCP stream uses ECN. */

/* Virtio-net header flags. */
#define PKT_VNET_F_NEEDS_CSUM 1  /* Checksum at csum_start/csum_offset. */
#define PKT_VNET_F_DATA_VALID 2  /* Checksum already verified. */

/* The virtio-net header (struct virtio_net_hdr) as TAP devices and
 * AF_PACKET sockets exchange it: the legacy layout, whose 16-bit members
 * are little-endian, i.e. in host order on the little-endian hosts vxstack
 * runs on. */
struct pkt_vnet_hdr {
    uint8_t flags;           /* PKT_VNET_F_*. */
    uint8_t gso_type;        /* PKT_GSO_*. */
    uint16_t hdr_len;        /* Length of the headers (a hint). */
    uint16_t gso_size;       /* MSS. */
    uint16_t csum_start;     /* Where checksumming starts. */
    uint16_t csum_offset;    /* Checksum field, from csum_start. */
};

#define PKT_VNET_HDR_LEN 10  /* sizeof (struct pkt_vnet_hdr). */

/* Most segments pkt_gso_start() accepts a frame to be cut into (the
 * kernel's GSO_MAX_SEGS is 65535, but no stack sends more than a 64 KiB
 * frame of 88-byte segments). */
#define PKT_GSO_MAX_SEGS 1024

/* Fills OL from the virtio-net header HDR of a frame of FRAME_LEN bytes.
 * Returns 0, or EINVAL for state that the frame cannot carry (a checksum
 * field beyond the frame, an unknown GSO type, a GSO frame without MSS),
 * with OL zeroed: the caller drops such a frame. */
int pkt_offload_from_vnet(struct pkt_offload *ol,
                          const struct pkt_vnet_hdr *hdr, size_t frame_len);

/* Fills HDR from OL for sending a frame whose headers (Ethernet to L4
 * header included) take HDR_LEN bytes (0 if unknown). */
void pkt_offload_to_vnet(const struct pkt_offload *ol, size_t hdr_len,
                         struct pkt_vnet_hdr *hdr);

/* Returns true if P needs segmenting or checksumming before it may go to
 * a device that takes no offload. */
static inline bool
pkt_has_offload(const struct pkt *p)
{
    return p->ol.gso_type != PKT_GSO_NONE || p->ol.csum_partial;
}

/* Completes the partial checksum of P (ol.csum_partial): sums the frame
 * from csum_start to its end and stores the result at csum_start +
 * csum_offset, as a NIC does, then clears csum_partial.  Returns 0, or
 * EINVAL if the checksum field lies outside the frame (nothing changed).
 * Does nothing for a packet without a partial checksum. */
int pkt_csum_complete(struct pkt *p);

/* The state of cutting one GSO frame into segments. */
struct pkt_gso {
    const struct pkt *src;   /* The GSO frame. */
    uint16_t l3;             /* Offset of the IPv4/IPv6 header. */
    uint16_t l4;             /* Offset of the TCP/UDP header. */
    uint16_t hdr_len;        /* Bytes of headers copied to each segment. */
    uint16_t mss;            /* Payload bytes per segment. */
    bool ipv6;               /* IPv6, otherwise IPv4. */
    bool tcp;                /* TCP, otherwise UDP. */
    uint32_t pos;            /* Offset in 'src' of the next payload. */
    uint32_t seq;            /* TCP sequence number of 'pos' (host). */
    uint16_t ip_id;          /* IPv4 identification of the next segment
                              * (host order). */
    uint16_t n_segs;         /* Segments that the frame makes. */
    uint16_t n_done;         /* Segments made so far. */
};

/* Starts cutting GSO frame P (ol.gso_type set) into segments of
 * ol.gso_size payload bytes.  Returns 0, or EINVAL for a frame that is not
 * a well-formed TCP (TCPV4/TCPV6) or UDP (UDP_L4) frame over IPv4 or IPv6
 * (without IPv6 extension headers) that matches its GSO type, or that
 * would make more than PKT_GSO_MAX_SEGS segments, or EMSGSIZE if a
 * segment would exceed PKT_MAX_SIZE.  P must stay unchanged while the
 * segmentation lasts. */
int pkt_gso_start(struct pkt_gso *, const struct pkt *p);

/* Returns the next segment, a new packet owned by the caller with P's
 * metadata and no offload state (checksums complete), or NULL if the last
 * one was made (pkt_gso_done()) or POOL has no free packet.  The segment
 * comes from POOL, or from pkt_new() when POOL is NULL. */
struct pkt *pkt_gso_next(struct pkt_gso *, struct pkt_pool *pool);

/* Returns true once every segment was made. */
static inline bool
pkt_gso_done(const struct pkt_gso *gso)
{
    return gso->n_done >= gso->n_segs;
}

/* Returns the number of segments the frame makes. */
static inline size_t
pkt_gso_n_segs(const struct pkt_gso *gso)
{
    return gso->n_segs;
}

#endif /* VX_PACKET_PKT_GSO_H */
