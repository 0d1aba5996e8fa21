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

/* Maximum bytes of a tunnel header template: Ethernet + IPv6 + UDP +
 * VXLAN is 70 (50 over IPv4). */
#define ODP_TNL_HDR_MAX 72

enum odp_action_type {
    ODP_ACTION_OUTPUT,      /* Output to datapath port. */
    ODP_ACTION_USERSPACE,   /* Send to userspace (controller action). */
    ODP_ACTION_SET_MASKED,  /* Set header/metadata bits: 'set.key' under
                             * 'set.mask' (a struct flow pair). */
    ODP_ACTION_SET_TUNNEL,  /* set(tunnel(...)): tunnel metadata for the
                             * next output to a tunnel port. */
    ODP_ACTION_PUSH_VLAN,   /* Push an 802.1Q/802.1ad header. */
    ODP_ACTION_POP_VLAN,    /* Pop the outer VLAN header. */
    ODP_ACTION_RECIRC,      /* Recirculate with recirc_id. */
    ODP_ACTION_CT,          /* Send through conntrack. */
    ODP_ACTION_CT_CLEAR,    /* Forget the packet's conntrack state. */
    ODP_ACTION_TNL_PUSH,    /* Prepend a tunnel header template. */
    ODP_ACTION_TNL_POP,     /* Strip the tunnel header, recirculate as
                             * input from port. */
    ODP_ACTION_CLONE,       /* Run the next n actions on a copy. */
    ODP_ACTION_DROP,        /* Explicit drop (with a reason). */
};

/* Which fields an ODP_ACTION_SET_MASKED touches, for printing in OVS's
 * set(eth(...)) / set(ipv4(...)) layout. */
enum odp_set_kind {
    ODP_SET_ETH,            /* dl_src, dl_dst: "eth(src=..,dst=..)". */
    ODP_SET_IPV4,           /* nw_src, nw_dst, nw_tos, nw_ttl. */
    ODP_SET_IPV6,           /* ipv6_src, ipv6_dst, ipv6_label, nw_tos,
                             * nw_ttl. */
    ODP_SET_TCP,            /* tp_src, tp_dst of a TCP packet. */
    ODP_SET_UDP,            /* tp_src, tp_dst of a UDP packet. */
    ODP_SET_SKB_MARK,       /* pkt_mark: "skb_mark(0x5)". */
    ODP_SET_SKB_PRIORITY,   /* skb_priority. */
};

/* Why translation ended in an explicit drop (OVS's xlate errors).  All
 * print as "drop"; parsing "drop" gives ODP_DROP_NONE. */
enum odp_drop_reason {
    ODP_DROP_NONE,          /* Empty action list. */
    ODP_DROP_RECURSION_TOO_DEEP,       /* Resubmit depth limit. */
    ODP_DROP_TOO_MANY_RESUBMITS,       /* Resubmit count limit. */
    ODP_DROP_STACK_TOO_DEEP,           /* stack_push limit. */
    ODP_DROP_NO_RECIRCULATION_CONTEXT, /* Unknown recirc_id. */
    ODP_DROP_TOO_MANY_MPLS_LABELS,     /* MPLS label limit. */
    ODP_DROP_INVALID_TUNNEL_METADATA,  /* Tunnel metadata unusable. */
    ODP_DROP_UNSUPPORTED_PACKET_TYPE,  /* Not Ethernet. */
    ODP_DROP_CONGESTION,               /* Output queue full. */
    ODP_DROP_FORWARDING_DISABLED,      /* Port forwarding disabled. */
};

/* Body of ODP_ACTION_CT, printed "ct(commit,zone=3,mark=V/M,label=V/M,
 * helper=ftp)" (just "ct" with nothing set). */
struct odp_ct {
    bool commit;            /* Commit the connection. */
    bool force;             /* Force commit (implies 'commit'); printed
                             * "force_commit". */
    uint16_t zone;          /* Conntrack zone (not printed when 0). */
    bool set_mark;          /* Set ct_mark to 'mark' under 'mark_mask'. */
    uint32_t mark, mark_mask;   /* New ct_mark bits and their mask. */
    bool set_label;         /* Set ct_label to 'label' under 'label_mask'. */
    uint64_t label[2], label_mask[2];   /* [0] = low 64 bits, as in
                                         * struct flow's ct_label. */
    uint16_t helper;        /* ALG port: 21 = ftp, 69 = tftp, 0 = none. */
};

/* Body of ODP_ACTION_SET_MASKED. */
struct odp_set {
    enum odp_set_kind kind;      /* Which attribute the fields belong to. */
    struct flow key;             /* New values (zero outside the mask). */
    struct flow_wildcards mask;  /* Bits to set. */
};

/* One datapath action. */
struct odp_action {
    enum odp_action_type type;           /* Selects the union member. */
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
            be16 tpid;                   /* 0x8100 or 0x88a8. */
            be16 tci;                    /* Including VLAN_CFI. */
        } push_vlan;                     /* PUSH_VLAN. */
        uint32_t recirc_id;              /* RECIRC. */
        struct odp_ct ct;                /* CT. */
        struct {
            uint32_t tnl_port;           /* Datapath port of the tunnel
                                          * vport ("tnl_port(N)"). */
            uint32_t out_port;           /* Datapath port to send by. */
            uint8_t header[ODP_TNL_HDR_MAX]; /* Ethernet + IPv4/IPv6 + UDP
                                              * + VXLAN header template. */
            uint8_t header_len;          /* Bytes used in 'header'. */
            uint8_t tnl_type;            /* 0 = VXLAN. */
        } tnl_push;                      /* TNL_PUSH. */
        struct {
            uint32_t n_actions;          /* Body length. */
        } clone;                         /* CLONE. */
        enum odp_drop_reason drop;       /* DROP. */
    };
};

/* A list of datapath actions. */
struct odp_actions {
    struct odp_action *a;  /* Array of 'n'. */
    size_t n;              /* Actions in use. */
    size_t allocated;      /* Capacity of 'a'. */
};

#define ODP_ACTIONS_EMPTY { NULL, 0, 0 }

/* Initialises an empty list. */
void odp_actions_init(struct odp_actions *);

/* Removes every action (freeing SET_MASKED bodies), keeping the array. */
void odp_actions_clear(struct odp_actions *);

/* Frees everything; the list is empty and reusable afterwards. */
void odp_actions_destroy(struct odp_actions *);

/* Initialises DST as a deep copy of SRC (DST is not freed first). */
void odp_actions_clone(struct odp_actions *dst, const struct odp_actions *);

/* Returns true if A and B hold the same actions with the same arguments
 * (SET_MASKED bodies compared by value). */
bool odp_actions_equal(const struct odp_actions *, const struct odp_actions *);

/* Appends an action of TYPE (zeroed, heap parts allocated for SET_MASKED)
 * and returns it. */
struct odp_action *odp_actions_put(struct odp_actions *, enum odp_action_type);

/* Appends ACTIONS in OVS's text format ("drop" when empty).  A USERSPACE
 * action prints as OVS prints a controller upcall, with 'cookie' as the
 * recirc_id: "userspace(pid=P,controller(reason=R,dont_send=0,
 * continuation=0,recirc_id=C,rule_cookie=0,controller_id=0,max_len=M))".
 * A CT action with 'force' prints "force_commit" (which implies commit). */
void odp_actions_format(const struct odp_actions *, struct ds *);

/* Parses the text odp_actions_format() produces (and OVS's other spellings
 * of the same actions: "push_vlan(vid=3,pcp=0,cfi=1)", "set(ipv4(...))"
 * with or without masks) into ACTIONS, which is cleared first.  Returns
 * NULL or an error message to free naming the bad action; on error
 * ACTIONS is left empty. */
char *odp_actions_parse(const char *s, struct odp_actions *actions)
    WARN_UNUSED;

/* Appends the datapath flow key of FLOW under MASK in OVS's text format:
 * "recirc_id(0),in_port(8),ct_state(-trk),eth(src=...,dst=...),
 *  eth_type(0x0800),ipv4(src=...,frag=no)" listing only attributes that
 * the mask touches (with /mask where partial), as `dpctl dump-flows`
 * does for the kernel datapath, in the kernel's attribute order:
 * recirc_id, dp_hash, skb_priority, tunnel, in_port, skb_mark, ct_state,
 * ct_zone, ct_mark, ct_label, eth (printed "eth()" when wildcarded),
 * VLAN nest (eth_type(0x8100),vlan(...),encap(...)), eth_type, ipv4 /
 * ipv6 / arp, tcp / udp / sctp / icmp / icmpv6, tcp_flags, nd.  FLOW's
 * in_port is ODPP_NONE when the key has no input port.
 *
 * With MASK NULL the key is printed exactly, in the form netdev-dummy/
 * receive takes: every field of the packet's attributes, with zero-valued
 * metadata (recirc_id, dp_hash, skb_priority, skb_mark, ct_*) left out. */
void odp_flow_format(const struct flow *, const struct flow_wildcards *mask,
                     struct ds *);

/* Parses a datapath flow key such as
 * "in_port(1),eth(src=..,dst=..),eth_type(0x0800),ipv4(src=..,dst=..,
 *  proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)" into FLOW (and
 * MASK when nonnull), accepting everything odp_flow_format() prints and
 * the userspace datapath's "packet_type(ns=0,id=0)".  A field given
 * without "/mask" is matched exactly; fields and attributes not given are
 * zero and wildcarded, except that FLOW's in_port is ODPP_NONE without an
 * in_port() attribute and, with MASK null, dl_type is 0x05ff (no Ethernet
 * II type) without an eth_type() attribute, as OVS fills a flow from a
 * key.  With MASK nonnull, the fields that decide which attributes a key
 * has (VLAN TCI, dl_type, nw_proto, nw_frag, tunnel addresses) are zeroed
 * where their mask is zero, so that odp_flow_format() of the result reads
 * back the same.  Returns NULL or an error message to free naming the bad
 * attribute or field; FLOW and MASK are unchanged on error. */
char *odp_flow_parse(const char *s, struct flow *flow,
                     struct flow_wildcards *mask) WARN_UNUSED;

#endif /* VX_FLOW_ODP_H */
