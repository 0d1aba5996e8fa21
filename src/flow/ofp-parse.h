/*
 * ofp-parse.h: ovs-ofctl's flow text: flow-mod strings ("table=71,
 * priority=95,arp,reg5=0x4,in_port=tap1,dl_src=...,arp_spa=... actions=
 * resubmit(,94)"), the lines of dump-flows output (which are valid input:
 * duration, n_packets, n_bytes, idle_age and hard_age are ignored), and
 * exact flows for ofproto/trace.
 *
 * Errors are returned as malloc'd strings in the words ovs-ofctl uses
 * (e.g. "unknown keyword foo", "invalid IP address", "field in_port
 * missing value"), naming the bad token; nothing is changed on error.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_FLOW_OFP_PARSE_H
#define VX_FLOW_OFP_PARSE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow/match.h"
#include "flow/ofp-actions.h"

struct ds;
struct ofp_port_map;

enum ofp_flow_mod_command {
    OFPFC_ADD,
    OFPFC_MODIFY,
    OFPFC_MODIFY_STRICT,
    OFPFC_DELETE,
    OFPFC_DELETE_STRICT,
};

/* Flow-mod flags. */
#define OFPFF_SEND_FLOW_REM (1 << 0)
#define OFPFF_CHECK_OVERLAP (1 << 1)
#define OFPFF_RESET_COUNTS (1 << 2)
#define OFPFF_NO_PKT_COUNTS (1 << 3)
#define OFPFF_NO_BYT_COUNTS (1 << 4)

#define OFP_DEFAULT_PRIORITY 0x8000
#define OFPTT_ALL 0xff         /* "All tables" for delete/modify/dump. */

struct ofp_flow_mod {
    enum ofp_flow_mod_command command;
    struct match match;
    int priority;              /* 0..65535. */
    uint64_t cookie;           /* For ADD: the new flow's cookie. */
    uint64_t cookie_mask;      /* For MODIFY/DELETE: cookie=V/M filter;
                                * 0 means "any cookie". */
    uint64_t new_cookie;       /* For MODIFY: cookie to set, or
                                * UINT64_MAX to keep. */
    bool modify_cookie;        /* MODIFY given "cookie=V" without mask. */
    uint8_t table_id;          /* Table, or OFPTT_ALL (0 for ADD). */
    bool table_given;          /* "table=" appeared. */
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t importance;
    uint16_t flags;            /* OFPFF_*. */
    uint32_t out_port;         /* DELETE filter, OFPP_ANY if none. */
    struct ofpacts ofpacts;    /* Owned; empty for DELETE. */
    bool has_actions;          /* "actions=" appeared. */
};

#define OFPP_ANY OFPP_NONE

/* Parses S as a flow for COMMAND, as `ovs-ofctl add-flow/mod-flows/
 * del-flows` do.  Fields of dump-flows output (duration=, n_packets=,
 * n_bytes=, idle_age=, hard_age=) are accepted and ignored, so a whole
 * dump-flows line is valid input.  Keywords per command are OVS's: ADD
 * and MODIFY need "actions=" (everything after the first "action...=");
 * timeouts, flags and priority go with ADD/MODIFY (priority also with
 * DELETE_STRICT, importance with ADD only); out_port with DELETE; a
 * cookie with "/MASK" is a MODIFY/DELETE filter, without a mask it sets
 * the cookie (ADD, MODIFY).  An ADD with no table (or table=255) goes to
 * table 0.  The match is finished as it reaches a switch from ovs-ofctl
 * (see ofp_parse_match()).  Errors are worded as ovs-ofctl's.  On success
 * returns NULL and fills FM (free with ofp_flow_mod_uninit()); on error
 * returns a message to free and leaves FM untouched.  S longer than 64 kB
 * is refused. */
char *ofp_parse_flow_mod(struct ofp_flow_mod *fm, const char *s,
                         const struct ofp_port_map *,
                         enum ofp_flow_mod_command command) WARN_UNUSED;

void ofp_flow_mod_uninit(struct ofp_flow_mod *);

/* Parses S as a match only ("in_port=1,icmp,nw_src=10.0.0.1"), plus an
 * optional "priority=N" stored in *PRIORITY (OFP_DEFAULT_PRIORITY when
 * absent; PRIORITY may be null).  The match is finished as a flow-mod's
 * is (fields with unmet prerequisites dropped).  Returns NULL or an error
 * to free; MATCH and *PRIORITY are unchanged on error.  For a dump-flows
 * or del-flows filter, which also takes table=, cookie=V/M and out_port=,
 * use ofp_parse_flow_mod() with OFPFC_DELETE. */
char *ofp_parse_match(const char *s, const struct ofp_port_map *,
                      struct match *match, int *priority) WARN_UNUSED;

/* Parses S, an OpenFlow-syntax flow for ofproto/trace, into an exact
 * FLOW, as OVS's parse_ofp_exact_flow(): fields not given are zero
 * (in_port becomes OFPP_NONE), protocol shorthands set dl_type and
 * nw_proto, each field's prerequisites must come before it, and no field
 * may be set twice.  "tp_src"/"icmp_type" mean the UDP/SCTP/ICMPv6 field
 * when the flow is that protocol.  FLOW is unchanged on error. */
char *ofp_parse_exact_flow(const char *s, const struct ofp_port_map *,
                           struct flow *flow) WARN_UNUSED;

/* A flow's statistics and definition, for one line of dump-flows. */
struct ofp_flow_stats {
    uint8_t table_id;
    uint64_t cookie;
    int priority;
    const struct match *match;
    const struct ofpacts *ofpacts;
    long long int duration_msec;   /* Age of the flow. */
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t importance;
    uint16_t flags;
    uint64_t packet_count;
    uint64_t byte_count;
    long long int idle_age;        /* Seconds; -1 to leave out. */
    long long int hard_age;        /* Seconds; -1 to leave out. */
};

/* Appends one flow in dump-flows layout (with the leading space, without
 * the newline), e.g.
 *  " cookie=0x9b32c8053d494869, duration=587.924s, table=60,
 *    n_packets=134, n_bytes=11386, priority=100,in_port=\"tap..\"
 *    actions=load:0x4->NXM_NX_REG5[],..."
 * With SHOW_STATS false, cookie/duration/counters are left out as with
 * --no-stats ("cookie=" still shown when nonzero, as OVS does). */
void ofp_flow_stats_format(const struct ofp_flow_stats *,
                           const struct ofp_port_map *, bool show_stats,
                           struct ds *);

#endif /* VX_FLOW_OFP_PARSE_H */
