/*
 * conntrack-private.h: connection keys, connection entries, the packet
 * parser and the per-protocol state machines shared by the files of the
 * conntrack module, and by its unit tests.
 *
 * Thread safety: see conntrack.h.  Functions here that take a struct
 * ct_conn require its 'lock' to be held unless they say otherwise.
 */
#ifndef VX_CONNTRACK_CONNTRACK_PRIVATE_H
#define VX_CONNTRACK_CONNTRACK_PRIVATE_H 1

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

#include "conntrack/conntrack.h"
#include "lib/hmap.h"
#include "packet/packets.h"

/* An IPv4 address (in the first 4 bytes, the rest zero) or IPv6 address. */
union ct_addr {
    be32 ipv4;            /* IPv4 address. */
    struct in6_addr ipv6; /* IPv6 address. */
};

/* One end of a connection. */
struct ct_endpoint {
    union ct_addr addr; /* Address. */
    be16 port;          /* TCP/UDP port, ICMP identifier, or 0. */
    uint8_t icmp_type;  /* ICMP type, 0 for other protocols. */
    uint8_t icmp_code;  /* ICMP code, 0 for other protocols. */
};

/* What identifies a connection in one direction.  Compared and hashed as
 * bytes, so every key is zeroed before it is filled. */
struct ct_key {
    struct ct_endpoint src; /* Sender. */
    struct ct_endpoint dst; /* Receiver. */
    be16 dl_type;           /* ETH_TYPE_IP or ETH_TYPE_IPV6. */
    uint16_t zone;          /* Conntrack zone. */
    uint8_t nw_proto;       /* IP protocol. */
    uint8_t pad[3];         /* Always zero. */
};

_Static_assert(sizeof(struct ct_key) == 48, "struct ct_key has padding");

/* The state machine a connection runs, chosen from its protocol. */
enum ct_class {
    CT_CLASS_TCP,   /* TCP. */
    CT_CLASS_ICMP,  /* ICMP over IPv4, ICMPv6 over IPv6. */
    CT_CLASS_OTHER, /* UDP and every other protocol. */
};

/* Timeout classes, with OVS's default timeout policy. */
#define CT_TIMEOUTS                                                           \
    CT_TIMEOUT(TCP_FIRST_PACKET, 30)   /* tcp_syn_sent. */                    \
    CT_TIMEOUT(TCP_OPENING, 30)        /* tcp_syn_recv. */                    \
    CT_TIMEOUT(TCP_ESTABLISHED, 86400) /* tcp_established. */                 \
    CT_TIMEOUT(TCP_CLOSING, 900)       /* tcp_fin_wait. */                    \
    CT_TIMEOUT(TCP_FIN_WAIT, 45)       /* tcp_time_wait. */                   \
    CT_TIMEOUT(TCP_CLOSED, 30)         /* tcp_close. */                       \
    CT_TIMEOUT(OTHER_FIRST, 60)        /* udp_first. */                       \
    CT_TIMEOUT(OTHER_MULTIPLE, 60)     /* udp_single. */                      \
    CT_TIMEOUT(OTHER_BIDIR, 30)        /* udp_multiple. */                    \
    CT_TIMEOUT(ICMP_FIRST, 60)         /* icmp_first. */                      \
    CT_TIMEOUT(ICMP_REPLY, 30)         /* icmp_reply. */

/* clang-format off */
enum ct_timeout {
#define CT_TIMEOUT(NAME, SECONDS) CT_TM_##NAME,
    CT_TIMEOUTS
#undef CT_TIMEOUT
    N_CT_TM
};
/* clang-format on */

/* Returns the timeout of class TM in milliseconds. */
long long ct_timeout_msec(enum ct_timeout tm);

/* TCP states of one peer, in the order OVS (and pf) compare them. */
#define CT_TCP_STATES                                                         \
    CT_TCP_STATE(CLOSED)                                                      \
    CT_TCP_STATE(LISTEN)                                                      \
    CT_TCP_STATE(SYN_SENT)                                                    \
    CT_TCP_STATE(SYN_RECV)                                                    \
    CT_TCP_STATE(ESTABLISHED)                                                 \
    CT_TCP_STATE(CLOSE_WAIT)                                                  \
    CT_TCP_STATE(FIN_WAIT_1)                                                  \
    CT_TCP_STATE(CLOSING)                                                     \
    CT_TCP_STATE(LAST_ACK)                                                    \
    CT_TCP_STATE(FIN_WAIT_2)                                                  \
    CT_TCP_STATE(TIME_WAIT)

/* clang-format off */
enum ct_tcp_state {
#define CT_TCP_STATE(NAME) CT_TCPS_##NAME,
    CT_TCP_STATES
#undef CT_TCP_STATE
    N_CT_TCPS
};
/* clang-format on */

/* Returns the name of TCP state S, e.g. "ESTABLISHED". */
const char *ct_tcp_state_name(enum ct_tcp_state s);

/* Window-scale byte of a TCP peer: the factor in the low bits, and flags. */
#define CT_WSCALE_MASK 0x0f    /* Scale factor 0..14. */
#define CT_WSCALE_FLAG 0x80    /* The peer sent a window-scale option. */
#define CT_WSCALE_UNKNOWN 0x40 /* Picked up mid-stream: scale unknown. */

/* pf's view of one TCP peer. */
struct ct_tcp_peer {
    uint32_t seqlo;   /* Highest sequence number sent + 1. */
    uint32_t seqhi;   /* Highest the other end acked + window. */
    uint16_t max_win; /* Largest window seen (unscaled). */
    uint8_t wscale;   /* CT_WSCALE_* bits. */
    uint8_t state;    /* enum ct_tcp_state. */
};

/* States of the UDP/other and ICMP machines. */
enum ct_other_state {
    CT_OTHER_FIRST,    /* One packet seen. */
    CT_OTHER_MULTIPLE, /* Several, all in the original direction. */
    CT_OTHER_BIDIR,    /* Packets seen in both directions. */
};

enum ct_icmp_state {
    CT_ICMP_FIRST, /* Request(s) seen, no reply. */
    CT_ICMP_REPLY, /* A reply has been seen. */
};

struct ct_zone;

/* Expiration of a free or removed entry, and of a connection killed (by
 * ct(force) or a new TCP SYN) but not yet removed. */
#define CT_EXPIRATION_FREE LLONG_MIN
#define CT_EXPIRATION_KILLED (LLONG_MIN + 1)

/* A connection: an entry of the table (conntrack-table.c).  Entries are
 * never freed while the table exists, so readers may hold stale pointers;
 * see conntrack-table.c. */
struct ct_conn {
    _Atomic(struct ct_conn *) next; /* Next in the chain; written under the
                                     * stripe mutex, read without locks. */
    _Atomic uint32_t hash;          /* ct_key_hash() of 'key'. */
    _Atomic long long expiration;   /* Monotonic msec at which it expires,
                                     * or CT_EXPIRATION_*.  Written under
                                     * 'lock'. */
    struct ct_conn *free_next;      /* Next free entry, when free. */
    pthread_spinlock_t lock;        /* Protects the members below.  Initialized
                                     * once, with the slab. */
    struct ct_key key;              /* Original direction; set before the entry
                                     * is inserted, then immutable. */
    struct ct_key rev_key;          /* Reply direction; likewise. */
    struct ct_zone *zone;       /* Zone accounting; likewise (used only with
                                 * conntrack's mutex). */
    uint32_t mark;              /* ct_mark. */
    uint64_t label[2];          /* ct_label, [0] = low 64 bits. */
    uint8_t cls;                /* enum ct_class; immutable. */
    uint8_t tm;                 /* enum ct_timeout last applied. */
    uint8_t state;              /* enum ct_other_state / ct_icmp_state. */
    struct ct_tcp_peer peer[2]; /* TCP only: [0] originator, [1] reply. */
};

/* The connection table (conntrack-table.c).  Lookups take no table lock;
 * insertion and removal take the mutex of the key's stripe. */
struct ct_table;

#define CT_N_STRIPES 256

struct ct_table *ct_table_create(void);

/* Frees T and every entry.  No other thread may use T. */
void ct_table_destroy(struct ct_table *t);

/* Returns the stripe of the key hash HASH. */
unsigned int ct_table_stripe(uint32_t hash);

/* Returns the live, unexpired entry whose original or reply key is KEY
 * (hash HASH) with its lock held, and sets *REPLY; or null.  Takes no
 * table lock (except, rarely, to finish a lookup disturbed by writers). */
struct ct_conn *ct_table_lookup(struct ct_table *t, const struct ct_key *key,
                                uint32_t hash, long long now, bool *reply);

/* Lock and unlock the mutex of STRIPE, which the functions below require
 * (for the stripe of the hash or entry they are given). */
void ct_table_lock_stripe(struct ct_table *t, unsigned int stripe);
void ct_table_unlock_stripe(struct ct_table *t, unsigned int stripe);

/* Returns the entry whose original or reply key is KEY (hash HASH), live
 * or, with EXPIRED_TOO, expired but not yet removed, and sets *REPLY; or
 * null.  The entry is not locked. */
struct ct_conn *ct_table_find_locked(struct ct_table *t,
                                     const struct ct_key *key, uint32_t hash,
                                     long long now, bool expired_too,
                                     bool *reply);

/* Returns a free entry with its lock held and its expiration
 * CT_EXPIRATION_FREE; the other members are stale.  Needs no stripe
 * mutex. */
struct ct_conn *ct_table_alloc(struct ct_table *t);

/* Inserts the initialized, unlocked entry CONN with hash HASH. */
void ct_table_insert(struct ct_table *t, struct ct_conn *conn, uint32_t hash);

/* Removes CONN and returns its entry to the free list, unless
 * ONLY_IF_EXPIRED and it has not expired at NOW (decided under its lock).
 * Returns true if it was removed.  CONN must not be locked. */
bool ct_table_remove(struct ct_table *t, struct ct_conn *conn,
                     bool only_if_expired, long long now);

/* Calls FUNC(entry, AUX) for every entry of STRIPE; FUNC may remove the
 * entry it is given. */
void ct_table_stripe_for_each(struct ct_table *t, unsigned int stripe,
                              void (*func)(struct ct_conn *, void *aux),
                              void *aux);

/* Returns the bytes T takes (entries, free or not, and bucket arrays). */
size_t ct_table_memory(const struct ct_table *t);

/* Result of parsing a packet for conntrack. */
enum ct_parse_result {
    CT_PARSE_OK,        /* The key is valid. */
    CT_PARSE_MALFORMED, /* Truncated or invalid L3/L4 header, or a
                         * packet conntrack cannot track. */
    CT_PARSE_L3_CSUM,   /* Bad IPv4 header checksum. */
    CT_PARSE_L4_CSUM,   /* Bad TCP/UDP/ICMP/ICMPv6 checksum. */
    CT_PARSE_FRAGMENT,  /* IPv4 or IPv6 fragment. */
};

/* Where an IP fragment sits in its datagram, filled by ct_parse(). */
struct ct_frag_info {
    be32 id;          /* IPv4 identification (zero-extended) or
                       * IPv6 fragment identification. */
    uint8_t proto;    /* IPv4 protocol, or the next header of the
                       * IPv6 fragment header. */
    bool more;        /* More fragments follow. */
    uint32_t offset;  /* Offset of the fragment's data in the
                       * datagram's payload, in bytes. */
    size_t data_ofs;  /* Offset of the fragment's data from L3. */
    size_t data_len;  /* Bytes of fragment data. */
    size_t dgram_len; /* Length of the fragment's IP datagram. */
};

/* A packet as conntrack sees it, filled by ct_parse(). */
struct ct_packet {
    struct ct_key key;    /* Lookup key: for an ICMP error, the key of
                           * the connection it relates to, as seen in
                           * the direction of the error. */
    bool related;         /* ICMP error carrying 'key'. */
    const uint8_t *l4;    /* Transport header (TCP only needs it). */
    size_t l4_size;       /* Bytes of transport header and payload. */
    uint16_t tcp_flags;   /* TCP flags (12 bits). */
    uint32_t tcp_payload; /* TCP payload bytes. */
    size_t l4_hdr_len;    /* Bytes from 'l4' that the key and state
                           * machine depend on (TCP header, UDP or ICMP
                           * header, an ICMP error's embedded headers);
                           * 0 for other protocols. */
};

/* Parses the IP datagram at L3 (SIZE bytes available, possibly followed
 * by Ethernet padding) whose Ethernet type is DL_TYPE, for ZONE, into *P.
 * Validates the IPv4 header checksum always, and L4 checksums unless
 * L4_CSUM_TRUSTED.  For an IP fragment returns CT_PARSE_FRAGMENT with the
 * addresses in P->key and the fragment's place in *FRAG.  Never reads
 * outside [L3, L3 + SIZE). */
enum ct_parse_result ct_parse(const uint8_t *l3, size_t size, be16 dl_type,
                              uint16_t zone, bool l4_csum_trusted,
                              struct ct_packet *p, struct ct_frag_info *frag);

/* Completes *P, which ct_parse() filled for the first fragment (offset 0)
 * FRAG of the datagram at L3, from the transport header at the start of
 * the fragment's data (after any further IPv6 extension headers), without
 * checksum or UDP length checks (the datagram continues in other
 * fragments). */
enum ct_parse_result ct_parse_first_fragment(const uint8_t *l3,
                                             const struct ct_frag_info *frag,
                                             struct ct_packet *p);

/* Returns the hash of KEY, the same for KEY and its reverse. */
uint32_t ct_key_hash(const struct ct_key *key, uint32_t basis);

/* Swaps the endpoints of KEY. */
void ct_key_reverse(struct ct_key *key);

/* Returns the state machine for connections with KEY. */
enum ct_class ct_key_class(const struct ct_key *key);

/* Outcome of running a state machine on a packet of a connection. */
enum ct_update_res {
    CT_UPDATE_INVALID,   /* Packet invalid for the connection. */
    CT_UPDATE_VALID,     /* Established (+est). */
    CT_UPDATE_VALID_NEW, /* Valid but not established yet (+new). */
    CT_UPDATE_NEW,       /* Starts a new connection with the same
                          * key: the old one must go. */
};

/* Sets CONN's timeout class to TM from NOW. */
void ct_conn_set_timeout(struct ct_conn *conn, enum ct_timeout tm,
                         long long now);

/* Returns true if P may open a connection of its class. */
bool ct_valid_new(const struct ct_packet *p);

/* Initializes the protocol state of the new connection CONN from its first
 * packet P (no lock needed: CONN is not yet visible). */
void ct_conn_init(struct ct_conn *conn, const struct ct_packet *p,
                  long long now);

/* Runs CONN's state machine on P, sent in the reply direction if REPLY.
 * SEQ_CHK enables TCP window checks. */
enum ct_update_res ct_conn_update(struct ct_conn *conn,
                                  const struct ct_packet *p, bool reply,
                                  bool seq_chk, long long now);

/* TCP machine (conntrack-tcp.c). */
bool ct_tcp_valid_new(const struct ct_packet *p);
void ct_tcp_init(struct ct_conn *conn, const struct ct_packet *p,
                 long long now);
enum ct_update_res ct_tcp_update(struct ct_conn *conn,
                                 const struct ct_packet *p, bool reply,
                                 bool seq_chk, long long now);

/* Returns the state OVS prints for a TCP connection whose peers are in
 * ORIG and REPLY: the larger, with FIN_WAIT_2 shown as TIME_WAIT and
 * SYN_RECV as ESTABLISHED. */
enum ct_tcp_state ct_tcp_coalesce_state(uint8_t orig, uint8_t reply);

/* A snapshot of one connection, for dumps. */
struct ct_entry {
    struct ct_key key;          /* Original direction. */
    struct ct_key rev_key;      /* Reply direction. */
    long long expiration;       /* Monotonic msec. */
    uint32_t mark;              /* ct_mark. */
    uint64_t label[2];          /* ct_label, [0] = low 64 bits. */
    uint8_t cls;                /* enum ct_class. */
    struct ct_tcp_peer peer[2]; /* TCP peers. */
};

/* Appends ENTRY to DS in dpctl/dump-conntrack format. */
void ct_format_entry(const struct ct_entry *entry, bool verbose,
                     bool print_stats, long long now, struct ds *ds);

/* Returns a malloc'd array of snapshots of the connections of *ZONE (all
 * when ZONE is null) that have not expired at NOW, and stores their
 * number in *N (conntrack.c). */
struct ct_entry *ct_snapshot(struct conntrack *ct, const uint16_t *zone,
                             long long now, size_t *n);

/* Fragment tracking (conntrack-frag.c). */
struct ct_frags;
struct pkt_md;

struct ct_frags *ct_frags_create(void);
void ct_frags_destroy(struct ct_frags *frags);

/* Remembers, for the later fragments of the datagram whose first fragment
 * is P (parsed by ct_parse_first_fragment(), with FRAG its place), the
 * verdict that ct() wrote into MD.  Later fragments must start at
 * MIN_OFFSET or beyond.  Returns false if the table is full. */
bool ct_frags_record(struct ct_frags *frags, const struct ct_packet *p,
                     const struct ct_frag_info *frag, size_t min_offset,
                     const struct pkt_md *md, long long now);

enum ct_frag_result {
    CT_FRAG_FOUND,   /* The verdict was copied. */
    CT_FRAG_UNKNOWN, /* No first fragment seen (or expired). */
    CT_FRAG_OVERLAP, /* Overlaps the first fragment's headers. */
};

/* Copies into MD (all ct_* but the zone; ct_conn becomes null) the verdict
 * recorded for the datagram of the later fragment P (ct_parse() output
 * with FRAG its place). */
enum ct_frag_result ct_frags_lookup(struct ct_frags *frags,
                                    const struct ct_packet *p,
                                    const struct ct_frag_info *frag,
                                    struct pkt_md *md, long long now);

/* Forgets datagrams expired at NOW; returns how many. */
size_t ct_frags_run(struct ct_frags *frags, long long now);

/* Returns the number of datagrams remembered. */
size_t ct_frags_count(struct ct_frags *frags);

/* Returns the zones that have a limit, in a malloc'd array, and their
 * number in *N (conntrack.c). */
uint16_t *ct_limited_zones(struct conntrack *ct, size_t *n);

#endif /* VX_CONNTRACK_CONNTRACK_PRIVATE_H */
