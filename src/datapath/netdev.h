/*
 * netdev.h: network devices as the datapath sees them, in Open vSwitch's
 * style: a struct netdev has a name, a type, an MTU, an Ethernet address,
 * flags and statistics; packets are received in batches from its receive
 * queues (struct netdev_rxq) and sent in batches to it.
 *
 * Each type of device is a class (const struct netdev_class, in
 * netdev-provider.h) registered under a type name.  Built in: "dummy" (a
 * software device for tests and simulated instances, netdev-dummy.h) and
 * "internal" (a bridge's own port, backed by the dummy class until
 * netdev_linux_register() takes it over).  The kernel's devices, "tap",
 * "internal" and "system" (netdev-linux.h), and "vxlan" register the same
 * way (netdev_register_provider()); until one does, opening such a type
 * fails with EAFNOSUPPORT, and netdev_dummy_register_as("tap") makes the
 * dummy class stand in for it, as ovs-vswitchd --enable-dummy=override
 * does.  A
 * class's construct function fails with ENODEV for a device that does not
 * exist, which the bridge layer reports with netdev_open_error() as
 * `could not open network device tap0ab9a23c-99 (No such device)`.
 *
 * Devices are reference counted and found by name: opening a name that is
 * already open returns the same device.
 *
 * Offloads: a device may take frames whose TCP/UDP checksum is left to
 * complete and 64 KiB TCP (TSO) or UDP (USO) "GSO" frames to be cut into
 * MSS-sized ones (enum netdev_ol_caps, struct pkt_offload).  Kernel TAP
 * devices hand such frames over from a guest; netdev_send() completes
 * checksums and segments GSO frames in software (packet/pkt-gso.h) only
 * for a device that cannot take them, so a guest's large segments pass
 * whole from tap to tap.
 *
 * Errors: a device that fails under the daemon (a tap whose namespace was
 * deleted, `ip link del` of a system device) records the error
 * (netdev_get_error()) and stops being polled; netdev_error_seq() changes
 * whenever any device records one, so that the bridge layer can show it in
 * the Interface's `error` column.
 *
 * Packet capture: netdev_capture_add() writes every packet received on or
 * sent to a device into a pcap writer (datapath/pcap.h), up to a count;
 * this is what `vxstack capture -i PORT -w FILE [-c N]` uses.
 *
 * Thread safety: every function is thread-safe.  Receiving on one rxq is
 * done by one thread at a time; sending, statistics, configuration and
 * captures may come from any thread.
 */
#ifndef VX_DATAPATH_NETDEV_H
#define VX_DATAPATH_NETDEV_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/packets.h"

struct ds;
struct netdev;
struct netdev_capture;
struct netdev_rxq;
struct pcap_writer;
struct pkt_batch;

/* Device flags. */
enum netdev_flags {
    NETDEV_UP = 1 << 0,        /* Administratively up. */
    NETDEV_PROMISC = 1 << 1,   /* Promiscuous mode. */
    NETDEV_LOOPBACK = 1 << 2,  /* A loopback device. */
};

/* Offloads a device takes on transmit (netdev_get_ol_caps()). */
enum netdev_ol_caps {
    NETDEV_OL_CSUM = 1 << 0,   /* TCP/UDP checksums left to complete
                                * (pkt_offload 'csum_partial'). */
    NETDEV_OL_TSO4 = 1 << 1,   /* TCP over IPv4 GSO frames. */
    NETDEV_OL_TSO6 = 1 << 2,   /* TCP over IPv6 GSO frames. */
    NETDEV_OL_USO = 1 << 3,    /* UDP GSO frames (IPv4 and IPv6). */
};

/* Device statistics, as `dpctl show -s` prints them. */
struct netdev_stats {
    uint64_t rx_packets;   /* Packets received (handed to the datapath). */
    uint64_t tx_packets;   /* Packets sent. */
    uint64_t rx_bytes;     /* Bytes of received packets. */
    uint64_t tx_bytes;     /* Bytes of sent packets. */
    uint64_t rx_dropped;   /* Received packets dropped (queue full). */
    uint64_t tx_dropped;   /* Packets not sent (too big, queue full). */
    uint64_t rx_errors;    /* Receive errors. */
    uint64_t tx_errors;    /* Transmit errors. */
};

/* Opening and closing. */

/* Opens the device NAME of type TYPE ("dummy", "internal", ...; NULL or ""
 * means "system", as in OVS) and stores it in *NETDEVP.  If NAME is
 * already open with the same type, returns another reference to it.
 * Returns 0, or a positive errno with *NETDEVP set to NULL: EAFNOSUPPORT
 * for an unregistered type, EEXIST if NAME is open with another type,
 * EINVAL for an empty name, or the class's error (ENODEV: no such device).
 * Release with netdev_close(). */
int netdev_open(const char *name, const char *type, struct netdev **netdevp);

/* Returns a new reference to NETDEV (released with netdev_close()). */
struct netdev *netdev_ref(struct netdev *);

/* Releases a reference; the device is destroyed with the last one.  Null
 * is allowed. */
void netdev_close(struct netdev *);

/* Returns a new reference to the open device called NAME, or NULL. */
struct netdev *netdev_from_name(const char *name);

/* Appends the registered type names to DS, sorted and separated by single
 * spaces (what `vxstackd --version` lists as its features). */
void netdev_format_types(struct ds *ds);

/* Returns the message the bridge layer shows for failing to open NAME with
 * errno ERROR: "could not open network device NAME (strerror)".  Caller
 * frees. */
char *netdev_open_error(const char *name, int error);

/* Attributes. */

/* Returns NETDEV's name / registered type name (valid while open). */
const char *netdev_get_name(const struct netdev *);
const char *netdev_get_type(const struct netdev *);

/* Returns NETDEV's MTU (L3 bytes, without the Ethernet header). */
int netdev_get_mtu(const struct netdev *);

/* Sets NETDEV's MTU.  Returns 0, EINVAL if MTU is outside 68...65535, or
 * the class's error. */
int netdev_set_mtu(struct netdev *, int mtu);

/* Returns NETDEV's Ethernet address. */
struct eth_addr netdev_get_etheraddr(const struct netdev *);

/* Sets NETDEV's Ethernet address.  Returns 0, EINVAL for a multicast
 * address, or the class's error. */
int netdev_set_etheraddr(struct netdev *, struct eth_addr);

/* Returns NETDEV's flags (enum netdev_flags). */
enum netdev_flags netdev_get_flags(const struct netdev *);

/* Turns off the flags in OFF and on those in ON (ON wins) and stores the
 * previous flags in *OLDP when nonnull.  Returns 0 or the class's error
 * (flags unchanged). */
int netdev_update_flags(struct netdev *, enum netdev_flags off,
                        enum netdev_flags on, enum netdev_flags *oldp);

/* Stores NETDEV's statistics in *STATS. */
void netdev_get_stats(const struct netdev *, struct netdev_stats *stats);

/* Appends the class's status of NETDEV to DS, one "key=value" per line
 * (nothing for classes without status). */
void netdev_get_status(const struct netdev *, struct ds *ds);

/* Returns the offloads NETDEV takes on transmit (enum netdev_ol_caps). */
enum netdev_ol_caps netdev_get_ol_caps(const struct netdev *);

/* Returns 0, or the errno with which NETDEV failed under us (the device
 * vanished: ENODEV, EBADFD, ENXIO, EIO...).  A device with an error is no
 * longer polled for packets, and sending to it drops. */
int netdev_get_error(const struct netdev *);

/* Returns a number that changes whenever some device records an error
 * (netdev_get_error()), for a caller that polls for new errors. */
uint64_t netdev_error_seq(void);

/* Appends to DS the registered type names whose class is not the dummy
 * class (the real port types: "internal system tap"...), sorted and
 * separated by single spaces. */
void netdev_format_real_types(struct ds *ds);

/* Returns the number of receive queues of NETDEV. */
int netdev_n_rxq(const struct netdev *);

/* Receiving. */

/* Opens receive queue QID (0 <= QID < netdev_n_rxq()) of NETDEV and stores
 * it in *RXQP.  The queue holds a reference to NETDEV.  Returns 0, EINVAL
 * for a bad QID or EBUSY if the queue is already open. */
int netdev_rxq_open(struct netdev *, int qid, struct netdev_rxq **rxqp);

/* Closes RXQ (null allowed); packets still queued stay in the device. */
void netdev_rxq_close(struct netdev_rxq *);

/* Returns the device / queue number of RXQ. */
struct netdev *netdev_rxq_get_netdev(const struct netdev_rxq *);
int netdev_rxq_get_queue_id(const struct netdev_rxq *);

/* Receives up to PKT_BATCH_SIZE packets from RXQ into BATCH, which must be
 * empty; the caller owns the packets.  Returns 0 when at least one packet
 * was received, EAGAIN when none was waiting, or another positive errno.
 * Captured packets are written to the device's RX captures. */
int netdev_rxq_recv(struct netdev_rxq *, struct pkt_batch *batch);

/* Arranges for the next poll_block() to wake when RXQ has packets. */
void netdev_rxq_wait(struct netdev_rxq *);

/* Sending. */

/* Sends the packets of BATCH on transmit queue QID of NETDEV.  With
 * MAY_STEAL, NETDEV takes the packets (freed or kept) and BATCH is empty
 * on return; without, BATCH and its packets are left to the caller.  Each
 * packet is written to the device's TX captures first.  A packet with
 * offload state the device cannot take (enum netdev_ol_caps) has its
 * checksum completed, and a GSO frame is cut into segments (taken from the
 * packet's pool, packet/pkt-gso.h) which are sent in its place; a GSO
 * frame that cannot be cut is dropped (EINVAL, tx_dropped).  Returns 0 if
 * every packet was sent, otherwise the first error (EMSGSIZE for a frame
 * bigger than the MTU allows), counted as tx_dropped. */
int netdev_send(struct netdev *, int qid, struct pkt_batch *batch,
                bool may_steal);

/* Capture. */

/* Which packets a capture writes. */
enum netdev_capture_dir {
    NETDEV_CAPTURE_RX = 1 << 0,   /* Packets received on the device. */
    NETDEV_CAPTURE_TX = 1 << 1,   /* Packets sent to the device. */
    NETDEV_CAPTURE_BOTH = NETDEV_CAPTURE_RX | NETDEV_CAPTURE_TX,
};

/* Starts writing the packets of NETDEV selected by DIR to WRITER, which
 * stays owned by the caller and must outlive the capture; stops by itself
 * after MAX_COUNT packets (0: no limit).  The capture holds a reference to
 * NETDEV.  Returns the capture, to pass to netdev_capture_remove(). */
struct netdev_capture *netdev_capture_add(struct netdev *,
                                          struct pcap_writer *writer,
                                          enum netdev_capture_dir dir,
                                          uint64_t max_count);

/* Returns the number of packets written so far. */
uint64_t netdev_capture_count(const struct netdev_capture *);

/* Returns true once the capture wrote MAX_COUNT packets or met a write
 * error; it writes nothing more. */
bool netdev_capture_is_done(const struct netdev_capture *);

/* Returns the first write error of the capture, or 0. */
int netdev_capture_error(const struct netdev_capture *);

/* Stops the capture, flushes its writer and frees it (null allowed).  Does
 * not close the writer.  Returns the capture's first error, or 0. */
int netdev_capture_remove(struct netdev_capture *);

#endif /* VX_DATAPATH_NETDEV_H */
