/*
 * netdev-linux.h: the Linux kernel's network devices as vxstack ports, as
 * Open vSwitch's lib/netdev-linux.c serves its userspace ("netdev")
 * datapath.
 *
 * Three types share one class:
 *
 *   "tap"       a kernel TAP device that the daemon creates, or opens if
 *               it exists (a persistent one), through /dev/net/tun with
 *               IFF_TAP | IFF_NO_PI | IFF_VNET_HDR.  The virtio-net header
 *               in front of each frame carries checksum and segmentation
 *               state both ways, and TUNSETOFFLOAD (checksum, TSO4/6 with
 *               ECN, and USO4/6 where the kernel has them) lets the
 *               instance behind the tap send 64 KiB TCP segments that
 *               arrive as one GSO frame.  Such a frame goes out whole to a
 *               device that takes the offload and is cut in software
 *               (packet/pkt-gso.h) for one that does not (netdev_send()).
 *   "internal"  the bridge's own kernel interface: in this userspace
 *               datapath a TAP device named after the port, as in OVS.
 *   "system"    an existing kernel interface, e.g. one end of a veth,
 *               read and written through an AF_PACKET socket bound to its
 *               ifindex with PACKET_VNET_HDR (so GSO and checksum state
 *               come through), PACKET_IGNORE_OUTGOING (our own sends are
 *               not read back) and PACKET_AUXDATA (VLAN tags that the
 *               kernel took out of the frame are put back).  Opening a
 *               name that does not exist fails with ENODEV.  Its transmit
 *               offloads are the device's own (SIOCETHTOOL), so that
 *               `ethtool -K DEV tso off` makes vxstack segment for it.
 *
 * Tap and system devices are brought up when opened (an internal one is
 * left down, for the administrator to set up, as in OVS); the MTU (SIOCSIFMTU), Ethernet
 * address and flags are the kernel device's.  A TAP device the daemon
 * created disappears when it closes it.  Each receive queue has a packet
 * pool of MTU-sized buffers and a few 64 KiB ones for GSO frames, so the
 * receive path allocates nothing; packets are read in batches of up to
 * PKT_BATCH_SIZE.
 *
 * A device that vanishes under the daemon (its namespace deleted, `ip link
 * del`) makes reads and writes fail (EBADFD on the TAP file, ENXIO,
 * ENODEV or ENETDOWN of a vanished ifindex on the socket): the device
 * records the error (netdev_set_error()), is no longer polled and drops
 * what is sent to it; the bridge shows the error in the Interface's
 * `error` column.
 *
 * Thread safety: as netdev.h; packets received on a queue come from its
 * pool, which the receiving thread owns (the packets must be freed on that
 * thread).
 */
#ifndef VX_DATAPATH_NETDEV_LINUX_H
#define VX_DATAPATH_NETDEV_LINUX_H 1

/* Registers the "tap", "internal" and "system" types (the kernel's
 * devices), taking "internal" over from the dummy class.  Safe to call
 * more than once.  Returns 0 or a positive errno (EBUSY: dummy internal
 * devices are open). */
int netdev_linux_register(void);

#endif /* VX_DATAPATH_NETDEV_LINUX_H */
