/*
 * odp-execute.h: applying datapath actions that change a packet in place:
 * VLAN push/pop, masked header rewrites (Ethernet, IPv4/IPv6, TCP/UDP
 * ports, with checksum updates), and metadata sets (tunnel, mark,
 * priority).  Actions that leave the packet's place in the pipeline
 * (output, recirc, ct, userspace, clone) are the datapath's business and
 * are not handled here.
 *
 * The per-packet path never allocates: pushes use the packet's headroom
 * (PKT_HEADROOM bytes are always reserved).
 *
 * Thread safety: functions are reentrant; a packet belongs to one thread.
 */
#ifndef VX_DATAPATH_ODP_EXECUTE_H
#define VX_DATAPATH_ODP_EXECUTE_H 1

#include <stdbool.h>

#include "flow/odp.h"
#include "packet/pkt.h"

/* Applies A to P if it is one of the in-place actions above and returns
 * true; returns false (P untouched) for any other action type. */
bool odp_execute_modify(struct pkt *p, const struct odp_action *a);

/* Pushes a VLAN header with TPID and TCI (VLAN_CFI is cleared on the wire)
 * after the Ethernet addresses of P. */
void pkt_push_vlan(struct pkt *p, be16 tpid, be16 tci);

/* Removes the outermost VLAN header of P, if it has one. */
void pkt_pop_vlan(struct pkt *p);

#endif /* VX_DATAPATH_ODP_EXECUTE_H */
