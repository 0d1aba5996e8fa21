/*
 * dpif-private.h: the datapath's internals, shared by dpif.c (ports and
 * the packet path) and dp-flow.c (the datapath flow table: megaflow
 * installation, statistics, revalidation, dumps).  Nothing outside
 * src/datapath includes it.
 */
#ifndef VX_DATAPATH_DPIF_PRIVATE_H
#define VX_DATAPATH_DPIF_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "datapath/dpcls.h"
#include "datapath/dpif.h"
#include "datapath/emc.h"
#include "flow/odp.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/uuid.h"
#include "packet/pkt.h"

struct conntrack;
struct xlate_cache;

struct dp_port {
    struct hmap_node node;     /* In struct dp 'ports' by number. */
    uint32_t port_no;          /* Datapath port number. */
    char *name;                /* Device name. */
    char *type;                /* Port type as configured. */
    struct netdev *netdev;     /* The device. */
    bool is_vxlan;             /* 'netdev' is a vxlan device (and the
                                * datapath checks the path MTU of what it
                                * sends there). */
    struct netdev_rxq *rxq;    /* Its receive queue, or NULL. */
    struct pkt_batch txq;      /* Packets waiting to be sent. */
    struct ovs_list tx_node;   /* In struct dp 'tx_pending' while 'txq'
                                * holds packets. */
};

/* Statistics of one datapath flow, as dpctl dump-flows prints them. */
struct dp_flow_stats {
    uint64_t n_packets;        /* Packets that matched. */
    uint64_t n_bytes;          /* Their bytes. */
    long long int used;        /* Time of the last match (msec), or 0. */
    uint16_t tcp_flags;        /* TCP flags seen (host order). */
};

/* A datapath flow (megaflow): a key under a mask and the datapath actions
 * that translation gave for it. */
struct dp_flow {
    struct dpcls_rule cr;      /* In the megaflow classifier; holds the
                                * masked key and the mask. */
    struct hmap_node node;     /* In struct dp 'flows', by ufid hash. */
    struct uuid ufid;          /* Identifier (dpctl dump-flows -m). */
    struct odp_actions actions; /* What to do with matching packets. */
    struct xlate_cache *xcache; /* Side effects to replay with stats. */
    uint32_t *recirc_ids;      /* Recirculation ids the actions use (one
                                * reference each). */
    size_t n_recirc_ids;       /* Number of 'recirc_ids'. */
    struct dp_flow_stats stats; /* Counted by the packet path. */
    uint64_t pushed_packets;   /* Part of 'stats' already credited to the */
    uint64_t pushed_bytes;     /* OpenFlow rules through 'xcache'. */
    uint64_t seq;              /* Installation order (dumps go oldest
                                * first). */
    long long int created;     /* Installation time (msec), the idle
                                * clock's start for a flow never hit. */
    struct flow_batch *batch;  /* The packet path's batch for this flow
                                * while it groups one input batch's
                                * packets, otherwise NULL. */
};

/* Most datapath flows, as Open vSwitch's default flow-limit. */
#define DP_MAX_FLOWS 200000

/* Ports numbered below this are also found by array index, the packet
 * path's lookup. */
#define DP_PORT_ARRAY_SIZE 1024

struct dp {
    struct hmap ports;         /* struct dp_port by port_no. */
    struct dp_port *port_array[DP_PORT_ARRAY_SIZE]; /* Ports by number. */
    struct conntrack *ct;      /* Connection tracker behind ct(). */
    uint32_t tunnel_port;      /* vxlan_sys_4789 port, or ODPP_NONE. */
    struct dp_stats stats;     /* Counters for dpctl show. */
    long long int next_ct_run; /* When to run conntrack expiry next. */
    struct ovs_list tx_pending; /* struct dp_port with queued packets. */

    /* The flow caches. */
    struct hmap flows;         /* struct dp_flow by ufid hash. */
    struct dpcls cls;          /* Megaflow classifier over 'flows'. */
    struct emc emc;            /* Exact-match cache in front of 'cls'. */
    size_t max_flows;          /* Flow limit (DP_MAX_FLOWS by default). */
    uint64_t next_flow_seq;    /* 'seq' of the next flow installed. */
    long long int max_idle;    /* Idle time (msec) after which a flow is
                                * deleted. */
    uint64_t flows_seq;        /* ofproto_seq() the flows were last
                                * revalidated against. */
    long long int next_push;   /* When to push flow stats next. */
    bool caching;              /* Install megaflows (false: translate
                                * every packet, for testing). */
    bool megaflows;            /* Install megaflows (false: exact-match
                                * flows, as OVS's upcall/disable-megaflows
                                * does). */
    bool check_cache;          /* Check every cache hit against a fresh
                                * translation (tests). */
    uint64_t n_check_mismatch; /* Hits whose flow's actions differed from
                                * the fresh translation's. */
};

/* Interval between periodic pushes of flow statistics to the OpenFlow
 * rules and sweeps for idle flows (Open vSwitch's revalidators run every
 * 500 ms). */
#define DP_PUSH_INTERVAL_MS 500

/* A datapath flow unused for this long is deleted (Open vSwitch's
 * other_config:max-idle default). */
#define DP_MAX_IDLE_MS 10000

/* dp-flow.c. */
void dp_flows_init(struct dp *);
void dp_flows_destroy(struct dp *);
struct dp_flow *dp_flow_install(struct dp *, const struct flow *key,
                                const struct flow_wildcards *mask,
                                const struct odp_actions *,
                                struct xlate_cache *,
                                uint32_t *recirc_ids, size_t n_recirc_ids);
void dp_megaflow_mask(const struct dp *, struct flow_wildcards *,
                      const struct flow *key);
void dp_flows_revalidate(struct dp *);
void dp_flows_sweep(struct dp *, long long int now);
void dp_flow_check_hit(struct dp *, const struct flow *key,
                       const struct dp_flow *);

static inline struct dp_flow *
dp_flow_from_rule(const struct dpcls_rule *rule)
{
    return CONTAINER_OF(rule, struct dp_flow, cr);
}

#endif /* VX_DATAPATH_DPIF_PRIVATE_H */
