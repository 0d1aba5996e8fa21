/*
 * odp.h: datapath actions and datapath flow keys ("ODP" in Open vSwitch),
 * in the form the datapath executes and in the text form that
 * `ofproto/trace` ("Datapath actions: ...") and `dpctl dump-flows` print.
 *
 * Translation (ofproto/xlate) turns a packet's trip through the OpenFlow
 * tables into a short list of datapath actions; the datapath runs that list
 * for the packet and, once megaflows exist, for every later packet of the
 * megaflow.  The list is a flat array of fixed-size struct odp_action, so a
 * megaflow's actions are one allocation that is cheap to copy and to run.
 * A clone() body is the next 'clone.n_actions' actions of the same array.
 *
 * Ports here are datapath port numbers, not OpenFlow ones.
 *
 * Text format (what OVS 3.x prints), e.g.
 *   ct(commit,zone=3,mark=0x1/0xffffffff),recirc(0x2)
 *   push_vlan(vid=3,pcp=0),4
 *   set(tunnel(tun_id=0xef,src=172.16.0.31,dst=172.16.0.11,ttl=64,
 *       tp_dst=4789,flags(df|key))),pop_vlan,7
 *   drop
 *
 * Thread safety: plain data; functions are pure.
 */
#ifndef VX_FLOW_ODP_H
#define VX_FLOW_ODP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/match.h"
#include "packet/flow.h"

struct ds;

#define ODPP_NONE UINT32_MAX

/* Maximum bytes of a tunnel header template: Ethernet + IPv4 + UDP +
 * VXLAN. */
#define ODP_TNL_HDR_MAX 64

enum odp_action_type {
    ODP_ACTION_OUTPUT,      /* Output to datapath port. */
    ODP_ACTION_USERSPACE,   /* Send to userspace (controller action). */
    ODP_ACTION_SET_MASKED,  /* Set header/metadata bits: 'set.key' under
                             * 'set.mask' (a struct flow pair). */
    ODP_ACTION_SET_TUNNEL,  /* set(tunnel(...)): tunnel metadata for the
                             * next output to a tunnel port. */
    ODP_ACTION_PUSH_VLAN,
    ODP_ACTION_POP_VLAN,
    ODP_ACTION_RECIRC,      /* Recirculate with recirc_id. */
    ODP_ACTION_CT,          /* Send through conntrack. */
    ODP_ACTION_CT_CLEAR,
    ODP_ACTION_TNL_PUSH,    /* Prepend a tunnel header template. */
    ODP_ACTION_TNL_POP,     /* Strip the tunnel header, recirculate as
                             * input from port. */
    ODP_ACTION_CLONE,       /* Run the next n actions on a copy. */
    ODP_ACTION_DROP,        /* Explicit drop (with a reason). */
};

/* Which fields an ODP_ACTION_SET_MASKED touches, for printing in OVS's
 * set(eth(...)) / set(ipv4(...)) layout. */
enum odp_set_kind {
    ODP_SET_ETH,
    ODP_SET_IPV4,
    ODP_SET_IPV6,
    ODP_SET_TCP,
    ODP_SET_UDP,
    ODP_SET_SKB_MARK,
    ODP_SET_SKB_PRIORITY,
};

enum odp_drop_reason {
    ODP_DROP_NONE,          /* Empty action list. */
    ODP_DROP_RECURSION_TOO_DEEP,
    ODP_DROP_TOO_MANY_RESUBMITS,
    ODP_DROP_STACK_TOO_DEEP,
    ODP_DROP_NO_RECIRCULATION_CONTEXT,
    ODP_DROP_TOO_MANY_MPLS_LABELS,
    ODP_DROP_INVALID_TUNNEL_METADATA,
    ODP_DROP_UNSUPPORTED_PACKET_TYPE,
    ODP_DROP_CONGESTION,
    ODP_DROP_FORWARDING_DISABLED,
};

struct odp_ct {
    bool commit;
    bool force;
    uint16_t zone;
    bool set_mark;
    uint32_t mark, mark_mask;
    bool set_label;
    uint64_t label[2], label_mask[2];
    uint16_t helper;        /* ALG, 0 for none. */
};

/* Body of ODP_ACTION_SET_MASKED. */
struct odp_set {
    enum odp_set_kind kind;
    struct flow key;             /* New values (zero outside the mask). */
    struct flow_wildcards mask;  /* Bits to set. */
};

struct odp_action {
    enum odp_action_type type;
    union {
        uint32_t port;                   /* OUTPUT, TNL_POP. */
        struct {
            uint32_t pid;                /* Upcall destination. */
            uint16_t max_len;
            uint8_t reason;              /* OFPR_*. */
            uint32_t cookie;             /* Opaque for the slow path. */
        } userspace;
        struct odp_set *set;             /* SET_MASKED (heap, owned). */
        struct flow_tnl tunnel;          /* SET_TUNNEL. */
        struct {
            be16 tpid;
            be16 tci;                    /* Including VLAN_CFI. */
        } push_vlan;                     /* PUSH_VLAN. */
        uint32_t recirc_id;              /* RECIRC. */
        struct odp_ct ct;                /* CT. */
        struct {
            uint32_t out_port;           /* Datapath port to send by. */
            uint8_t header[ODP_TNL_HDR_MAX];
            uint8_t header_len;
            uint8_t tnl_type;            /* 0 = VXLAN. */
        } tnl_push;                      /* TNL_PUSH. */
        struct {
            uint32_t n_actions;          /* Body length. */
        } clone;                         /* CLONE. */
        enum odp_drop_reason drop;       /* DROP. */
    };
};

struct odp_actions {
    struct odp_action *a;  /* Array of 'n'. */
    size_t n;
    size_t allocated;
};

#define ODP_ACTIONS_EMPTY { NULL, 0, 0 }

void odp_actions_init(struct odp_actions *);
void odp_actions_clear(struct odp_actions *);
void odp_actions_destroy(struct odp_actions *);
void odp_actions_clone(struct odp_actions *dst, const struct odp_actions *);
bool odp_actions_equal(const struct odp_actions *, const struct odp_actions *);

/* Appends an action of TYPE (zeroed, heap parts allocated for SET_MASKED)
 * and returns it. */
struct odp_action *odp_actions_put(struct odp_actions *, enum odp_action_type);

/* Appends ACTIONS in OVS's text format ("drop" when empty). */
void odp_actions_format(const struct odp_actions *, struct ds *);

/* Appends the datapath flow key of FLOW under MASK in OVS's text format:
 * "recirc_id(0),in_port(8),ct_state(-trk),eth(src=...,dst=...),
 *  eth_type(0x0800),ipv4(src=...,frag=no)" listing only attributes that
 * the mask touches (with /mask where partial), as `dpctl dump-flows`
 * does.  With MASK NULL, everything is printed exactly. */
void odp_flow_format(const struct flow *, const struct flow_wildcards *mask,
                     struct ds *);

/* Parses a datapath flow key such as
 * "in_port(1),eth(src=..,dst=..),eth_type(0x0800),ipv4(src=..,dst=..,
 *  proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)" into FLOW (and
 * MASK when nonnull).  Returns NULL or an error message to free naming the
 * bad attribute. */
char *odp_flow_parse(const char *s, struct flow *flow,
                     struct flow_wildcards *mask) WARN_UNUSED;

#endif /* VX_FLOW_ODP_H */
