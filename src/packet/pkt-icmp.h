/*
 * pkt-icmp.h: ICMP errors the datapath generates itself.
 *
 * A frame that is too large for the tunnel it must leave by cannot be
 * fragmented (the outer header has DF set, as df_default=true asks), so
 * the sender is told, as a router on its link would: an ICMP
 * "fragmentation needed" (IPv4, RFC 792/1191) or ICMPv6 "packet too big"
 * (RFC 4443 §3.2) carrying the MTU that fits.  As Linux does for bridged
 * tunnels (skb_tunnel_check_pmtu()), the message claims to come from the
 * frame's destination: Ethernet addresses swapped, IP source = the
 * original destination, so that it reaches the sender through any router
 * or firewall state that the original frame set up.
 *
 * Thread safety: reentrant.
 */
#ifndef VX_PACKET_PKT_ICMP_H
#define VX_PACKET_PKT_ICMP_H 1

#include <stdint.h>

#include "packet/pkt.h"

/* Most bytes of the offending datagram quoted in an ICMPv4 error: the
 * message then fits the 576 bytes every IPv4 host accepts. */
#define PKT_ICMP4_QUOTE_MAX (576 - 20 - 8)

/* Most bytes quoted in an ICMPv6 error: the message fits the IPv6 minimum
 * MTU, 1280 bytes. */
#define PKT_ICMP6_QUOTE_MAX (1280 - 40 - 8)

/* Returns a new packet: the ICMP error telling the sender of P (an
 * Ethernet frame, possibly VLAN-tagged) that only frames with an IP
 * datagram of MTU bytes fit the path, or NULL when none is due: P is not
 * IPv4 or IPv6, is truncated (or claims more bytes than the frame holds),
 * is an IPv4 datagram without DF (which the
 * caller may fragment or drop), is itself an ICMP error (never answer an
 * error with an error), or comes from an unspecified, multicast or
 * broadcast address.  The reply keeps P's VLAN tags.  MTU is clamped to
 * the protocol minimum (68 for IPv4, 1280 for IPv6).  P is not changed;
 * the caller owns the result (pkt_new()). */
struct pkt *pkt_icmp_too_big(const struct pkt *p, uint32_t mtu);

#endif /* VX_PACKET_PKT_ICMP_H */
