/*
 * netdev-vxlan.h: VXLAN (RFC 7348) in userspace over kernel UDP sockets.
 *
 * The datapath's tunnel port (vxlan_sys_4789) is a device of class
 * "vxlan".  It carries every tunnel of the switch: a packet sent to it
 * says where it goes in its tunnel metadata (pkt_md 'tunnel', set by the
 * set(tunnel(...)) datapath action), and a packet received from it carries
 * where it came from in the same place, which ofproto maps back to an
 * OpenFlow tunnel port.
 *
 * Sockets.  The device receives on one UDP socket per local endpoint
 * (netdev_vxlan_set_endpoints(): the local_ip values of the vxlan
 * Interfaces, or INADDR_ANY for a tunnel without one), bound to the UDP
 * destination port (4789).  It sends from a small set of UDP sockets per
 * local endpoint bound to ephemeral ports: the kernel picks them in its
 * local port range (32768-60999 by default), and a hash of the inner
 * frame's flow picks the socket, so that one flow always leaves with one
 * UDP source port and different flows spread over ECMP paths, as
 * RFC 7348 asks (an unprivileged UDP socket cannot choose the source port
 * of each datagram).  Sockets set DF (IP_PMTUDISC_DO) unless the tunnel
 * flags lack FLOW_TNL_F_DONT_FRAGMENT (df_default=false), and the outer
 * TTL (64 unless the metadata says otherwise) and TOS per datagram.
 *
 * Batching.  Receive uses recvmmsg() in batches of up to 32 and, where the
 * kernel has it, UDP GRO (several datagrams of one flow coalesced into one
 * buffer, split again here by the gso_size the kernel reports).  Send uses
 * sendmmsg() and, where the kernel has it, UDP_SEGMENT: consecutive
 * datagrams of equal size to the same destination go in one message that
 * the kernel cuts.  Without GRO or GSO the device falls back to one
 * datagram per message by itself.
 *
 * Validation of received datagrams (bad-inputs.md §2.3): a payload shorter
 * than the VXLAN header (V1), the I flag clear (V2), a reserved flag or
 * reserved VNI bit set (V3, dropped as the Linux kernel does, stricter
 * than RFC 7348, which says to ignore them), an inner frame shorter than
 * an Ethernet header or with a truncated IPv4/IPv6 header (V6): each is
 * dropped and counted (coverage counter, rx_errors, and a per-reason
 * counter in the device status).  Unknown VNIs and unknown sources (V4,
 * V5) pass here and are dropped by the OpenFlow lookup.  An outer
 * "congestion experienced" mark is copied to an ECN-capable inner IP
 * header, and a packet whose inner header is Not-ECT is then dropped
 * (RFC 6040, V9; rx_ecn_not_ect).
 *
 * Path MTU.  netdev_vxlan_path_mtu() tells the datapath the underlay MTU
 * toward a remote, learnt from the kernel (IP_MTU of a connected probe
 * socket) and cached per remote for VXLAN_PMTU_TIMEOUT_MS; EMSGSIZE from
 * a send refreshes the entry.  The datapath uses it to answer frames too
 * big for the tunnel with ICMP (pkt-icmp.h).
 *
 * Limits.  The underlay is IPv4.  The UDP checksum is always computed (by
 * the kernel or the NIC): UDP GSO requires it, and the options:csum=false
 * of a tunnel does not turn it off.  The outer DF bit of a received
 * datagram is not visible through a UDP socket, so received metadata
 * never has FLOW_TNL_F_DONT_FRAGMENT.  Datagrams that the kernel drops
 * because the receive buffer is full count as rx_dropped (SO_RXQ_OVFL,
 * reported with the next datagram queued).
 *
 * Thread safety: every function is thread-safe (the device mutex guards
 * the sockets, counters and the MTU cache).
 */
#ifndef VX_DATAPATH_NETDEV_VXLAN_H
#define VX_DATAPATH_NETDEV_VXLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/packets.h"

struct netdev;

/* The I flag (VNI valid) in the first byte of the VXLAN header. */
#define VXLAN_FLAG_VNI 0x08

/* Bytes that VXLAN over IPv4 adds in front of an inner frame inside the
 * underlay's IP MTU: IPv4 (20) + UDP (8) + VXLAN (8). */
#define VXLAN_IPV4_IP_OVERHEAD (IP_HEADER_LEN + UDP_HEADER_LEN + VXLAN_HLEN)

/* How long a learnt path MTU is trusted before asking the kernel
 * again. */
#define VXLAN_PMTU_TIMEOUT_MS 10000

/* Why a received datagram was rejected. */
enum vxlan_rx_verdict {
    VXLAN_RX_OK,              /* A valid VXLAN packet. */
    VXLAN_RX_SHORT,           /* V1: payload shorter than the header. */
    VXLAN_RX_NO_VNI,          /* V2: the I flag is clear. */
    VXLAN_RX_RESERVED,        /* V3: a reserved flag or VNI bit is set. */
    VXLAN_RX_INNER_SHORT,     /* V6: inner frame or its IP header
                               * truncated. */
    VXLAN_RX_N_VERDICTS
};

/* Registers the "vxlan" device class.  Idempotent.  Returns 0 or a
 * positive errno (EEXIST when another class holds the type "vxlan", as
 * the dummy class does under --enable-dummy=override). */
int netdev_vxlan_register(void);

/* Returns true if NETDEV is a device of the vxlan class. */
bool netdev_is_vxlan(const struct netdev *);

/* Checks the UDP payload of SIZE bytes at DATA as a VXLAN packet (pure
 * function, fuzzed).  On VXLAN_RX_OK stores the VNI in *VNIP; the inner
 * frame is then the SIZE - VXLAN_HLEN bytes after the header. */
enum vxlan_rx_verdict netdev_vxlan_parse(const uint8_t *data, size_t size,
                                         uint32_t *vnip);

/* Returns the name of VERDICT as the device status shows its counter
 * ("rx_bad_length" ...). */
const char *netdev_vxlan_verdict_name(enum vxlan_rx_verdict);

/* Makes NETDEV (a vxlan device) receive on UDP port DST_PORT of each of
 * the N addresses at LOCAL_IPS (0 = INADDR_ANY; duplicates are ignored)
 * and send from the same addresses.  Sockets whose endpoint stays are
 * kept; new ones are opened and bound, stale ones closed.  Returns 0 if
 * every endpoint is bound, otherwise the first error (EADDRNOTAVAIL for
 * an address that is not local, EADDRINUSE for a port in use...); the
 * endpoints that failed stay unbound, each with its error
 * (netdev_vxlan_endpoint_error()), and are retried on the next call.
 * EINVAL if NETDEV is not a vxlan device. */
int netdev_vxlan_set_endpoints(struct netdev *, const be32 *local_ips,
                               size_t n, uint16_t dst_port);

/* Returns the error of the endpoint LOCAL_IP (0 = INADDR_ANY) of NETDEV
 * from the last netdev_vxlan_set_endpoints(): 0 if it is bound, a
 * positive errno if binding failed, ENOENT if it is not configured. */
int netdev_vxlan_endpoint_error(const struct netdev *, be32 local_ip);

/* Returns the UDP port NETDEV receives on (0 before any endpoint). */
uint16_t netdev_vxlan_dst_port(const struct netdev *);

/* Returns the underlay MTU (bytes of outer IP datagram) from LOCAL_IP
 * (0: any) to REMOTE_IP, from the cache or the kernel's route, or 0 when
 * no route is known (the caller then lets the send fail and count).
 * Never blocks. */
uint32_t netdev_vxlan_path_mtu(struct netdev *, be32 local_ip,
                               be32 remote_ip);

/* Counts, on NETDEV, one frame dropped by the datapath because its
 * encapsulation exceeded the path MTU (tx_dropped and the status's
 * tx_too_big). */
void netdev_vxlan_count_too_big(struct netdev *);

#endif /* VX_DATAPATH_NETDEV_VXLAN_H */
