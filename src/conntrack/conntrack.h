/*
 * conntrack.h: userspace connection tracking behind the ct() action, with
 * the behaviour of Open vSwitch's userspace conntrack (OVS 3.1, checked
 * against a real ovs-vswitchd on the netdev datapath).
 *
 * What it does
 * ------------
 * conntrack_execute() looks a packet up in the connection table of a zone,
 * runs the protocol state machine on it, optionally commits a new
 * connection, and writes the verdict into the packet's metadata:
 *
 *   +trk+new      no connection exists (nothing is stored unless 'commit'),
 *                 or a committed connection has not yet seen a reply (UDP,
 *                 other protocols, ICMP) or is a retransmitted SYN.
 *   +trk+est      a committed connection in the original direction,
 *   +trk+est+rpl  ... in the reply direction,
 *   +trk+rel      an ICMP/ICMPv6 error whose embedded header belongs to a
 *                 committed connection (+rpl when it travels in the reply
 *                 direction of that connection); never creates state,
 *   +trk+inv      anything else: malformed or truncated L3/L4 headers, bad
 *                 IPv4 header or L4 checksum, TCP flag combinations that
 *                 cannot open or continue a connection, TCP segments outside
 *                 the window, ICMP errors with a bogus embedded header or
 *                 for no known connection, replies that cannot start a
 *                 connection (an echo reply, a SYN-ACK), and fragments
 *                 that cannot be judged (below).
 *
 * IP fragments are not reassembled (OVS reassembles them); each fragment
 * gets the verdict of its datagram's first fragment, which carries the
 * transport header (see conntrack-frag.c for the rules and the
 * differences from OVS: fragments arriving before the first one are +inv,
 * fragmented datagrams' transport checksums are not verified).  NAT and
 * ALG helpers (FTP, TFTP) are not implemented.  ct_mark and ct_label are
 * written only by a committing ct() (OpenFlow rejects exec() without
 * commit), masked as set_field does.  ct(force,commit) deletes a
 * connection found in the reply direction and commits a new one in the
 * packet's direction.  Zones are separate name spaces: the same 5-tuple
 * in two zones is two connections.
 *
 * Protocols: TCP runs pf's state machine (sequence windows with scaling,
 * SYN/SYN-ACK/ACK, FIN, RST with an exact sequence check, reuse of a closed
 * connection by a new SYN); UDP and every other IP protocol use the
 * FIRST/MULTIPLE/BIDIR machine (other protocols are keyed by addresses
 * only); ICMP/ICMPv6 echo (and ICMPv4 timestamp and information requests)
 * use FIRST/REPLY keyed by the identifier.  Each state has an OVS default
 * timeout (see conntrack-private.h): a connection expires when 'now'
 * passes its deadline and is then invisible to lookups; conntrack_run()
 * frees expired connections incrementally.
 *
 * Limits: a global maximum (CT_DEFAULT_MAXCONNS, 262144, changed with
 * dpctl/ct-set-maxconns) and optional per-zone limits (with an optional
 * default for zones without one).  At a limit a new connection is not
 * committed and the packet that asked for the commit is dropped: the
 * verdict is still +trk+new, but conntrack_execute() returns false and
 * conntrack_execute_batch() removes the packet.  That is what the Linux
 * kernel's datapath does ("nf_conntrack: table full, dropping packet", and
 * the openvswitch module's zone limits); OVS's userspace datapath instead
 * forwards the packet untracked, so every later packet of the connection
 * is +new again.  The event is counted (coverage conntrack_full /
 * conntrack_zone_full, struct ct_stats, shown by dpctl/ct-stats-show),
 * and existing connections keep working: only commits of new connections
 * are refused.  A limit of 0 admits nothing.  Counts include expired
 * connections not yet freed; a commit at the global limit first frees the
 * expired connections of the hash stripe it lands in.
 *
 * Design
 * ------
 * Connections live in one table striped into 256 chained hash tables
 * (conntrack-table.c).  A connection is stored once, under a hash of its
 * key that is symmetric in source and destination, so both directions of
 * a flow find it; a lookup compares the packet's key with the original
 * and the reply key.  Per-connection state (TCP windows, UDP/ICMP state,
 * mark, label) is protected by a spinlock in the connection, and its
 * expiration time is atomic.
 *
 * Lookups take no table lock and write no shared memory: they walk a
 * chain with atomic loads and lock only the connection that matches.
 * Entries are type-stable (slab-allocated, recycled through a free list,
 * freed only with the tracker), and a lookup that misses while a stripe
 * was being reorganized walks again (a per-stripe sequence number tells
 * it).  So the established-connection path takes one spinlock, in the
 * connection, and allocates nothing; two threads wait for each other only
 * when they process packets of the same connection at the same moment.
 * Creating or deleting a connection takes the tracker mutex (which also
 * guards zone accounting) and the stripe's mutex.  Lock order: tracker
 * mutex, stripe mutex, connection spinlock.  Memory follows the peak
 * number of connections: entries and index arrays are kept for reuse.
 *
 * pkt->md.ct_conn is an identity for callers (equal pointers mean the same
 * connection while it lives; the entry may be reused after it goes);
 * nothing outside this module may dereference it.
 *
 * Thread safety
 * -------------
 * Every function except conntrack_create() and conntrack_destroy() may be
 * called from any number of threads at once.  conntrack_destroy() requires
 * that no other thread uses the tracker.  A packet passed to
 * conntrack_execute() belongs to the calling thread.  Formatting and
 * parsing helpers are pure.
 */
#ifndef VX_CONNTRACK_CONNTRACK_H
#define VX_CONNTRACK_CONNTRACK_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/packets.h"

struct conntrack;
struct ds;
struct flow;
struct pkt;
struct pkt_batch;

/* Default global limit on the number of connections: 256k = 262144 (OVS's
 * userspace default is 3,000,000; at about 210 bytes per connection this
 * one bounds the table near 55 MB). */
#define CT_DEFAULT_MAXCONNS (256 * 1024)

/* Zone number that stands for "the default zone limit" in the zone-limit
 * functions (not a real zone: real zones are 0..65535). */
#define CT_ZONE_DEFAULT (-1)

/* Arguments of one ct() action. */
struct ct_exec {
    uint16_t zone;           /* Conntrack zone. */
    bool commit;             /* Create a connection for a +new packet, and
                              * apply the mark and label below. */
    bool force;              /* With 'commit': a connection found in the
                              * reply direction is deleted first. */
    uint32_t mark_value;     /* New ct_mark bits (within 'mark_mask'). */
    uint32_t mark_mask;      /* Bits of ct_mark to set; 0 leaves it. */
    uint64_t label_value[2]; /* New ct_label bits, [0] = low 64 bits. */
    uint64_t label_mask[2];  /* Bits of ct_label to set; 0 leaves it. */
};

/* Counters of one tracker (since creation). */
struct ct_stats {
    uint64_t n_conns;      /* Connections in the table now (including
                            * expired ones not yet swept). */
    uint64_t n_created;    /* Connections committed. */
    uint64_t n_expired;    /* Connections freed after expiring. */
    uint64_t n_flushed;    /* Connections freed by conntrack_flush(). */
    uint64_t n_full;       /* Commits refused by the global limit. */
    uint64_t n_zone_full;  /* Commits refused by a zone limit. */
    uint64_t n_invalid;    /* Packets marked +inv, for any reason. */
    uint64_t n_l3csum_err; /* ... of them for a bad IPv4 checksum. */
    uint64_t n_l4csum_err; /* ... for a bad TCP/UDP/ICMP checksum. */
    uint64_t n_fragments;  /* IP fragments seen (valid or not). */
};

/* A zone's limit and connection count. */
struct ct_zone_limit {
    int32_t zone;   /* Zone, or CT_ZONE_DEFAULT. */
    bool has_limit; /* A limit is configured for 'zone'. */
    uint32_t limit; /* The limit, if 'has_limit'. */
    uint32_t count; /* Connections in the zone (0 for the
                     * default entry). */
};

/* Creates and returns an empty tracker with the default limits. */
struct conntrack *conntrack_create(void);

/* Frees CT and every connection in it.  No other thread may be using CT.
 * NULL is allowed. */
void conntrack_destroy(struct conntrack *ct);

/* Runs ct() with ARGS on PKT, whose headers have been extracted into FLOW
 * (FLOW->dl_type selects IPv4/IPv6; PKT->layers.l3 must be the offset of
 * the IP header).  NOW is the monotonic time in milliseconds.  Sets
 * PKT->md.ct_state (CS_TRACKED plus the verdict), ct_zone, ct_mark,
 * ct_label, ct_reply, ct_conn and the original-direction tuple
 * (ct_nw_proto, ct_tp_src/ct_tp_dst, and ct_nw_src/ct_nw_dst for IPv4 or
 * ct_orig_tuple_ipv6 for IPv6) of the connection, or of the packet itself
 * when it is +new without a connection, zero when +inv without one; the
 * previous ct_* metadata is replaced.  Reads the packet bytes only within
 * [pkt_data(PKT), + pkt_size(PKT)).  Returns true if the packet goes on
 * through its actions, false if the caller must drop it (and free it): a
 * commit that a connection limit refused. */
bool conntrack_execute(struct conntrack *ct, struct pkt *pkt,
                       const struct flow *flow, const struct ct_exec *args,
                       long long now);

/* Same for every packet of BATCH, which all have Ethernet type DL_TYPE
 * (network byte order), as packets of one datapath flow do.  Packets that
 * conntrack_execute() would have the caller drop are freed and removed
 * from BATCH, the others keeping their order.  Returns the number
 * dropped. */
size_t conntrack_execute_batch(struct conntrack *ct, struct pkt_batch *batch,
                               be16 dl_type, const struct ct_exec *args,
                               long long now);

/* The ct_clear action: zeroes PKT's conntrack metadata. */
void conntrack_clear(struct pkt *pkt);

/* Frees connections that have expired at NOW, continuing from where the
 * previous call stopped and visiting a bounded number of connections
 * (all of them when the table holds fewer than about 64k).  Call it
 * periodically, e.g. once a second.  Returns the number freed. */
size_t conntrack_run(struct conntrack *ct, long long now);

/* Deletes every connection, or only those of *ZONE when ZONE is nonnull.
 * Returns the number deleted. */
size_t conntrack_flush(struct conntrack *ct, const uint16_t *zone);

/* Returns the number of connections in the table (as ct-get-nconns). */
size_t conntrack_count(const struct conntrack *ct);

/* Sets / returns the global connection limit.  Lowering it below the
 * current count deletes nothing; it only stops new commits. */
void conntrack_set_maxconns(struct conntrack *ct, uint32_t maxconns);
uint32_t conntrack_get_maxconns(const struct conntrack *ct);

/* Enables or disables TCP sequence-window checks (enabled by default), as
 * dpctl/ct-enable-tcp-seq-chk / ct-disable-tcp-seq-chk do.  Flag checks
 * stay on. */
void conntrack_set_tcp_seq_chk(struct conntrack *ct, bool enabled);
bool conntrack_get_tcp_seq_chk(const struct conntrack *ct);

/* Sets the limit of ZONE (0..65535, or CT_ZONE_DEFAULT for zones without
 * their own limit) to LIMIT.  Returns 0, or EINVAL for a zone out of
 * range (nothing changes). */
int conntrack_set_zone_limit(struct conntrack *ct, int32_t zone,
                             uint32_t limit);

/* Removes the limit of ZONE.  Returns 0, ENOENT if it had none, or EINVAL
 * for a zone out of range. */
int conntrack_del_zone_limit(struct conntrack *ct, int32_t zone);

/* Fills *ZL for ZONE (0..65535 or CT_ZONE_DEFAULT).  Returns 0 or EINVAL
 * for a zone out of range. */
int conntrack_get_zone_limit(const struct conntrack *ct, int32_t zone,
                             struct ct_zone_limit *zl);

/* Fills *STATS. */
void conntrack_get_stats(const struct conntrack *ct, struct ct_stats *stats);

/* Returns the memory one connection takes (entry plus its share of the
 * hash index), for memory/show. */
size_t conntrack_conn_bytes(void);

/* Returns the memory CT takes now.  Entries and index arrays are kept for
 * reuse when connections go, so this follows the peak number of
 * connections, not the current one. */
size_t conntrack_memory(const struct conntrack *ct);

/* Appends the connections (of *ZONE only, when nonnull) to DS, one line
 * each, sorted, in the format of `ovs-appctl dpctl/dump-conntrack`; with
 * VERBOSE as with -m, with PRINT_STATS as with -s (remaining timeout in
 * seconds at NOW). */
void conntrack_dump(struct conntrack *ct, const uint16_t *zone, bool verbose,
                    bool print_stats, long long now, struct ds *ds);

/* Appends the report of `dpctl/ct-stats-show [-m] [zone=N]` to DS,
 * counting the connections not expired at NOW.  Without ZONE, and once a
 * limit has refused a commit, it adds what OVS does not print: the number
 * of packets dropped at the global limit and at zone limits. */
void conntrack_format_stats(struct conntrack *ct, const uint16_t *zone,
                            bool verbose, long long now, struct ds *ds);

/* Appends the report of `dpctl/ct-get-limits [zone=N1,N2...]` to DS: the
 * default limit, then the N_ZONES zones of ZONES, or every zone with a
 * limit when N_ZONES is 0. */
void conntrack_format_limits(struct conntrack *ct, const uint16_t *zones,
                             size_t n_zones, struct ds *ds);

/* Parsers for the dpctl/ct-* command arguments.  Each returns NULL on
 * success or a malloc'd message naming what is wrong (the outputs are then
 * unchanged). */

/* Parses a connection limit, a decimal integer 0..4294967295. */
char *ct_parse_maxconns(const char *s, uint32_t *maxconns);

/* Parses "zone=N,limit=L" (N 0..65535) or "default=L" (*ZONE is then
 * CT_ZONE_DEFAULT), L being 0..4294967295. */
char *ct_parse_zone_limit(const char *s, int32_t *zone, uint32_t *limit);

/* Parses "zone=N1[,N2]..." into a malloc'd array *ZONES of *N_ZONES. */
char *ct_parse_zone_list(const char *s, uint16_t **zones, size_t *n_zones);

#endif /* VX_CONNTRACK_CONNTRACK_H */
