/*
 * xlate.h: flow translation, the heart of the slow path (Open vSwitch's
 * ofproto-dpif-xlate).
 *
 * xlate_actions() takes a packet's flow as it arrived at a bridge and walks
 * it through the OpenFlow tables: lookups, resubmits, NORMAL with MAC
 * learning and VLAN handling, patch ports into other bridges, learn,
 * header modifications, ct() with recirculation, output to ports and
 * tunnels.  The result is
 *   - a list of datapath actions (odp.h) that does to the packet what the
 *     tables say, with header changes committed lazily just before each
 *     output, ct or recirculation, as OVS's commit_odp_actions() does;
 *   - the megaflow mask: every bit of the flow that the translation looked
 *     at (classifier lookups, NORMAL's addresses, fields read by actions),
 *     so that any packet equal on those bits translates the same way.
 *
 * Side effects (learned flows, MAC learning, rule statistics) happen only
 * when xin->allow_side_effects is set (a real packet, or trace -generate);
 * they are also recorded in an optional xlate cache so that a datapath
 * flow cache can replay them for later packets without translating again
 * (xlate_cache_push()).
 *
 * Tracing: when xin->trace is nonnull, translation appends a tree of
 * struct oftrace_node describing each bridge, table and action, which
 * trace.c prints in the layout of `ovs-appctl ofproto/trace`.
 *
 * Thread safety: main thread only (it reads ofproto state).
 */
#ifndef VX_OFPROTO_XLATE_H
#define VX_OFPROTO_XLATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow/match.h"
#include "flow/odp.h"
#include "flow/ofp-actions.h"
#include "lib/list.h"
#include "packet/flow.h"

struct ofproto;
struct xlate_cache;

enum xlate_error {
    XLATE_OK,
    XLATE_BRIDGE_NOT_FOUND,
    XLATE_RECURSION_TOO_DEEP,
    XLATE_TOO_MANY_RESUBMITS,
    XLATE_STACK_TOO_DEEP,
    XLATE_NO_RECIRCULATION_CONTEXT,
    XLATE_RECIRCULATION_CONFLICT,
    XLATE_TOO_MANY_MPLS_LABELS,
    XLATE_INVALID_TUNNEL_METADATA,
    XLATE_UNSUPPORTED_PACKET_TYPE,
};

const char *xlate_strerror(enum xlate_error);

/* Trace node types, as OVS's ofproto-dpif-trace.h. */
enum oftrace_node_type {
    OFT_BRIDGE,   /* A bridge:  bridge("br-int") + underline. */
    OFT_TABLE,    /* A table and the rule matched. */
    OFT_THAW,     /* Thawing a frozen state. */
    OFT_ACTION,   /* An action. */
    OFT_DETAIL,   /* " -> " explanation. */
    OFT_WARN,     /* " >> " warning. */
    OFT_ERROR,    /* " >>>> ... <<<<" error. */
};

struct oftrace_node {
    struct ovs_list node;        /* In parent's 'subs'. */
    enum oftrace_node_type type;
    char *text;
    struct ovs_list subs;        /* Children. */
};

/* A recirculation that tracing should follow after this pass. */
struct oftrace_recirc_node {
    struct ovs_list node;        /* In the recirc queue. */
    uint32_t recirc_id;
    struct flow flow;            /* Flow to resume with (recirc_id set). */
    bool conntrack;              /* Caused by ct(): choose a ct_state. */
};

void oftrace_node_list_destroy(struct ovs_list *);

struct xlate_in {
    struct ofproto *ofproto;     /* Bridge the packet arrived at.  Ignored
                                  * when flow.recirc_id names a frozen
                                  * state (its bridge is used). */
    struct flow flow;            /* The packet's flow; in_port is the
                                  * OpenFlow port in 'ofproto'. */
    const struct ofpacts *ofpacts; /* Translate these instead of looking
                                    * up table 0, or NULL. */
    bool allow_side_effects;     /* Learn, MAC learning, stats. */
    uint64_t n_packets;          /* Stats to credit to every rule hit when
                                  * side effects are allowed. */
    uint64_t n_bytes;
    struct xlate_cache *xcache;  /* Record side effects here, or NULL. */
    struct ovs_list *trace;      /* Append trace nodes here, or NULL. */
    struct ovs_list *recirc_queue; /* Tracing: recirculations to follow. */
};

struct xlate_out {
    struct odp_actions odp_actions; /* Datapath actions. */
    struct flow_wildcards wc;       /* Megaflow mask. */
    struct flow final_flow;         /* The flow after translation. */
    enum xlate_error error;
    uint32_t *recirc_ids;           /* Recirculation ids referenced (one
                                     * reference each, dropped by
                                     * xlate_out_uninit()). */
    size_t n_recirc_ids;
    bool avoid_caching;             /* Result depends on side effects. */
};

/* Initialises XIN for a packet FLOW arriving at OFPROTO. */
void xlate_in_init(struct xlate_in *, struct ofproto *,
                   const struct flow *flow);

/* Translates.  XOUT must be uninitialised; free it with
 * xlate_out_uninit().  On error the actions are empty (drop). */
enum xlate_error xlate_actions(struct xlate_in *, struct xlate_out *);

void xlate_out_uninit(struct xlate_out *);

/* An xlate cache: what a translation did that later packets of the same
 * megaflow must also do (credit rule stats, refresh MAC entries and
 * learned flows, count patch-port traffic). */
struct xlate_cache *xlate_cache_new(void);
void xlate_cache_delete(struct xlate_cache *);

/* Replays the cache for N_PACKETS packets of N_BYTES bytes at NOW. */
void xlate_cache_push(struct xlate_cache *, uint64_t n_packets,
                      uint64_t n_bytes, long long int now);

/* Maps a datapath-level flow (in_port = datapath port, tunnel metadata
 * from the wire) to the bridge and OpenFlow in_port it arrived on.  For
 * the tunnel datapath port, finds the OpenFlow tunnel port.  Returns the
 * bridge and rewrites FLOW->in_port, or NULL with *ERRORP set to a
 * reason for the drop counter ("no OpenFlow port for datapath port N",
 * "no OpenFlow tunnel port for this packet"). */
struct ofproto *xlate_lookup_ofproto(struct flow *flow,
                                     uint32_t tunnel_odp_port,
                                     const char **errorp);

#endif /* VX_OFPROTO_XLATE_H */
