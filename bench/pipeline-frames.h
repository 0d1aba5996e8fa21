/*
 * pipeline-frames.h: the frames of bench/pipeline, built once before the
 * clock starts, and the files that hand the same frames to the Open
 * vSwitch anchor (bench/pipeline).
 *
 * Frames are complete Ethernet frames with correct IPv4 and L4 checksums
 * (conntrack checks them), padded with payload to the requested length.
 * A frame that arrives over the tunnel is kept twice: as the inner frame
 * with its tunnel metadata (what vxstack's tunnel device hands the
 * datapath) and VXLAN-encapsulated (what Open vSwitch's userspace
 * datapath receives on its underlay port and decapsulates itself).
 *
 * Files: pf_write_pcap() writes frames as a classic pcap (DPDK's net_pcap
 * replays it); pf_write_packet_outs() writes `ovs-ofctl bundle` input of
 * one packet-out per frame ("packet-out in_port=N,...,actions=table"),
 * which runs each frame through the bridge's OpenFlow tables as if it had
 * arrived on port N.
 *
 * Thread safety: none needed (setup only).
 */
#ifndef VX_BENCH_PIPELINE_FRAMES_H
#define VX_BENCH_PIPELINE_FRAMES_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/flow.h"
#include "packet/packets.h"

/* Largest frame the benchmark builds (a 64-byte frame plus the 50 bytes of
 * VXLAN over IPv4, with room to spare). */
#define PF_FRAME_MAX 160

/* One prebuilt frame. */
struct pf_frame {
    uint8_t data[PF_FRAME_MAX]; /* The frame. */
    uint16_t len;               /* Bytes used in 'data'. */
    struct flow_tnl tnl;        /* Tunnel metadata of an inner frame that
                                 * arrives over a tunnel (ip_dst == 0:
                                 * none). */
};

/* What pf_build_ip() puts in an IPv4 frame. */
struct pf_ip_spec {
    struct eth_addr dl_src;  /* Ethernet source. */
    struct eth_addr dl_dst;  /* Ethernet destination. */
    be32 nw_src;             /* IPv4 source. */
    be32 nw_dst;             /* IPv4 destination. */
    uint8_t nw_proto;        /* IPPROTO_TCP_, IPPROTO_UDP_ or IPPROTO_ICMP_. */
    uint16_t tp_src;         /* TCP/UDP source port (host order). */
    uint16_t tp_dst;         /* TCP/UDP destination port (host order). */
    uint16_t tcp_flags;      /* TCP_* flags. */
    uint32_t tcp_seq;        /* TCP sequence number (host order). */
    uint32_t tcp_ack;        /* TCP acknowledgement number (host order). */
    uint8_t icmp_type;       /* ICMP4_ECHO_REQUEST or ICMP4_ECHO_REPLY. */
    uint16_t icmp_id;        /* ICMP echo identifier (host order). */
    uint16_t icmp_seq;       /* ICMP echo sequence (host order). */
    size_t payload_len;      /* Bytes of payload after the L4 header. */
    size_t frame_len;        /* Minimum frame length: zero Ethernet
                              * padding after the IP datagram up to it (at
                              * most PF_FRAME_MAX). */
};

/* The underlay of a VXLAN-encapsulated frame, from the remote endpoint to
 * the local one. */
struct pf_underlay {
    struct eth_addr dl_src;  /* Remote endpoint's MAC. */
    struct eth_addr dl_dst;  /* Local endpoint's MAC. */
    be32 ip_src;             /* Remote endpoint address. */
    be32 ip_dst;             /* Local endpoint address. */
    uint32_t vni;            /* VXLAN network identifier. */
};

/* Builds the IPv4 frame that SPEC describes into F (no tunnel). */
void pf_build_ip(struct pf_frame *f, const struct pf_ip_spec *spec);

/* Builds into F a broadcast ARP request from SHA/SPA for TPA. */
void pf_build_arp_request(struct pf_frame *f, struct eth_addr sha, be32 spa,
                          be32 tpa);

/* Gives inner frame F the tunnel metadata that receiving it over UL with
 * outer UDP source port UDP_SRC means: VNI as tun_id, UL's addresses,
 * TTL 64, don't-fragment and key flags, UDP ports. */
void pf_set_tunnel(struct pf_frame *f, const struct pf_underlay *ul,
                   uint16_t udp_src);

/* Stores in OUTER the VXLAN encapsulation of INNER (its tunnel metadata
 * says the UDP source port) over UL: outer Ethernet, IPv4 (DF set,
 * checksum), UDP (no checksum) and VXLAN headers. */
void pf_vxlan_encap(struct pf_frame *outer, const struct pf_frame *inner,
                    const struct pf_underlay *ul);

/* Writes the N frames at FRAMES to a new pcap file PATH.  Returns NULL or
 * an error message (caller frees). */
char *pf_write_pcap(const char *path, const struct pf_frame *frames,
                    size_t n);

/* Appends to the file PATH (created if needed) one `ovs-ofctl bundle`
 * packet-out line per frame of FRAMES (N of them): in_port=OFP_PORT, the
 * frame's tunnel metadata when it has some, the frame in hex, and
 * actions=table.  Returns NULL or an error message (caller frees). */
char *pf_write_packet_outs(const char *path, uint32_t ofp_port,
                           const struct pf_frame *frames, size_t n);

#endif /* VX_BENCH_PIPELINE_FRAMES_H */
