/*
 * trace.h: `ofproto/trace`, the explanation of how a packet would pass
 * through the OpenFlow tables, printed in the layout of Open vSwitch 3.x's
 * ofproto/trace: the initial flow, each bridge and table with the rule that
 * matched and its actions, the final flow, the megaflow, the datapath
 * actions, and then each recirculation (for ct(table=N)), resumed with the
 * connection state chosen by --ct-next (trk|new by default).
 *
 * Thread safety: main thread only.
 */
#ifndef VX_OFPROTO_TRACE_H
#define VX_OFPROTO_TRACE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"
#include "packet/flow.h"

struct ds;
struct ofproto;
struct ofpacts;

/* Parses the arguments of `ofproto/trace` (ARGV[0] is the command name):
 *   BRIDGE FLOW [--ct-next STATE]... [-generate | PACKET_HEX]
 * where FLOW is in OpenFlow syntax ("in_port=tap1,icmp,nw_src=..."), or
 *   ODP_FLOW [...] in datapath syntax ("in_port(8),eth(...),...").
 * On success runs the trace and appends its text to OUTPUT, returning
 * NULL; otherwise returns an error message to free. */
char *ofproto_trace_command(int argc, const char *argv[], struct ds *output)
    WARN_UNUSED;

/* Traces FLOW (in_port an OpenFlow port of OFPROTO) and appends the text
 * to OUTPUT.  With GENERATE, side effects happen as for a real packet
 * (learning).  NEXT_CT_STATES (N entries of CS_* bits) give the ct_state
 * after each ct() recirculation in order. */
void ofproto_trace(struct ofproto *, const struct flow *flow,
                   const struct ofpacts *ofpacts, bool generate,
                   const uint32_t *next_ct_states, size_t n_ct_states,
                   struct ds *output);

/* Parses a ct_state for --ct-next: flags "trk", "new", "est", "rel", "rpl",
 * "inv", "snat", "dnat" separated by ',' or '|' and optionally prefixed by
 * '+'.  Returns NULL and stores the bits, or an error to free. */
char *ofproto_parse_ct_state(const char *s, uint32_t *state) WARN_UNUSED;

#endif /* VX_OFPROTO_TRACE_H */
