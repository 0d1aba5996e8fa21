/*
 * ofproto.h: OpenFlow switches ("bridges"): their ports, their 255 flow
 * tables, flow-mod processing, statistics and timeouts, as Open vSwitch's
 * ofproto layer does for ofproto-dpif.
 *
 * An ofproto holds the OpenFlow view of one bridge.  Packets do not pass
 * through it directly: the datapath (a layer above, see DESIGN.md) hands
 * each packet it has no cached answer for to xlate (xlate.h), which walks
 * the bridge's tables and returns datapath actions.  ofproto keeps the
 * state that translation reads (rules, ports, MAC learning) and the state it
 * updates (rule statistics, learned flows, MAC entries).
 *
 * Ports.  Every port has an OpenFlow port number in its bridge, chosen as
 * OVS chooses it (the requested number if free, else the lowest free number
 * from 1; the bridge's own internal port is OFPP_LOCAL) and, unless it is a
 * patch port, a datapath port number assigned by the datapath, which is
 * shared by all bridges.  All tunnel ports share the datapath's tunnel port
 * (vxlan_sys_4789); a packet received there is mapped back to its OpenFlow
 * tunnel port by the tunnel's remote/local IP and key (ofproto_tunnel_
 * receive()).  Patch ports join two bridges within one translation.
 *
 * Flow tables.  Each table is a classifier.  Flow mods follow OpenFlow 1.0
 * with Nicira extensions as ovs-ofctl drives them: add (replacing a rule
 * with the same match and priority), modify and delete, loose or strict,
 * with cookie masks and out_port filters.  A batch of flow mods
 * (ofproto_flow_mods()) is all-or-nothing: it is staged in a new classifier
 * version and published at once, or rolled back on the first error.
 *
 * Every change that could alter the result of a translation bumps
 * ofproto_seq(), which caches above use to revalidate.
 *
 * Thread safety: ofproto is used from the main thread only.
 */
#ifndef VX_OFPROTO_OFPROTO_H
#define VX_OFPROTO_OFPROTO_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow/ofp-parse.h"
#include "flow/port-map.h"
#include "packet/packets.h"

struct ds;
struct ofproto;
struct ofport;

#define OFP_N_TABLES 255

/* How a bridge behaves without a controller (ovs-vsctl set-fail-mode). */
enum ofproto_fail_mode {
    OFPROTO_FAIL_STANDALONE,  /* Default: a priority-0 NORMAL flow. */
    OFPROTO_FAIL_SECURE,      /* Only the flows the user installs. */
};

/* VLAN modes of a port, as the Port table's vlan_mode column. */
enum ofport_vlan_mode {
    PORT_VLAN_TRUNK,           /* Carries tagged VLANs in 'trunks'. */
    PORT_VLAN_ACCESS,          /* Untagged, in VLAN 'tag'. */
    PORT_VLAN_NATIVE_TAGGED,
    PORT_VLAN_NATIVE_UNTAGGED,
};

/* Tunnel configuration of a tunnel port (Interface options). */
struct ofproto_tunnel {
    be32 remote_ip;            /* options:remote_ip (0 = "flow"). */
    be32 local_ip;             /* options:local_ip (0 = any). */
    bool in_key_flow;          /* options:in_key=flow. */
    be64 in_key;               /* Fixed in_key otherwise. */
    bool out_key_flow;         /* options:out_key=flow. */
    be64 out_key;              /* Fixed out_key otherwise. */
    uint16_t dst_port;         /* UDP port, 4789 by default. */
    uint8_t ttl;               /* 64 by default; 0 = inherit. */
    bool df_default;           /* Set DF on the outer header. */
    bool csum;                 /* UDP checksum on the outer header. */
    bool set_egress_pkt_mark;  /* options:egress_pkt_mark given. */
    uint32_t egress_pkt_mark;  /* Its value. */
};

/* Everything needed to add or reconfigure a port. */
struct ofproto_port_spec {
    const char *name;          /* Port (and interface) name. */
    const char *type;          /* "", "system", "internal", "tap", "dummy",
                                * "patch", "vxlan". */
    uint32_t ofp_request;      /* Requested OpenFlow port, 0 for none. */
    uint32_t odp_port;         /* Datapath port, ODPP_NONE for patch. */
    const char *peer;          /* Patch peer interface name, or NULL. */
    enum ofport_vlan_mode vlan_mode;
    int tag;                   /* Access VLAN (or native), -1 if none. */
    const unsigned long *trunks; /* 4096-bit bitmap of trunked VLANs, NULL
                                  * for "all". */
    struct eth_addr mac;       /* Interface MAC (zero: derive one). */
    const struct ofproto_tunnel *tunnel; /* For vxlan ports. */
};

/* Bridges. */

/* Creates bridge NAME (which must not exist).  Returns it. */
struct ofproto *ofproto_create(const char *name);
void ofproto_destroy(struct ofproto *);

/* Returns the bridge called NAME, or NULL. */
struct ofproto *ofproto_lookup(const char *name);

/* Calls CB for each bridge, in name order. */
void ofproto_for_each(void (*cb)(struct ofproto *, void *aux), void *aux);

const char *ofproto_name(const struct ofproto *);
uint64_t ofproto_datapath_id(const struct ofproto *);
void ofproto_set_datapath_id(struct ofproto *, uint64_t dpid);

/* Sets the fail mode, adding or removing the hidden-looking default
 * "priority=0 actions=NORMAL" flow of a standalone bridge (OVS adds that
 * flow as an ordinary table-0 rule, shown by dump-flows). */
void ofproto_set_fail_mode(struct ofproto *, enum ofproto_fail_mode);
enum ofproto_fail_mode ofproto_get_fail_mode(const struct ofproto *);

/* MAC learning settings (other_config:mac-aging-time, mac-table-size). */
void ofproto_set_mac_learning(struct ofproto *, unsigned int idle_secs,
                              size_t max_entries);

/* A sequence number that changes whenever anything a translation read in
 * any bridge may have changed (flows, ports, MAC entries, learned flows).
 * Global across bridges because patch ports join them. */
uint64_t ofproto_seq(void);

/* Statistics held back by a flow cache.  The datapath's flow caches count
 * packets per megaflow and credit them to the OpenFlow rules (and refresh
 * MAC entries and learned flows) later.  CB(AUX) must credit everything
 * counted so far; ofproto calls it before it reads or acts on statistics:
 * flow dumps, aggregates, idle-timeout expiry, fdb/show, dump-ports.  One
 * hook; NULL removes it. */
void ofproto_set_stats_hook(void (*cb)(void *aux), void *aux);

/* Calls the statistics hook, if any. */
void ofproto_push_stats(void);
void ofproto_seq_change(void);

/* Ports. */

/* Adds a port per SPEC.  Stores its OpenFlow number in *OFP_PORTP.
 * Returns 0, or EEXIST (name in use), EBUSY (requested number taken by
 * another port, when strictly requested), EINVAL (bad spec).  A port named
 * like the bridge gets OFPP_LOCAL. */
int ofproto_port_add(struct ofproto *, const struct ofproto_port_spec *,
                     uint32_t *ofp_portp);

/* Updates VLAN, peer, MAC and tunnel settings of the existing port named
 * SPEC->name without renumbering it.  Returns 0 or ENODEV. */
int ofproto_port_reconfigure(struct ofproto *,
                             const struct ofproto_port_spec *);

/* Removes the port.  Returns 0 or ENODEV.  Rules that output to it stay,
 * as in OVS. */
int ofproto_port_del(struct ofproto *, uint32_t ofp_port);

struct ofport *ofproto_port_by_name(const struct ofproto *, const char *);
struct ofport *ofproto_port_by_number(const struct ofproto *, uint32_t);

/* Stores in *PORTSP a new array of the bridge's ports sorted by OpenFlow
 * port number (LOCAL last); returns how many.  The caller frees the array
 * (not the ports). */
size_t ofproto_ports(const struct ofproto *, struct ofport ***portsp);

/* Fills MAP with this bridge's port names and numbers. */
void ofproto_port_map_build(const struct ofproto *, struct ofp_port_map *);

/* Returns the bridge's port map (kept current). */
const struct ofp_port_map *ofproto_port_map(const struct ofproto *);

/* Looks up the port with datapath number ODP_PORT in any bridge. */
struct ofport *ofproto_port_by_odp(uint32_t odp_port);

/* Finds the OpenFlow tunnel port for a packet received on the datapath's
 * tunnel port with tunnel metadata TNL (remote = tnl->ip_src, local =
 * tnl->ip_dst, key = tnl->tun_id).  Returns NULL when no tunnel port
 * matches ("no OpenFlow tunnel port for this packet"). */
struct ofport *ofproto_tunnel_receive(const struct flow_tnl *tnl);

uint32_t ofport_ofp_port(const struct ofport *);
uint32_t ofport_odp_port(const struct ofport *);
const char *ofport_name(const struct ofport *);
const char *ofport_type(const struct ofport *);
struct ofproto *ofport_ofproto(const struct ofport *);

/* Per-port counters kept by ofproto for ports without a datapath device of
 * their own (patch and tunnel ports); the datapath counts the others. */
struct ofport_stats {
    uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
    uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};
struct ofport_stats *ofport_stats(struct ofport *);

/* OpenFlow port config and state bits, as `ovs-ofctl show` prints them. */
#define OFPPC_PORT_DOWN (1 << 0)
#define OFPPC_NO_FLOOD (1 << 4)
#define OFPPS_LINK_DOWN (1 << 0)

/* Sets PORT's config and state bits and MAC (from its device). */
void ofport_set_status(struct ofport *, uint32_t config, uint32_t state,
                       struct eth_addr mac);

/* Flow tables. */

/* Applies one flow mod.  Returns NULL, or an error message to free, in
 * the words ovs-ofctl prints for the OpenFlow error (e.g. "OFPBRC_BAD_
 * TABLE_ID"-style reasons written out). */
char *ofproto_flow_mod(struct ofproto *, struct ofp_flow_mod *) WARN_UNUSED;

/* Applies N flow mods atomically: all or none.  On error returns a message
 * naming the index (1-based) of the failing flow mod. */
char *ofproto_flow_mods(struct ofproto *, struct ofp_flow_mod *, size_t n)
    WARN_UNUSED;

/* Bulk flow mods without holding them all in memory.  A batch applies flow
 * mods one at a time to a staged version of the bridge's tables, invisible
 * to lookups until ofproto_flow_batch_commit() publishes all of them at
 * once; ofproto_flow_batch_abort() undoes them instead.  The caller may
 * free each flow mod as soon as ofproto_flow_batch_add() returns, so
 * `add-flows` of a large file needs memory for the file and the new rules
 * only.  Nothing else may change the bridge's flows while a batch is open
 * (the daemon runs a batch within one control request).
 *
 * A REPLACE batch makes the tables hold exactly the batch's flows, as
 * `ovs-ofctl replace-flows` does: it takes only ADD flow mods; an ADD that
 * repeats a published flow unchanged (same table, match, priority, cookie,
 * timeouts, importance, flags and actions) leaves that flow alone,
 * counters and age included; any other ADD adds or replaces as usual;
 * and commit deletes every published flow that no ADD of the batch named.
 */
struct ofproto_flow_batch;

/* Starts a batch on OFPROTO.  Returns it; it must be committed or
 * aborted. */
struct ofproto_flow_batch *ofproto_flow_batch_begin(struct ofproto *,
                                                    bool replace);

/* Applies FM (not kept) to the staged version.  Returns NULL, or an error
 * message to free, as ofproto_flow_mod() does; the failed flow mod changed
 * nothing, and the caller usually aborts the batch. */
char *ofproto_flow_batch_add(struct ofproto_flow_batch *,
                             const struct ofp_flow_mod *) WARN_UNUSED;

/* Publishes the batch's changes and frees the batch. */
void ofproto_flow_batch_commit(struct ofproto_flow_batch *);

/* Undoes the batch's changes and frees the batch. */
void ofproto_flow_batch_abort(struct ofproto_flow_batch *);

/* Filters and options for dumping flows. */
struct ofproto_dump_options {
    const struct match *match;  /* Loose filter (NULL: all). */
    uint8_t table_id;           /* OFPTT_ALL for all tables. */
    uint64_t cookie, cookie_mask;
    uint32_t out_port;          /* OFPP_ANY for any. */
    bool show_stats;            /* False for --no-stats. */
    bool names;                 /* Show port names. */
    int sort;                   /* 0 none, 1 --sort, -1 --rsort. */
    const char *sort_field;     /* Field to sort by, NULL = priority. */
    bool nxst;                  /* Raw NXST_FLOW reply layout, as ovs-ofctl
                                 * prints it without --names: a header
                                 * line and idle_age/hard_age. */
    bool filtered;              /* The request had a flow filter (the
                                 * header's xid is then 0x8, not 0x4). */
};

/* Appends one line per flow in dump-flows format. */
void ofproto_dump_flows(struct ofproto *, const struct ofproto_dump_options *,
                        struct ds *);

/* Totals over the flows a dump with the same filter would show. */
struct ofproto_aggregate {
    uint64_t packet_count;
    uint64_t byte_count;
    uint64_t flow_count;
};

void ofproto_aggregate(struct ofproto *, const struct match *,
                       uint8_t table_id, uint64_t cookie,
                       uint64_t cookie_mask, uint32_t out_port,
                       struct ofproto_aggregate *);

/* Number of rules in all tables. */
size_t ofproto_n_flows(const struct ofproto *);

/* Memory of the flow tables of every bridge, for memory/show. */
struct ofproto_memory {
    size_t n_rules;      /* Rules in all tables of all bridges. */
    size_t rule_bytes;   /* The rules themselves: struct rule (which holds
                          * the match), their actions (ofpacts_memory())
                          * and conjunction clauses. */
    size_t table_bytes;  /* The classifiers' structures over them
                          * (classifier_memory()). */
};

/* Fills *MEM by walking every rule of every bridge (a few milliseconds for
 * 100,000 rules).  Each heap block counts as vx_malloc_footprint() of its
 * size: what glibc's allocator takes for it, header and rounding
 * included. */
void ofproto_get_memory(struct ofproto_memory *mem);

/* Runs periodic work: flow expiry, MAC ageing, and freeing a bounded
 * number of the rules that flow mods removed (they are freed after the
 * flow mod returns, as OVS defers them to RCU).  NOW is time_msec(). */
void ofproto_run(struct ofproto *, long long int now);

/* Earliest time ofproto_run() may have work to do (0 when it has some
 * now), or LLONG_MAX. */
long long int ofproto_next_wake(const struct ofproto *);

/* Appends `ovs-ofctl show` output for the bridge. */
void ofproto_format_show(struct ofproto *, struct ds *);

#endif /* VX_OFPROTO_OFPROTO_H */
