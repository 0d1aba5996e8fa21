/* netdev-linux.c: kernel TAP devices and AF_PACKET sockets as ports.  See
 * netdev-linux.h. */
#include "datapath/netdev-linux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <net/if_arp.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "datapath/netdev-dummy.h"
#include "datapath/netdev-provider.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/poll-loop.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "packet/pkt-gso.h"
#include "packet/pkt.h"

VLOG_DEFINE_THIS_MODULE(netdev_linux);

COVERAGE_DEFINE(netdev_linux_rx_no_buffer);
COVERAGE_DEFINE(netdev_linux_rx_bad_vnet);
COVERAGE_DEFINE(netdev_linux_rx_error);
COVERAGE_DEFINE(netdev_linux_tx_error);
COVERAGE_DEFINE(netdev_linux_vanished);

/* UDP segmentation offload flags of TUNSETOFFLOAD (Linux 6.2), missing
 * from older headers. */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

/* Receive pool of a device: enough MTU-sized buffers for a batch being
 * processed while the next one is read, plus the packets the datapath
 * keeps for a while (queued output, conntrack), and a few 64 KiB ones for
 * GSO frames. */
#define LINUX_RX_POOL_SIZE 512
#define LINUX_RX_POOL_LARGE 64

/* A kernel device.  Members after 'up' are set in 'construct' and then
 * only read, except as noted. */
struct netdev_linux {
    struct netdev up;           /* Base device. */
    bool is_tap;                /* A TAP device, otherwise an AF_PACKET
                                 * socket on an existing device. */
    int fd;                     /* TAP file or AF_PACKET socket. */
    int ifindex;                /* Kernel ifindex when opened. */
    bool set_promisc;           /* We turned IFF_PROMISC on (system). */
    struct pkt_pool *pool;      /* Receive pool, while the rxq is open
                                 * (owned by the receiving thread). */
    uint8_t *scratch;           /* PKT_MAX_SIZE bytes where frames that
                                 * find no buffer are read and dropped
                                 * (receiving thread). */
};

static const struct netdev_class netdev_linux_class;

static struct netdev_linux *
netdev_linux_cast(const struct netdev *netdev)
{
    vx_assert(netdev->class == &netdev_linux_class);
    return CONTAINER_OF(netdev, struct netdev_linux, up);
}

static pthread_once_t af_inet_once = PTHREAD_ONCE_INIT;
static int af_inet_fd = -1;      /* Socket for device ioctls. */
static int af_inet_errno;        /* Why it could not be created. */

static void
af_inet_init(void)
{
    af_inet_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    af_inet_errno = af_inet_fd < 0 ? errno : 0;
}

/* Returns an AF_INET datagram socket for device ioctls, or -1 with errno
 * set. */
static int
af_inet_sock(void)
{
    pthread_once(&af_inet_once, af_inet_init);
    errno = af_inet_errno;
    return af_inet_fd;
}

/* Issues device ioctl CMD for device NAME with *IFR.  Returns 0 or a
 * positive errno. */
static int
dev_ioctl(const char *name, unsigned long cmd, struct ifreq *ifr)
{
    int sock = af_inet_sock();

    if (sock < 0) {
        return errno;
    }
    vx_assert(strlen(name) < IFNAMSIZ);
    memcpy(ifr->ifr_name, name, strlen(name) + 1);
    return ioctl(sock, cmd, ifr) < 0 ? errno : 0;
}

/* Turns the kernel flags OFF off and ON on for device NAME.  Returns 0 or
 * a positive errno. */
static int
dev_update_flags(const char *name, int off, int on)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = dev_ioctl(name, SIOCGIFFLAGS, &ifr);
    if (!error) {
        int flags = (ifr.ifr_flags & ~off) | on;

        if (flags != ifr.ifr_flags) {
            ifr.ifr_flags = (short int) flags;
            error = dev_ioctl(name, SIOCSIFFLAGS, &ifr);
        }
    }
    return error;
}

/* Reads device NAME's MTU, Ethernet address and flags into NETDEV's base.
 * Returns 0 or a positive errno. */
static int
dev_read_attrs(struct netdev *netdev)
{
    struct ifreq ifr;
    int error;

    memset(&ifr, 0, sizeof ifr);
    error = dev_ioctl(netdev->name, SIOCGIFMTU, &ifr);
    if (error) {
        return error;
    }
    netdev->mtu = ifr.ifr_mtu;
    error = dev_ioctl(netdev->name, SIOCGIFHWADDR, &ifr);
    if (error) {
        return error;
    }
    memcpy(netdev->mac.ea, ifr.ifr_hwaddr.sa_data, ETH_ADDR_LEN);
    error = dev_ioctl(netdev->name, SIOCGIFFLAGS, &ifr);
    if (error) {
        return error;
    }
    netdev->flags = ((ifr.ifr_flags & IFF_UP ? NETDEV_UP : 0)
                     | (ifr.ifr_flags & IFF_PROMISC ? NETDEV_PROMISC : 0)
                     | (ifr.ifr_flags & IFF_LOOPBACK ? NETDEV_LOOPBACK : 0));
    return 0;
}

/* Returns true if ethtool command CMD ("get" of a legacy feature) says the
 * feature is on for device NAME. */
static bool
dev_ethtool_get(const char *name, uint32_t cmd)
{
    struct ethtool_value ev = { .cmd = cmd };
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_data = (void *) &ev;
    return !dev_ioctl(name, SIOCETHTOOL, &ifr) && ev.data;
}

static struct netdev *
netdev_linux_alloc(void)
{
    struct netdev_linux *dev = xzalloc(sizeof *dev);

    dev->fd = -1;
    return &dev->up;
}

/* Opens or creates the TAP device of DEV.  Returns 0 or a positive
 * errno. */
static int
tap_open(struct netdev_linux *dev)
{
    static const unsigned int offloads[] = {
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4
        | TUN_F_USO6,
        TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
        0,
    };
    const char *name = dev->up.name;
    int hdr_len = PKT_VNET_HDR_LEN;
    struct ifreq ifr;
    unsigned int ol = 0;

    dev->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (dev->fd < 0) {
        return errno;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    memcpy(ifr.ifr_name, name, strlen(name) + 1);
    if (ioctl(dev->fd, TUNSETIFF, &ifr) < 0) {
        /* EINVAL or EBUSY: NAME is a device of another kind. */
        int error = errno;

        VLOG_WARN("%s: could not open the TAP device (%s)", name,
                  vx_strerror(error));
        return error;
    }
    if (ioctl(dev->fd, TUNSETVNETHDRSZ, &hdr_len) < 0) {
        return errno;
    }
    for (size_t i = 0; i < ARRAY_SIZE(offloads); i++) {
        ol = offloads[i];
        if (!ioctl(dev->fd, TUNSETOFFLOAD, ol)) {
            break;
        }
        if (errno != EINVAL) {
            return errno;
        }
    }
    /* What the kernel lets us hand it is what it lets us receive. */
    dev->up.ol_caps = ((ol & TUN_F_CSUM ? NETDEV_OL_CSUM : 0)
                       | (ol & TUN_F_TSO4 ? NETDEV_OL_TSO4 : 0)
                       | (ol & TUN_F_TSO6 ? NETDEV_OL_TSO6 : 0)
                       | (ol & TUN_F_USO4 ? NETDEV_OL_USO : 0));
    return 0;
}

/* Opens an AF_PACKET socket on the existing device of DEV.  Returns 0 or
 * a positive errno (ENODEV: no such device). */
static int
system_open(struct netdev_linux *dev)
{
    const char *name = dev->up.name;
    socklen_t len = sizeof (int);
    struct sockaddr_ll sll;
    int bufsize = 4 * 1024 * 1024;
    int one = 1, error;

    dev->ifindex = (int) if_nametoindex(name);
    if (!dev->ifindex) {
        return ENODEV;
    }
    /* Up before binding: a socket bound to a device that is down starts
     * with a pending ENETDOWN that its first send would return. */
    error = dev_update_flags(name, 0, IFF_UP);
    if (error) {
        return error;
    }
    dev->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                     htons(ETH_P_ALL));
    if (dev->fd < 0) {
        return errno;
    }
    if (setsockopt(dev->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one)
        || setsockopt(dev->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one)
        || setsockopt(dev->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
                      sizeof one)) {
        return errno;
    }
    /* Room for a few dozen 64 KiB GSO frames each way (the default holds
     * three); best effort, SO_RCVBUFFORCE needs CAP_NET_ADMIN. */
    setsockopt(dev->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize, sizeof bufsize);
    setsockopt(dev->fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsize, sizeof bufsize);
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = dev->ifindex;
    if (bind(dev->fd, (struct sockaddr *) &sll, sizeof sll) < 0
        || getsockopt(dev->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
        return errno;
    }
    /* The kernel segments what the device cannot, but the point of
     * `ethtool -K DEV tso off` is that the frames on the wire are small;
     * follow the device's own features. */
    if (dev_ethtool_get(name, ETHTOOL_GTXCSUM)) {
        dev->up.ol_caps |= NETDEV_OL_CSUM;
        if (dev_ethtool_get(name, ETHTOOL_GTSO)) {
            dev->up.ol_caps |= NETDEV_OL_TSO4 | NETDEV_OL_TSO6;
        }
    }
    return 0;
}

static int
netdev_linux_construct(struct netdev *netdev)
{
    struct netdev_linux *dev = netdev_linux_cast(netdev);
    int error;

    if (strlen(netdev->name) >= IFNAMSIZ) {
        return ENODEV;
    }
    dev->is_tap = strcmp(netdev->type, "system") != 0;
    error = dev->is_tap ? tap_open(dev) : system_open(dev);
    if (error) {
        goto close_fd;
    }
    /* A tap comes up for its instance; a system device is up already
     * (system_open()) and promiscuous, for traffic not addressed to it (as
     * dpif-netdev does for non-internal ports); an internal port is left
     * to the administrator, as in OVS (a bridge's interface is down until
     * set up). */
    if (!strcmp(netdev->type, "tap")) {
        error = dev_update_flags(netdev->name, 0, IFF_UP);
    }
    if (!error && !dev->is_tap) {
        struct ifreq ifr;

        memset(&ifr, 0, sizeof ifr);
        error = dev_ioctl(netdev->name, SIOCGIFFLAGS, &ifr);
        if (!error && !(ifr.ifr_flags & IFF_PROMISC)) {
            error = dev_update_flags(netdev->name, 0, IFF_PROMISC);
            dev->set_promisc = !error;
        }
    }
    if (!error) {
        error = dev_read_attrs(netdev);
    }
    if (!error && dev->is_tap) {
        struct ifreq ifr;

        memset(&ifr, 0, sizeof ifr);
        error = dev_ioctl(netdev->name, SIOCGIFINDEX, &ifr);
        dev->ifindex = ifr.ifr_ifindex;
    }
    if (error) {
        VLOG_WARN("%s: could not set up the device (%s)", netdev->name,
                  vx_strerror(error));
        goto close_fd;
    }
    dev->scratch = xmalloc(PKT_MAX_SIZE);
    VLOG_INFO("%s: opened %s device (ifindex %d, mtu %d, offloads%s%s%s%s)",
              netdev->name, netdev->type, dev->ifindex, netdev->mtu,
              netdev->ol_caps & NETDEV_OL_CSUM ? " csum" : "",
              netdev->ol_caps & NETDEV_OL_TSO4 ? " tso4" : "",
              netdev->ol_caps & NETDEV_OL_TSO6 ? " tso6" : "",
              netdev->ol_caps & NETDEV_OL_USO ? " uso" : "");
    return 0;

close_fd:
    if (dev->fd >= 0) {
        close(dev->fd);
        dev->fd = -1;
    }
    return error;
}

static void
netdev_linux_destruct(struct netdev *netdev)
{
    struct netdev_linux *dev = netdev_linux_cast(netdev);

    if (dev->set_promisc && !netdev_get_error(netdev)
        && if_nametoindex(netdev->name) == (unsigned int) dev->ifindex) {
        dev_update_flags(netdev->name, IFF_PROMISC, 0);
    }
    close(dev->fd);
    free(dev->scratch);
}

static void
netdev_linux_dealloc(struct netdev *netdev)
{
    free(netdev_linux_cast(netdev));
}

static int
netdev_linux_set_mtu(struct netdev *netdev, int mtu)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_mtu = mtu;
    return dev_ioctl(netdev->name, SIOCSIFMTU, &ifr);
}

static int
netdev_linux_set_etheraddr(struct netdev *netdev, struct eth_addr mac)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, mac.ea, ETH_ADDR_LEN);
    return dev_ioctl(netdev->name, SIOCSIFHWADDR, &ifr);
}

static int
netdev_linux_update_flags(struct netdev *netdev, enum netdev_flags flags)
{
    int on = ((flags & NETDEV_UP ? IFF_UP : 0)
              | (flags & NETDEV_PROMISC ? IFF_PROMISC : 0));

    return dev_update_flags(netdev->name, (IFF_UP | IFF_PROMISC) & ~on, on);
}

static void
netdev_linux_get_status(const struct netdev *netdev, struct ds *ds)
{
    struct netdev_linux *dev = netdev_linux_cast(netdev);
    int error = netdev_get_error(netdev);

    ds_put_format(ds, "driver_name=%s\nifindex=%d\n",
                  dev->is_tap ? "tun" : "af_packet", dev->ifindex);
    if (error) {
        ds_put_format(ds, "error=%s\n", vx_strerror(error));
    }
}

static int
netdev_linux_rxq_construct(struct netdev_rxq *rxq)
{
    struct netdev_linux *dev = netdev_linux_cast(rxq->netdev);

    dev->pool = pkt_pool_create_mixed(LINUX_RX_POOL_SIZE, PKT_DEFAULT_SIZE,
                                      LINUX_RX_POOL_LARGE, PKT_LARGE_SIZE);
    return 0;
}

static void
netdev_linux_rxq_destruct(struct netdev_rxq *rxq)
{
    struct netdev_linux *dev = netdev_linux_cast(rxq->netdev);

    /* Received packets may still be queued elsewhere: the pool goes when
     * they come back. */
    pkt_pool_release(dev->pool);
    dev->pool = NULL;
}

/* Returns true if ERROR from reading or writing DEV means the device is
 * gone, rather than a passing condition (a full queue, the link down). */
static bool
linux_device_vanished(struct netdev_linux *dev, int error)
{
    struct ifreq ifr;

    switch (error) {
    case EBADFD:
    case EBADF:
    case ENODEV:
    case ENXIO:
        return true;
    case EIO:
    case ENETDOWN:
        /* A TAP device that was detached refuses TUNGETIFF; a socket's
         * device is gone when its ifindex is. */
        if (dev->is_tap) {
            return ioctl(dev->fd, TUNGETIFF, &ifr) < 0 && errno == EBADFD;
        }
        return !if_indextoname((unsigned int) dev->ifindex, ifr.ifr_name);
    default:
        return false;
    }
}

/* Records that DEV failed with ERROR. */
static void
linux_device_failed(struct netdev_linux *dev, int error)
{
    COVERAGE_INC(netdev_linux_vanished);
    netdev_set_error(&dev->up, error == EBADFD || error == ENXIO
                               || error == ENETDOWN || error == EIO
                               ? ENODEV : error);
}

/* Puts back in front of P's frame the VLAN tag that the kernel took out of
 * it (AUX), shifting a partial checksum's start along. */
static void
system_restore_vlan(struct pkt *p, const struct tpacket_auxdata *aux)
{
    uint8_t *d;
    be16 tpid, tci;

    if (pkt_size(p) < 2 * ETH_ADDR_LEN) {
        return;
    }
    tpid = htons(aux->tp_status & TP_STATUS_VLAN_TPID_VALID
                 ? aux->tp_vlan_tpid : ETH_TYPE_VLAN_8021Q);
    tci = htons(aux->tp_vlan_tci);
    d = pkt_push_uninit(p, VLAN_HEADER_LEN);
    memmove(d, d + VLAN_HEADER_LEN, 2 * ETH_ADDR_LEN);
    memcpy(d + 2 * ETH_ADDR_LEN, &tpid, sizeof tpid);
    memcpy(d + 2 * ETH_ADDR_LEN + 2, &tci, sizeof tci);
    if (p->ol.csum_partial) {
        p->ol.csum_start += VLAN_HEADER_LEN;
    }
}

/* Reads one frame from DEV into a packet from its pool.  Returns 0 with
 * *PP set (NULL if the frame was dropped: no buffer, bad header), or a
 * positive errno (EAGAIN: nothing waiting). */
static int
linux_recv_one(struct netdev_linux *dev, struct pkt **pp)
{
    union {
        struct cmsghdr cmsg;
        uint8_t buf[CMSG_SPACE(sizeof (struct tpacket_auxdata))];
    } cmsg_buf;
    struct pkt_vnet_hdr vnet;
    struct pkt *small, *large;
    size_t small_room;
    struct iovec iov[3];
    struct msghdr msg;
    ssize_t n;

    *pp = NULL;
    small = pkt_pool_get(dev->pool);
    large = pkt_pool_get_large(dev->pool);
    iov[0].iov_base = &vnet;
    iov[0].iov_len = sizeof vnet;
    if (small) {
        small_room = pkt_tailroom(small);
        iov[1].iov_base = pkt_data(small);
        iov[1].iov_len = small_room;
    } else {
        small_room = 0;
        iov[1].iov_base = dev->scratch;
        iov[1].iov_len = 0;
    }
    /* A frame longer than the small buffer goes on in the large one (or is
     * read into scratch and dropped), so any frame is read whole. */
    iov[2].iov_base = large ? pkt_data(large) + small_room : dev->scratch;
    iov[2].iov_len = PKT_MAX_SIZE - small_room;

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = 3;
    if (dev->is_tap) {
        n = readv(dev->fd, iov, 3);
    } else {
        msg.msg_control = &cmsg_buf;
        msg.msg_controllen = sizeof cmsg_buf;
        n = recvmsg(dev->fd, &msg, MSG_DONTWAIT);
    }
    if (n < 0) {
        int error = errno;

        pkt_free(small);
        pkt_free(large);
        return error;
    }

    n -= (ssize_t) sizeof vnet;
    if (n < 0 || (size_t) n > PKT_MAX_SIZE || msg.msg_flags & MSG_TRUNC
        || !small || ((size_t) n > small_room && !large)) {
        COVERAGE_INC(netdev_linux_rx_no_buffer);
        goto drop;
    }
    if ((size_t) n > small_room) {
        memcpy(pkt_data(large), pkt_data(small), small_room);
        pkt_free(small);
        small = NULL;
        pkt_set_size(large, (uint32_t) n);
        *pp = large;
    } else {
        pkt_free(large);
        large = NULL;
        pkt_set_size(small, (uint32_t) n);
        *pp = small;
    }
    if (pkt_offload_from_vnet(&(*pp)->ol, &vnet, (size_t) n)) {
        COVERAGE_INC(netdev_linux_rx_bad_vnet);
        *pp = NULL;
        goto drop;
    }
    if (!dev->is_tap) {
        struct cmsghdr *c;

        for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            struct tpacket_auxdata aux;

            if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA
                || c->cmsg_len < CMSG_LEN(sizeof aux)) {
                continue;
            }
            memcpy(&aux, CMSG_DATA(c), sizeof aux);
            if (aux.tp_status & TP_STATUS_VLAN_VALID) {
                system_restore_vlan(*pp, &aux);
            }
        }
    }
    return 0;

drop:
    pkt_free(small);
    pkt_free(large);
    pthread_mutex_lock(&dev->up.mutex);
    dev->up.stats.rx_dropped++;
    pthread_mutex_unlock(&dev->up.mutex);
    return 0;
}

static int
netdev_linux_rxq_recv(struct netdev_rxq *rxq, struct pkt_batch *batch)
{
    struct netdev_linux *dev = netdev_linux_cast(rxq->netdev);
    uint64_t bytes = 0;
    int error = 0;

    /* Bounded: a busy device leaves time for the others. */
    for (int i = 0; i < PKT_BATCH_SIZE && !pkt_batch_is_full(batch); i++) {
        struct pkt *p;

        error = linux_recv_one(dev, &p);
        if (error) {
            break;
        }
        if (p) {
            bytes += pkt_size(p);
            pkt_batch_add(batch, p);
        }
    }
    if (error && error != EAGAIN && error != EINTR) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

        COVERAGE_INC(netdev_linux_rx_error);
        if (linux_device_vanished(dev, error)) {
            linux_device_failed(dev, error);
            error = netdev_get_error(&dev->up);
        } else {
            VLOG_WARN_RL(&rl, "%s: receive error (%s)", dev->up.name,
                         vx_strerror(error));
        }
        pthread_mutex_lock(&dev->up.mutex);
        dev->up.stats.rx_errors++;
        pthread_mutex_unlock(&dev->up.mutex);
    }
    if (batch->count) {
        pthread_mutex_lock(&dev->up.mutex);
        dev->up.stats.rx_packets += batch->count;
        dev->up.stats.rx_bytes += bytes;
        pthread_mutex_unlock(&dev->up.mutex);
        return 0;
    }
    return error && error != EINTR ? error : EAGAIN;
}

static void
netdev_linux_rxq_wait(struct netdev_rxq *rxq)
{
    poll_fd_wait(netdev_linux_cast(rxq->netdev)->fd, POLLIN);
}

/* Returns the length of the headers of P for the virtio-net header's
 * 'hdr_len' (Ethernet through the TCP or UDP header of a GSO frame, else
 * through the checksum field). */
static size_t
vnet_hdr_len(const struct pkt *p)
{
    size_t start = p->ol.csum_start;

    if (!p->ol.csum_partial) {
        return 0;
    }
    if (p->ol.gso_type != PKT_GSO_NONE) {
        if ((p->ol.gso_type & ~PKT_GSO_ECN) == PKT_GSO_UDP_L4) {
            return start + UDP_HEADER_LEN;
        }
        if (start + TCP_HEADER_LEN <= pkt_size(p)) {
            return start + (size_t) (pkt_data(p)[start + 12] >> 4) * 4;
        }
    }
    return start + p->ol.csum_offset + 2;
}

/* Sends P, whose virtio-net header and frame are in IOV[0] and IOV[1], on
 * the AF_PACKET socket of DEV.  Returns what sendmsg() does. */
static ssize_t
system_send(struct netdev_linux *dev, const struct pkt *p, struct iovec *iov)
{
    struct sockaddr_ll sll;
    struct msghdr msg;

    /* The frame's Ethernet type as the packet's protocol, which the
     * kernel's software segmentation goes by. */
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = dev->ifindex;
    if (pkt_size(p) >= ETH_HEADER_LEN) {
        memcpy(&sll.sll_protocol, pkt_data(p) + 2 * ETH_ADDR_LEN,
               sizeof sll.sll_protocol);
    }
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &sll;
    msg.msg_namelen = sizeof sll;
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    return sendmsg(dev->fd, &msg, MSG_DONTWAIT);
}

static int
netdev_linux_send(struct netdev *netdev, int qid, struct pkt_batch *batch,
                  bool may_steal)
{
    struct netdev_linux *dev = netdev_linux_cast(netdev);
    uint64_t sent = 0, bytes = 0, dropped = 0, errors = 0;
    int error = 0, fatal = 0;

    (void) qid;
    for (size_t i = 0; i < batch->count; i++) {
        struct pkt *p = batch->pkts[i];
        struct pkt_vnet_hdr vnet;
        struct iovec iov[2];
        ssize_t n;

        pkt_offload_to_vnet(&p->ol, vnet_hdr_len(p), &vnet);
        iov[0].iov_base = &vnet;
        iov[0].iov_len = sizeof vnet;
        iov[1].iov_base = pkt_data(p);
        iov[1].iov_len = pkt_size(p);
        if (dev->is_tap) {
            n = writev(dev->fd, iov, 2);
        } else {
            n = system_send(dev, p, iov);
        }
        if (n >= 0) {
            sent++;
            bytes += pkt_size(p);
            continue;
        }
        if (!error) {
            error = errno;
        }
        if (errno == EAGAIN || errno == ENOBUFS || errno == EIO
            || errno == ENETDOWN || errno == EMSGSIZE) {
            /* Queue full, link down, too big: this packet is lost. */
            dropped++;
        } else {
            errors++;
        }
        COVERAGE_INC(netdev_linux_tx_error);
        if (linux_device_vanished(dev, errno)) {
            fatal = errno;
            dropped += batch->count - i - 1;
            break;
        }
    }
    pthread_mutex_lock(&netdev->mutex);
    netdev->stats.tx_packets += sent;
    netdev->stats.tx_bytes += bytes;
    netdev->stats.tx_dropped += dropped;
    netdev->stats.tx_errors += errors;
    pthread_mutex_unlock(&netdev->mutex);
    if (fatal) {
        linux_device_failed(dev, fatal);
        error = netdev_get_error(netdev);
    } else if (error && error != EAGAIN && error != ENOBUFS && error != EIO
               && error != ENETDOWN) {
        /* A full queue or a link that is down (a bridge's internal port
         * nobody set up) is counted, not logged. */
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

        VLOG_WARN_RL(&rl, "%s: send error (%s)", netdev->name,
                     vx_strerror(error));
    }
    if (may_steal) {
        pkt_batch_free(batch);
    }
    return error;
}

static const struct netdev_class netdev_linux_class = {
    .type = "linux",
    .alloc = netdev_linux_alloc,
    .construct = netdev_linux_construct,
    .destruct = netdev_linux_destruct,
    .dealloc = netdev_linux_dealloc,
    .set_mtu = netdev_linux_set_mtu,
    .set_etheraddr = netdev_linux_set_etheraddr,
    .update_flags = netdev_linux_update_flags,
    .get_status = netdev_linux_get_status,
    .rxq_construct = netdev_linux_rxq_construct,
    .rxq_destruct = netdev_linux_rxq_destruct,
    .rxq_recv = netdev_linux_rxq_recv,
    .rxq_wait = netdev_linux_rxq_wait,
    .send = netdev_linux_send,
};

int
netdev_linux_register(void)
{
    static const char *const types[] = { "tap", "internal", "system" };
    int error;

    /* The dummy class serves "internal" until a real one exists. */
    netdev_dummy_register();
    if (netdev_is_dummy_type("internal")) {
        error = netdev_unregister_provider("internal");
        if (error) {
            return error;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        error = netdev_register_provider(&netdev_linux_class, types[i]);
        if (error == EEXIST
            && netdev_lookup_class(types[i]) == &netdev_linux_class) {
            error = 0;
        }
        if (error) {
            return error;
        }
    }
    return 0;
}
