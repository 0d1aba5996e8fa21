/*
 * flow-format.h: printing a whole packet flow, as Open vSwitch's
 * flow_format() does for `ofproto/trace` ("Flow: ...") and for log
 * messages: the fields that the packet actually has, with metadata that is
 * zero left out.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_FLOW_FLOW_FORMAT_H
#define VX_FLOW_FLOW_FORMAT_H 1

#include "flow/match.h"
#include "packet/flow.h"

struct ds;
struct ofp_port_map;

/* Sets WC to cover every field that a packet with FLOW has (OVS's
 * flow_wildcards_init_for_packet()): metadata, L2, and the L3/L4 fields
 * that its dl_type and nw_proto imply. */
void flow_wildcards_init_for_packet(struct flow_wildcards *wc,
                                    const struct flow *flow);

/* Appends FLOW in OpenFlow match syntax, leaving out zero-valued packet
 * metadata (in_port 0, skb_priority, pkt_mark, recirc_id, dp_hash, ct_*,
 * registers, metadata) as OVS does. */
void flow_format(struct ds *, const struct flow *,
                 const struct ofp_port_map *);

#endif /* VX_FLOW_FLOW_FORMAT_H */
