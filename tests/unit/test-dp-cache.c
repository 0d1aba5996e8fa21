/*
 * Tests of the datapath's flow caches (exact-match cache, megaflows,
 * revalidation) on the seed's switch.
 *
 * The oracle: with dp_set_check_cache(), every packet that hits a cached
 * flow is also translated afresh through the OpenFlow tables, and the two
 * action lists must be equal.  Randomized streams of packets from the
 * instance, the tunnel and the provider NICs run while flows are added
 * and deleted, ports come and go, MACs are learned and flushed, flows are
 * learned and time jumps (expiring learned flows, MAC entries and
 * connections); one packet per batch, so that the caches are revalidated
 * before each packet as the OpenFlow state would be seen by a full
 * translation.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "datapath/dpif.h"
#include "datapath/netdev-dummy.h"
#include "datapath/netdev.h"
#include "flow/odp.h"
#include "flow/ofp-parse.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "ofproto/ofproto.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet/pkt.h"
#include "seed-switch.h"

/* Datapath ports of the seed (tests/data/ovs/README.md). */
#define DP_ETH2 2
#define DP_ETH3 3
#define DP_VXLAN 7
#define DP_TAP 8
#define DP_EXTRA 20     /* A port the test adds and removes. */

static uint64_t rng_state;

static uint32_t
rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t) (rng_state >> 16);
}

static uint32_t
pick(uint32_t n)
{
    return rng() % n;
}

static struct eth_addr
mac_from(const char *s)
{
    struct eth_addr ea;

    ASSERT_TRUE(eth_addr_from_string(s, &ea));
    return ea;
}

static be32
ip_from(const char *s)
{
    be32 ip;

    ASSERT_TRUE(ip_from_string(s, &ip));
    return ip;
}

static const char *const macs[] = {
    "fa:16:3e:61:21:c6", "fa:16:3e:e9:26:5b", "fa:16:3e:00:00:99",
    "fa:16:3e:0a:0b:0c", "00:15:5d:bf:ba:4f",
};
static const char *const ips[] = {
    "192.168.101.85", "192.168.101.1", "192.168.101.99", "192.168.101.50",
    "0.0.0.0", "255.255.255.255", "10.0.0.1",
};
static const uint16_t ports[] = { 22, 23, 80, 67, 68, 40000, 50000 };

/* Recently sent packets, sent again now and then so that even exact-match
 * flows get hits. */
struct sent_packet {
    uint8_t frame[256];        /* The frame. */
    size_t len;                /* Its length. */
    uint32_t in_port;          /* Datapath input port. */
    struct flow_tnl tunnel;    /* Tunnel metadata. */
};
static struct sent_packet recent[16];
static size_t n_recent;

static void
send_frame(struct dp *dp, struct pkt_pool *pool, const struct sent_packet *sp)
{
    struct pkt_batch batch;
    struct pkt *p = pkt_pool_get(pool);

    ASSERT_TRUE(p != NULL);
    pkt_put(p, sp->frame, sp->len);
    p->md.tunnel = sp->tunnel;
    batch.count = 1;
    batch.pkts[0] = p;
    dp_input_batch(dp, &batch, sp->in_port);
}

/* Builds a random packet, or picks a recent one, and sends it into DP,
 * alone in its batch. */
static void
send_random_packet(struct dp *dp, struct pkt_pool *pool)
{
    static const uint32_t in_ports[] = {
        DP_TAP, DP_TAP, DP_TAP, DP_TAP, DP_VXLAN, DP_VXLAN, DP_VXLAN,
        DP_ETH2, DP_ETH3, DP_EXTRA,
    };
    uint32_t in_port = in_ports[pick(ARRAY_SIZE(in_ports))];
    struct sent_packet *sp;
    struct flow flow;

    if (n_recent && pick(2)) {
        send_frame(dp, pool, &recent[pick(MIN(n_recent,
                                              ARRAY_SIZE(recent)))]);
        return;
    }

    memset(&flow, 0, sizeof flow);
    flow.dl_src = mac_from(macs[pick(ARRAY_SIZE(macs))]);
    flow.dl_dst = pick(5) ? mac_from(macs[pick(ARRAY_SIZE(macs))])
                          : eth_addr_broadcast;
    if (eth_addr_equals(flow.dl_src, flow.dl_dst)) {
        /* A frame to itself: NORMAL's answer depends on whether this very
         * frame's source was learned first, which a side-effect-free
         * translation cannot see. */
        flow.dl_dst = eth_addr_broadcast;
    }
    if ((in_port == DP_ETH2 || in_port == DP_ETH3) && pick(2)) {
        flow.vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        flow.vlans[0].tci = htons(VLAN_CFI | (pick(2) ? 100 : 101));
    }
    switch (pick(10)) {
    case 0:
    case 1:
        flow.dl_type = htons(ETH_TYPE_ARP);
        flow.nw_proto = (uint8_t) (1 + pick(2));
        flow.nw_src = ip_from(ips[pick(ARRAY_SIZE(ips))]);
        flow.nw_dst = ip_from(ips[pick(ARRAY_SIZE(ips))]);
        flow.arp_sha = flow.dl_src;
        break;
    default:
        flow.dl_type = htons(ETH_TYPE_IP);
        flow.nw_src = ip_from(ips[pick(ARRAY_SIZE(ips))]);
        flow.nw_dst = ip_from(ips[pick(ARRAY_SIZE(ips))]);
        flow.nw_ttl = 64;
        flow.nw_frag = 0;
        switch (pick(3)) {
        case 0:
            flow.nw_proto = IPPROTO_ICMP_;
            flow.tp_src = htons(pick(2) ? 8 : 0);
            break;
        case 1: {
            static const uint16_t flags[] = {
                TCP_SYN, TCP_ACK, TCP_SYN | TCP_ACK, TCP_FIN | TCP_ACK,
                TCP_RST,
            };

            flow.nw_proto = IPPROTO_TCP_;
            flow.tp_src = htons(ports[pick(ARRAY_SIZE(ports))]);
            flow.tp_dst = htons(ports[pick(ARRAY_SIZE(ports))]);
            flow.tcp_flags = htons(flags[pick(ARRAY_SIZE(flags))]);
            break;
        }
        default:
            flow.nw_proto = IPPROTO_UDP_;
            flow.tp_src = htons(ports[pick(ARRAY_SIZE(ports))]);
            flow.tp_dst = htons(ports[pick(ARRAY_SIZE(ports))]);
            break;
        }
        break;
    }

    sp = &recent[n_recent++ % ARRAY_SIZE(recent)];
    memset(sp, 0, sizeof *sp);
    sp->len = flow_compose(&flow, 16, sp->frame, sizeof sp->frame);
    ASSERT_TRUE(sp->len > 0);
    sp->in_port = in_port;
    if (in_port == DP_VXLAN) {
        sp->tunnel.tun_id = htonll(pick(4) ? 0xef : 0x99);
        sp->tunnel.ip_src = ip_from(pick(4) ? "172.16.0.11" : "172.16.0.12");
        sp->tunnel.ip_dst = ip_from("172.16.0.31");
        sp->tunnel.ip_ttl = 64;
        sp->tunnel.tp_dst = htons(4789);
        sp->tunnel.flags = FLOW_TNL_F_KEY;
    }
    send_frame(dp, pool, sp);
}

/* Adds a random flow to a random table of BR. */
static void
add_random_flow(struct ofproto *br, struct ds *added)
{
    static const char *const tables[] = { "0", "60", "71", "72", "73", "82",
                                          "94", "1", "2", "10", "20", "22" };
    static const char *const matches[] = {
        "in_port=4", "in_port=1", "dl_src=fa:16:3e:61:21:c6",
        "dl_dst=fa:16:3e:e9:26:5b", "ip,nw_src=192.168.101.85",
        "ip,nw_dst=192.168.101.0/24", "tcp,tp_dst=22", "udp,tp_src=68",
        "reg5=0x4", "dl_vlan=3", "ct_state=+est+trk,ip", "arp",
        "icmp,icmp_type=8", "tun_id=0xef", "ip,nw_src=10.0.0.1",
    };
    static const char *const actions[] = {
        "drop", "NORMAL", "resubmit(,94)", "resubmit(,60)", "output:4",
        "mod_vlan_vid:3,NORMAL", "strip_vlan,NORMAL",
        "ct(table=72,zone=NXM_NX_REG6[0..15])", "load:0x4->NXM_NX_REG5[],"
        "resubmit(,71)", "learn(table=20,hard_timeout=300,priority=1,"
        "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:OXM_OF_IN_PORT[]),"
        "output:1", "resubmit(,20)",
    };
    struct ofp_flow_mod fm;
    char text[512];
    char *error;

    snprintf(text, sizeof text, "table=%s,priority=%"PRIu32",%s%s%s "
             "actions=%s", tables[pick(ARRAY_SIZE(tables))], 1 + pick(120),
             matches[pick(ARRAY_SIZE(matches))], pick(2) ? "," : "",
             pick(2) ? matches[pick(ARRAY_SIZE(matches))] : "",
             actions[pick(ARRAY_SIZE(actions))]);
    /* Two prerequisites may clash (e.g. arp with tcp): then the flow is
     * refused, which is fine. */
    error = ofp_parse_flow_mod(&fm, text, ofproto_port_map(br), OFPFC_ADD);
    if (error) {
        free(error);
        return;
    }
    error = ofproto_flow_mod(br, &fm);
    ofp_flow_mod_uninit(&fm);
    if (error) {
        free(error);
        return;
    }
    ds_put_format(added, "%s\n", text);
}

/* Deletes BR's flows matching a random loose filter. */
static void
del_random_flows(struct ofproto *br)
{
    static const char *const filters[] = {
        "table=71,dl_src=fa:16:3e:61:21:c6", "table=20", "table=0,in_port=1",
        "table=94", "table=82,ip", "table=60", "tun_id=0xef",
    };
    struct ofp_flow_mod fm;
    char *error;

    error = ofp_parse_flow_mod(&fm, filters[pick(ARRAY_SIZE(filters))],
                               ofproto_port_map(br), OFPFC_DELETE);
    ASSERT_TRUE(error == NULL);
    error = ofproto_flow_mod(br, &fm);
    ASSERT_TRUE(error == NULL);
    ofp_flow_mod_uninit(&fm);
}

/* Adds or removes the test's extra port on br-int. */
static void
toggle_extra_port(struct dp *dp, struct ofproto *br_int, bool *present)
{
    if (*present) {
        struct ofport *port = ofproto_port_by_name(br_int, "tapextra");

        ASSERT_OK(ofproto_port_del(br_int, ofport_ofp_port(port)));
        ASSERT_OK(dp_port_del(dp, DP_EXTRA));
    } else {
        struct ofproto_port_spec spec;
        uint32_t odp, ofp;

        ASSERT_OK(dp_port_add(dp, "tapextra", "dummy", DP_EXTRA, &odp));
        memset(&spec, 0, sizeof spec);
        spec.name = "tapextra";
        spec.type = "dummy";
        spec.ofp_request = 40;
        spec.odp_port = odp;
        spec.tag = pick(2) ? 3 : 4;
        spec.vlan_mode = PORT_VLAN_ACCESS;
        ASSERT_OK(ofproto_port_add(br_int, &spec, &ofp));
        netdev_dummy_set_tx_queue_len(dp_port_netdev(dp, odp), 0);
    }
    *present = !*present;
}

static void
run_bridges(struct dp *dp)
{
    static const char *const names[] = {
        "br-int", "br-tun", "br-provider", "br-mgmt",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        ofproto_run(ofproto_lookup(names[i]), time_msec());
    }
    dp_run(dp);
}

static void
quiet_tx(struct dp *dp)
{
    static const uint32_t ports_[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

    for (size_t i = 0; i < ARRAY_SIZE(ports_); i++) {
        struct netdev *netdev = dp_port_netdev(dp, ports_[i]);

        if (netdev && netdev_is_dummy(netdev)) {
            netdev_dummy_set_tx_queue_len(netdev, 0);
        }
    }
}

static void
run_random(uint64_t seed, int n_steps, uint32_t emc_inv_prob,
           bool megaflows)
{
    struct pkt_pool *pool = pkt_pool_create(64, PKT_DEFAULT_SIZE);
    struct ds added = DS_EMPTY_INITIALIZER;
    struct ofproto *br_int, *br_tun;
    bool extra = false;
    struct dp_stats st;
    struct dp *dp;
    int n_packets = 0;

    if (!seed_outputs_dir()) {
        pkt_pool_destroy(pool);
        SKIP("no ../shared/seed/outputs");
    }
    rng_state = seed;
    n_recent = 0;
    dp = seed_switch_build(true);
    quiet_tx(dp);
    br_int = ofproto_lookup("br-int");
    br_tun = ofproto_lookup("br-tun");
    dp_set_check_cache(dp, true);
    dp_set_emc_insert_inv_prob(dp, emc_inv_prob);
    dp_set_megaflows(dp, megaflows);

    for (int step = 0; step < n_steps; step++) {
        uint32_t r = pick(1000);

        if (r < 900) {
            send_random_packet(dp, pool);
            n_packets++;
        } else if (r < 940) {
            add_random_flow(pick(3) ? br_int : br_tun, &added);
        } else if (r < 955) {
            del_random_flows(pick(3) ? br_int : br_tun);
        } else if (r < 965) {
            toggle_extra_port(dp, br_int, &extra);
        } else if (r < 975) {
            time_warp(1000 * (1 + pick(400)));
            run_bridges(dp);
        } else if (r < 977) {
            dp_flows_flush(dp);
        } else {
            run_bridges(dp);
        }
        if (dp_check_mismatches(dp)) {
            fprintf(stderr, "seed %"PRIu64" step %d: cache disagreed with "
                    "translation; flows added so far:\n%s", seed, step,
                    ds_cstr(&added));
            break;
        }
        ASSERT_EQ(pkt_pool_available(pool), 64);
    }
    dp_get_stats(dp, &st);
    fprintf(stderr, "seed %"PRIu64": %d packets, lookups hit %"PRIu64
            " missed %"PRIu64" lost %"PRIu64", emc hits %"PRIu64
            ", flows %"PRIu64", masks %"PRIu64"\n", seed, n_packets,
            st.n_hit, st.n_missed, st.n_lost, st.n_cache_hit, st.n_flows,
            st.n_masks);
    fprintf(stderr, "revalidations %"PRIu64": kept %"PRIu64", deleted for "
            "actions %"PRIu64", for mask %"PRIu64", no port %"PRIu64
            "; flows installed %"PRIu64", at limit %"PRIu64"\n",
            coverage_read("dp_revalidate"),
            coverage_read("dp_revalidate_kept"),
            coverage_read("dp_revalidate_del_actions"),
            coverage_read("dp_revalidate_del_mask"),
            coverage_read("dp_revalidate_del_no_port"),
            coverage_read("dp_flow_install"),
            coverage_read("dp_flow_limit_hit"));
    ASSERT_EQ(dp_check_mismatches(dp), 0);
    /* The caches were really used, including the exact-match cache. */
    if (megaflows) {
        ASSERT_TRUE(st.n_hit > (st.n_hit + st.n_missed) / 5);
    } else {
        /* Random packets seldom repeat exactly. */
        ASSERT_TRUE(st.n_hit >= 100);
    }
    if (emc_inv_prob == 1) {
        ASSERT_TRUE(st.n_cache_hit > 0);
    }
    if (extra) {
        toggle_extra_port(dp, br_int, &extra);
    }
    seed_switch_destroy(dp);
    pkt_pool_destroy(pool);
    ds_destroy(&added);
}

/* Sends the instance's ping to its gateway (tap -> br-int -> br-tun). */
static void
send_ping(struct dp *dp, struct pkt_pool *pool)
{
    struct pkt_batch batch;
    struct flow flow;
    struct pkt *p;
    size_t n;

    memset(&flow, 0, sizeof flow);
    flow.dl_src = mac_from("fa:16:3e:61:21:c6");
    flow.dl_dst = mac_from("fa:16:3e:e9:26:5b");
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.nw_src = ip_from("192.168.101.85");
    flow.nw_dst = ip_from("192.168.101.1");
    flow.nw_proto = IPPROTO_ICMP_;
    flow.nw_ttl = 64;
    flow.tp_src = htons(8);
    p = pkt_pool_get(pool);
    n = flow_compose(&flow, 56, pkt_data(p), p->allocated - p->data_ofs);
    pkt_set_size(p, (uint32_t) n);
    batch.count = 1;
    batch.pkts[0] = p;
    dp_input_batch(dp, &batch, DP_TAP);
}

static void
check_stats(struct dp *dp, uint64_t hit, uint64_t missed, uint64_t emc,
            uint64_t flows)
{
    struct dp_stats st;

    dp_get_stats(dp, &st);
    ASSERT_EQ(st.n_hit, hit);
    ASSERT_EQ(st.n_missed, missed);
    ASSERT_EQ(st.n_cache_hit, emc);
    ASSERT_EQ(st.n_flows, flows);
    ASSERT_EQ(st.n_lost, 0);
}

/* The ping's two datapath passes (ct, then recirculation) go from upcalls
 * to megaflow hits to exact-match hits, and the rules' counters see every
 * packet. */
TEST(ping_goes_through_the_cache_levels)
{
    struct pkt_pool *pool = pkt_pool_create(16, PKT_DEFAULT_SIZE);
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofproto_dump_options opt;
    struct dp *dp;

    if (!seed_outputs_dir()) {
        pkt_pool_destroy(pool);
        SKIP("no ../shared/seed/outputs");
    }
    dp = seed_switch_build(false);
    quiet_tx(dp);
    dp_set_check_cache(dp, true);
    dp_set_emc_insert_inv_prob(dp, 1);

    /* First ping: both passes (before and after ct) miss. */
    send_ping(dp, pool);
    check_stats(dp, 0, 2, 0, 2);
    /* Second: with no reply yet, conntrack still says +new, as in OVS, so
     * both passes hit the megaflows (and are put in the exact-match
     * cache). */
    send_ping(dp, pool);
    check_stats(dp, 2, 2, 0, 2);
    /* Later pings hit the exact-match cache in both passes. */
    for (int i = 0; i < 11; i++) {
        send_ping(dp, pool);
    }
    check_stats(dp, 24, 2, 22, 2);
    ASSERT_EQ(dp_check_mismatches(dp), 0);
    ASSERT_EQ(pkt_pool_available(pool), 16);

    /* Every ping reached br-int's table 60 rule for the tap... */
    memset(&opt, 0, sizeof opt);
    opt.table_id = 60;
    opt.out_port = OFPP_ANY;
    opt.show_stats = true;
    ofproto_dump_flows(ofproto_lookup("br-int"), &opt, &s);
    ASSERT_TRUE(strstr(ds_cstr(&s), "n_packets=13,") != NULL);

    /* ...and the datapath flows count the packets after the first, as
     * OVS's do. */
    ds_clear(&s);
    {
        struct dp_dump_options dopt = { .verbose = false };

        dp_format_flows(dp, &dopt, &s);
    }
    ASSERT_STR_EQ(ds_cstr(&s),
        "recirc_id(0),in_port(8),ct_state(-trk),eth(src=fa:16:3e:61:21:c6),"
        "eth_type(0x0800),ipv4(src=192.168.101.85,proto=1,frag=no), "
        "packets:12, bytes:1176, used:0.000s, actions:ct(zone=3),"
        "recirc(0x1)\n"
        "recirc_id(0x1),in_port(8),skb_mark(0),ct_state(+new-est-rel-rpl),"
        "eth(src=fa:16:3e:61:21:c6,dst=fa:16:3e:e9:26:5b),eth_type(0x0800),"
        "ipv4(tos=0/0x3,frag=no), packets:12, bytes:1176, used:0.000s, "
        "actions:ct(commit,zone=3),push_vlan(vid=3,pcp=0),5,"
        "set(tunnel(tun_id=0xef,src=172.16.0.31,dst=172.16.0.11,ttl=64,"
        "tp_dst=4789,flags(df|key))),pop_vlan,7\n");

    /* del-flows empties the caches: the next ping misses again. */
    dp_flows_flush(dp);
    check_stats(dp, 24, 2, 22, 0);
    send_ping(dp, pool);
    check_stats(dp, 24, 4, 22, 2);

    ds_destroy(&s);
    seed_switch_destroy(dp);
    pkt_pool_destroy(pool);
}

TEST(random_cache_vs_translation_emc_always)
{
    run_random(0x1234567, 20000, 1, true);
}

TEST(random_cache_vs_translation_emc_default)
{
    run_random(0xfeedbeef, 20000, 100, true);
}

TEST(random_cache_vs_translation_megaflows_only)
{
    run_random(0xabcdef01, 20000, 0, true);
}

/* Exact-match flows (upcall/disable-megaflows) must agree too. */
TEST(random_cache_vs_translation_exact_flows)
{
    run_random(0x5eed5eed, 20000, 1, false);
}
