/* netdev-dummy.c: the dummy device class.  See netdev-dummy.h. */
#include "datapath/netdev-dummy.h"

#include <errno.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "datapath/netdev-provider.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/poll-loop.h"
#include "lib/util.h"
#include "packet/pkt.h"

COVERAGE_DEFINE(netdev_dummy_rx_overflow);
COVERAGE_DEFINE(netdev_dummy_tx_too_big);
COVERAGE_DEFINE(netdev_dummy_txq_overflow);

/* A registered tx observer. */
struct netdev_dummy_observer {
    netdev_dummy_tx_cb *cb;   /* Callback. */
    void *aux;                /* Its argument. */
};

/* A dummy device.  Members after 'up' are guarded by up.mutex. */
struct netdev_dummy {
    struct netdev up;                            /* Base device. */
    int rx_fd;                                   /* eventfd, readable while
                                                  * packets may wait. */
    struct pkt *rx[NETDEV_DUMMY_RXQ_LEN];        /* Receive ring. */
    size_t rx_head;                              /* Oldest in 'rx'. */
    size_t rx_count;                             /* Packets in 'rx'. */
    struct pkt **tx;                             /* Transmit ring. */
    size_t tx_len;                               /* Capacity of 'tx'. */
    size_t tx_head;                              /* Oldest in 'tx'. */
    size_t tx_count;                             /* Packets in 'tx'. */
    struct netdev_dummy_observer observers[NETDEV_DUMMY_MAX_OBSERVERS];
    size_t n_observers;                          /* In 'observers'. */
};

static const struct netdev_class netdev_dummy_class;

static struct netdev_dummy *
netdev_dummy_cast(const struct netdev *netdev)
{
    vx_assert(netdev->class == &netdev_dummy_class);
    return CONTAINER_OF(netdev, struct netdev_dummy, up);
}

static void
dummy_lock(struct netdev_dummy *dev)
{
    pthread_mutex_lock(&dev->up.mutex);
}

static void
dummy_unlock(struct netdev_dummy *dev)
{
    pthread_mutex_unlock(&dev->up.mutex);
}

static struct netdev *
netdev_dummy_alloc(void)
{
    struct netdev_dummy *dev = xzalloc(sizeof *dev);

    return &dev->up;
}

static int
netdev_dummy_construct(struct netdev *netdev)
{
    static atomic_uint next_mac;
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    unsigned int n = atomic_fetch_add(&next_mac, 1);

    dev->rx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (dev->rx_fd < 0) {
        return errno;
    }
    /* aa:55:aa:55:xx:xx, as OVS's dummy devices. */
    netdev->mac = (struct eth_addr) { { 0xaa, 0x55, 0xaa, 0x55,
                                        (uint8_t) (n >> 8), (uint8_t) n } };
    netdev->flags = NETDEV_UP;
    dev->tx_len = NETDEV_DUMMY_TXQ_LEN;
    dev->tx = xcalloc(dev->tx_len, sizeof *dev->tx);
    return 0;
}

/* Frees the packets in DEV's transmit ring. */
static void
dummy_flush_tx(struct netdev_dummy *dev)
{
    for (size_t i = 0; i < dev->tx_count; i++) {
        pkt_free(dev->tx[(dev->tx_head + i) % dev->tx_len]);
    }
    dev->tx_head = dev->tx_count = 0;
}

static void
netdev_dummy_destruct(struct netdev *netdev)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);

    for (size_t i = 0; i < dev->rx_count; i++) {
        pkt_free(dev->rx[(dev->rx_head + i) % NETDEV_DUMMY_RXQ_LEN]);
    }
    dummy_flush_tx(dev);
    free(dev->tx);
    close(dev->rx_fd);
}

static void
netdev_dummy_dealloc(struct netdev *netdev)
{
    free(netdev_dummy_cast(netdev));
}

static void
netdev_dummy_get_status(const struct netdev *netdev, struct ds *ds)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    size_t rx, tx, txlen;

    dummy_lock(dev);
    rx = dev->rx_count;
    tx = dev->tx_count;
    txlen = dev->tx_len;
    dummy_unlock(dev);
    ds_put_format(ds, "rx_queued=%zu\ntx_queued=%zu\ntx_queue_len=%zu\n", rx,
                  tx, txlen);
}

/* Empties the eventfd of DEV. */
static void
dummy_drain_fd(struct netdev_dummy *dev)
{
    uint64_t value;

    if (read(dev->rx_fd, &value, sizeof value) < 0 && errno != EAGAIN) {
        vx_fatal("dummy eventfd read failed: %s", vx_strerror(errno));
    }
}

static int
netdev_dummy_rxq_recv(struct netdev_rxq *rxq, struct pkt_batch *batch)
{
    struct netdev_dummy *dev = netdev_dummy_cast(rxq->netdev);
    uint64_t bytes = 0;

    dummy_lock(dev);
    while (dev->rx_count && !pkt_batch_is_full(batch)) {
        struct pkt *p = dev->rx[dev->rx_head];

        dev->rx_head = (dev->rx_head + 1) % NETDEV_DUMMY_RXQ_LEN;
        dev->rx_count--;
        bytes += pkt_size(p);
        pkt_batch_add(batch, p);
    }
    dev->up.stats.rx_packets += batch->count;
    dev->up.stats.rx_bytes += bytes;
    if (!dev->rx_count) {
        dummy_drain_fd(dev);
    }
    dummy_unlock(dev);
    return batch->count ? 0 : EAGAIN;
}

static void
netdev_dummy_rxq_wait(struct netdev_rxq *rxq)
{
    struct netdev_dummy *dev = netdev_dummy_cast(rxq->netdev);
    bool ready;

    dummy_lock(dev);
    ready = dev->rx_count > 0;
    dummy_unlock(dev);
    if (ready) {
        poll_immediate_wake();
    } else {
        poll_fd_wait(dev->rx_fd, POLLIN);
    }
}

/* Returns the largest frame DEV may send: the MTU plus the Ethernet
 * header, plus a VLAN header if FRAME is tagged (OVS's netdev-dummy
 * rule). */
static size_t
dummy_max_frame(const struct netdev_dummy *dev, const struct pkt *p)
{
    size_t max = (size_t) dev->up.mtu + ETH_HEADER_LEN;
    const uint8_t *d = pkt_data(p);
    be16 type;

    memcpy(&type, d + 2 * ETH_ADDR_LEN, sizeof type);
    if (type == htons(ETH_TYPE_VLAN_8021Q)
        || type == htons(ETH_TYPE_VLAN_8021AD)) {
        max += VLAN_HEADER_LEN;
    }
    return max;
}

/* Sends packet P on DEV, whose mutex is held: counts it and queues a
 * copy.  Returns 0, or EMSGSIZE for a frame that does not fit. */
static int
dummy_send_one(struct netdev_dummy *dev, const struct pkt *p)
{
    size_t size = pkt_size(p);

    if (size < ETH_HEADER_LEN || size > dummy_max_frame(dev, p)) {
        dev->up.stats.tx_dropped++;
        COVERAGE_INC(netdev_dummy_tx_too_big);
        return EMSGSIZE;
    }
    dev->up.stats.tx_packets++;
    dev->up.stats.tx_bytes += size;
    if (dev->tx_len) {
        if (dev->tx_count == dev->tx_len) {
            /* Keep the most recent packets. */
            COVERAGE_INC(netdev_dummy_txq_overflow);
            pkt_free(dev->tx[dev->tx_head]);
            dev->tx_head = (dev->tx_head + 1) % dev->tx_len;
            dev->tx_count--;
        }
        dev->tx[(dev->tx_head + dev->tx_count++) % dev->tx_len] =
            pkt_clone(p);
    }
    return 0;
}

static int
netdev_dummy_send(struct netdev *netdev, int qid, struct pkt_batch *batch,
                  bool may_steal)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    struct netdev_dummy_observer obs[NETDEV_DUMMY_MAX_OBSERVERS];
    bool sent[PKT_BATCH_SIZE];
    size_t n_obs;
    int error = 0;

    /* A dummy device has one transmit queue for any QID.  One lock for
     * the batch; the observers are called after it, without it. */
    (void) qid;
    dummy_lock(dev);
    for (size_t i = 0; i < batch->count; i++) {
        int e = dummy_send_one(dev, batch->pkts[i]);

        sent[i] = !e;
        if (e && !error) {
            error = e;
        }
    }
    n_obs = dev->n_observers;
    memcpy(obs, dev->observers, n_obs * sizeof *obs);
    dummy_unlock(dev);

    for (size_t i = 0; i < batch->count && n_obs; i++) {
        for (size_t j = 0; sent[i] && j < n_obs; j++) {
            obs[j].cb(netdev, batch->pkts[i], obs[j].aux);
        }
    }
    if (may_steal) {
        pkt_batch_free(batch);
    }
    return error;
}

static const struct netdev_class netdev_dummy_class = {
    .type = "dummy",
    .alloc = netdev_dummy_alloc,
    .construct = netdev_dummy_construct,
    .destruct = netdev_dummy_destruct,
    .dealloc = netdev_dummy_dealloc,
    .get_status = netdev_dummy_get_status,
    .rxq_recv = netdev_dummy_rxq_recv,
    .rxq_wait = netdev_dummy_rxq_wait,
    .send = netdev_dummy_send,
};

static void
netdev_dummy_register__(void)
{
    netdev_register_provider(&netdev_dummy_class, "dummy");
    netdev_register_provider(&netdev_dummy_class, "internal");
}

void
netdev_dummy_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, netdev_dummy_register__);
}

int
netdev_dummy_register_as(const char *type)
{
    netdev_dummy_register();
    return netdev_register_provider(&netdev_dummy_class, type);
}

bool
netdev_is_dummy(const struct netdev *netdev)
{
    return netdev->class == &netdev_dummy_class;
}

int
netdev_dummy_receive(struct netdev *netdev, struct pkt *p)
{
    struct netdev_dummy *dev;
    int error = 0;

    if (!netdev_is_dummy(netdev)) {
        pkt_free(p);
        return EINVAL;
    }
    dev = netdev_dummy_cast(netdev);
    memset(&p->md, 0, sizeof p->md);
    p->layers.l2_5 = p->layers.l3 = p->layers.l4 = PKT_LAYER_NONE;
    p->layers.pad = 0;
    p->layers.l3_len = 0;
    p->hash_valid = false;

    dummy_lock(dev);
    if (dev->rx_count == NETDEV_DUMMY_RXQ_LEN) {
        dev->up.stats.rx_dropped++;
        COVERAGE_INC(netdev_dummy_rx_overflow);
        error = ENOBUFS;
    } else {
        dev->rx[(dev->rx_head + dev->rx_count++) % NETDEV_DUMMY_RXQ_LEN] = p;
        if (dev->rx_count == 1) {
            uint64_t one = 1;

            if (write(dev->rx_fd, &one, sizeof one) < 0) {
                vx_fatal("dummy eventfd write failed: %s",
                         vx_strerror(errno));
            }
        }
    }
    dummy_unlock(dev);
    if (error) {
        pkt_free(p);
    }
    return error;
}

int
netdev_dummy_receive_data(struct netdev *netdev, const void *data,
                          size_t size)
{
    return netdev_dummy_receive(netdev, pkt_clone_data(data, size));
}

size_t
netdev_dummy_rx_queued(const struct netdev *netdev)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    size_t n;

    dummy_lock(dev);
    n = dev->rx_count;
    dummy_unlock(dev);
    return n;
}

struct pkt *
netdev_dummy_pop_tx(struct netdev *netdev)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    struct pkt *p = NULL;

    dummy_lock(dev);
    if (dev->tx_count) {
        p = dev->tx[dev->tx_head];
        dev->tx_head = (dev->tx_head + 1) % dev->tx_len;
        dev->tx_count--;
    }
    dummy_unlock(dev);
    return p;
}

void
netdev_dummy_set_tx_queue_len(struct netdev *netdev, size_t n)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    struct pkt **tx = n ? xcalloc(n, sizeof *tx) : NULL;
    struct pkt **old;

    dummy_lock(dev);
    dummy_flush_tx(dev);
    old = dev->tx;
    dev->tx = tx;
    dev->tx_len = n;
    dummy_unlock(dev);
    free(old);
}

int
netdev_dummy_add_tx_observer(struct netdev *netdev, netdev_dummy_tx_cb *cb,
                             void *aux)
{
    struct netdev_dummy *dev;
    int error = 0;

    if (!netdev_is_dummy(netdev)) {
        return EINVAL;
    }
    dev = netdev_dummy_cast(netdev);
    dummy_lock(dev);
    if (dev->n_observers >= NETDEV_DUMMY_MAX_OBSERVERS) {
        error = ENOSPC;
    } else {
        dev->observers[dev->n_observers].cb = cb;
        dev->observers[dev->n_observers].aux = aux;
        dev->n_observers++;
    }
    dummy_unlock(dev);
    return error;
}

int
netdev_dummy_remove_tx_observer(struct netdev *netdev,
                                netdev_dummy_tx_cb *cb, void *aux)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    int error = ENOENT;

    dummy_lock(dev);
    for (size_t i = 0; i < dev->n_observers; i++) {
        if (dev->observers[i].cb == cb && dev->observers[i].aux == aux) {
            dev->observers[i] = dev->observers[--dev->n_observers];
            error = 0;
            break;
        }
    }
    dummy_unlock(dev);
    return error;
}
