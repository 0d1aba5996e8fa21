/* mac-learning.c: see mac-learning.h. */
#include "ofproto/mac-learning.h"

#include <inttypes.h>
#include <limits.h>

#include "flow/port-map.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/hash.h"

COVERAGE_DEFINE(mac_learning_learned);
COVERAGE_DEFINE(mac_learning_expired);
COVERAGE_DEFINE(mac_learning_evicted);
COVERAGE_DEFINE(mac_learning_moved);

#define GRAT_ARP_LOCK_MSEC 5000

static uint32_t
mac_hash(struct eth_addr mac, uint16_t vlan)
{
    return hash_uint64(eth_addr_to_uint64(mac), vlan);
}

void
mac_learning_init(struct mac_learning *ml, unsigned int idle_secs,
                  size_t max_entries)
{
    hmap_init(&ml->table);
    ovs_list_init(&ml->lrus);
    ml->idle_secs = idle_secs ? idle_secs : MAC_DEFAULT_IDLE_SECS;
    ml->max_entries = max_entries ? max_entries : MAC_DEFAULT_MAX;
    ml->n_learned = ml->n_expired = ml->n_evicted = ml->n_moved = 0;
}

static void
mac_entry_remove(struct mac_learning *ml, struct mac_entry *e)
{
    hmap_remove(&ml->table, &e->hmap_node);
    ovs_list_remove(&e->lru_node);
    free(e);
}

void
mac_learning_destroy(struct mac_learning *ml)
{
    struct mac_entry *e, *next;

    HMAP_FOR_EACH_SAFE (e, next, hmap_node, &ml->table) {
        mac_entry_remove(ml, e);
    }
    hmap_destroy(&ml->table);
}

struct mac_entry *
mac_learning_lookup(const struct mac_learning *ml, struct eth_addr mac,
                    uint16_t vlan)
{
    struct mac_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, hmap_node, mac_hash(mac, vlan), &ml->table) {
        if (e->vlan == vlan && eth_addr_equals(e->mac, mac)) {
            return e;
        }
    }
    return NULL;
}

static void
evict_oldest(struct mac_learning *ml)
{
    struct mac_entry *e = CONTAINER_OF(ml->lrus.next, struct mac_entry,
                                       lru_node);

    COVERAGE_INC(mac_learning_evicted);
    ml->n_evicted++;
    mac_entry_remove(ml, e);
}

bool
mac_learning_update(struct mac_learning *ml, struct eth_addr mac,
                    uint16_t vlan, uint32_t port, bool is_grat_arp,
                    long long int now)
{
    struct mac_entry *e;
    bool changed = false;

    if (eth_addr_is_multicast(mac)) {
        return false;
    }

    e = mac_learning_lookup(ml, mac, vlan);
    if (!e) {
        while (hmap_count(&ml->table) >= ml->max_entries) {
            evict_oldest(ml);
        }
        e = xzalloc(sizeof *e);
        e->mac = mac;
        e->vlan = vlan;
        e->port = port;
        hmap_insert(&ml->table, &e->hmap_node, mac_hash(mac, vlan));
        ovs_list_push_back(&ml->lrus, &e->lru_node);
        COVERAGE_INC(mac_learning_learned);
        ml->n_learned++;
        changed = true;
    } else {
        ovs_list_remove(&e->lru_node);
        ovs_list_push_back(&ml->lrus, &e->lru_node);
        if (e->port != port) {
            if (is_grat_arp || now >= e->grat_arp_lock) {
                e->port = port;
                COVERAGE_INC(mac_learning_moved);
                ml->n_moved++;
                changed = true;
            }
        }
    }
    if (is_grat_arp && changed) {
        e->grat_arp_lock = now + GRAT_ARP_LOCK_MSEC;
    }
    e->expires = now + (long long int) ml->idle_secs * 1000;
    return changed;
}

bool
mac_learning_run(struct mac_learning *ml, long long int now)
{
    bool changed = false;

    while (!ovs_list_is_empty(&ml->lrus)) {
        struct mac_entry *e = CONTAINER_OF(ml->lrus.next, struct mac_entry,
                                           lru_node);

        if (e->expires > now) {
            break;
        }
        COVERAGE_INC(mac_learning_expired);
        ml->n_expired++;
        mac_entry_remove(ml, e);
        changed = true;
    }
    return changed;
}

long long int
mac_learning_next_wake(const struct mac_learning *ml)
{
    if (ovs_list_is_empty(&ml->lrus)) {
        return LLONG_MAX;
    }
    return CONTAINER_OF(ml->lrus.next, struct mac_entry, lru_node)->expires;
}

void
mac_learning_flush_port(struct mac_learning *ml, uint32_t port)
{
    struct mac_entry *e, *next;

    HMAP_FOR_EACH_SAFE (e, next, hmap_node, &ml->table) {
        if (port == UINT32_MAX || e->port == port) {
            mac_entry_remove(ml, e);
        }
    }
}

void
mac_learning_set(struct mac_learning *ml, unsigned int idle_secs,
                 size_t max_entries)
{
    if (idle_secs) {
        ml->idle_secs = idle_secs;
    }
    if (max_entries) {
        ml->max_entries = max_entries;
        while (hmap_count(&ml->table) > ml->max_entries) {
            evict_oldest(ml);
        }
    }
}

void
mac_learning_format(const struct mac_learning *ml, long long int now,
                    struct ds *s)
{
    const struct mac_entry *e;

    ds_put_cstr(s, " port  VLAN  MAC                Age\n");
    LIST_FOR_EACH (e, lru_node, &ml->lrus) {
        const char *name = ofp_port_reserved_name(e->port);
        char buf[16];
        long long int age = (now - (e->expires
                                    - (long long int) ml->idle_secs * 1000))
                            / 1000;

        if (!name) {
            snprintf(buf, sizeof buf, "%"PRIu32, e->port);
            name = buf;
        }
        ds_put_format(s, "%5s  %4d  "ETH_ADDR_FMT"  %3lld\n", name, e->vlan,
                      ETH_ADDR_ARGS(e->mac), age < 0 ? 0 : age);
    }
}

void
mac_learning_format_stats(const struct mac_learning *ml,
                          const char *br_name, struct ds *s)
{
    ds_put_format(s, "Statistics for bridge \"%s\":\n", br_name);
    ds_put_format(s, "  Current/maximum MAC entries in the table: %zu/%zu\n",
                  hmap_count(&ml->table), ml->max_entries);
    ds_put_cstr(s, "  Current static MAC entries in the table : 0\n");
    ds_put_format(s, "  Total number of learned MAC entries     : %"PRIu64"\n",
                  ml->n_learned);
    ds_put_format(s, "  Total number of expired MAC entries     : %"PRIu64"\n",
                  ml->n_expired);
    ds_put_format(s, "  Total number of evicted MAC entries     : %"PRIu64"\n",
                  ml->n_evicted);
    ds_put_format(s, "  Total number of port moved MAC entries  : %"PRIu64"\n",
                  ml->n_moved);
}
