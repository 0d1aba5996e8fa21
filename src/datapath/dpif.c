/* dpif.c: the datapath.  See dpif.h. */
#include "datapath/dpif.h"

#include <errno.h>
#include <inttypes.h>

#include "conntrack/conntrack.h"
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

struct dp_port {
    struct hmap_node node;     /* In struct dp 'ports' by number. */
    uint32_t port_no;          /* Datapath port number. */
    char *name;                /* Device name. */
    char *type;                /* Port type as configured. */
    struct netdev *netdev;     /* The device. */
    struct netdev_rxq *rxq;    /* Its receive queue, or NULL. */
};

struct dp {
    struct hmap ports;         /* struct dp_port by port_no. */
    struct conntrack *ct;      /* Connection tracker behind ct(). */
    uint32_t tunnel_port;      /* vxlan_sys_4789 port, or ODPP_NONE. */
    struct dp_stats stats;     /* Counters for dpctl show. */
    long long int next_ct_run; /* When to run conntrack expiry next. */
};

static struct dp_port *
dp_port_lookup(const struct dp *dp, uint32_t port_no)
{
    struct dp_port *port;

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
    dp->ct = conntrack_create();
    dp->tunnel_port = ODPP_NONE;
    error = dp_port_add(dp, "ovs-system", "internal", 0, &port_no);
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
    /* The datapath's own tunnel port is a device that encapsulates; until
     * the kernel-socket VXLAN device exists it is a dummy device whose
     * sends are observable (captures, tests). */
    if (!strcmp(type, "vxlan")) {
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
    if (netdev_n_rxq(netdev) > 0 && netdev_rxq_open(netdev, 0, &port->rxq)) {
        port->rxq = NULL;
    }
    hmap_insert(&dp->ports, &port->node, hash_int(port_no, 0));
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

static void dp_process(struct dp *, struct pkt *, int depth);

static void
dp_send(struct dp *dp, uint32_t port_no, struct pkt *p)
{
    struct dp_port *port = dp_port_lookup(dp, port_no);
    struct pkt_batch batch;
    int error;

    if (!port) {
        COVERAGE_INC(dp_drop_output_no_port);
        pkt_free(p);
        return;
    }
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, p);
    error = netdev_send(port->netdev, 0, &batch, true);
    if (error) {
        COVERAGE_INC(dp_send_error);
    }
}

/* Runs the ct action C on P.  Returns false if P must be dropped (a
 * connection limit refused its commit). */
static bool
ct_execute(struct dp *dp, struct pkt *p, const struct odp_ct *c)
{
    struct flow flow;
    struct ct_exec args;

    memset(&flow, 0, sizeof flow);
    pkt_extract(p, &flow);
    memset(&args, 0, sizeof args);
    args.zone = c->zone;
    args.commit = c->commit;
    args.force = c->force;
    if (c->set_mark) {
        args.mark_value = c->mark;
        args.mark_mask = c->mark_mask;
    }
    if (c->set_label) {
        for (int i = 0; i < 2; i++) {
            args.label_value[i] = c->label[i];
            args.label_mask[i] = c->label_mask[i];
        }
    }
    return conntrack_execute(dp->ct, p, &flow, &args, time_msec());
}

/* Executes the N actions at A on P (owned).  DEPTH counts
 * recirculations. */
static void
dp_execute__(struct dp *dp, struct pkt *p, const struct odp_action *a,
             size_t n, int depth)
{
    for (size_t i = 0; i < n && p; i++) {
        const struct odp_action *act = &a[i];
        bool last = i == n - 1;
        struct pkt *q;

        switch (act->type) {
        case ODP_ACTION_OUTPUT:
            q = last ? p : pkt_clone(p);
            if (last) {
                p = NULL;
            }
            dp_send(dp, act->port, q);
            break;

        case ODP_ACTION_USERSPACE:
            /* No controller connection: the packet-in is counted. */
            COVERAGE_INC(dp_userspace_action);
            break;

        case ODP_ACTION_RECIRC:
            if (depth >= DP_MAX_RECIRC_DEPTH) {
                COVERAGE_INC(dp_drop_recirc_depth);
                break;
            }
            q = last ? p : pkt_clone(p);
            if (last) {
                p = NULL;
            }
            q->md.recirc_id = act->recirc_id;
            dp_process(dp, q, depth + 1);
            break;

        case ODP_ACTION_CT:
            if (!ct_execute(dp, p, &act->ct)) {
                COVERAGE_INC(dp_drop_ct_limit);
                pkt_free(p);
                p = NULL;
            }
            break;

        case ODP_ACTION_CLONE: {
            size_t body = MIN(act->clone.n_actions, n - i - 1);

            dp_execute__(dp, pkt_clone(p), act + 1, body, depth);
            i += body;
            break;
        }

        case ODP_ACTION_DROP:
            COVERAGE_INC(dp_drop_action);
            pkt_free(p);
            p = NULL;
            break;

        case ODP_ACTION_TNL_PUSH:
        case ODP_ACTION_TNL_POP:
            COVERAGE_INC(dp_unsupported_action);
            break;

        case ODP_ACTION_PUSH_VLAN:
        case ODP_ACTION_POP_VLAN:
        case ODP_ACTION_SET_MASKED:
        case ODP_ACTION_SET_TUNNEL:
        case ODP_ACTION_CT_CLEAR:
            odp_execute_modify(p, act);
            break;
        }
    }
    if (p) {
        if (!n) {
            COVERAGE_INC(dp_drop_empty_actions);
        }
        pkt_free(p);
    }
}

void
dp_execute(struct dp *dp, struct pkt *p, const struct odp_actions *actions)
{
    dp_execute__(dp, p, actions->a, actions->n, 0);
}

static void
dp_process(struct dp *dp, struct pkt *p, int depth)
{
    struct xlate_out xout;
    struct xlate_in xin;
    struct ofproto *ofproto;
    const char *why;
    struct flow flow;

    memset(&flow, 0, sizeof flow);
    pkt_extract(p, &flow);
    pkt_md_to_flow(&p->md, &flow);

    ofproto = xlate_lookup_ofproto(&flow, dp->tunnel_port, &why);
    if (!ofproto) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

        if (flow.in_port == dp->tunnel_port) {
            COVERAGE_INC(dp_drop_no_tunnel_port);
        } else {
            COVERAGE_INC(dp_drop_no_port);
        }
        VLOG_WARN_RL(&rl, "dropping packet received on datapath port "
                     "%"PRIu32": %s", p->md.in_port, why);
        dp->stats.n_lost++;
        pkt_free(p);
        return;
    }

    COVERAGE_INC(dp_upcall);
    dp->stats.n_missed++;
    xlate_in_init(&xin, ofproto, &flow);
    xin.allow_side_effects = true;
    xin.n_packets = 1;
    xin.n_bytes = pkt_size(p);
    if (xlate_actions(&xin, &xout) != XLATE_OK) {
        COVERAGE_INC(dp_drop_xlate_error);
    }
    dp_execute__(dp, p, xout.odp_actions.a, xout.odp_actions.n, depth);
    xlate_out_uninit(&xout);
}

void
dp_input(struct dp *dp, struct pkt *p, uint32_t port_no)
{
    p->md.in_port = port_no;
    p->md.recirc_id = 0;
    dp_process(dp, p, 0);
}

void
dp_input_batch(struct dp *dp, struct pkt_batch *batch, uint32_t port_no)
{
    for (size_t i = 0; i < batch->count; i++) {
        dp_input(dp, batch->pkts[i], port_no);
    }
    batch->count = 0;
}

bool
dp_run(struct dp *dp)
{
    long long int now = time_msec();
    bool worked = false;
    struct dp_port *port;

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
    if (now >= dp->next_ct_run) {
        conntrack_run(dp->ct, now);
        recirc_run(now);
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
    poll_timer_wait_until(dp->next_ct_run);
}

void
dp_get_stats(const struct dp *dp, struct dp_stats *stats)
{
    *stats = dp->stats;
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

void
dp_format_show(const struct dp *dp, struct ds *s)
{
    const struct dp_stats *st = &dp->stats;
    uint64_t n_pkts = st->n_hit + st->n_missed;
    size_t n;
    struct dp_port **v = sorted_ports(dp, &n);

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
    }
    free(v);
}
