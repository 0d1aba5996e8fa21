/*
 * mac-learning.h: the MAC learning table behind the NORMAL action, as Open
 * vSwitch's lib/mac-learning.h: (VLAN, MAC) -> port entries that expire
 * after an idle time, kept in least-recently-used order, with a size cap.
 *
 * When the table is full, learning a new address evicts the least
 * recently used entry (bad-inputs R5: a flood of source MACs cannot grow
 * memory).  Ports are OpenFlow port numbers of the bridge.
 *
 * Thread safety: used from the main thread only.
 */
#ifndef VX_OFPROTO_MAC_LEARNING_H
#define VX_OFPROTO_MAC_LEARNING_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hmap.h"
#include "lib/list.h"
#include "packet/packets.h"

struct ds;

#define MAC_DEFAULT_IDLE_SECS 300
#define MAC_DEFAULT_MAX 8192

struct mac_entry {
    struct hmap_node hmap_node;  /* In struct mac_learning 'table'. */
    struct ovs_list lru_node;    /* In 'lrus', oldest first. */
    struct eth_addr mac;         /* Learned address. */
    uint16_t vlan;               /* VLAN (0 for untagged). */
    uint32_t port;               /* OpenFlow port it was last seen on. */
    long long int expires;       /* Monotonic ms when it expires. */
    long long int grat_arp_lock; /* Ignore moves until then (gratuitous
                                  * ARP lock, as OVS). */
};

struct mac_learning {
    struct hmap table;           /* struct mac_entry by (mac, vlan). */
    struct ovs_list lrus;        /* LRU list, least recently used first. */
    unsigned int idle_secs;      /* Expiry after this long unused. */
    size_t max_entries;          /* Cap on the number of entries. */
    uint64_t n_learned;          /* Statistics, as fdb/stats-show. */
    uint64_t n_expired;
    uint64_t n_evicted;
    uint64_t n_moved;
};

void mac_learning_init(struct mac_learning *, unsigned int idle_secs,
                       size_t max_entries);
void mac_learning_destroy(struct mac_learning *);

/* Learns that MAC in VLAN is on PORT at time NOW.  Returns true if the
 * table changed (new entry or a move), false if it only refreshed.
 * Multicast source addresses are never learned (returns false).  A
 * gratuitous ARP locks the entry against moves for 5 seconds. */
bool mac_learning_update(struct mac_learning *, struct eth_addr mac,
                         uint16_t vlan, uint32_t port, bool is_grat_arp,
                         long long int now);

/* Returns the entry for MAC in VLAN, or NULL. */
struct mac_entry *mac_learning_lookup(const struct mac_learning *,
                                      struct eth_addr mac, uint16_t vlan);

/* Removes entries older than the idle time.  Returns true if any. */
bool mac_learning_run(struct mac_learning *, long long int now);

/* Earliest expiry, or LLONG_MAX. */
long long int mac_learning_next_wake(const struct mac_learning *);

/* Removes every entry on PORT (port deleted), or all when PORT is
 * UINT32_MAX (fdb/flush). */
void mac_learning_flush_port(struct mac_learning *, uint32_t port);

/* Changes settings; shrinks the table if needed. */
void mac_learning_set(struct mac_learning *, unsigned int idle_secs,
                      size_t max_entries);

/* Appends fdb/show output: ports by number ("LOCAL" for the bridge port),
 * oldest entry first, as OVS prints it. */
void mac_learning_format(const struct mac_learning *, long long int now,
                         struct ds *);

/* Appends fdb/stats-show output for bridge BR_NAME. */
void mac_learning_format_stats(const struct mac_learning *,
                               const char *br_name, struct ds *);

#endif /* VX_OFPROTO_MAC_LEARNING_H */
