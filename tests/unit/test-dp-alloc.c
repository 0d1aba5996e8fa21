/*
 * The datapath's per-packet path allocates nothing once flows are cached:
 * the seed's ping and its reply over VXLAN, through conntrack and
 * recirculation, output to two ports (a copy per packet), in batches of
 * 32 pool packets.  Every malloc(), calloc(), realloc() and free() of the
 * program goes through the counting wrappers below (linked with
 * -Wl,--wrap=...), so an allocation paired with a free is seen too.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "conntrack/conntrack.h"
#include "datapath/dpif.h"
#include "datapath/netdev-dummy.h"
#include "datapath/netdev.h"
#include "lib/util.h"
#include "ofproto/ofproto.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet/pkt-gso.h"
#include "packet/pkt.h"
#include "seed-switch.h"

void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
void *__wrap_malloc(size_t);
void *__wrap_calloc(size_t, size_t);
void *__wrap_realloc(void *, size_t);
void __wrap_free(void *);

static unsigned long n_allocs;

void *
__wrap_malloc(size_t n)
{
    n_allocs++;
    return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    n_allocs++;
    return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
    n_allocs++;
    return __real_realloc(p, n);
}

void
__wrap_free(void *p)
{
    if (p) {
        n_allocs++;
    }
    __real_free(p);
}

#define DP_VXLAN 7
#define DP_TAP 8

/* Fills BATCH with N copies of the frame for FLOW from POOL. */
static void
fill_batch(struct pkt_batch *batch, struct pkt_pool *pool,
           const struct flow *flow, size_t n, bool tunnel)
{
    uint8_t frame[128];
    size_t len = flow_compose(flow, 56, frame, sizeof frame);

    ASSERT_TRUE(len > 0);
    batch->count = 0;
    for (size_t i = 0; i < n; i++) {
        struct pkt *p = pkt_pool_get(pool);

        ASSERT_TRUE(p != NULL);
        pkt_put(p, frame, len);
        if (tunnel) {
            p->md.tunnel.tun_id = htonll(0xef);
            ASSERT_TRUE(ip_from_string("172.16.0.11", &p->md.tunnel.ip_src));
            ASSERT_TRUE(ip_from_string("172.16.0.31", &p->md.tunnel.ip_dst));
            p->md.tunnel.ip_ttl = 64;
            p->md.tunnel.tp_dst = htons(4789);
            p->md.tunnel.flags = FLOW_TNL_F_KEY;
        }
        batch->pkts[i] = p;
    }
    batch->count = n;
}

static uint64_t
tx_packets(struct dp *dp, uint32_t port)
{
    struct netdev_stats st;

    netdev_get_stats(dp_port_netdev(dp, port), &st);
    return st.tx_packets;
}

static void
ping_flows(struct flow *req, struct flow *rep)
{
    memset(req, 0, sizeof *req);
    ASSERT_TRUE(eth_addr_from_string("fa:16:3e:61:21:c6", &req->dl_src));
    ASSERT_TRUE(eth_addr_from_string("fa:16:3e:e9:26:5b", &req->dl_dst));
    req->dl_type = htons(ETH_TYPE_IP);
    ASSERT_TRUE(ip_from_string("192.168.101.85", &req->nw_src));
    ASSERT_TRUE(ip_from_string("192.168.101.1", &req->nw_dst));
    req->nw_proto = IPPROTO_ICMP_;
    req->nw_ttl = 64;
    req->tp_src = htons(8);

    *rep = *req;
    rep->dl_src = req->dl_dst;
    rep->dl_dst = req->dl_src;
    rep->nw_src = req->nw_dst;
    rep->nw_dst = req->nw_src;
    rep->tp_src = htons(0);
}

TEST(cached_packet_path_allocates_nothing)
{
    struct pkt_pool *pool = pkt_pool_create(256, PKT_DEFAULT_SIZE);
    struct flow req, rep;
    struct pkt_batch batch;
    struct dp_stats before, after;
    uint64_t tx_tap, tx_vxlan;
    unsigned long allocs;
    struct dp *dp;

    if (!seed_outputs_dir()) {
        pkt_pool_destroy(pool);
        SKIP("no ../shared/seed/outputs");
    }
    dp = seed_switch_build(false);
    for (uint32_t port = 1; port <= DP_TAP; port++) {
        struct netdev *netdev = dp_port_netdev(dp, port);

        if (netdev && netdev_is_dummy(netdev)) {
            netdev_dummy_set_tx_queue_len(netdev, 0);
        }
    }
    dp_set_emc_insert_inv_prob(dp, 1);
    ping_flows(&req, &rep);

    /* Warm up: request and reply until every pass hits a cached flow. */
    for (int i = 0; i < 4; i++) {
        fill_batch(&batch, pool, &req, 1, false);
        dp_input_batch(dp, &batch, DP_TAP);
        fill_batch(&batch, pool, &rep, 1, true);
        dp_input_batch(dp, &batch, DP_VXLAN);
    }
    dp_get_stats(dp, &before);
    ASSERT_EQ(conntrack_count(dp_conntrack(dp)), 1);

    tx_tap = tx_packets(dp, DP_TAP);
    tx_vxlan = tx_packets(dp, DP_VXLAN);
    allocs = n_allocs;
    for (int round = 0; round < 1000; round++) {
        fill_batch(&batch, pool, &req, PKT_BATCH_SIZE, false);
        dp_input_batch(dp, &batch, DP_TAP);
        fill_batch(&batch, pool, &rep, PKT_BATCH_SIZE, true);
        dp_input_batch(dp, &batch, DP_VXLAN);
    }
    ASSERT_EQ(n_allocs - allocs, 0);

    /* Every packet took two cached passes and nothing was lost. */
    dp_get_stats(dp, &after);
    ASSERT_EQ(after.n_missed, before.n_missed);
    ASSERT_EQ(after.n_hit - before.n_hit, 2 * 2 * 1000 * PKT_BATCH_SIZE);
    ASSERT_EQ(pkt_pool_available(pool), 256);
    /* The requests left by the tunnel, the replies reached the tap. */
    ASSERT_EQ(tx_packets(dp, DP_VXLAN) - tx_vxlan, 1000 * PKT_BATCH_SIZE);
    ASSERT_EQ(tx_packets(dp, DP_TAP) - tx_tap, 1000 * PKT_BATCH_SIZE);

    seed_switch_destroy(dp);
    pkt_pool_destroy(pool);
}

/* Cutting a 64 KiB GSO frame from a tap for a device that takes no
 * offload (a dummy, with no transmit queue) allocates nothing either:
 * the segments come from the frame's pool. */
TEST(software_segmentation_allocates_nothing)
{
    struct pkt_pool *pool = pkt_pool_create_mixed(128, PKT_DEFAULT_SIZE, 2,
                                                  PKT_LARGE_SIZE);
    static uint8_t frame[54 + 64000];
    struct ip_header *ip = (struct ip_header *) (frame + 14);
    struct netdev_stats before, after;
    struct pkt_batch batch;
    struct netdev *netdev;
    unsigned long allocs;

    ASSERT_OK(netdev_open("gso-out", "dummy", &netdev));
    netdev_dummy_set_tx_queue_len(netdev, 0);
    memcpy(frame, "\xfa\x16\x3e\xe9\x26\x5b\xfa\x16\x3e\x61\x21\xc6\x08\x00",
           14);
    ip->ip_ihl_ver = 0x45;
    ip->ip_tot_len = htons(40 + 64000);
    ip->ip_ttl = 64;
    ip->ip_proto = IPPROTO_TCP_;
    frame[46] = 0x50;
    frame[47] = 0x10;

    netdev_get_stats(netdev, &before);
    allocs = n_allocs;
    for (int round = 0; round < 100; round++) {
        struct pkt *p = pkt_pool_get_large(pool);

        ASSERT_TRUE(p != NULL);
        pkt_put(p, frame, sizeof frame);
        p->ol.gso_type = PKT_GSO_TCPV4;
        p->ol.gso_size = 1448;
        p->ol.csum_partial = true;
        p->ol.csum_start = 34;
        p->ol.csum_offset = 16;
        pkt_batch_init(&batch);
        pkt_batch_add(&batch, p);
        ASSERT_OK(netdev_send(netdev, 0, &batch, true));
    }
    ASSERT_EQ(n_allocs - allocs, 0);
    netdev_get_stats(netdev, &after);
    ASSERT_UEQ(after.tx_packets - before.tx_packets, 100 * 45);
    ASSERT_UEQ(pkt_pool_available(pool), 128);
    ASSERT_UEQ(pkt_pool_available_large(pool), 2);
    netdev_close(netdev);
    pkt_pool_destroy(pool);
}
