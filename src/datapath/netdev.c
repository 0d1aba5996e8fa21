/* netdev.c: the generic network device layer.  See netdev.h and
 * netdev-provider.h. */
#include "datapath/netdev.h"

#include <errno.h>

#include "datapath/netdev-dummy.h"
#include "datapath/netdev-provider.h"
#include "datapath/pcap.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "packet/pkt.h"

VLOG_DEFINE_THIS_MODULE(netdev);

COVERAGE_DEFINE(netdev_open_error);
COVERAGE_DEFINE(netdev_send_error);
COVERAGE_DEFINE(netdev_capture_error);

/* A class registered under a type name. */
struct netdev_registered_class {
    struct hmap_node node;             /* In 'netdev_classes', by type. */
    char *type;                        /* Type name. */
    const struct netdev_class *class;  /* Implementation. */
    int n_open;                        /* Open devices of this type. */
};

/* A running capture (see netdev_capture_add()). */
struct netdev_capture {
    struct ovs_list node;          /* In netdev->captures. */
    struct netdev *netdev;         /* Device (a reference is held). */
    struct pcap_writer *writer;    /* Output, owned by the caller. */
    enum netdev_capture_dir dir;   /* Packets to write. */
    uint64_t max_count;            /* Stop after this many; 0: never. */
    uint64_t n_written;            /* Packets written (netdev->mutex). */
    int error;                     /* First write error (netdev->mutex). */
};

static pthread_mutex_t netdev_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct hmap netdev_classes = HMAP_INITIALIZER(&netdev_classes);
static struct hmap netdevs = HMAP_INITIALIZER(&netdevs);

static struct netdev_registered_class *
find_class__(const char *type)
{
    struct netdev_registered_class *rc;

    HMAP_FOR_EACH_WITH_HASH (rc, node, hash_string(type, 0),
                             &netdev_classes) {
        if (!strcmp(rc->type, type)) {
            return rc;
        }
    }
    return NULL;
}

static struct netdev *
find_netdev__(const char *name)
{
    struct netdev *netdev;

    HMAP_FOR_EACH_WITH_HASH (netdev, node, hash_string(name, 0), &netdevs) {
        if (!strcmp(netdev->name, name)) {
            return netdev;
        }
    }
    return NULL;
}

int
netdev_register_provider(const struct netdev_class *class, const char *type)
{
    struct netdev_registered_class *rc;
    int error = 0;

    type = type ? type : class->type;
    pthread_mutex_lock(&netdev_mutex);
    if (find_class__(type)) {
        error = EEXIST;
    } else {
        rc = xzalloc(sizeof *rc);
        rc->type = xstrdup(type);
        rc->class = class;
        hmap_insert(&netdev_classes, &rc->node, hash_string(type, 0));
    }
    pthread_mutex_unlock(&netdev_mutex);
    return error;
}

int
netdev_unregister_provider(const char *type)
{
    struct netdev_registered_class *rc;
    int error = 0;

    pthread_mutex_lock(&netdev_mutex);
    rc = find_class__(type);
    if (!rc) {
        error = ENOENT;
    } else if (rc->n_open) {
        error = EBUSY;
    } else {
        hmap_remove(&netdev_classes, &rc->node);
        free(rc->type);
        free(rc);
    }
    pthread_mutex_unlock(&netdev_mutex);
    return error;
}

bool
netdev_is_type_registered(const char *type)
{
    bool found;

    netdev_dummy_register();
    pthread_mutex_lock(&netdev_mutex);
    found = find_class__(type) != NULL;
    pthread_mutex_unlock(&netdev_mutex);
    return found;
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;

    return strcmp(*a, *b);
}

void
netdev_format_types(struct ds *ds)
{
    struct netdev_registered_class *rc;
    const char **types;
    size_t n = 0;

    netdev_dummy_register();
    pthread_mutex_lock(&netdev_mutex);
    types = xcalloc(hmap_count(&netdev_classes) + 1, sizeof *types);
    HMAP_FOR_EACH (rc, node, &netdev_classes) {
        types[n++] = rc->type;
    }
    qsort(types, n, sizeof *types, compare_strings);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(ds, "%s%s", i ? " " : "", types[i]);
    }
    pthread_mutex_unlock(&netdev_mutex);
    free(types);
}

/* Frees what netdev_open() set up in the base of NETDEV. */
static void
netdev_uninit_base(struct netdev *netdev)
{
    pthread_mutex_destroy(&netdev->mutex);
    free(netdev->name);
    free(netdev->type);
}

int
netdev_open(const char *name, const char *type, struct netdev **netdevp)
{
    struct netdev_registered_class *rc;
    struct netdev *netdev;
    int error = 0;

    *netdevp = NULL;
    if (!name || !name[0]) {
        return EINVAL;
    }
    type = type && type[0] ? type : "system";
    netdev_dummy_register();

    pthread_mutex_lock(&netdev_mutex);
    netdev = find_netdev__(name);
    if (netdev) {
        if (strcmp(netdev->type, type)) {
            error = EEXIST;
            goto out;
        }
        netdev->ref_cnt++;
        *netdevp = netdev;
        goto out;
    }

    rc = find_class__(type);
    if (!rc) {
        error = EAFNOSUPPORT;
        goto out;
    }
    netdev = rc->class->alloc();
    netdev->name = xstrdup(name);
    netdev->type = xstrdup(type);
    netdev->class = rc->class;
    netdev->ref_cnt = 1;
    netdev->n_rxq = 1;
    pthread_mutex_init(&netdev->mutex, NULL);
    netdev->mtu = 1500;
    ovs_list_init(&netdev->captures);
    atomic_init(&netdev->n_captures, 0);

    error = rc->class->construct(netdev);
    if (error) {
        netdev_uninit_base(netdev);
        rc->class->dealloc(netdev);
        goto out;
    }
    vx_assert(netdev->n_rxq >= 1 && netdev->n_rxq <= NETDEV_MAX_RXQ);
    hmap_insert(&netdevs, &netdev->node, hash_string(name, 0));
    rc->n_open++;
    *netdevp = netdev;

out:
    pthread_mutex_unlock(&netdev_mutex);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);

        COVERAGE_INC(netdev_open_error);
        VLOG_WARN_RL(&rl, "failed to open %s (type %s): %s", name, type,
                     vx_strerror(error));
    }
    return error;
}

struct netdev *
netdev_ref(struct netdev *netdev)
{
    pthread_mutex_lock(&netdev_mutex);
    vx_assert(netdev->ref_cnt > 0);
    netdev->ref_cnt++;
    pthread_mutex_unlock(&netdev_mutex);
    return netdev;
}

void
netdev_close(struct netdev *netdev)
{
    struct netdev_registered_class *rc;
    bool destroy;

    if (!netdev) {
        return;
    }
    pthread_mutex_lock(&netdev_mutex);
    vx_assert(netdev->ref_cnt > 0);
    destroy = !--netdev->ref_cnt;
    if (destroy) {
        hmap_remove(&netdevs, &netdev->node);
        rc = find_class__(netdev->type);
        vx_assert(rc && rc->n_open > 0);
        rc->n_open--;
    }
    pthread_mutex_unlock(&netdev_mutex);

    if (destroy) {
        const struct netdev_class *class = netdev->class;

        vx_assert(!netdev->open_rxqs && ovs_list_is_empty(&netdev->captures));
        class->destruct(netdev);
        netdev_uninit_base(netdev);
        class->dealloc(netdev);
    }
}

struct netdev *
netdev_from_name(const char *name)
{
    struct netdev *netdev;

    pthread_mutex_lock(&netdev_mutex);
    netdev = find_netdev__(name);
    if (netdev) {
        netdev->ref_cnt++;
    }
    pthread_mutex_unlock(&netdev_mutex);
    return netdev;
}

char *
netdev_open_error(const char *name, int error)
{
    return xasprintf("could not open network device %s (%s)", name,
                     vx_strerror(error));
}

const char *
netdev_get_name(const struct netdev *netdev)
{
    return netdev->name;
}

const char *
netdev_get_type(const struct netdev *netdev)
{
    return netdev->type;
}

/* Locks the mutex of NETDEV, which readers take through a const pointer. */
static void
netdev_lock(const struct netdev *netdev)
{
    pthread_mutex_lock(&((struct netdev *) (uintptr_t) netdev)->mutex);
}

static void
netdev_unlock(const struct netdev *netdev)
{
    pthread_mutex_unlock(&((struct netdev *) (uintptr_t) netdev)->mutex);
}

int
netdev_get_mtu(const struct netdev *netdev)
{
    int mtu;

    netdev_lock(netdev);
    mtu = netdev->mtu;
    netdev_unlock(netdev);
    return mtu;
}

int
netdev_set_mtu(struct netdev *netdev, int mtu)
{
    int error;

    if (mtu < NETDEV_MIN_MTU || mtu > NETDEV_MAX_MTU) {
        return EINVAL;
    }
    netdev_lock(netdev);
    error = netdev->class->set_mtu ? netdev->class->set_mtu(netdev, mtu) : 0;
    if (!error) {
        netdev->mtu = mtu;
    }
    netdev_unlock(netdev);
    return error;
}

struct eth_addr
netdev_get_etheraddr(const struct netdev *netdev)
{
    struct eth_addr mac;

    netdev_lock(netdev);
    mac = netdev->mac;
    netdev_unlock(netdev);
    return mac;
}

int
netdev_set_etheraddr(struct netdev *netdev, struct eth_addr mac)
{
    int error;

    if (eth_addr_is_multicast(mac)) {
        return EINVAL;
    }
    netdev_lock(netdev);
    error = (netdev->class->set_etheraddr
             ? netdev->class->set_etheraddr(netdev, mac) : 0);
    if (!error) {
        netdev->mac = mac;
    }
    netdev_unlock(netdev);
    return error;
}

enum netdev_flags
netdev_get_flags(const struct netdev *netdev)
{
    enum netdev_flags flags;

    netdev_lock(netdev);
    flags = netdev->flags;
    netdev_unlock(netdev);
    return flags;
}

int
netdev_update_flags(struct netdev *netdev, enum netdev_flags off,
                    enum netdev_flags on, enum netdev_flags *oldp)
{
    enum netdev_flags old, new;
    int error = 0;

    netdev_lock(netdev);
    old = netdev->flags;
    new = (old & ~off) | on;
    if (new != old && netdev->class->update_flags) {
        error = netdev->class->update_flags(netdev, new);
    }
    if (!error) {
        netdev->flags = new;
    }
    netdev_unlock(netdev);
    if (oldp) {
        *oldp = old;
    }
    return error;
}

void
netdev_get_stats(const struct netdev *netdev, struct netdev_stats *stats)
{
    netdev_lock(netdev);
    *stats = netdev->stats;
    netdev_unlock(netdev);
    if (netdev->class->get_stats) {
        netdev->class->get_stats(netdev, stats);
    }
}

void
netdev_get_status(const struct netdev *netdev, struct ds *ds)
{
    if (netdev->class->get_status) {
        netdev->class->get_status(netdev, ds);
    }
}

int
netdev_n_rxq(const struct netdev *netdev)
{
    return netdev->n_rxq;
}

int
netdev_rxq_open(struct netdev *netdev, int qid, struct netdev_rxq **rxqp)
{
    struct netdev_rxq *rxq;
    uint64_t bit;
    int error;

    *rxqp = NULL;
    if (qid < 0 || qid >= netdev->n_rxq) {
        return EINVAL;
    }
    bit = UINT64_C(1) << qid;
    netdev_lock(netdev);
    if (netdev->open_rxqs & bit) {
        netdev_unlock(netdev);
        return EBUSY;
    }
    netdev->open_rxqs |= bit;
    netdev_unlock(netdev);

    rxq = xzalloc(sizeof *rxq);
    rxq->netdev = netdev_ref(netdev);
    rxq->queue_id = qid;
    error = (netdev->class->rxq_construct
             ? netdev->class->rxq_construct(rxq) : 0);
    if (error) {
        netdev_lock(netdev);
        netdev->open_rxqs &= ~bit;
        netdev_unlock(netdev);
        netdev_close(netdev);
        free(rxq);
        return error;
    }
    *rxqp = rxq;
    return 0;
}

void
netdev_rxq_close(struct netdev_rxq *rxq)
{
    struct netdev *netdev;

    if (!rxq) {
        return;
    }
    netdev = rxq->netdev;
    if (netdev->class->rxq_destruct) {
        netdev->class->rxq_destruct(rxq);
    }
    netdev_lock(netdev);
    netdev->open_rxqs &= ~(UINT64_C(1) << rxq->queue_id);
    netdev_unlock(netdev);
    netdev_close(netdev);
    free(rxq);
}

struct netdev *
netdev_rxq_get_netdev(const struct netdev_rxq *rxq)
{
    return rxq->netdev;
}

int
netdev_rxq_get_queue_id(const struct netdev_rxq *rxq)
{
    return rxq->queue_id;
}

/* Writes the packets of BATCH to NETDEV's captures that want direction
 * DIR. */
static void
netdev_capture_batch(struct netdev *netdev, const struct pkt_batch *batch,
                     enum netdev_capture_dir dir)
{
    struct netdev_capture *c;

    netdev_lock(netdev);
    LIST_FOR_EACH (c, node, &netdev->captures) {
        size_t n = 0;

        if (!(c->dir & dir)) {
            continue;
        }
        for (size_t i = 0; i < batch->count; i++) {
            if (c->error || (c->max_count && c->n_written >= c->max_count)) {
                break;
            }
            c->error = pcap_write_pkt(c->writer, batch->pkts[i]);
            if (c->error) {
                COVERAGE_INC(netdev_capture_error);
                break;
            }
            c->n_written++;
            n++;
        }
        if (n && !c->error) {
            c->error = pcap_writer_flush(c->writer);
        }
    }
    netdev_unlock(netdev);
}

/* Returns true if NETDEV may have captures (checked without the lock). */
static bool
netdev_is_capturing(struct netdev *netdev)
{
    return atomic_load_explicit(&netdev->n_captures,
                                memory_order_relaxed) > 0;
}

int
netdev_rxq_recv(struct netdev_rxq *rxq, struct pkt_batch *batch)
{
    struct netdev *netdev = rxq->netdev;
    int error;

    vx_assert(batch->count == 0);
    error = netdev->class->rxq_recv(rxq, batch);
    if (!error && netdev_is_capturing(netdev)) {
        netdev_capture_batch(netdev, batch, NETDEV_CAPTURE_RX);
    }
    return error;
}

void
netdev_rxq_wait(struct netdev_rxq *rxq)
{
    rxq->netdev->class->rxq_wait(rxq);
}

int
netdev_send(struct netdev *netdev, int qid, struct pkt_batch *batch,
            bool may_steal)
{
    int error;

    if (!batch->count) {
        return 0;
    }
    if (netdev_is_capturing(netdev)) {
        netdev_capture_batch(netdev, batch, NETDEV_CAPTURE_TX);
    }
    error = netdev->class->send(netdev, qid, batch, may_steal);
    if (error) {
        COVERAGE_INC(netdev_send_error);
    }
    if (may_steal) {
        vx_assert(batch->count == 0);
    }
    return error;
}

struct netdev_capture *
netdev_capture_add(struct netdev *netdev, struct pcap_writer *writer,
                   enum netdev_capture_dir dir, uint64_t max_count)
{
    struct netdev_capture *c = xzalloc(sizeof *c);

    c->netdev = netdev_ref(netdev);
    c->writer = writer;
    c->dir = dir;
    c->max_count = max_count;
    netdev_lock(netdev);
    ovs_list_push_back(&netdev->captures, &c->node);
    atomic_fetch_add(&netdev->n_captures, 1);
    netdev_unlock(netdev);
    return c;
}

uint64_t
netdev_capture_count(const struct netdev_capture *c)
{
    uint64_t n;

    netdev_lock(c->netdev);
    n = c->n_written;
    netdev_unlock(c->netdev);
    return n;
}

bool
netdev_capture_is_done(const struct netdev_capture *c)
{
    bool done;

    netdev_lock(c->netdev);
    done = c->error || (c->max_count && c->n_written >= c->max_count);
    netdev_unlock(c->netdev);
    return done;
}

int
netdev_capture_error(const struct netdev_capture *c)
{
    int error;

    netdev_lock(c->netdev);
    error = c->error;
    netdev_unlock(c->netdev);
    return error;
}

int
netdev_capture_remove(struct netdev_capture *c)
{
    struct netdev *netdev;
    int error;

    if (!c) {
        return 0;
    }
    netdev = c->netdev;
    netdev_lock(netdev);
    ovs_list_remove(&c->node);
    atomic_fetch_sub(&netdev->n_captures, 1);
    error = c->error;
    netdev_unlock(netdev);
    if (!error) {
        error = pcap_writer_flush(c->writer);
    }
    netdev_close(netdev);
    free(c);
    return error;
}
