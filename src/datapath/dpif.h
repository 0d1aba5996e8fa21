/*
 * dpif.h: the datapath: the ports that packets enter and leave by, and the
 * per-packet machinery between them (Open vSwitch's dpif-netdev).
 *
 * One datapath ("ovs-system") is shared by every bridge, as in the seed's
 * `ovs-dpctl show`: port 0 is the datapath's own internal port, each
 * bridge's internal port and each device port is one datapath port, and
 * all tunnel ports share one datapath port per UDP destination port
 * ("vxlan_sys_4789").
 *
 * Packets are processed in batches of up to 32 (dp_input_batch()).  Each
 * packet's headers and metadata are extracted into a datapath key (a
 * struct flow, see dp-key.h) that is looked up in three levels, as in
 * Open vSwitch's userspace datapath:
 *
 *   1. the exact-match cache (emc.h), keyed by the whole key;
 *   2. the megaflow classifier (dpcls.h): datapath flows, each a key under
 *      a mask, with the datapath actions for every packet it covers;
 *   3. an "upcall": flow translation (ofproto/xlate.h) walks the packet
 *      through the OpenFlow tables, with side effects (MAC learning,
 *      learned flows, rule statistics), and returns datapath actions and
 *      the mask of every bit it consulted; that megaflow is installed
 *      (dp-flow.c) and the actions run on the packet.
 *
 * Hits are grouped into one batch per flow, whose actions run once for
 * the batch: header changes, ct() through conntrack, recirculation (the
 * packets go through the lookups again with their recirc_id and conntrack
 * state), output to a per-port transmit batch sent when the input batch is
 * done.  Every drop is counted with a reason (coverage counters).
 *
 * Flow statistics go back to the OpenFlow rules (and refresh MAC entries
 * and learned flows) through each flow's xlate cache: periodically, before
 * ofproto reads them (ofproto_set_stats_hook()) and when a flow goes.
 * When the OpenFlow state changes (ofproto_seq()), every flow is
 * revalidated before the next batch: translated again and deleted unless
 * the result is the same (dp-flow.c).
 *
 * The per-packet path allocates nothing once flows are cached: keys live
 * on the stack, batches are fixed arrays, copies of pool packets come from
 * their pool.
 *
 * Thread safety: the datapath runs in the main thread.
 */
#ifndef VX_DATAPATH_DPIF_H
#define VX_DATAPATH_DPIF_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow/odp.h"
#include "packet/pkt.h"

struct conntrack;
struct ds;
struct dp;
struct netdev;

/* Most recirculations of one packet (ct after ct after ...). */
#define DP_MAX_RECIRC_DEPTH 8

/* Creates the datapath with its port 0 "ovs-system". */
struct dp *dp_create(void);
void dp_destroy(struct dp *);

/* Adds a port for device NAME of TYPE ("internal", "dummy", "system",
 * "tap", "vxlan"...), with number REQUEST if nonzero and free, else the
 * lowest free number.  Opens the device.  Returns 0 and stores the number
 * in *PORT_NOP, or an errno value (the device cannot be opened: ENODEV for
 * a missing system device...). */
int dp_port_add(struct dp *, const char *name, const char *type,
                uint32_t request, uint32_t *port_nop);

/* Removes port PORT_NO and closes its device.  Returns 0 or ENODEV. */
int dp_port_del(struct dp *, uint32_t port_no);

/* Returns the number of the port called NAME, or ODPP_NONE. */
uint32_t dp_port_by_name(const struct dp *, const char *name);

/* Returns the device of port PORT_NO, or NULL. */
struct netdev *dp_port_netdev(const struct dp *, uint32_t port_no);

/* Returns the datapath's tunnel port for VXLAN on UDP port DST_PORT,
 * creating "vxlan_sys_<port>" on first use.  Returns ODPP_NONE if it
 * cannot be created. */
uint32_t dp_tunnel_port(struct dp *, uint16_t dst_port);

/* Returns the conntrack of the datapath. */
struct conntrack *dp_conntrack(struct dp *);

/* Receives and processes the packets waiting on every port, a batch at a
 * time; runs conntrack expiry.  Returns true if it did any work. */
bool dp_run(struct dp *);

/* Registers the ports' readiness with the poll loop. */
void dp_wait(struct dp *);

/* Processes packet P that arrived on PORT_NO (takes ownership). */
void dp_input(struct dp *, struct pkt *p, uint32_t port_no);

/* Processes the packets of BATCH (at most PKT_BATCH_SIZE), which arrived
 * on PORT_NO, taking ownership of them; BATCH is left empty.  The packets
 * have been sent (or dropped) when it returns. */
void dp_input_batch(struct dp *, struct pkt_batch *, uint32_t port_no);

/* Executes ACTIONS on P (takes ownership), as for a packet-out. */
void dp_execute(struct dp *, struct pkt *p, const struct odp_actions *);

/* Datapath flows. */

struct dp_dump_options {
    bool verbose;              /* Also print each flow's ufid. */
};

/* Appends `dpctl/dump-flows` output: one line per flow, oldest first,
 * "KEY, packets:N, bytes:N, used:T[, flags:F], actions:A". */
void dp_format_flows(const struct dp *, const struct dp_dump_options *,
                     struct ds *);

/* Deletes every datapath flow (dpctl/del-flows), after pushing their
 * statistics. */
void dp_flows_flush(struct dp *);

/* Credits every flow's statistics not yet pushed to the OpenFlow rules,
 * MAC entries and learned flows its translation touched. */
void dp_flows_push_stats(struct dp *);

/* Returns the number of datapath flows. */
size_t dp_n_flows(const struct dp *);

/* With CACHING false, no megaflow is installed: every packet is translated
 * (the reference behaviour the caches must agree with, for tests). */
void dp_set_caching(struct dp *, bool caching);

/* With MEGAFLOWS false, an upcall installs an exact-match flow (every
 * bit of the packet's key) instead of a megaflow, as Open vSwitch's
 * upcall/disable-megaflows does; a change flushes the flows. */
void dp_set_megaflows(struct dp *, bool megaflows);

/* With CHECK true, every packet that hits a cached flow is also
 * translated afresh (without side effects) and a difference between the
 * two action lists is logged and counted: the oracle of the cache tests.
 * dp_check_mismatches() returns the count. */
void dp_set_check_cache(struct dp *, bool check);
uint64_t dp_check_mismatches(const struct dp *);

/* Sets the exact-match cache's insertion probability to 1/INV_PROB (1:
 * always, 0: never; default 100, as OVS's emc-insert-inv-prob). */
void dp_set_emc_insert_inv_prob(struct dp *, uint32_t inv_prob);

/* Sets the most datapath flows (default DP_MAX_FLOWS, 200000); at the
 * limit, packets are translated but no flow is installed. */
void dp_set_max_flows(struct dp *, size_t max_flows);

/* Sets how long (msec) a datapath flow may go unused before it is deleted
 * (default 10000, as OVS's other_config:max-idle). */
void dp_set_max_idle(struct dp *, long long int max_idle_ms);

/* Appends `ovs-dpctl show` output; with STATS, as `show -s`, each port's
 * counters too (and a vxlan device's status: endpoints, drops by
 * reason). */
void dp_format_show(const struct dp *, bool stats, struct ds *);

/* Counters shown by dpctl show. */
struct dp_stats {
    uint64_t n_hit;       /* Packets that hit a cached flow. */
    uint64_t n_missed;    /* Packets that needed an upcall. */
    uint64_t n_lost;      /* Packets dropped before an upcall. */
    uint64_t n_flows;     /* Cached flows. */
    uint64_t n_mask_hit;  /* Subtable lookups for hits. */
    uint64_t n_masks;     /* Distinct masks. */
    uint64_t n_cache_hit; /* Exact-match cache hits. */
};

void dp_get_stats(const struct dp *, struct dp_stats *);

/* Calls CB for each port in number order. */
void dp_port_for_each(const struct dp *,
                      void (*cb)(uint32_t port_no, const char *name,
                                 const char *type, struct netdev *,
                                 void *aux),
                      void *aux);

#endif /* VX_DATAPATH_DPIF_H */
