/*
 * netdev-dummy.h: the "dummy" device class, a software network device for
 * tests and simulated instances (and, registered as "internal", a bridge's
 * own port), like Open vSwitch's netdev-dummy.
 *
 * Receiving: netdev_dummy_receive() queues a packet as if it arrived on
 * the wire; the datapath gets it from netdev_rxq_recv().  The receive
 * queue holds NETDEV_DUMMY_RXQ_LEN packets; more are dropped and counted
 * in rx_dropped.  A receive from any thread wakes a thread blocked in
 * poll_block() after netdev_rxq_wait().
 *
 * Sending: every packet sent that fits the MTU (plus the Ethernet header
 * and one VLAN tag, as in OVS) is counted, handed to the registered tx
 * observers (called on the sending thread, without locks held, so they
 * may call netdev_dummy_receive() on any dummy device), and a copy is kept
 * in a bounded transmit queue (the most recent NETDEV_DUMMY_TXQ_LEN
 * packets by default) that tests read with netdev_dummy_pop_tx().
 * Keeping copies allocates per packet: set the queue length to 0 where
 * only observers are needed.
 *
 * Thread safety: all functions are thread-safe.
 */
#ifndef VX_DATAPATH_NETDEV_DUMMY_H
#define VX_DATAPATH_NETDEV_DUMMY_H 1

#include <stdbool.h>
#include <stddef.h>

struct netdev;
struct pkt;

#define NETDEV_DUMMY_RXQ_LEN 256       /* Receive queue capacity. */
#define NETDEV_DUMMY_TXQ_LEN 100       /* Default transmit queue length. */
#define NETDEV_DUMMY_MAX_OBSERVERS 4   /* Tx observers per device. */

/* Registers the dummy class as "dummy" and "internal" if not done yet.
 * netdev_open() calls it, so callers rarely need to. */
void netdev_dummy_register(void);

/* Registers the dummy class under the type name TYPE too, e.g. "tap" or
 * "system", as ovs-vswitchd --enable-dummy=override does.  Returns 0 or
 * EEXIST. */
int netdev_dummy_register_as(const char *type);

/* Returns true if NETDEV is implemented by the dummy class. */
bool netdev_is_dummy(const struct netdev *);

/* Queues packet P (whose ownership passes to the device) as received on
 * NETDEV; its metadata, layers and hash are reset.  Returns 0, EINVAL if
 * NETDEV is not a dummy device, or ENOBUFS if the receive queue is full
 * (counted in rx_dropped).  P is freed on failure. */
int netdev_dummy_receive(struct netdev *, struct pkt *p);

/* Like netdev_dummy_receive() for a copy of the SIZE bytes at DATA. */
int netdev_dummy_receive_data(struct netdev *, const void *data,
                              size_t size);

/* Returns the number of packets waiting in NETDEV's receive queue. */
size_t netdev_dummy_rx_queued(const struct netdev *);

/* Removes and returns the oldest packet in NETDEV's transmit queue (the
 * caller frees it), or NULL if it is empty. */
struct pkt *netdev_dummy_pop_tx(struct netdev *);

/* Sets NETDEV's transmit queue length to N (0 keeps nothing), discarding
 * the packets queued so far. */
void netdev_dummy_set_tx_queue_len(struct netdev *, size_t n);

/* A tx observer: called with each packet NETDEV sends and AUX. */
typedef void netdev_dummy_tx_cb(struct netdev *netdev, const struct pkt *p,
                                void *aux);

/* Registers CB with AUX on NETDEV.  Returns 0, EINVAL if NETDEV is not a
 * dummy device, or ENOSPC past NETDEV_DUMMY_MAX_OBSERVERS. */
int netdev_dummy_add_tx_observer(struct netdev *, netdev_dummy_tx_cb *cb,
                                 void *aux);

/* Unregisters CB with AUX.  Returns 0 or ENOENT.  A send already in
 * progress on another thread may still call it once. */
int netdev_dummy_remove_tx_observer(struct netdev *, netdev_dummy_tx_cb *cb,
                                    void *aux);

#endif /* VX_DATAPATH_NETDEV_DUMMY_H */
