/* dpif.c: the datapath.  See dpif.h. */
#include "datapath/dpif.h"

#include "datapath/dpif-private.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/virtio_net.h>

#include "conntrack/conntrack.h"
#include "datapath/netdev-provider.h"
#include "datapath/netdev-vxlan.h"
#include "datapath/netdev.h"
#include "datapath/odp-execute.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/poll-loop.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofproto.h"
#include "ofproto/recirc.h"
#include "ofproto/xlate.h"
#include "packet/pkt-icmp.h"

VLOG_DEFINE_THIS_MODULE(dpif);

COVERAGE_DEFINE(dp_upcall);
COVERAGE_DEFINE(dp_drop_no_port);
COVERAGE_DEFINE(dp_drop_no_tunnel_port);
COVERAGE_DEFINE(dp_drop_xlate_error);
COVERAGE_DEFINE(dp_drop_action);
COVERAGE_DEFINE(dp_drop_recirc_depth);
COVERAGE_DEFINE(dp_drop_ct_limit);
COVERAGE_DEFINE(dp_drop_output_no_port);
COVERAGE_DEFINE(dp_drop_empty_actions);
COVERAGE_DEFINE(dp_userspace_action);
COVERAGE_DEFINE(dp_unsupported_action);
COVERAGE_DEFINE(dp_send_error);
COVERAGE_DEFINE(dp_drop_tunnel_too_big);
COVERAGE_DEFINE(dp_tunnel_icmp_too_big);

static struct dp_port *
dp_port_lookup(const struct dp *dp, uint32_t port_no)
{
    struct dp_port *port;

    if (port_no < DP_PORT_ARRAY_SIZE) {
        return dp->port_array[port_no];
    }
    HMAP_FOR_EACH_WITH_HASH (port, node, hash_int(port_no, 0), &dp->ports) {
        if (port->port_no == port_no) {
            return port;
        }
    }
    return NULL;
}

uint32_t
dp_port_by_name(const struct dp *dp, const char *name)
{
    struct dp_port *port;

    HMAP_FOR_EACH (port, node, &dp->ports) {
        if (!strcmp(port->name, name)) {
            return port->port_no;
        }
    }
    return ODPP_NONE;
}

struct netdev *
dp_port_netdev(const struct dp *dp, uint32_t port_no)
{
    struct dp_port *port = dp_port_lookup(dp, port_no);

    return port ? port->netdev : NULL;
}

struct dp *
dp_create(void)
{
    struct dp *dp = xzalloc(sizeof *dp);
    uint32_t port_no;
    int error;

    hmap_init(&dp->ports);
    ovs_list_init(&dp->tx_pending);
    dp->ct = conntrack_create();
    dp->tunnel_port = ODPP_NONE;
    dp_flows_init(dp);
    error = dp_port_add(dp, "ovs-system", "internal", 0, &port_no);
    if (error) {
        /* The host's name is taken (Open vSwitch's kernel datapath): the
         * datapath's own port needs no kernel device. */
        VLOG_WARN("ovs-system: %s; using a dummy device",
                  vx_strerror(error));
        error = dp_port_add(dp, "ovs-system", "dummy", 0, &port_no);
    }
    vx_assert(!error && port_no == 0);
    return dp;
}

void
dp_destroy(struct dp *dp)
{
    struct dp_port *port, *next;

    if (!dp) {
        return;
    }
    dp_flows_destroy(dp);
    HMAP_FOR_EACH_SAFE (port, next, node, &dp->ports) {
        dp_port_del(dp, port->port_no);
    }
    hmap_destroy(&dp->ports);
    conntrack_destroy(dp->ct);
    free(dp);
}

static const char *
netdev_type_for(const char *type)
{
    /* The datapath's own tunnel port is the vxlan device (netdev-vxlan.h)
     * once its class is registered, as vxstackd does, or the dummy class
     * standing in for it (--enable-dummy=override).  A program that
     * registers neither, as most unit tests, gets a dummy device whose
     * sends are observable. */
    if (!strcmp(type, "vxlan") && !netdev_is_type_registered("vxlan")) {
        return "dummy";
    }
    return type;
}

int
dp_port_add(struct dp *dp, const char *name, const char *type,
            uint32_t request, uint32_t *port_nop)
{
    struct netdev *netdev;
    struct dp_port *port;
    uint32_t port_no;
    int error;

    *port_nop = ODPP_NONE;
    if (dp_port_by_name(dp, name) != ODPP_NONE) {
        return EEXIST;
    }
    if (request && !dp_port_lookup(dp, request)) {
        port_no = request;
    } else {
        port_no = strcmp(name, "ovs-system") ? 1 : 0;
        while (dp_port_lookup(dp, port_no)) {
            port_no++;
        }
    }
    error = netdev_open(name, netdev_type_for(type), &netdev);
    if (error) {
        return error;
    }
    port = xzalloc(sizeof *port);
    port->port_no = port_no;
    port->name = xstrdup(name);
    port->type = xstrdup(type);
    port->netdev = netdev;
    port->is_vxlan = netdev_is_vxlan(netdev);
    if (netdev_n_rxq(netdev) > 0 && netdev_rxq_open(netdev, 0, &port->rxq)) {
        port->rxq = NULL;
    }
    hmap_insert(&dp->ports, &port->node, hash_int(port_no, 0));
    if (port_no < DP_PORT_ARRAY_SIZE) {
        dp->port_array[port_no] = port;
    }
    *port_nop = port_no;
    return 0;
}

int
dp_port_del(struct dp *dp, uint32_t port_no)
{
    struct dp_port *port = dp_port_lookup(dp, port_no);

    if (!port) {
        return ENODEV;
    }
    if (port_no == dp->tunnel_port) {
        dp->tunnel_port = ODPP_NONE;
    }
    hmap_remove(&dp->ports, &port->node);
    if (port_no < DP_PORT_ARRAY_SIZE) {
        dp->port_array[port_no] = NULL;
    }
    if (port->txq.count) {
        pkt_batch_free(&port->txq);
        ovs_list_remove(&port->tx_node);
    }
    if (port->rxq) {
        netdev_rxq_close(port->rxq);
    }
    netdev_close(port->netdev);
    free(port->name);
    free(port->type);
    free(port);
    return 0;
}

uint32_t
dp_tunnel_port(struct dp *dp, uint16_t dst_port)
{
    char name[32];
    uint32_t port_no;

    if (dp->tunnel_port != ODPP_NONE) {
        return dp->tunnel_port;
    }
    snprintf(name, sizeof name, "vxlan_sys_%u", dst_port);
    if (dp_port_add(dp, name, "vxlan", 0, &port_no)) {
        return ODPP_NONE;
    }
    dp->tunnel_port = port_no;
    return port_no;
}

struct conntrack *
dp_conntrack(struct dp *dp)
{
    return dp->ct;
}

/* Packet processing. */

/* Sends the packets queued on PORT. */
static void
dp_port_flush(struct dp_port *port)
{
    if (netdev_send(port->netdev, 0, &port->txq, true)) {
        COVERAGE_INC(dp_send_error);
    }
    port->txq.count = 0;
    ovs_list_remove(&port->tx_node);
}

/* Sends every queued packet. */
static void
dp_flush(struct dp *dp)
{
    struct dp_port *port, *next;

    LIST_FOR_EACH_SAFE (port, next, tx_node, &dp->tx_pending) {
        dp_port_flush(port);
    }
}

static void dp_send(struct dp *, uint32_t port_no, struct pkt *);

/* Returns the bytes of Ethernet and VLAN headers in front of the L3
 * header of frame P, read from its bytes (actions since extraction may
 * have pushed or popped tags). */
static size_t
pkt_l2_len(const struct pkt *p)
{
    const uint8_t *d = pkt_data(p);
    size_t size = pkt_size(p);
    size_t len = ETH_HEADER_LEN;

    while (len + VLAN_HEADER_LEN <= size) {
        uint16_t type = (uint16_t) (d[len - 2] << 8 | d[len - 1]);

        if (type != ETH_TYPE_VLAN_8021Q && type != ETH_TYPE_VLAN_8021AD) {
            break;
        }
        len += VLAN_HEADER_LEN;
    }
    return len;
}

/* Returns the length of the frames that GSO frame P becomes once cut:
 * its headers (through the TCP header, or the UDP header for UDP GSO)
 * plus gso_size bytes, at most P's own length. */
static size_t
gso_segment_len(const struct pkt *p)
{
    const uint8_t *d = pkt_data(p);
    size_t size = pkt_size(p);
    size_t l4 = (p->layers.l4 != PKT_LAYER_NONE ? p->layers.l4
                 : p->ol.csum_start);
    size_t hdr;

    if (p->ol.gso_type == VIRTIO_NET_HDR_GSO_TCPV4
        || p->ol.gso_type == VIRTIO_NET_HDR_GSO_TCPV6) {
        if (l4 + TCP_HEADER_LEN > size) {
            return size;
        }
        hdr = l4 + (size_t) (d[l4 + 12] >> 4) * 4;
    } else {
        hdr = l4 + UDP_HEADER_LEN;
    }
    return MIN(hdr + p->ol.gso_size, size);
}

/* Checks packet P (owned), about to leave by the vxlan device PORT, against
 * the underlay's MTU toward its remote.  Returns true if it fits.
 * Otherwise drops and counts it and, as a router on the instance's link
 * would, sends the instance that sent it (P's input port) an ICMP
 * "fragmentation needed" or "packet too big" with the largest IP datagram
 * that fits, so that path MTU discovery works across the tunnel (issue 5;
 * Open vSwitch only drops). */
static bool
dp_tunnel_fits(struct dp *dp, struct dp_port *port, struct pkt *p)
{
    const struct flow_tnl *tnl = &p->md.tunnel;
    uint32_t mtu;
    size_t len, l2_len;
    struct pkt *icmp;

    if (!tnl->ip_dst) {
        return true;
    }
    /* A GSO frame is cut before it leaves: its segments must fit. */
    len = p->ol.gso_type ? gso_segment_len(p) : pkt_size(p);
    mtu = netdev_vxlan_path_mtu(port->netdev, tnl->ip_src, tnl->ip_dst);
    if (!mtu || len + VXLAN_IPV4_IP_OVERHEAD <= mtu) {
        /* Fits, or no route: the send fails and counts that. */
        return true;
    }
    COVERAGE_INC(dp_drop_tunnel_too_big);
    netdev_vxlan_count_too_big(port->netdev);
    l2_len = pkt_l2_len(p);
    if (mtu > VXLAN_IPV4_IP_OVERHEAD + l2_len) {
        icmp = pkt_icmp_too_big(p, mtu - VXLAN_IPV4_IP_OVERHEAD
                                   - (uint32_t) l2_len);
        if (icmp) {
            COVERAGE_INC(dp_tunnel_icmp_too_big);
            icmp->md.in_port = p->md.in_port;
            dp_send(dp, p->md.in_port, icmp);
        }
    }
    pkt_free(p);
    return false;
}

/* Queues P (owned) for output on datapath port PORT_NO. */
static void
dp_send(struct dp *dp, uint32_t port_no, struct pkt *p)
{
    struct dp_port *port = dp_port_lookup(dp, port_no);

    if (OVS_UNLIKELY(!port)) {
        COVERAGE_INC(dp_drop_output_no_port);
        pkt_free(p);
        return;
    }
    if (port_no == dp->tunnel_port && port->is_vxlan
        && !dp_tunnel_fits(dp, port, p)) {
        return;
    }
    if (!port->txq.count) {
        ovs_list_push_back(&dp->tx_pending, &port->tx_node);
    }
    port->txq.pkts[port->txq.count++] = p;
    if (pkt_batch_is_full(&port->txq)) {
        dp_port_flush(port);
    }
}

/* Returns the Ethernet type that introduces P's L3 header (the two bytes
 * before it, in Ethernet II, after VLAN tags and in LLC/SNAP alike), or
 * FLOW_DL_TYPE_NONE without one.  P's layers must be valid. */
static be16
pkt_l3_type(const struct pkt *p)
{
    uint16_t l3 = p->layers.l3;
    be16 type;

    if (l3 == PKT_LAYER_NONE || l3 < ETH_HEADER_LEN || l3 > pkt_size(p)) {
        return htons(FLOW_DL_TYPE_NONE);
    }
    memcpy(&type, (const uint8_t *) pkt_data(p) + l3 - 2, sizeof type);
    return type;
}

/* Fills ARGS for the ct action C. */
static void
ct_exec_args(const struct odp_ct *c, struct ct_exec *args)
{
    memset(args, 0, sizeof *args);
    args->zone = c->zone;
    args->commit = c->commit;
    args->force = c->force;
    if (c->set_mark) {
        args->mark_value = c->mark;
        args->mark_mask = c->mark_mask;
    }
    if (c->set_label) {
        for (int i = 0; i < 2; i++) {
            args->label_value[i] = c->label[i];
            args->label_mask[i] = c->label_mask[i];
        }
    }
}

/* Runs the ct action C on every packet of BATCH.  LAYERS_VALID tells
 * whether the packets' layer offsets still describe their bytes. */
static void
dp_execute_ct(struct dp *dp, struct pkt_batch *batch, const struct odp_ct *c,
              bool layers_valid)
{
    long long int now = time_msec();
    struct ct_exec args;
    size_t n = 0;

    ct_exec_args(c, &args);
    for (size_t i = 0; i < batch->count; i++) {
        struct pkt *p = batch->pkts[i];
        struct flow flow;

        /* Conntrack needs the Ethernet type and the layer offsets, which
         * the packet path extracted; an action since then that moved the
         * headers makes them stale. */
        if (!layers_valid) {
            memset(&flow, 0, sizeof flow);
            pkt_extract(p, &flow);
        } else {
            flow.dl_type = pkt_l3_type(p);
        }
        if (conntrack_execute(dp->ct, p, &flow, &args, now)) {
            batch->pkts[n++] = p;
        } else {
            /* A connection limit refused the commit. */
            COVERAGE_INC(dp_drop_ct_limit);
            pkt_free(p);
        }
    }
    batch->count = n;
}

static void dp_process(struct dp *, struct pkt_batch *, int depth);

/* Copies the packets of SRC into DST (which must be empty). */
static void
batch_clone(struct pkt_batch *dst, const struct pkt_batch *src)
{
    for (size_t i = 0; i < src->count; i++) {
        dst->pkts[i] = pkt_clone(src->pkts[i]);
    }
    dst->count = src->count;
}

/* Executes the N actions at A on the packets of BATCH (owned; BATCH is
 * empty on return).  DEPTH counts recirculations. */
static void
dp_execute_batch(struct dp *dp, struct pkt_batch *batch,
                 const struct odp_action *a, size_t n, int depth)
{
    bool layers_valid = true;

    for (size_t i = 0; i < n && batch->count; i++) {
        const struct odp_action *act = &a[i];
        bool last = i == n - 1;
        struct pkt_batch copy;

        switch (act->type) {
        case ODP_ACTION_OUTPUT:
            for (size_t j = 0; j < batch->count; j++) {
                struct pkt *p = batch->pkts[j];

                dp_send(dp, act->port, last ? p : pkt_clone(p));
            }
            if (last) {
                batch->count = 0;
            }
            break;

        case ODP_ACTION_USERSPACE:
            /* No controller connection: the packet-in is counted. */
            COVERAGE_ADD(dp_userspace_action, batch->count);
            break;

        case ODP_ACTION_RECIRC:
            if (depth >= DP_MAX_RECIRC_DEPTH) {
                COVERAGE_ADD(dp_drop_recirc_depth, batch->count);
                break;
            }
            if (last) {
                copy = *batch;
                batch->count = 0;
            } else {
                batch_clone(&copy, batch);
            }
            for (size_t j = 0; j < copy.count; j++) {
                copy.pkts[j]->md.recirc_id = act->recirc_id;
            }
            dp_process(dp, &copy, depth + 1);
            break;

        case ODP_ACTION_CT:
            dp_execute_ct(dp, batch, &act->ct, layers_valid);
            layers_valid = true;
            break;

        case ODP_ACTION_CLONE: {
            size_t body = MIN(act->clone.n_actions, n - i - 1);

            batch_clone(&copy, batch);
            dp_execute_batch(dp, &copy, act + 1, body, depth);
            i += body;
            break;
        }

        case ODP_ACTION_DROP:
            COVERAGE_ADD(dp_drop_action, batch->count);
            pkt_batch_free(batch);
            break;

        case ODP_ACTION_TNL_PUSH:
        case ODP_ACTION_TNL_POP:
            COVERAGE_ADD(dp_unsupported_action, batch->count);
            break;

        case ODP_ACTION_PUSH_VLAN:
        case ODP_ACTION_POP_VLAN:
            layers_valid = false;
            /* Fall through. */
        case ODP_ACTION_SET_MASKED:
        case ODP_ACTION_SET_TUNNEL:
        case ODP_ACTION_CT_CLEAR:
            for (size_t j = 0; j < batch->count; j++) {
                odp_execute_modify(batch->pkts[j], act);
            }
            break;
        }
    }
    if (batch->count) {
        if (!n) {
            COVERAGE_ADD(dp_drop_empty_actions, batch->count);
        }
        pkt_batch_free(batch);
    }
}

/* Handles packet P, whose datapath key is KEY, that no flow matched:
 * translates it, installs the megaflow (when caching) and executes the
 * actions on P (owned). */
static void
dp_upcall(struct dp *dp, struct pkt *p, const struct flow *key, int depth)
{
    struct xlate_cache *xcache = NULL;
    struct xlate_out xout;
    struct xlate_in xin;
    struct ofproto *ofproto;
    struct pkt_batch one;
    const char *why;
    struct flow flow;

    flow = *key;
    ofproto = xlate_lookup_ofproto(&flow, dp->tunnel_port, &why);
    if (!ofproto) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

        if (key->in_port == dp->tunnel_port) {
            COVERAGE_INC(dp_drop_no_tunnel_port);
        } else {
            COVERAGE_INC(dp_drop_no_port);
        }
        VLOG_WARN_RL(&rl, "dropping packet received on datapath port "
                     "%"PRIu32": %s", key->in_port, why);
        dp->stats.n_lost++;
        pkt_free(p);
        return;
    }

    COVERAGE_INC(dp_upcall);
    dp->stats.n_missed++;
    if (dp->caching) {
        xcache = xlate_cache_new();
    }
    xlate_in_init(&xin, ofproto, &flow);
    xin.allow_side_effects = true;
    xin.n_packets = 1;
    xin.n_bytes = pkt_size(p);
    xin.xcache = xcache;
    if (xlate_actions(&xin, &xout) != XLATE_OK) {
        COVERAGE_INC(dp_drop_xlate_error);
    }

    one.count = 1;
    one.pkts[0] = p;
    if (xcache && !xout.avoid_caching) {
        struct dp_flow *f;

        dp_megaflow_mask(dp, &xout.wc, key);
        f = dp_flow_install(dp, key, &xout.wc, &xout.odp_actions, xcache,
                            xout.recirc_ids, xout.n_recirc_ids);
        if (f) {
            /* The flow owns the actions and ids now.  The translation
             * credited this first packet to the rules itself; as in OVS,
             * the flow's own statistics count only later packets. */
            memset(&xout.odp_actions, 0, sizeof xout.odp_actions);
            xout.recirc_ids = NULL;
            xout.n_recirc_ids = 0;
            dp_execute_batch(dp, &one, f->actions.a, f->actions.n, depth);
            xlate_out_uninit(&xout);
            return;
        }
    }
    xlate_cache_delete(xcache);
    dp_execute_batch(dp, &one, xout.odp_actions.a, xout.odp_actions.n,
                     depth);
    xlate_out_uninit(&xout);
}

/* The packets of one input batch that hit the same flow. */
struct flow_batch {
    struct dp_flow *flow;      /* The flow. */
    struct pkt_batch pkts;     /* Its packets, in arrival order. */
    uint64_t n_bytes;          /* Their bytes. */
    uint16_t tcp_flags;        /* Their TCP flags (host order). */
};

/* Adds packet P with key KEY to the batch of flow F among the N batches
 * at FB, starting a batch when F has none yet. */
static void
flow_batch_add(struct flow_batch *fb, size_t *n, struct dp_flow *f,
               struct pkt *p, const struct flow *key)
{
    struct flow_batch *b = f->batch;

    if (!b) {
        b = f->batch = &fb[(*n)++];
        b->flow = f;
        b->pkts.count = 0;
        b->n_bytes = 0;
        b->tcp_flags = 0;
    }
    b->pkts.pkts[b->pkts.count++] = p;
    b->n_bytes += pkt_size(p);
    b->tcp_flags |= ntohs(key->tcp_flags);
}

/* Looks up and processes the packets of BATCH (owned; at most
 * PKT_BATCH_SIZE), whose metadata (in_port, recirc_id, tunnel, conntrack
 * state) is set.  DEPTH counts recirculations. */
static void
dp_process(struct dp *dp, struct pkt_batch *batch, int depth)
{
    struct flow keys[PKT_BATCH_SIZE];
    const struct flow *key_ptrs[PKT_BATCH_SIZE];
    uint32_t hashes[PKT_BATCH_SIZE];
    struct dpcls_rule *rules[PKT_BATCH_SIZE];
    struct flow_batch fb[PKT_BATCH_SIZE];
    size_t n = batch->count, n_fb = 0;
    uint32_t all = n == 32 ? UINT32_MAX : (UINT32_C(1) << n) - 1;
    uint32_t emc_hits = 0, cls_hits = 0;
    long long int now;

    if (!n) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct pkt *p = batch->pkts[i];

        /* Extraction zeroes the header words itself. */
        flow_zero_metadata(&keys[i]);
        pkt_extract(p, &keys[i]);
        pkt_md_to_flow(&p->md, &keys[i]);
        key_ptrs[i] = &keys[i];
        rules[i] = NULL;
    }
    /* Hashing in a separate pass reads each key's words after the narrow
     * stores that built them have retired (a wide load right after them
     * stalls on store forwarding). */
    for (size_t i = 0; i < n; i++) {
        hashes[i] = flow_hash_for_cache(&keys[i]);
    }
    batch->count = 0;

    if (dp->caching) {
        emc_hits = emc_lookup_batch(&dp->emc, key_ptrs, hashes, all, rules);
        if (emc_hits != all) {
            cls_hits = dpcls_lookup(&dp->cls, key_ptrs, all & ~emc_hits,
                                    rules, &dp->stats.n_mask_hit);
        }
    }

    now = time_msec();
    for (size_t i = 0; i < n; i++) {
        struct pkt *p = batch->pkts[i];
        struct dpcls_rule *rule = rules[i];

        if (!rule && dp->caching) {
            /* An upcall earlier in this batch may have installed a flow
             * for this packet. */
            rule = dpcls_lookup_one(&dp->cls, &keys[i],
                                    &dp->stats.n_mask_hit);
            if (rule) {
                cls_hits |= UINT32_C(1) << i;
            }
        }
        if (!rule) {
            dp_upcall(dp, p, &keys[i], depth);
            continue;
        }
        if (cls_hits & (UINT32_C(1) << i)) {
            emc_probabilistic_insert(&dp->emc, &keys[i], hashes[i], rule);
        }
        if (OVS_UNLIKELY(dp->check_cache)) {
            dp_flow_check_hit(dp, &keys[i], dp_flow_from_rule(rule));
        }
        flow_batch_add(fb, &n_fb, dp_flow_from_rule(rule), p, &keys[i]);
    }
    dp->stats.n_cache_hit += popcount64(emc_hits);
    dp->stats.n_hit += popcount64(emc_hits | cls_hits);

    /* The flows' batch pointers must be clear before the actions run:
     * recirculation processes other batches meanwhile. */
    for (size_t i = 0; i < n_fb; i++) {
        fb[i].flow->batch = NULL;
    }
    for (size_t i = 0; i < n_fb; i++) {
        struct dp_flow *f = fb[i].flow;

        f->stats.n_packets += fb[i].pkts.count;
        f->stats.n_bytes += fb[i].n_bytes;
        f->stats.used = now;
        f->stats.tcp_flags |= fb[i].tcp_flags;
        dp_execute_batch(dp, &fb[i].pkts, f->actions.a, f->actions.n,
                         depth);
    }
}

/* Brings the flow caches up to date with the OpenFlow state. */
static void
dp_flows_run(struct dp *dp)
{
    if (dp->flows_seq != ofproto_seq()) {
        dp_flows_revalidate(dp);
    }
}

void
dp_execute(struct dp *dp, struct pkt *p, const struct odp_actions *actions)
{
    struct pkt_batch one;

    one.count = 1;
    one.pkts[0] = p;
    dp_execute_batch(dp, &one, actions->a, actions->n, 0);
    dp_flush(dp);
}

void
dp_input_batch(struct dp *dp, struct pkt_batch *batch, uint32_t port_no)
{
    dp_flows_run(dp);
    for (size_t i = 0; i < batch->count; i++) {
        struct pkt_md *md = &batch->pkts[i]->md;

        md->in_port = port_no;
        md->recirc_id = 0;
    }
    dp_process(dp, batch, 0);
    dp_flush(dp);
}

void
dp_input(struct dp *dp, struct pkt *p, uint32_t port_no)
{
    struct pkt_batch one;

    one.count = 1;
    one.pkts[0] = p;
    dp_input_batch(dp, &one, port_no);
}

bool
dp_run(struct dp *dp)
{
    long long int now = time_msec();
    bool worked = false;
    struct dp_port *port;

    dp_flows_run(dp);
    HMAP_FOR_EACH (port, node, &dp->ports) {
        struct pkt_batch batch;

        if (!port->rxq) {
            continue;
        }
        pkt_batch_init(&batch);
        if (!netdev_rxq_recv(port->rxq, &batch)) {
            worked |= batch.count > 0;
            dp_input_batch(dp, &batch, port->port_no);
        }
    }
    if (now >= dp->next_push) {
        dp_flows_sweep(dp, now);
    }
    if (now >= dp->next_ct_run) {
        conntrack_run(dp->ct, now);
        recirc_run(now);
        dpcls_run(&dp->cls, now);
        emc_sweep(&dp->emc, 1024);
        dp->next_ct_run = now + 1000;
    }
    return worked;
}

void
dp_wait(struct dp *dp)
{
    struct dp_port *port;

    HMAP_FOR_EACH (port, node, &dp->ports) {
        if (port->rxq) {
            netdev_rxq_wait(port->rxq);
        }
    }
    poll_timer_wait_until(MIN(dp->next_ct_run, dp->next_push));
}

void
dp_set_caching(struct dp *dp, bool caching)
{
    if (!caching) {
        dp_flows_flush(dp);
    }
    dp->caching = caching;
}

void
dp_set_check_cache(struct dp *dp, bool check)
{
    dp->check_cache = check;
}

uint64_t
dp_check_mismatches(const struct dp *dp)
{
    return dp->n_check_mismatch;
}

void
dp_set_emc_insert_inv_prob(struct dp *dp, uint32_t inv_prob)
{
    emc_set_insert_inv_prob(&dp->emc, inv_prob);
}

void
dp_set_max_flows(struct dp *dp, size_t max_flows)
{
    dp->max_flows = max_flows;
}

void
dp_get_stats(const struct dp *dp, struct dp_stats *stats)
{
    *stats = dp->stats;
    stats->n_flows = hmap_count(&dp->flows);
    stats->n_masks = dpcls_n_subtables(&dp->cls);
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct dp_port *const *a = a_;
    const struct dp_port *const *b = b_;

    return (*a)->port_no < (*b)->port_no ? -1 : (*a)->port_no > (*b)->port_no;
}

static struct dp_port **
sorted_ports(const struct dp *dp, size_t *np)
{
    size_t n = hmap_count(&dp->ports), i = 0;
    struct dp_port **v = xcalloc(n ? n : 1, sizeof *v);
    struct dp_port *port;

    HMAP_FOR_EACH (port, node, &dp->ports) {
        v[i++] = port;
    }
    qsort(v, n, sizeof *v, compare_ports);
    *np = n;
    return v;
}

void
dp_port_for_each(const struct dp *dp,
                 void (*cb)(uint32_t port_no, const char *name,
                            const char *type, struct netdev *, void *aux),
                 void *aux)
{
    size_t n;
    struct dp_port **v = sorted_ports(dp, &n);

    for (size_t i = 0; i < n; i++) {
        cb(v[i]->port_no, v[i]->name, v[i]->type, v[i]->netdev, aux);
    }
    free(v);
}

/* Appends `dpctl show -s` statistics of PORT to S, and for a vxlan
 * device its status (endpoints and per-reason drop counters). */
static void
format_port_stats(const struct dp_port *port, struct ds *s)
{
    struct netdev_stats st;

    netdev_get_stats(port->netdev, &st);
    ds_put_format(s, "    RX packets:%"PRIu64" errors:%"PRIu64" dropped:%"
                  PRIu64" overruns:0 frame:0\n", st.rx_packets,
                  st.rx_errors, st.rx_dropped);
    ds_put_format(s, "    TX packets:%"PRIu64" errors:%"PRIu64" dropped:%"
                  PRIu64" aborted:0 carrier:0\n", st.tx_packets,
                  st.tx_errors, st.tx_dropped);
    ds_put_cstr(s, "    collisions:0\n");
    ds_put_format(s, "    RX bytes:%"PRIu64"  TX bytes:%"PRIu64"\n",
                  st.rx_bytes, st.tx_bytes);
    if (port->is_vxlan) {
        struct ds status = DS_EMPTY_INITIALIZER;
        const char *line = NULL;

        netdev_get_status(port->netdev, &status);
        for (char *save = NULL, *p = ds_cstr(&status);
             (line = strtok_r(p, "\n", &save)) != NULL; p = NULL) {
            ds_put_format(s, "    %s\n", line);
        }
        ds_destroy(&status);
    }
}

void
dp_format_show(const struct dp *dp, bool port_stats, struct ds *s)
{
    struct dp_stats stats, *st = &stats;
    uint64_t n_pkts;
    size_t n;
    struct dp_port **v = sorted_ports(dp, &n);

    dp_get_stats(dp, st);
    n_pkts = st->n_hit + st->n_missed;
    ds_put_cstr(s, "system@ovs-system:\n");
    ds_put_format(s, "  lookups: hit:%"PRIu64" missed:%"PRIu64" lost:%"PRIu64
                  "\n", st->n_hit, st->n_missed, st->n_lost);
    ds_put_format(s, "  flows: %"PRIu64"\n", st->n_flows);
    ds_put_format(s, "  masks: hit:%"PRIu64" total:%"PRIu64" hit/pkt:%.2f\n",
                  st->n_mask_hit, st->n_masks,
                  n_pkts ? (double) st->n_mask_hit / n_pkts : 0.0);
    ds_put_format(s, "  cache: hit:%"PRIu64" hit-rate:%.2f%%\n",
                  st->n_cache_hit,
                  n_pkts ? (double) st->n_cache_hit / n_pkts * 100 : 0.0);
    ds_put_cstr(s, "  caches:\n");
    ds_put_cstr(s, "    masks-cache: size:256\n");
    for (size_t i = 0; i < n; i++) {
        const struct dp_port *port = v[i];

        ds_put_format(s, "  port %"PRIu32": %s", port->port_no, port->name);
        if (!strcmp(port->type, "vxlan")) {
            ds_put_cstr(s, " (vxlan: packet_type=ptap)");
        } else if (port->type[0] && strcmp(port->type, "system")
                   && strcmp(port->type, "tap")) {
            ds_put_format(s, " (%s)", port->type);
        }
        ds_put_char(s, '\n');
        if (port_stats) {
            format_port_stats(port, s);
        }
    }
    free(v);
}
