/*
 * netdev-provider.h: the interface between the generic netdev layer
 * (netdev.c) and the implementations of device types (netdev-dummy.c,
 * netdev-linux.c for tap, internal and system; vxlan).
 *
 * A provider embeds struct netdev in its own device struct, returns it
 * from 'alloc', and gets it back in every callback (CONTAINER_OF).  netdev.c initialises the base members before
 * 'construct' and owns the name map, reference counts, receive queue
 * bookkeeping, MTU/address/flags storage, statistics storage and
 * captures; a provider only does what is specific to its device.
 *
 * Locking: netdev.c holds a global mutex around open/close and the
 * registry ('construct' runs under it); each device's 'mutex' guards its
 * base members below (and, at the provider's choice, its own).
 * 'set_mtu', 'set_etheraddr' and 'update_flags' are called with the
 * device's mutex held, so that a change and its record are atomic; every
 * other callback is called without it and takes it itself to touch
 * 'stats' or shared provider state.
 */
#ifndef VX_DATAPATH_NETDEV_PROVIDER_H
#define VX_DATAPATH_NETDEV_PROVIDER_H 1

#include <pthread.h>
#include <stdatomic.h>

#include "datapath/netdev.h"
#include "lib/hmap.h"
#include "lib/list.h"

#define NETDEV_MAX_RXQ 64     /* Most receive queues a device may have. */
#define NETDEV_MIN_MTU 68     /* Smallest MTU (RFC 791's minimum). */
#define NETDEV_MAX_MTU 65535  /* Largest MTU. */

/* A network device: the base that every provider's device struct
 * embeds. */
struct netdev {
    char *name;                        /* Device name. */
    char *type;                        /* Type it was opened as. */
    const struct netdev_class *class;  /* Implementation. */
    struct hmap_node node;             /* In the map of open devices, by
                                        * name (global mutex). */
    int ref_cnt;                       /* References (global mutex). */
    int n_rxq;                         /* Receive queues, 1 by default; a
                                        * provider may raise it in
                                        * 'construct' (<= NETDEV_MAX_RXQ). */
    enum netdev_ol_caps ol_caps;       /* Offloads taken on transmit, 0 by
                                        * default; set in 'construct' and
                                        * constant afterwards. */
    atomic_int error;                  /* 0, or the errno with which the
                                        * device failed (netdev_set_error()). */

    pthread_mutex_t mutex;             /* Guards the members below. */
    uint64_t open_rxqs;                /* Bit N set: queue N is open. */
    int mtu;                           /* MTU, 1500 by default. */
    struct eth_addr mac;               /* Ethernet address (the provider
                                        * sets it in 'construct'). */
    enum netdev_flags flags;           /* NETDEV_* flags. */
    struct netdev_stats stats;         /* Counters kept by the provider. */
    struct ovs_list captures;          /* struct netdev_capture 'node's. */
    atomic_int n_captures;             /* Length of 'captures', read
                                        * without the mutex on the packet
                                        * path. */
};

/* A receive queue of a device. */
struct netdev_rxq {
    struct netdev *netdev;   /* The device (a reference is held). */
    int queue_id;            /* 0 <= queue_id < netdev->n_rxq. */
};

/* A device type's implementation.  Every function pointer not marked
 * optional must be set. */
struct netdev_class {
    /* Name of the implementation, e.g. "dummy" (it may be registered under
     * other type names too). */
    const char *type;

    /* Returns a new zeroed device struct with an embedded struct netdev. */
    struct netdev *(*alloc)(void);

    /* Sets up NETDEV, whose base members are initialised.  Returns 0 or a
     * positive errno: ENODEV when the device does not exist. */
    int (*construct)(struct netdev *netdev);

    /* Releases what 'construct' set up (after the last reference went). */
    void (*destruct)(struct netdev *netdev);

    /* Frees what 'alloc' returned. */
    void (*dealloc)(struct netdev *netdev);

    /* Optional: applies MTU (already range-checked) to the device, with
     * NETDEV's mutex held.  Returns 0 or a positive errno (MTU
     * unchanged). */
    int (*set_mtu)(struct netdev *netdev, int mtu);

    /* Optional: applies the Ethernet address MAC to the device, with
     * NETDEV's mutex held.  Returns 0 or a positive errno. */
    int (*set_etheraddr)(struct netdev *netdev, struct eth_addr mac);

    /* Optional: applies FLAGS (the new complete set) to the device, with
     * NETDEV's mutex held.  Returns 0 or a positive errno. */
    int (*update_flags)(struct netdev *netdev, enum netdev_flags flags);

    /* Optional: adds device-specific counters to *STATS, which holds the
     * base statistics. */
    void (*get_stats)(const struct netdev *netdev,
                      struct netdev_stats *stats);

    /* Optional: appends "key=value" lines describing NETDEV to DS. */
    void (*get_status)(const struct netdev *netdev, struct ds *ds);

    /* Optional: sets up / releases receive queue RXQ. */
    int (*rxq_construct)(struct netdev_rxq *rxq);
    void (*rxq_destruct)(struct netdev_rxq *rxq);

    /* Receives up to PKT_BATCH_SIZE packets into the empty BATCH and counts
     * them in rx_packets/rx_bytes.  Returns 0 if any, EAGAIN if none, or a
     * positive errno. */
    int (*rxq_recv)(struct netdev_rxq *rxq, struct pkt_batch *batch);

    /* Arranges for poll_block() to wake when RXQ has packets. */
    void (*rxq_wait)(struct netdev_rxq *rxq);

    /* Sends BATCH on queue QID, counting tx_* statistics.  With MAY_STEAL
     * it owns the packets (frees or keeps each) and empties BATCH; without
     * it leaves them alone.  Returns 0 or the first error. */
    int (*send)(struct netdev *netdev, int qid, struct pkt_batch *batch,
                bool may_steal);
};

/* Records that NETDEV failed with ERROR (a positive errno): the device
 * vanished or broke under us.  The first error stays, and recording it
 * bumps netdev_error_seq().  From then on netdev.c no longer calls the
 * provider's 'rxq_recv', 'rxq_wait' or 'send' for the device: it is not
 * polled and what is sent to it is dropped. */
void netdev_set_error(struct netdev *netdev, int error);

/* Registers CLASS under the type name TYPE (CLASS's own type when NULL).
 * Returns 0, or EEXIST if TYPE is taken. */
int netdev_register_provider(const struct netdev_class *class,
                             const char *type);

/* Unregisters type TYPE.  Returns 0, ENOENT if it is not registered, or
 * EBUSY while devices of that type are open. */
int netdev_unregister_provider(const char *type);

/* Returns true if TYPE is a registered type name. */
bool netdev_is_type_registered(const char *type);

/* Returns the class registered under TYPE, or NULL. */
const struct netdev_class *netdev_lookup_class(const char *type);

/* Returns true if TYPE is registered with the dummy class (whose 'type' is
 * "dummy"). */
bool netdev_is_dummy_type(const char *type);

#endif /* VX_DATAPATH_NETDEV_PROVIDER_H */
