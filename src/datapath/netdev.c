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
#include "packet/pkt-gso.h"
#include "packet/pkt.h"

VLOG_DEFINE_THIS_MODULE(netdev);

COVERAGE_DEFINE(netdev_open_error);
COVERAGE_DEFINE(netdev_send_error);
COVERAGE_DEFINE(netdev_capture_error);
COVERAGE_DEFINE(netdev_device_error);
COVERAGE_DEFINE(netdev_sw_csum);
COVERAGE_DEFINE(netdev_sw_gso);
COVERAGE_DEFINE(netdev_sw_gso_drop);
COVERAGE_DEFINE(netdev_send_failed_device);

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
static atomic_uint_least64_t error_seq;   /* See netdev_error_seq(). */

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

/* Appends to DS the registered type names, sorted and space-separated:
 * all of them, or with REAL_ONLY those whose class is not the dummy class
 * (the types vxstackd --version lists as its features). */
static void
format_types(struct ds *ds, bool real_only)
{
    struct netdev_registered_class *rc;
    const char **types;
    size_t n = 0;

    netdev_dummy_register();
    pthread_mutex_lock(&netdev_mutex);
    types = xcalloc(hmap_count(&netdev_classes) + 1, sizeof *types);
    HMAP_FOR_EACH (rc, node, &netdev_classes) {
        if (!real_only || strcmp(rc->class->type, "dummy")) {
            types[n++] = rc->type;
        }
    }
    qsort(types, n, sizeof *types, compare_strings);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(ds, "%s%s", i ? " " : "", types[i]);
    }
    pthread_mutex_unlock(&netdev_mutex);
    free(types);
}

void
netdev_format_types(struct ds *ds)
{
    format_types(ds, false);
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
    atomic_init(&netdev->error, 0);
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

enum netdev_ol_caps
netdev_get_ol_caps(const struct netdev *netdev)
{
    return netdev->ol_caps;
}

int
netdev_get_error(const struct netdev *netdev)
{
    return atomic_load_explicit(&((struct netdev *) (uintptr_t) netdev)->error,
                                memory_order_relaxed);
}

uint64_t
netdev_error_seq(void)
{
    return atomic_load(&error_seq);
}

void
netdev_set_error(struct netdev *netdev, int error)
{
    int expected = 0;

    vx_assert(error > 0);
    if (atomic_compare_exchange_strong(&netdev->error, &expected, error)) {
        COVERAGE_INC(netdev_device_error);
        VLOG_WARN("%s: device failed, no longer used (%s)", netdev->name,
                  vx_strerror(error));
        atomic_fetch_add(&error_seq, 1);
    }
}

void
netdev_format_real_types(struct ds *ds)
{
    format_types(ds, true);
}

const struct netdev_class *
netdev_lookup_class(const char *type)
{
    struct netdev_registered_class *rc;

    netdev_dummy_register();
    pthread_mutex_lock(&netdev_mutex);
    rc = find_class__(type);
    pthread_mutex_unlock(&netdev_mutex);
    return rc ? rc->class : NULL;
}

bool
netdev_is_dummy_type(const char *type)
{
    const struct netdev_class *class = netdev_lookup_class(type);

    return class && !strcmp(class->type, "dummy");
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
    if (OVS_UNLIKELY(netdev_get_error(netdev))) {
        return netdev_get_error(netdev);
    }
    error = netdev->class->rxq_recv(rxq, batch);
    if (!error && netdev_is_capturing(netdev)) {
        netdev_capture_batch(netdev, batch, NETDEV_CAPTURE_RX);
    }
    return error;
}

void
netdev_rxq_wait(struct netdev_rxq *rxq)
{
    /* A failed device is not polled: its descriptor may stay readable (or
     * in error) forever. */
    if (!netdev_get_error(rxq->netdev)) {
        rxq->netdev->class->rxq_wait(rxq);
    }
}

/* Returns true if P carries offload state that a device taking CAPS
 * cannot take, so that netdev_send() must complete its checksum or cut it
 * into segments first. */
static bool
netdev_needs_sw_offload(const struct pkt *p, enum netdev_ol_caps caps)
{
    enum netdev_ol_caps need;

    switch (p->ol.gso_type & ~PKT_GSO_ECN) {
    case PKT_GSO_NONE:
        return p->ol.csum_partial && !(caps & NETDEV_OL_CSUM);
    case PKT_GSO_TCPV4:
        need = NETDEV_OL_CSUM | NETDEV_OL_TSO4;
        break;
    case PKT_GSO_TCPV6:
        need = NETDEV_OL_CSUM | NETDEV_OL_TSO6;
        break;
    case PKT_GSO_UDP_L4:
        need = NETDEV_OL_CSUM | NETDEV_OL_USO;
        break;
    default:
        return true;
    }
    return (caps & need) != need;
}

/* Counts N packets that NETDEV dropped before its provider saw them. */
static void
netdev_count_tx_dropped(struct netdev *netdev, uint64_t n)
{
    netdev_lock(netdev);
    netdev->stats.tx_dropped += n;
    netdev_unlock(netdev);
}

/* The packets netdev_send_sw_offload() hands to the provider. */
struct netdev_tx_out {
    struct pkt_batch batch;   /* Packets to send. */
    bool owned;               /* 'batch' holds packets netdev_send() may
                               * give away (stolen or segments). */
    int error;                /* First error. */
};

/* Sends the packets gathered in OUT to queue QID of NETDEV. */
static void
netdev_tx_out_flush(struct netdev *netdev, int qid, struct netdev_tx_out *out)
{
    if (out->batch.count) {
        int error = netdev->class->send(netdev, qid, &out->batch,
                                        out->owned);

        if (error && !out->error) {
            out->error = error;
        }
        out->batch.count = 0;
    }
}

/* Adds P to OUT, which gives P away if OWNED, flushing first if OUT holds
 * packets of the other kind and after if it fills up. */
static void
netdev_tx_out_add(struct netdev *netdev, int qid, struct netdev_tx_out *out,
                  struct pkt *p, bool owned)
{
    if (out->owned != owned) {
        netdev_tx_out_flush(netdev, qid, out);
        out->owned = owned;
    }
    pkt_batch_add(&out->batch, p);
    if (pkt_batch_is_full(&out->batch)) {
        netdev_tx_out_flush(netdev, qid, out);
    }
}

/* Sends GSO frame P to NETDEV as segments: adds them to OUT.  Returns 0,
 * or a positive errno if some or all of the frame was dropped. */
static int
netdev_send_segments(struct netdev *netdev, int qid, struct netdev_tx_out *out,
                     const struct pkt *p)
{
    struct pkt_pool *pool = p->from_pool ? p->pool : NULL;
    struct pkt_gso gso;
    int error;

    error = pkt_gso_start(&gso, p);
    if (error) {
        COVERAGE_INC(netdev_sw_gso_drop);
        netdev_count_tx_dropped(netdev, 1);
        return error;
    }
    COVERAGE_INC(netdev_sw_gso);
    while (!pkt_gso_done(&gso)) {
        struct pkt *seg = pkt_gso_next(&gso, pool);

        if (!seg && out->batch.count) {
            /* Sending what is gathered gives its buffers back to the pool
             * (a device that sends at once frees them). */
            netdev_tx_out_flush(netdev, qid, out);
            seg = pkt_gso_next(&gso, pool);
        }
        if (!seg) {
            /* The pool ran dry: what is left of the frame is lost, as a
             * NIC's full ring would lose it. */
            COVERAGE_INC(netdev_sw_gso_drop);
            netdev_count_tx_dropped(netdev,
                                    pkt_gso_n_segs(&gso) - gso.n_done);
            return ENOBUFS;
        }
        netdev_tx_out_add(netdev, qid, out, seg, true);
    }
    return 0;
}

/* netdev_send() for a batch in which some packet needs its checksum
 * completed or to be segmented in software for NETDEV. */
static int
netdev_send_sw_offload(struct netdev *netdev, int qid,
                       struct pkt_batch *batch, bool may_steal)
{
    enum netdev_ol_caps caps = netdev->ol_caps;
    struct netdev_tx_out out;
    int error = 0;

    pkt_batch_init(&out.batch);
    out.owned = may_steal;
    out.error = 0;
    for (size_t i = 0; i < batch->count; i++) {
        struct pkt *p = batch->pkts[i];
        int e = 0;

        if (!netdev_needs_sw_offload(p, caps)) {
            netdev_tx_out_add(netdev, qid, &out, p, may_steal);
            continue;
        }
        if (p->ol.gso_type == PKT_GSO_NONE) {
            /* Completing the checksum leaves an equivalent frame, which
             * the caller may keep. */
            COVERAGE_INC(netdev_sw_csum);
            e = pkt_csum_complete(p);
            if (!e) {
                netdev_tx_out_add(netdev, qid, &out, p, may_steal);
                continue;
            }
            netdev_count_tx_dropped(netdev, 1);
        } else {
            e = netdev_send_segments(netdev, qid, &out, p);
        }
        if (may_steal) {
            pkt_free(p);
        }
        if (e && !error) {
            error = e;
        }
    }
    netdev_tx_out_flush(netdev, qid, &out);
    if (may_steal) {
        batch->count = 0;
    }
    return error ? error : out.error;
}

/* Returns true if some packet of BATCH needs software offload for a
 * device taking CAPS. */
static bool
netdev_batch_needs_sw_offload(const struct pkt_batch *batch,
                              enum netdev_ol_caps caps)
{
    for (size_t i = 0; i < batch->count; i++) {
        if (OVS_UNLIKELY(pkt_has_offload(batch->pkts[i]))
            && netdev_needs_sw_offload(batch->pkts[i], caps)) {
            return true;
        }
    }
    return false;
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
    error = netdev_get_error(netdev);
    if (OVS_UNLIKELY(error)) {
        COVERAGE_INC(netdev_send_failed_device);
        netdev_count_tx_dropped(netdev, batch->count);
        if (may_steal) {
            pkt_batch_free(batch);
        }
        return error;
    }
    if (OVS_UNLIKELY(netdev_batch_needs_sw_offload(batch,
                                                   netdev->ol_caps))) {
        error = netdev_send_sw_offload(netdev, qid, batch, may_steal);
    } else {
        error = netdev->class->send(netdev, qid, batch, may_steal);
    }
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
