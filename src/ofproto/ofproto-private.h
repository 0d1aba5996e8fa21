/*
 * ofproto-private.h: the bodies of struct ofproto, struct ofport and
 * struct rule, shared by the ofproto layer's modules (ofproto.c, xlate.c,
 * learn, trace, commands) and its tests.  Nothing outside src/ofproto and
 * tests includes this file.
 */
#ifndef VX_OFPROTO_OFPROTO_PRIVATE_H
#define VX_OFPROTO_OFPROTO_PRIVATE_H 1

#include "classifier/classifier.h"
#include "flow/ofp-actions.h"
#include "flow/port-map.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "ofproto/mac-learning.h"
#include "ofproto/ofproto.h"

/* One OpenFlow table. */
struct oftable {
    struct classifier cls;      /* Rules, as struct rule 'cr'. */
    uint64_t n_lookups;         /* Lookups made in this table. */
    uint64_t n_matched;         /* Lookups that found a rule. */
};

/* A flow table entry. */
struct rule {
    struct cls_rule cr;         /* In its table's classifier. */
    struct ofproto *ofproto;    /* Owning bridge. */
    uint8_t table_id;           /* Table it is in. */
    uint64_t flow_cookie;       /* Cookie (host order). */
    uint16_t idle_timeout;      /* Seconds of inactivity before expiry. */
    uint16_t hard_timeout;      /* Seconds after (re)installation. */
    uint16_t importance;        /* Eviction importance (kept, shown). */
    uint16_t flags;             /* OFPFF_*. */
    long long int created;      /* Monotonic ms when added. */
    long long int modified;     /* Monotonic ms of the last add/modify
                                 * (hard_timeout counts from here). */
    long long int used;         /* Monotonic ms of the last packet. */
    uint64_t packet_count;      /* Packets that hit this rule. */
    uint64_t byte_count;        /* Bytes that hit this rule. */
    struct ofpacts ofpacts;     /* Actions (owned). */
    struct ovs_list expirable;  /* In ofproto 'expirable' if it has a
                                 * timeout, else self-linked. */
    int ref_count;              /* References: 1 while in a table, plus
                                 * caches holding it. */
    bool removed;               /* Out of its table (awaiting refs). */
};

/* A port of a bridge. */
struct ofport {
    struct hmap_node hmap_node;  /* In ofproto 'ports' by ofp_port. */
    struct hmap_node name_node;  /* In ofproto 'ports_by_name'. */
    struct hmap_node odp_node;   /* In global map by odp_port, if any. */
    struct ofproto *ofproto;     /* Owning bridge. */
    uint32_t ofp_port;           /* OpenFlow port number. */
    uint32_t odp_port;           /* Datapath port, ODPP_NONE if none. */
    char *name;                  /* Port and interface name. */
    char *type;                  /* Interface type. */
    struct eth_addr mac;         /* Interface MAC. */
    char *peer;                  /* Patch peer name, or NULL. */
    bool is_tunnel;              /* A vxlan port. */
    struct ofproto_tunnel tnl;   /* Tunnel settings if 'is_tunnel'. */
    enum ofport_vlan_mode vlan_mode;
    int tag;                     /* Access/native VLAN, -1 if none. */
    unsigned long *trunks;       /* Trunked VLANs bitmap, NULL = all. */
    struct ofport_stats stats;   /* Counters for patch/tunnel ports. */
    uint32_t config;             /* OFPPC_* bits (PORT_DOWN...). */
    uint32_t state;              /* OFPPS_* bits (LINK_DOWN...). */
    long long int created;       /* Monotonic ms when added. */
    uint64_t seq;                /* Order of addition to the bridge. */
};

struct ofproto {
    struct hmap_node hmap_node;  /* In the global map by name. */
    char *name;                  /* Bridge name. */
    uint64_t datapath_id;        /* OpenFlow datapath id. */
    struct hmap ports;           /* struct ofport by ofp_port. */
    struct hmap ports_by_name;   /* struct ofport by name. */
    struct ofp_port_map port_map; /* Names <-> numbers, kept current. */
    struct oftable tables[OFP_N_TABLES];
    cls_version_t tables_version; /* Version lookups use. */
    struct ovs_list expirable;   /* Rules with timeouts. */
    long long int next_expiry;   /* No rule of 'expirable' expires before
                                  * this time (LLONG_MAX: none can), so
                                  * ofproto_run() walks them only then. */
    struct mac_learning ml;      /* NORMAL's MAC table. */
    enum ofproto_fail_mode fail_mode;
    uint64_t n_rules;            /* Rules in all tables. */
    uint64_t next_port_seq;      /* For struct ofport 'seq'. */
};

/* Takes a reference on RULE. */
void rule_ref(struct rule *);

/* Drops a reference; frees RULE when the last one goes. */
void rule_unref(struct rule *);

/* Credits N_PACKETS and N_BYTES to RULE, used at NOW. */
void rule_credit_stats(struct rule *, uint64_t n_packets, uint64_t n_bytes,
                       long long int now);

/* Looks up the highest-priority rule for FLOW in TABLE_ID of OFPROTO,
 * un-wildcarding WC.  Counts the lookup.  Returns NULL on a miss. */
struct rule *ofproto_rule_lookup(struct ofproto *, uint8_t table_id,
                                 const struct flow *,
                                 struct flow_wildcards *wc);

/* Returns the bridge's port called NAME in any bridge (patch peers). */
struct ofport *ofproto_find_port_anywhere(const char *name);

/* Returns true if PORT's VLAN configuration includes VLAN. */
bool ofport_includes_vlan(const struct ofport *, uint16_t vlan);

/* Applies a flow mod generated by a learn action (an ADD that refreshes an
 * identical learned rule instead of replacing it).  Returns NULL or an
 * error. */
char *ofproto_flow_mod_learn(struct ofproto *, struct ofp_flow_mod *)
    WARN_UNUSED;

#endif /* VX_OFPROTO_OFPROTO_PRIVATE_H */
