/* netdev-vxlan.c: the vxlan device class.  See netdev-vxlan.h. */
#include "datapath/netdev-vxlan.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "datapath/netdev-provider.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "packet/packets.h"
#include "packet/pkt.h"

VLOG_DEFINE_THIS_MODULE(netdev_vxlan);

COVERAGE_DEFINE(vxlan_rx_bad_length);
COVERAGE_DEFINE(vxlan_rx_bad_flags);
COVERAGE_DEFINE(vxlan_rx_bad_reserved);
COVERAGE_DEFINE(vxlan_rx_bad_inner);
COVERAGE_DEFINE(vxlan_rx_truncated);
COVERAGE_DEFINE(vxlan_rx_overflow);
COVERAGE_DEFINE(vxlan_rx_ecn_not_ect);
COVERAGE_DEFINE(vxlan_tx_no_endpoint);
COVERAGE_DEFINE(vxlan_tx_too_big);
COVERAGE_DEFINE(vxlan_tx_error);
COVERAGE_DEFINE(vxlan_tx_gso_fallback);
COVERAGE_DEFINE(vxlan_pmtu_probe);

/* Sending sockets per local endpoint: the number of distinct UDP source
 * ports a local address uses, which a hash of the inner flow chooses
 * from. */
#define VXLAN_N_TX_SOCKS 16

/* Largest UDP datagram received (a GRO train included). */
#define VXLAN_RX_BUF_SIZE 65536

/* Most datagrams in one UDP_SEGMENT message (the kernel's
 * UDP_MAX_SEGMENTS) and most bytes of its UDP payload. */
#define VXLAN_MAX_GSO_SEGS 64
#define VXLAN_MAX_UDP_PAYLOAD (65535 - 20 - 8)

/* Most entries in the path MTU cache before it is emptied. */
#define VXLAN_PMTU_MAX 4096

/* The UDP MTU of the tunnel port itself, as OVS gives vxlan_sys_4789. */
#define VXLAN_DEV_MTU 65000

/* A local address the device receives on and sends from. */
struct vxlan_endpoint {
    be32 local_ip;                    /* 0 = INADDR_ANY. */
    int error;                        /* Bind error, 0 when bound. */
    int rx_fd;                        /* Bound to local_ip:dst_port, or -1
                                       * (unbound, or covered by an
                                       * INADDR_ANY endpoint). */
    int tx_fds[VXLAN_N_TX_SOCKS];     /* Bound to local_ip:ephemeral, or
                                       * -1 when unbound. */
    bool tx_df[VXLAN_N_TX_SOCKS];     /* Whether each tx socket sets DF. */
    uint32_t rx_ovfl;                 /* Datagrams the kernel dropped on
                                       * 'rx_fd' for want of buffer space,
                                       * as last reported (SO_RXQ_OVFL). */
};

/* A cached path MTU. */
struct vxlan_pmtu {
    struct hmap_node node;            /* In 'pmtus'. */
    be32 local_ip;                    /* Source, 0 for any. */
    be32 remote_ip;                   /* Destination. */
    uint32_t mtu;                     /* Outer IP MTU, 0 = no route. */
    long long int expires;            /* When to ask the kernel again. */
};

/* Control buffer of one received message: IP_PKTINFO, IP_TTL, IP_TOS,
 * UDP_GRO and SO_RXQ_OVFL. */
union vxlan_rx_cmsg {
    char buf[CMSG_SPACE(sizeof(struct in_pktinfo))
             + 4 * CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

/* The messages of one sendmmsg() call. */
struct vxlan_tx_msgs {
    struct mmsghdr msgs[PKT_BATCH_SIZE];
    struct iovec iovs[2 * PKT_BATCH_SIZE];
    struct sockaddr_in dsts[PKT_BATCH_SIZE];
    union {
        char buf[CMSG_SPACE(sizeof(struct in_pktinfo))
                 + 2 * CMSG_SPACE(sizeof(int))
                 + CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } cmsgs[PKT_BATCH_SIZE];
    struct vxlan_tx_item **first[PKT_BATCH_SIZE]; /* Items of each
                                                   * message. */
    size_t n_items[PKT_BATCH_SIZE];              /* Items in each. */
    size_t n;                                    /* Messages. */
};

/* Receive state of the device's one receive queue. */
struct vxlan_rx {
    uint8_t *bufs;                           /* PKT_BATCH_SIZE buffers of
                                              * VXLAN_RX_BUF_SIZE. */
    struct mmsghdr msgs[PKT_BATCH_SIZE];     /* For recvmmsg(). */
    struct iovec iovs[PKT_BATCH_SIZE];
    struct sockaddr_in addrs[PKT_BATCH_SIZE];
    union vxlan_rx_cmsg cmsgs[PKT_BATCH_SIZE];
    size_t n_msgs;                           /* Messages received. */
    size_t next_msg;                         /* First not consumed. */
    size_t next_ofs;                         /* Bytes of it consumed (GRO
                                              * segments). */
    size_t next_ep;                          /* Endpoint to read first next
                                              * time (round robin). */
};

/* A vxlan device.  Members after 'up' are guarded by up.mutex. */
struct netdev_vxlan {
    struct netdev up;                        /* Base device. */
    uint16_t dst_port;                       /* UDP port, 0 before any
                                              * endpoint. */
    struct vxlan_endpoint *eps;              /* Endpoints. */
    size_t n_eps;                            /* Number of 'eps'. */
    bool gro;                                /* Kernel has UDP_GRO. */
    bool gso;                                /* Kernel has UDP_SEGMENT. */
    struct hmap pmtus;                       /* struct vxlan_pmtu. */
    struct vxlan_rx *rx;                     /* While the rxq is open. */
    struct vxlan_tx_msgs *tx_msgs;           /* Send buffers, preallocated */
    struct vxlan_tx_msgs *tx_one;            /* so that sending never
                                              * allocates. */
    uint64_t rx_bad[VXLAN_RX_N_VERDICTS];    /* Drops by verdict. */
    uint64_t rx_truncated;                   /* Datagrams bigger than the
                                              * buffer. */
    uint64_t rx_ecn_not_ect;                 /* Outer CE, inner Not-ECT. */
    uint64_t tx_too_big;                     /* Frames over the path MTU. */
    uint64_t tx_no_endpoint;                 /* Frames with no socket for
                                              * their source address. */
    uint64_t tx_gso_fallback;                /* GSO messages resent one
                                              * datagram at a time. */
};

static const struct netdev_class netdev_vxlan_class;

static struct netdev_vxlan *
netdev_vxlan_cast(const struct netdev *netdev)
{
    vx_assert(netdev->class == &netdev_vxlan_class);
    return CONTAINER_OF(netdev, struct netdev_vxlan, up);
}

bool
netdev_is_vxlan(const struct netdev *netdev)
{
    return netdev->class == &netdev_vxlan_class;
}

/* Parsing. */

/* Checks that the inner frame of SIZE bytes at DATA holds an Ethernet
 * header (after up to two VLAN tags) and, for IPv4 and IPv6, the whole IP
 * header, as the kernel pulls it before decapsulating (V6). */
static bool
inner_frame_ok(const uint8_t *data, size_t size)
{
    size_t ofs = 2 * ETH_ADDR_LEN;
    uint16_t type;

    if (size < ETH_HEADER_LEN) {
        return false;
    }
    type = (uint16_t) (data[ofs] << 8 | data[ofs + 1]);
    for (int i = 0; i < 2 && (type == ETH_TYPE_VLAN_8021Q
                              || type == ETH_TYPE_VLAN_8021AD); i++) {
        ofs += VLAN_HEADER_LEN;
        if (ofs + 2 > size) {
            return false;
        }
        type = (uint16_t) (data[ofs] << 8 | data[ofs + 1]);
    }
    ofs += 2;
    if (type == ETH_TYPE_IP) {
        size_t ihl;

        if (size - ofs < IP_HEADER_LEN) {
            return false;
        }
        ihl = (size_t) (data[ofs] & 0x0f) * 4;
        return (data[ofs] >> 4) == 4 && ihl >= IP_HEADER_LEN
               && ihl <= size - ofs;
    } else if (type == ETH_TYPE_IPV6) {
        return size - ofs >= IPV6_HEADER_LEN && (data[ofs] >> 4) == 6;
    }
    return true;
}

enum vxlan_rx_verdict
netdev_vxlan_parse(const uint8_t *data, size_t size, uint32_t *vnip)
{
    *vnip = 0;
    if (size < VXLAN_HLEN) {
        return VXLAN_RX_SHORT;
    }
    if (!(data[0] & VXLAN_FLAG_VNI)) {
        return VXLAN_RX_NO_VNI;
    }
    /* Only the I flag may be set; the 24 reserved bits after the flags
     * and the 8 after the VNI must be zero (the Linux kernel's rule,
     * stricter than RFC 7348's "ignore on receipt"). */
    if (data[0] != VXLAN_FLAG_VNI || data[1] || data[2] || data[3]
        || data[7]) {
        return VXLAN_RX_RESERVED;
    }
    if (!inner_frame_ok(data + VXLAN_HLEN, size - VXLAN_HLEN)) {
        return VXLAN_RX_INNER_SHORT;
    }
    *vnip = (uint32_t) data[4] << 16 | (uint32_t) data[5] << 8 | data[6];
    return VXLAN_RX_OK;
}

const char *
netdev_vxlan_verdict_name(enum vxlan_rx_verdict verdict)
{
    switch (verdict) {
    case VXLAN_RX_OK:
        return "rx_ok";
    case VXLAN_RX_SHORT:
        return "rx_bad_length";
    case VXLAN_RX_NO_VNI:
        return "rx_bad_flags";
    case VXLAN_RX_RESERVED:
        return "rx_bad_reserved";
    case VXLAN_RX_INNER_SHORT:
        return "rx_bad_inner";
    case VXLAN_RX_N_VERDICTS:
        break;
    }
    return "rx_unknown";
}

/* Sockets. */

static void
close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static void
endpoint_close(struct vxlan_endpoint *ep)
{
    close_fd(&ep->rx_fd);
    for (size_t i = 0; i < VXLAN_N_TX_SOCKS; i++) {
        close_fd(&ep->tx_fds[i]);
    }
}

/* Returns a new nonblocking UDP socket bound to IP:PORT, or a negative
 * errno. */
static int
udp_socket_bind(be32 ip, uint16_t port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = ip,
    };
    int pmtud = IP_PMTUDISC_DO;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        return -errno;
    }
    if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtud, sizeof pmtud)
        || bind(fd, (struct sockaddr *) &sin, sizeof sin)) {
        int error = errno;

        close(fd);
        return -error;
    }
    return fd;
}

/* Sets an int socket option, ignoring failure (buffer sizes and the like,
 * which only tune). */
static void
setsockopt_int(int fd, int level, int name, int value)
{
    if (setsockopt(fd, level, name, &value, sizeof value)) {
        VLOG_DBG("setsockopt(%d, %d) failed: %s", level, name,
                 vx_strerror(errno));
    }
}

/* Sets the socket buffer size option NAME (SO_RCVBUF or SO_SNDBUF) of FD
 * to SIZE, beyond the system's maximum where we may (FORCE_NAME, with
 * CAP_NET_ADMIN): a burst at line rate must not overflow it. */
static void
set_sockbuf(int fd, int force_name, int name, int size)
{
    if (setsockopt(fd, SOL_SOCKET, force_name, &size, sizeof size)) {
        setsockopt_int(fd, SOL_SOCKET, name, size);
    }
}

/* Opens and binds the receive socket of EP on DEV's port (unless
 * SKIP_RX, when an INADDR_ANY endpoint receives for it) and its sending
 * sockets.  Sets ep->error. */
static void
endpoint_open(struct netdev_vxlan *dev, struct vxlan_endpoint *ep,
              bool skip_rx)
{
    int fd;

    ep->error = 0;
    if (!skip_rx) {
        int on = 1;

        fd = udp_socket_bind(ep->local_ip, dev->dst_port);
        if (fd < 0) {
            ep->error = -fd;
            return;
        }
        setsockopt_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
        setsockopt_int(fd, IPPROTO_IP, IP_RECVTTL, 1);
        setsockopt_int(fd, IPPROTO_IP, IP_RECVTOS, 1);
        setsockopt_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
        set_sockbuf(fd, SO_RCVBUFFORCE, SO_RCVBUF, 8 << 20);
        if (dev->gro && setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on)) {
            VLOG_INFO("%s: UDP GRO not available (%s), receiving one "
                      "datagram per buffer", dev->up.name,
                      vx_strerror(errno));
            dev->gro = false;
        }
        ep->rx_fd = fd;
    }
    for (size_t i = 0; i < VXLAN_N_TX_SOCKS; i++) {
        fd = udp_socket_bind(ep->local_ip, 0);
        if (fd < 0) {
            ep->error = -fd;
            endpoint_close(ep);
            return;
        }
        /* Nothing is read from a sending socket. */
        setsockopt_int(fd, SOL_SOCKET, SO_RCVBUF, 1);
        set_sockbuf(fd, SO_SNDBUFFORCE, SO_SNDBUF, 4 << 20);
        ep->tx_fds[i] = fd;
        ep->tx_df[i] = true;
    }
}

static void
endpoint_init(struct vxlan_endpoint *ep, be32 local_ip)
{
    memset(ep, 0, sizeof *ep);
    ep->local_ip = local_ip;
    ep->rx_fd = -1;
    for (size_t i = 0; i < VXLAN_N_TX_SOCKS; i++) {
        ep->tx_fds[i] = -1;
    }
}

static bool
endpoint_is_bound(const struct vxlan_endpoint *ep)
{
    return ep->tx_fds[0] >= 0;
}

static bool
ips_contain(const be32 *ips, size_t n, be32 ip)
{
    for (size_t i = 0; i < n; i++) {
        if (ips[i] == ip) {
            return true;
        }
    }
    return false;
}

int
netdev_vxlan_set_endpoints(struct netdev *netdev, const be32 *local_ips,
                           size_t n, uint16_t dst_port)
{
    struct netdev_vxlan *dev;
    struct vxlan_endpoint *eps;
    bool has_any;
    size_t n_eps = 0;
    int error = 0;

    if (!netdev_is_vxlan(netdev)) {
        return EINVAL;
    }
    dev = netdev_vxlan_cast(netdev);
    has_any = ips_contain(local_ips, n, htonl(INADDR_ANY));
    eps = xcalloc(n ? n : 1, sizeof *eps);

    pthread_mutex_lock(&netdev->mutex);
    for (size_t i = 0; i < n; i++) {
        bool skip_rx = has_any && local_ips[i] != htonl(INADDR_ANY);
        struct vxlan_endpoint *ep = &eps[n_eps];

        if (ips_contain(local_ips, i, local_ips[i])) {
            continue;
        }
        endpoint_init(ep, local_ips[i]);
        n_eps++;
        /* Keep an old endpoint that is bound as it should be. */
        for (size_t j = 0; j < dev->n_eps; j++) {
            struct vxlan_endpoint *old = &dev->eps[j];

            if (old->local_ip == ep->local_ip && endpoint_is_bound(old)
                && dst_port == dev->dst_port
                && skip_rx == (old->rx_fd < 0)) {
                *ep = *old;
                endpoint_init(old, old->local_ip);
                break;
            }
        }
    }
    /* The stale endpoints go before the new ones bind, so that a port that
     * moves between them is free. */
    for (size_t j = 0; j < dev->n_eps; j++) {
        endpoint_close(&dev->eps[j]);
    }
    free(dev->eps);
    dev->eps = eps;
    dev->n_eps = n_eps;
    dev->dst_port = dst_port;
    for (size_t i = 0; i < n_eps; i++) {
        struct vxlan_endpoint *ep = &eps[i];

        if (!endpoint_is_bound(ep)) {
            endpoint_open(dev, ep, has_any && ep->local_ip);
            if (ep->error) {
                static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

                VLOG_WARN_RL(&rl, "%s: cannot bind VXLAN socket to "IP_FMT
                             ":%"PRIu16" (%s)", netdev->name,
                             IP_ARGS(ep->local_ip), dst_port,
                             vx_strerror(ep->error));
                error = error ? error : ep->error;
            }
        }
    }
    if (dev->rx) {
        dev->rx->next_ep = 0;
    }
    pthread_mutex_unlock(&netdev->mutex);
    return error;
}

int
netdev_vxlan_endpoint_error(const struct netdev *netdev, be32 local_ip)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);
    int error = ENOENT;

    pthread_mutex_lock(&dev->up.mutex);
    for (size_t i = 0; i < dev->n_eps; i++) {
        if (dev->eps[i].local_ip == local_ip) {
            error = dev->eps[i].error;
            break;
        }
    }
    pthread_mutex_unlock(&dev->up.mutex);
    return error;
}

uint16_t
netdev_vxlan_dst_port(const struct netdev *netdev)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);
    uint16_t port;

    pthread_mutex_lock(&dev->up.mutex);
    port = dev->dst_port;
    pthread_mutex_unlock(&dev->up.mutex);
    return port;
}

/* Path MTU. */

static uint32_t
pmtu_hash(be32 local_ip, be32 remote_ip)
{
    return hash_finish(hash_add(hash_add(0, local_ip), remote_ip), 8);
}

static struct vxlan_pmtu *
pmtu_find(const struct netdev_vxlan *dev, be32 local_ip, be32 remote_ip)
{
    struct vxlan_pmtu *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, pmtu_hash(local_ip, remote_ip),
                             &dev->pmtus) {
        if (e->local_ip == local_ip && e->remote_ip == remote_ip) {
            return e;
        }
    }
    return NULL;
}

static void
pmtu_clear(struct netdev_vxlan *dev)
{
    struct vxlan_pmtu *e, *next;

    HMAP_FOR_EACH_SAFE (e, next, node, &dev->pmtus) {
        hmap_remove(&dev->pmtus, &e->node);
        free(e);
    }
}

/* Asks the kernel for the path MTU from LOCAL_IP to REMOTE_IP:PORT: the
 * IP_MTU of a UDP socket connected there, which is the route's MTU or
 * what path MTU discovery learnt.  Returns 0 without a route. */
static uint32_t
pmtu_probe(be32 local_ip, be32 remote_ip, uint16_t port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(port ? port : VXLAN_PORT),
        .sin_addr.s_addr = remote_ip,
    };
    socklen_t len;
    int mtu = 0;
    int fd;

    COVERAGE_INC(vxlan_pmtu_probe);
    fd = udp_socket_bind(local_ip, 0);
    if (fd < 0) {
        return 0;
    }
    len = sizeof mtu;
    if (connect(fd, (struct sockaddr *) &sin, sizeof sin)
        || getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len) || mtu < 0) {
        mtu = 0;
    }
    close(fd);
    return (uint32_t) mtu;
}

uint32_t
netdev_vxlan_path_mtu(struct netdev *netdev, be32 local_ip, be32 remote_ip)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);
    long long int now = time_msec();
    struct vxlan_pmtu *e;
    uint32_t mtu;

    pthread_mutex_lock(&netdev->mutex);
    e = pmtu_find(dev, local_ip, remote_ip);
    if (!e || now >= e->expires) {
        if (!e) {
            if (hmap_count(&dev->pmtus) >= VXLAN_PMTU_MAX) {
                pmtu_clear(dev);
            }
            e = xzalloc(sizeof *e);
            e->local_ip = local_ip;
            e->remote_ip = remote_ip;
            hmap_insert(&dev->pmtus, &e->node,
                        pmtu_hash(local_ip, remote_ip));
        }
        e->mtu = pmtu_probe(local_ip, remote_ip, dev->dst_port);
        e->expires = now + VXLAN_PMTU_TIMEOUT_MS;
    }
    mtu = e->mtu;
    pthread_mutex_unlock(&netdev->mutex);
    return mtu;
}

/* Makes the next path MTU lookup toward REMOTE_IP ask the kernel again,
 * after a send failed with EMSGSIZE.  DEV's mutex is held. */
static void
pmtu_invalidate(struct netdev_vxlan *dev, be32 local_ip, be32 remote_ip)
{
    struct vxlan_pmtu *e = pmtu_find(dev, local_ip, remote_ip);

    if (e) {
        e->expires = 0;
    }
}

void
netdev_vxlan_count_too_big(struct netdev *netdev)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);

    COVERAGE_INC(vxlan_tx_too_big);
    pthread_mutex_lock(&netdev->mutex);
    dev->tx_too_big++;
    dev->up.stats.tx_dropped++;
    pthread_mutex_unlock(&netdev->mutex);
}

/* Device life cycle. */

static struct netdev *
netdev_vxlan_alloc(void)
{
    struct netdev_vxlan *dev = xzalloc(sizeof *dev);

    return &dev->up;
}

/* Returns true if the kernel knows the UDP socket option NAME. */
static bool
udp_option_supported(int name)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int value = 0;
    socklen_t len = sizeof value;
    bool ok;

    if (fd < 0) {
        return false;
    }
    ok = !getsockopt(fd, SOL_UDP, name, &value, &len);
    close(fd);
    return ok;
}

static int
netdev_vxlan_construct(struct netdev *netdev)
{
    static atomic_uint next_mac;
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);
    unsigned int n = atomic_fetch_add(&next_mac, 1);

    /* A locally administered address: the device is never an Ethernet
     * endpoint itself. */
    netdev->mac = (struct eth_addr) { { 0x02, 0x56, 0x58, 0x4c,
                                        (uint8_t) (n >> 8), (uint8_t) n } };
    netdev->flags = NETDEV_UP;
    netdev->mtu = VXLAN_DEV_MTU;
    hmap_init(&dev->pmtus);
    dev->tx_msgs = xmalloc(sizeof *dev->tx_msgs);
    dev->tx_one = xmalloc(sizeof *dev->tx_one);
    dev->gro = udp_option_supported(UDP_GRO);
    dev->gso = udp_option_supported(UDP_SEGMENT);
    return 0;
}

static void
netdev_vxlan_destruct(struct netdev *netdev)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);

    for (size_t i = 0; i < dev->n_eps; i++) {
        endpoint_close(&dev->eps[i]);
    }
    free(dev->eps);
    pmtu_clear(dev);
    hmap_destroy(&dev->pmtus);
    free(dev->tx_msgs);
    free(dev->tx_one);
}

static void
netdev_vxlan_dealloc(struct netdev *netdev)
{
    free(netdev_vxlan_cast(netdev));
}

static void
netdev_vxlan_get_status(const struct netdev *netdev, struct ds *ds)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);

    pthread_mutex_lock(&dev->up.mutex);
    ds_put_format(ds, "dst_port=%"PRIu16"\n", dev->dst_port);
    for (size_t i = 0; i < dev->n_eps; i++) {
        const struct vxlan_endpoint *ep = &dev->eps[i];

        ds_put_format(ds, "endpoint_"IP_FMT"=%s\n", IP_ARGS(ep->local_ip),
                      ep->error ? vx_strerror(ep->error) : "bound");
    }
    ds_put_format(ds, "udp_gro=%s\nudp_gso=%s\n",
                  dev->gro ? "true" : "false", dev->gso ? "true" : "false");
    for (int v = VXLAN_RX_OK + 1; v < VXLAN_RX_N_VERDICTS; v++) {
        ds_put_format(ds, "%s=%"PRIu64"\n", netdev_vxlan_verdict_name(v),
                      dev->rx_bad[v]);
    }
    ds_put_format(ds, "rx_truncated=%"PRIu64"\nrx_ecn_not_ect=%"PRIu64"\n"
                  "tx_too_big=%"PRIu64"\ntx_no_endpoint=%"PRIu64"\n"
                  "tx_gso_fallback=%"PRIu64"\n",
                  dev->rx_truncated, dev->rx_ecn_not_ect, dev->tx_too_big,
                  dev->tx_no_endpoint, dev->tx_gso_fallback);
    pthread_mutex_unlock(&dev->up.mutex);
}

/* Receiving. */

static int
netdev_vxlan_rxq_construct(struct netdev_rxq *rxq)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(rxq->netdev);
    struct vxlan_rx *rx = xzalloc(sizeof *rx);

    rx->bufs = xmalloc((size_t) PKT_BATCH_SIZE * VXLAN_RX_BUF_SIZE);
    pthread_mutex_lock(&dev->up.mutex);
    dev->rx = rx;
    pthread_mutex_unlock(&dev->up.mutex);
    return 0;
}

static void
netdev_vxlan_rxq_destruct(struct netdev_rxq *rxq)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(rxq->netdev);
    struct vxlan_rx *rx;

    pthread_mutex_lock(&dev->up.mutex);
    rx = dev->rx;
    dev->rx = NULL;
    pthread_mutex_unlock(&dev->up.mutex);
    free(rx->bufs);
    free(rx);
}

/* Counts a received datagram dropped for VERDICT.  DEV's mutex is held. */
static void
count_rx_drop(struct netdev_vxlan *dev, enum vxlan_rx_verdict verdict)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    switch (verdict) {
    case VXLAN_RX_SHORT:
        COVERAGE_INC(vxlan_rx_bad_length);
        break;
    case VXLAN_RX_NO_VNI:
        COVERAGE_INC(vxlan_rx_bad_flags);
        break;
    case VXLAN_RX_RESERVED:
        COVERAGE_INC(vxlan_rx_bad_reserved);
        break;
    case VXLAN_RX_INNER_SHORT:
        COVERAGE_INC(vxlan_rx_bad_inner);
        break;
    case VXLAN_RX_OK:
    case VXLAN_RX_N_VERDICTS:
        return;
    }
    dev->rx_bad[verdict]++;
    dev->up.stats.rx_errors++;
    VLOG_DBG_RL(&rl, "%s: dropped a received datagram (%s)", dev->up.name,
                netdev_vxlan_verdict_name(verdict));
}

/* Counts the datagrams that the kernel dropped on EP's receive socket
 * since the last time, as the SO_RXQ_OVFL control message of the received
 * message M reports.  DEV's mutex is held. */
static void
count_rx_overflow(struct netdev_vxlan *dev, struct vxlan_endpoint *ep,
                  const struct msghdr *m)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c;
         c = CMSG_NXTHDR((struct msghdr *) m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
            uint32_t drops, delta;

            memcpy(&drops, CMSG_DATA(c), sizeof drops);
            delta = drops - ep->rx_ovfl;
            ep->rx_ovfl = drops;
            dev->up.stats.rx_dropped += delta;
            COVERAGE_ADD(vxlan_rx_overflow, delta);
        }
    }
}

/* Receives up to PKT_BATCH_SIZE messages from the first endpoint, in
 * round-robin order, that has some.  Returns true if any arrived.  DEV's
 * mutex is held. */
static bool
vxlan_rx_fill(struct netdev_vxlan *dev, struct vxlan_rx *rx)
{
    for (size_t k = 0; k < dev->n_eps; k++) {
        size_t idx = (rx->next_ep + k) % dev->n_eps;
        int fd = dev->eps[idx].rx_fd;
        int n;

        if (fd < 0) {
            continue;
        }
        for (size_t i = 0; i < PKT_BATCH_SIZE; i++) {
            struct msghdr *m = &rx->msgs[i].msg_hdr;

            rx->iovs[i].iov_base = rx->bufs + i * VXLAN_RX_BUF_SIZE;
            rx->iovs[i].iov_len = VXLAN_RX_BUF_SIZE;
            memset(m, 0, sizeof *m);
            m->msg_name = &rx->addrs[i];
            m->msg_namelen = sizeof rx->addrs[i];
            m->msg_iov = &rx->iovs[i];
            m->msg_iovlen = 1;
            m->msg_control = rx->cmsgs[i].buf;
            m->msg_controllen = sizeof rx->cmsgs[i].buf;
        }
        n = recvmmsg(fd, rx->msgs, PKT_BATCH_SIZE, MSG_DONTWAIT, NULL);
        if (n > 0) {
            count_rx_overflow(dev, &dev->eps[idx], &rx->msgs[n - 1].msg_hdr);
            rx->n_msgs = (size_t) n;
            rx->next_msg = 0;
            rx->next_ofs = 0;
            rx->next_ep = (idx + 1) % dev->n_eps;
            return true;
        }
        if (errno != EAGAIN && errno != EINTR) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

            dev->up.stats.rx_errors++;
            VLOG_WARN_RL(&rl, "%s: receive failed: %s", dev->up.name,
                         vx_strerror(errno));
        }
    }
    return false;
}

/* The outer-header facts of one received message. */
struct vxlan_rx_meta {
    struct flow_tnl tnl;       /* Tunnel metadata except tun_id. */
    size_t seg_size;           /* GRO segment size, or the whole
                                * datagram. */
};

/* Reads the metadata of received message M (from SIN) into *META. */
static void
rx_meta(const struct netdev_vxlan *dev, const struct msghdr *m,
        const struct sockaddr_in *sin, size_t len, struct vxlan_rx_meta *meta)
{
    memset(meta, 0, sizeof *meta);
    meta->tnl.ip_src = sin->sin_addr.s_addr;
    meta->tnl.tp_src = sin->sin_port;
    meta->tnl.tp_dst = htons(dev->dst_port);
    meta->tnl.flags = FLOW_TNL_F_KEY;
    meta->seg_size = len;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c;
         c = CMSG_NXTHDR((struct msghdr *) m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;

            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            meta->tnl.ip_dst = pi.ipi_addr.s_addr;
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
            int ttl;

            memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
            meta->tnl.ip_ttl = (uint8_t) ttl;
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
            meta->tnl.ip_tos = *(const uint8_t *) CMSG_DATA(c);
        } else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
            int gso_size;

            memcpy(&gso_size, CMSG_DATA(c), sizeof gso_size);
            if (gso_size > 0) {
                meta->seg_size = (size_t) gso_size;
            }
        }
    }
}

/* Replaces the 16-bit word OLD (host order) covered by the Internet
 * checksum at CSUM with NEW (RFC 1624). */
static void
csum_replace16(uint8_t *csum, uint16_t old, uint16_t new)
{
    uint32_t sum = (uint16_t) ~(csum[0] << 8 | csum[1]);

    sum += (uint16_t) ~old;
    sum += new;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    csum[0] = (uint8_t) (~sum >> 8);
    csum[1] = (uint8_t) ~sum;
}

/* Applies RFC 6040's decapsulation rule to the inner frame of SIZE bytes
 * at FRAME (validated by netdev_vxlan_parse()) that arrived with outer TOS
 * OUTER_TOS: when the outer header says "congestion experienced", an
 * inner IP header that supports ECN is marked CE too and one that does
 * not (Not-ECT) means the packet must be dropped (bad-inputs.md V9).
 * Returns false to drop. */
static bool
ecn_decap(uint8_t *frame, size_t size, uint8_t outer_tos)
{
    size_t ofs = 2 * ETH_ADDR_LEN;
    uint16_t type;

    if ((outer_tos & IP_ECN_MASK) != IP_ECN_CE) {
        return true;
    }
    type = (uint16_t) (frame[ofs] << 8 | frame[ofs + 1]);
    while ((type == ETH_TYPE_VLAN_8021Q || type == ETH_TYPE_VLAN_8021AD)
           && ofs + VLAN_HEADER_LEN + 2 <= size) {
        ofs += VLAN_HEADER_LEN;
        type = (uint16_t) (frame[ofs] << 8 | frame[ofs + 1]);
    }
    ofs += 2;
    if (type == ETH_TYPE_IP && size - ofs >= IP_HEADER_LEN) {
        uint8_t *ip = frame + ofs;
        uint16_t old = (uint16_t) (ip[0] << 8 | ip[1]);

        if (!(ip[1] & IP_ECN_MASK)) {
            return false;
        }
        ip[1] |= IP_ECN_CE;
        csum_replace16(ip + 10, old, (uint16_t) (ip[0] << 8 | ip[1]));
    } else if (type == ETH_TYPE_IPV6 && size - ofs >= IPV6_HEADER_LEN) {
        /* The traffic class straddles bytes 0 and 1; ECN is its low two
         * bits, bits 4-5 of byte 1. */
        uint8_t *ip6 = frame + ofs;

        if (!(ip6[1] & (IP_ECN_MASK << 4))) {
            return false;
        }
        ip6[1] |= IP_ECN_CE << 4;
    }
    return true;
}

/* Decapsulates the received messages of RX not consumed yet into BATCH
 * until it is full.  DEV's mutex is held. */
static void
vxlan_rx_drain(struct netdev_vxlan *dev, struct vxlan_rx *rx,
               struct pkt_batch *batch)
{
    uint64_t bytes = 0;
    size_t n0 = batch->count;

    while (rx->next_msg < rx->n_msgs && !pkt_batch_is_full(batch)) {
        size_t i = rx->next_msg;
        const struct msghdr *m = &rx->msgs[i].msg_hdr;
        size_t len = rx->msgs[i].msg_len;
        const uint8_t *buf = rx->bufs + i * VXLAN_RX_BUF_SIZE;
        struct vxlan_rx_meta meta;

        if (m->msg_flags & MSG_TRUNC) {
            COVERAGE_INC(vxlan_rx_truncated);
            dev->rx_truncated++;
            dev->up.stats.rx_errors++;
            rx->next_msg++;
            continue;
        }
        if (!len) {
            /* An empty datagram has no segment to look at. */
            count_rx_drop(dev, VXLAN_RX_SHORT);
            rx->next_msg++;
            continue;
        }
        rx_meta(dev, m, &rx->addrs[i], len, &meta);
        while (rx->next_ofs < len && !pkt_batch_is_full(batch)) {
            size_t seg = MIN(meta.seg_size, len - rx->next_ofs);
            const uint8_t *data = buf + rx->next_ofs;
            enum vxlan_rx_verdict verdict;
            uint32_t vni;
            struct pkt *p;

            rx->next_ofs += seg;
            verdict = netdev_vxlan_parse(data, seg, &vni);
            if (verdict != VXLAN_RX_OK) {
                count_rx_drop(dev, verdict);
                continue;
            }
            p = pkt_new(seg - VXLAN_HLEN);
            pkt_put(p, data + VXLAN_HLEN, seg - VXLAN_HLEN);
            if (!ecn_decap(pkt_data(p), pkt_size(p), meta.tnl.ip_tos)) {
                COVERAGE_INC(vxlan_rx_ecn_not_ect);
                dev->rx_ecn_not_ect++;
                dev->up.stats.rx_errors++;
                pkt_free(p);
                continue;
            }
            p->md.tunnel = meta.tnl;
            p->md.tunnel.tun_id = htonll(vni);
            bytes += pkt_size(p);
            pkt_batch_add(batch, p);
        }
        if (rx->next_ofs >= len) {
            rx->next_msg++;
            rx->next_ofs = 0;
        }
    }
    dev->up.stats.rx_packets += batch->count - n0;
    dev->up.stats.rx_bytes += bytes;
}

static bool
vxlan_rx_pending(const struct vxlan_rx *rx)
{
    return rx->next_msg < rx->n_msgs;
}

static int
netdev_vxlan_rxq_recv(struct netdev_rxq *rxq, struct pkt_batch *batch)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(rxq->netdev);
    struct vxlan_rx *rx;

    pthread_mutex_lock(&dev->up.mutex);
    rx = dev->rx;
    vxlan_rx_drain(dev, rx, batch);
    if (!pkt_batch_is_full(batch) && !vxlan_rx_pending(rx)
        && vxlan_rx_fill(dev, rx)) {
        vxlan_rx_drain(dev, rx, batch);
    }
    pthread_mutex_unlock(&dev->up.mutex);
    return batch->count ? 0 : EAGAIN;
}

static void
netdev_vxlan_rxq_wait(struct netdev_rxq *rxq)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(rxq->netdev);

    pthread_mutex_lock(&dev->up.mutex);
    if (vxlan_rx_pending(dev->rx)) {
        poll_immediate_wake();
    } else {
        for (size_t i = 0; i < dev->n_eps; i++) {
            if (dev->eps[i].rx_fd >= 0) {
                poll_fd_wait(dev->eps[i].rx_fd, POLLIN);
            }
        }
    }
    pthread_mutex_unlock(&dev->up.mutex);
}

/* Sending. */

/* Returns a hash of the flow of the inner frame of SIZE bytes at DATA:
 * Ethernet addresses and type, and for IPv4/IPv6 the addresses, protocol
 * and TCP/UDP/SCTP ports, so that the packets of one connection leave by
 * one UDP source port. */
static uint32_t
inner_flow_hash(const uint8_t *data, size_t size)
{
    uint32_t hash = 0;
    size_t ofs = 2 * ETH_ADDR_LEN;
    uint16_t type;
    uint8_t proto = 0;
    size_t l4 = 0;

    if (size < ETH_HEADER_LEN) {
        return 0;
    }
    type = (uint16_t) (data[ofs] << 8 | data[ofs + 1]);
    while ((type == ETH_TYPE_VLAN_8021Q || type == ETH_TYPE_VLAN_8021AD)
           && ofs + VLAN_HEADER_LEN + 2 <= size) {
        ofs += VLAN_HEADER_LEN;
        type = (uint16_t) (data[ofs] << 8 | data[ofs + 1]);
    }
    ofs += 2;
    if (type == ETH_TYPE_IP && size - ofs >= IP_HEADER_LEN) {
        const uint8_t *ip = data + ofs;
        size_t ihl = (size_t) (ip[0] & 0x0f) * 4;
        bool later_frag = (ip[6] & 0x1f) || ip[7];

        hash = hash_bytes(ip + 12, 8, 0);
        proto = ip[9];
        l4 = later_frag ? 0 : ofs + ihl;
    } else if (type == ETH_TYPE_IPV6 && size - ofs >= IPV6_HEADER_LEN) {
        hash = hash_bytes(data + ofs + 8, 32, 0);
        proto = data[ofs + 6];
        l4 = ofs + IPV6_HEADER_LEN;
    } else {
        return hash_bytes(data, ETH_HEADER_LEN, 0);
    }
    hash = hash_add(hash, proto);
    if (l4 && l4 + 4 <= size
        && (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_
            || proto == IPPROTO_SCTP_)) {
        uint32_t ports;

        memcpy(&ports, data + l4, sizeof ports);
        hash = hash_add(hash, ports);
    }
    return hash_finish(hash, 0);
}

/* Where one packet of a send batch goes. */
struct vxlan_tx_item {
    struct pkt *p;             /* The packet. */
    int fd;                    /* Socket, -1 if dropped. */
    struct vxlan_endpoint *ep; /* Its endpoint. */
    size_t sock_idx;           /* Its index in ep->tx_fds. */
    be32 src;                  /* Source address for IP_PKTINFO, or 0. */
    be32 dst;                  /* Destination address. */
    be16 port;                 /* Destination UDP port. */
    uint8_t ttl;               /* Outer TTL. */
    uint8_t tos;               /* Outer TOS. */
    bool df;                   /* Outer DF. */
    uint8_t hdr[VXLAN_HLEN];   /* The VXLAN header to prepend. */
};

/* Returns the endpoint of DEV that sends from SRC (0: any), or NULL.
 * Sets *PKTINFO_SRC to the source address to request per datagram. */
static struct vxlan_endpoint *
tx_endpoint(struct netdev_vxlan *dev, be32 src, be32 *pktinfo_src)
{
    struct vxlan_endpoint *any = NULL, *first = NULL;

    *pktinfo_src = 0;
    for (size_t i = 0; i < dev->n_eps; i++) {
        struct vxlan_endpoint *ep = &dev->eps[i];

        if (!endpoint_is_bound(ep)) {
            continue;
        }
        if (ep->local_ip == src) {
            return ep;
        }
        if (!ep->local_ip) {
            any = ep;
        }
        first = first ? first : ep;
    }
    if (any) {
        *pktinfo_src = src;
        return any;
    }
    return src ? NULL : first;
}

/* Fills ITEM for P.  Returns 0, or an errno if P cannot be sent
 * (counted): EINVAL for a frame without an Ethernet header or a
 * destination, EMSGSIZE for one too big for a UDP datagram, EADDRNOTAVAIL
 * without a socket for its source address. */
static int
tx_item_init(struct netdev_vxlan *dev, struct pkt *p,
             struct vxlan_tx_item *item)
{
    const struct flow_tnl *tnl = &p->md.tunnel;
    uint32_t vni = (uint32_t) ntohll(tnl->tun_id) & 0xffffff;

    memset(item, 0, sizeof *item);
    item->p = p;
    item->fd = -1;
    if (pkt_size(p) < ETH_HEADER_LEN || !tnl->ip_dst) {
        dev->up.stats.tx_errors++;
        COVERAGE_INC(vxlan_tx_error);
        return EINVAL;
    }
    if (pkt_size(p) + VXLAN_HLEN > VXLAN_MAX_UDP_PAYLOAD) {
        dev->up.stats.tx_dropped++;
        dev->tx_too_big++;
        COVERAGE_INC(vxlan_tx_too_big);
        return EMSGSIZE;
    }
    item->ep = tx_endpoint(dev, tnl->ip_src, &item->src);
    if (!item->ep) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

        dev->up.stats.tx_errors++;
        dev->tx_no_endpoint++;
        COVERAGE_INC(vxlan_tx_no_endpoint);
        VLOG_WARN_RL(&rl, "%s: no bound VXLAN socket for local address "
                     IP_FMT, dev->up.name, IP_ARGS(tnl->ip_src));
        return EADDRNOTAVAIL;
    }
    item->sock_idx = (p->hash_valid ? p->hash
                      : inner_flow_hash(pkt_data(p), pkt_size(p)))
                     % VXLAN_N_TX_SOCKS;
    item->fd = item->ep->tx_fds[item->sock_idx];
    item->dst = tnl->ip_dst;
    item->port = tnl->tp_dst ? tnl->tp_dst : htons(dev->dst_port);
    item->ttl = tnl->ip_ttl ? tnl->ip_ttl : 64;
    item->tos = tnl->ip_tos;
    item->df = (tnl->flags & FLOW_TNL_F_DONT_FRAGMENT) != 0;
    item->hdr[0] = VXLAN_FLAG_VNI;
    item->hdr[4] = (uint8_t) (vni >> 16);
    item->hdr[5] = (uint8_t) (vni >> 8);
    item->hdr[6] = (uint8_t) vni;
    return 0;
}

/* Returns true if A and B may be two datagrams of one message (same
 * socket, destination and outer header fields). */
static bool
tx_same_message(const struct vxlan_tx_item *a, const struct vxlan_tx_item *b)
{
    return a->fd == b->fd && a->dst == b->dst && a->port == b->port
           && a->ttl == b->ttl && a->tos == b->tos && a->src == b->src
           && a->df == b->df;
}

/* Writes a control message with LEN bytes of DATA at offset OFS of the
 * (cmsghdr-aligned) control buffer BUF and returns the offset after it. */
static size_t
put_cmsg(char *buf, size_t ofs, int level, int type, const void *data,
         size_t len)
{
    struct cmsghdr *c = (struct cmsghdr *) (void *) (buf + ofs);

    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
    return ofs + CMSG_SPACE(len);
}

/* Builds message K of MSGS from the N items at ITEMS (datagrams of equal
 * size but perhaps the last, cut by the kernel with UDP_SEGMENT when
 * N > 1), using the 2 * N iovecs at IOV. */
static void
tx_build_msg(struct vxlan_tx_msgs *msgs, size_t k,
             struct vxlan_tx_item **items, size_t n, struct iovec *iov)
{
    const struct vxlan_tx_item *it = items[0];
    struct msghdr *m = &msgs->msgs[k].msg_hdr;
    struct sockaddr_in *sin = &msgs->dsts[k];
    char *cbuf = msgs->cmsgs[k].buf;
    int ttl = it->ttl, tos = it->tos;
    size_t ofs = 0;

    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = it->dst;
    sin->sin_port = it->port;
    for (size_t i = 0; i < n; i++) {
        iov[2 * i].iov_base = items[i]->hdr;
        iov[2 * i].iov_len = VXLAN_HLEN;
        iov[2 * i + 1].iov_base = pkt_data(items[i]->p);
        iov[2 * i + 1].iov_len = pkt_size(items[i]->p);
    }
    memset(cbuf, 0, sizeof msgs->cmsgs[k].buf);
    ofs = put_cmsg(cbuf, ofs, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    ofs = put_cmsg(cbuf, ofs, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
    if (it->src) {
        struct in_pktinfo pi;

        memset(&pi, 0, sizeof pi);
        pi.ipi_spec_dst.s_addr = it->src;
        ofs = put_cmsg(cbuf, ofs, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi);
    }
    if (n > 1) {
        uint16_t gso_size = (uint16_t) (VXLAN_HLEN + pkt_size(it->p));

        ofs = put_cmsg(cbuf, ofs, SOL_UDP, UDP_SEGMENT, &gso_size,
                       sizeof gso_size);
    }
    memset(m, 0, sizeof *m);
    m->msg_name = sin;
    m->msg_namelen = sizeof *sin;
    m->msg_iov = iov;
    m->msg_iovlen = 2 * n;
    m->msg_control = cbuf;
    m->msg_controllen = ofs;
    msgs->first[k] = items;
    msgs->n_items[k] = n;
}

/* Counts the N items at ITEMS as sent. */
static void
count_sent(struct netdev_vxlan *dev, struct vxlan_tx_item **items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dev->up.stats.tx_packets++;
        dev->up.stats.tx_bytes += pkt_size(items[i]->p);
    }
}

/* Counts the N items at ITEMS as failed with ERROR. */
static void
count_failed(struct netdev_vxlan *dev, struct vxlan_tx_item **items,
             size_t n, int error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    const struct vxlan_tx_item *it = items[0];

    if (error == EMSGSIZE) {
        /* The route's MTU shrank (an ICMP "fragmentation needed" from the
         * underlay): learn it again before the next packet. */
        pmtu_invalidate(dev, it->ep->local_ip, it->dst);
        dev->tx_too_big += n;
        COVERAGE_ADD(vxlan_tx_too_big, n);
    } else {
        COVERAGE_ADD(vxlan_tx_error, n);
    }
    if (error == EMSGSIZE || error == EAGAIN || error == ENOBUFS) {
        dev->up.stats.tx_dropped += n;
    } else {
        dev->up.stats.tx_errors += n;
        VLOG_WARN_RL(&rl, "%s: sending to "IP_FMT":%"PRIu16" failed: %s",
                     dev->up.name, IP_ARGS(it->dst), ntohs(it->port),
                     vx_strerror(error));
    }
}

/* Sends message K of MSGS, a GSO train that the kernel refused, one
 * datagram at a time.  Returns 0 or the first error. */
static int
tx_resend_split(struct netdev_vxlan *dev, struct vxlan_tx_msgs *msgs,
                size_t k)
{
    struct vxlan_tx_item **items = msgs->first[k];
    struct iovec *iov = msgs->msgs[k].msg_hdr.msg_iov;
    struct vxlan_tx_msgs *one = dev->tx_one;
    int error = 0;

    COVERAGE_INC(vxlan_tx_gso_fallback);
    dev->tx_gso_fallback++;
    for (size_t i = 0; i < msgs->n_items[k]; i++) {
        tx_build_msg(one, 0, &items[i], 1, &iov[2 * i]);
        if (sendmsg(items[i]->fd, &one->msgs[0].msg_hdr, MSG_DONTWAIT) < 0) {
            error = error ? error : errno;
            count_failed(dev, &items[i], 1, errno);
        } else {
            count_sent(dev, &items[i], 1);
        }
    }
    return error;
}

/* Makes the socket of ITEM set DF as ITEM asks. */
static void
tx_set_df(const struct vxlan_tx_item *item)
{
    struct vxlan_endpoint *ep = item->ep;
    int pmtud = item->df ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT;

    if (ep->tx_df[item->sock_idx] != item->df) {
        if (setsockopt(item->fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtud,
                       sizeof pmtud)) {
            VLOG_WARN("cannot change DF of a VXLAN socket: %s",
                      vx_strerror(errno));
        }
        ep->tx_df[item->sock_idx] = item->df;
    }
}

/* Sends the N items at GROUP, which share a socket and DF setting, using
 * MSGS.  Returns 0 or the first error. */
static int
tx_send_group(struct netdev_vxlan *dev, struct vxlan_tx_item **group,
              size_t n, struct vxlan_tx_msgs *msgs)
{
    size_t n_iov = 0;
    int fd = group[0]->fd;
    int error = 0;

    tx_set_df(group[0]);
    msgs->n = 0;
    for (size_t i = 0; i < n;) {
        size_t seg = VXLAN_HLEN + pkt_size(group[i]->p);
        size_t total = seg;
        size_t m = 1;

        /* A train of datagrams of one size (the last may be shorter) to
         * one destination becomes one UDP_SEGMENT message. */
        while (dev->gso && i + m < n && m < VXLAN_MAX_GSO_SEGS
               && tx_same_message(group[i], group[i + m])) {
            size_t s = VXLAN_HLEN + pkt_size(group[i + m]->p);

            if (s > seg || total + s > VXLAN_MAX_UDP_PAYLOAD) {
                break;
            }
            total += s;
            m++;
            if (s < seg) {
                break;
            }
        }
        tx_build_msg(msgs, msgs->n++, &group[i], m, &msgs->iovs[n_iov]);
        n_iov += 2 * m;
        i += m;
    }

    for (size_t k = 0; k < msgs->n;) {
        int r = sendmmsg(fd, &msgs->msgs[k], (unsigned int) (msgs->n - k),
                         MSG_DONTWAIT);
        int err;

        if (r > 0) {
            for (int j = 0; j < r; j++, k++) {
                count_sent(dev, msgs->first[k], msgs->n_items[k]);
            }
            continue;
        }
        err = r < 0 ? errno : EAGAIN;
        if (err == EINTR) {
            continue;
        }
        if (msgs->n_items[k] > 1 && err != EAGAIN && err != ENOBUFS) {
            /* The kernel takes no GSO train whose datagrams exceed the
             * path MTU (EINVAL) or for a device without checksum offload
             * (EIO): the datagrams go, or fail, one by one. */
            err = tx_resend_split(dev, msgs, k);
        } else {
            count_failed(dev, msgs->first[k], msgs->n_items[k], err);
        }
        error = error ? error : err;
        k++;
    }
    return error;
}

static int
netdev_vxlan_send(struct netdev *netdev, int qid, struct pkt_batch *batch,
                  bool may_steal)
{
    struct netdev_vxlan *dev = netdev_vxlan_cast(netdev);
    struct vxlan_tx_item items[PKT_BATCH_SIZE];
    struct vxlan_tx_item *group[PKT_BATCH_SIZE];
    bool done[PKT_BATCH_SIZE];
    struct vxlan_tx_msgs *msgs = dev->tx_msgs;
    size_t n = batch->count;
    int error = 0;

    /* One set of sockets serves every queue. */
    (void) qid;
    pthread_mutex_lock(&netdev->mutex);
    for (size_t i = 0; i < n; i++) {
        int err = tx_item_init(dev, batch->pkts[i], &items[i]);

        done[i] = err != 0;
        error = error ? error : err;
    }
    /* The datagrams of one socket and DF setting go in one sendmmsg(), in
     * their order in the batch (one flow always uses one socket, so no
     * flow is reordered). */
    for (size_t i = 0; i < n; i++) {
        size_t n_group = 0;
        int err;

        if (done[i]) {
            continue;
        }
        for (size_t j = i; j < n; j++) {
            if (!done[j] && items[j].fd == items[i].fd
                && items[j].df == items[i].df) {
                group[n_group++] = &items[j];
                done[j] = true;
            }
        }
        err = tx_send_group(dev, group, n_group, msgs);
        error = error ? error : err;
    }
    pthread_mutex_unlock(&netdev->mutex);
    if (may_steal) {
        pkt_batch_free(batch);
    }
    return error;
}

static const struct netdev_class netdev_vxlan_class = {
    .type = "vxlan",
    .alloc = netdev_vxlan_alloc,
    .construct = netdev_vxlan_construct,
    .destruct = netdev_vxlan_destruct,
    .dealloc = netdev_vxlan_dealloc,
    .get_status = netdev_vxlan_get_status,
    .rxq_construct = netdev_vxlan_rxq_construct,
    .rxq_destruct = netdev_vxlan_rxq_destruct,
    .rxq_recv = netdev_vxlan_rxq_recv,
    .rxq_wait = netdev_vxlan_rxq_wait,
    .send = netdev_vxlan_send,
};

static int register_error;

static void
netdev_vxlan_register__(void)
{
    register_error = netdev_register_provider(&netdev_vxlan_class, NULL);
}

int
netdev_vxlan_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, netdev_vxlan_register__);
    return register_error;
}
