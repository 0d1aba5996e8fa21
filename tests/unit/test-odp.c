/* Unit tests for src/flow/odp.c and odp-key.c: datapath actions and keys
 * as text, checked against the forms Open vSwitch 3.x prints (golden file
 * tests/data/odp/golden.txt, made by tests/data/odp/gen.sh with a real
 * OVS), plus round trips, bad input and deep copies. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "flow/odp.h"
#include "harness.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Parses S as actions, formats them and returns the text (to free). */
static char *
actions_round_trip(const char *s)
{
    struct odp_actions actions = ODP_ACTIONS_EMPTY;
    struct ds ds = DS_EMPTY_INITIALIZER;
    char *error = odp_actions_parse(s, &actions);

    if (error) {
        harness_fail(__FILE__, __LINE__, "parsing \"%s\": %s", s, error);
    }
    odp_actions_format(&actions, &ds);
    odp_actions_destroy(&actions);
    return ds_steal_cstr(&ds);
}

/* Parses S as a masked key, formats it and returns the text (to free). */
static char *
key_round_trip(const char *s, bool masked)
{
    struct flow flow;
    struct flow_wildcards wc;
    struct ds ds = DS_EMPTY_INITIALIZER;
    char *error = odp_flow_parse(s, &flow, masked ? &wc : NULL);

    if (error) {
        harness_fail(__FILE__, __LINE__, "parsing \"%s\": %s", s, error);
    }
    odp_flow_format(&flow, masked ? &wc : NULL, &ds);
    return ds_steal_cstr(&ds);
}

#define ASSERT_ACTIONS(IN, OUT)                                               \
    do {                                                                      \
        char *out__ = actions_round_trip(IN);                                 \
        ASSERT_STR_EQ(out__, OUT);                                            \
        free(out__);                                                          \
    } while (0)

#define ASSERT_KEY(IN, OUT)                                                   \
    do {                                                                      \
        char *out__ = key_round_trip(IN, true);                               \
        ASSERT_STR_EQ(out__, OUT);                                            \
        free(out__);                                                          \
    } while (0)

#define ASSERT_EXACT_KEY(IN, OUT)                                             \
    do {                                                                      \
        char *out__ = key_round_trip(IN, false);                              \
        ASSERT_STR_EQ(out__, OUT);                                            \
        free(out__);                                                          \
    } while (0)

TEST(actions_basic_forms)
{
    ASSERT_ACTIONS("", "drop");
    ASSERT_ACTIONS("drop", "drop");
    ASSERT_ACTIONS("4", "4");
    ASSERT_ACTIONS("pop_vlan,7", "pop_vlan,7");
    ASSERT_ACTIONS("push_vlan(vid=3,pcp=0),4", "push_vlan(vid=3,pcp=0),4");
    ASSERT_ACTIONS("push_vlan(tpid=0x88a8,vid=100,pcp=5,cfi=0)",
                   "push_vlan(tpid=0x88a8,vid=100,pcp=5,cfi=0)");
    ASSERT_ACTIONS("ct(commit,zone=3,mark=0x1/0xffffffff),recirc(0x2)",
                   "ct(commit,zone=3,mark=0x1/0xffffffff),recirc(0x2)");
    ASSERT_ACTIONS("recirc(2)", "recirc(0x2)");
    ASSERT_ACTIONS("ct", "ct");
    ASSERT_ACTIONS("ct()", "ct");
    ASSERT_ACTIONS("ct(zone=5),recirc(0x1)", "ct(zone=5),recirc(0x1)");
    ASSERT_ACTIONS("ct(force_commit,zone=5,helper=ftp)",
                   "ct(force_commit,zone=5,helper=ftp)");
    ASSERT_ACTIONS("ct(commit,label=0x5/0xff)", "ct(commit,label=0x5/0xff)");
    ASSERT_ACTIONS("ct(commit,label=0x10000000000000000)",
                   "ct(commit,label=0x10000000000000000)");
    ASSERT_ACTIONS("ct_clear,tnl_pop(4)", "ct_clear,tnl_pop(4)");
    ASSERT_ACTIONS("clone(tnl_pop(4),ct_clear),1",
                   "clone(tnl_pop(4),ct_clear),1");
    ASSERT_ACTIONS("clone(clone(1),2),3", "clone(clone(1),2),3");
    ASSERT_ACTIONS("clone(drop)", "clone(drop)");
    ASSERT_ACTIONS("userspace(pid=0,controller(reason=1,dont_send=0,"
                   "continuation=0,recirc_id=2,rule_cookie=0,"
                   "controller_id=0,max_len=65535))",
                   "userspace(pid=0,controller(reason=1,dont_send=0,"
                   "continuation=0,recirc_id=2,rule_cookie=0,"
                   "controller_id=0,max_len=65535))");
}

TEST(actions_set_forms)
{
    ASSERT_ACTIONS("set(tunnel(tun_id=0xef,src=172.16.0.31,dst=172.16.0.11,"
                   "ttl=64,tp_dst=4789,flags(df|key))),pop_vlan,7",
                   "set(tunnel(tun_id=0xef,src=172.16.0.31,dst=172.16.0.11,"
                   "ttl=64,tp_dst=4789,flags(df|key))),pop_vlan,7");
    ASSERT_ACTIONS("set(eth(dst=00:00:00:00:00:09))",
                   "set(eth(dst=00:00:00:00:00:09))");
    ASSERT_ACTIONS("set(eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:09))",
                   "set(eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:09))");
    ASSERT_ACTIONS("set(ipv4(src=5.6.7.8/255.255.255.0,tos=0x10/0xfc))",
                   "set(ipv4(src=5.6.7.8/255.255.255.0,tos=0x10/0xfc))");
    ASSERT_ACTIONS("set(ipv6(src=fe80::5))", "set(ipv6(src=fe80::5))");
    ASSERT_ACTIONS("set(tcp(src=1,dst=80)),set(udp(dst=53))",
                   "set(tcp(src=1,dst=80)),set(udp(dst=53))");
    ASSERT_ACTIONS("set(skb_mark(0x5)),set(skb_priority(0x1/0xff))",
                   "set(skb_mark(0x5)),set(skb_priority(0x1/0xff))");
}

TEST(actions_tnl_push)
{
    static const char vxlan4[] =
        "tnl_push(tnl_port(4),header(size=50,type=4,eth(dst=00:15:5d:bf:"
        "ba:4f,src=00:15:5d:bf:ba:50,dl_type=0x0800),ipv4(src=172.16.0.31,"
        "dst=172.16.0.11,proto=17,tos=0,ttl=64,frag=0x4000),udp(src=0,"
        "dst=4789,csum=0x0),vxlan(flags=0x8000000,vni=0xef)),out_port(1))";
    static const char vxlan6[] =
        "tnl_push(tnl_port(4),header(size=70,type=4,eth(dst=00:15:5d:bf:"
        "ba:4f,src=00:15:5d:bf:ba:50,dl_type=0x86dd),ipv6(src=2001:db8::1,"
        "dst=2001:db8::2,label=0,proto=17,tclass=0x0,hlimit=64),udp(src=0,"
        "dst=4789,csum=0xffff),vxlan(flags=0x8000000,vni=0x1c8)),"
        "out_port(2))";

    ASSERT_ACTIONS(vxlan4, vxlan4);
    ASSERT_ACTIONS(vxlan6, vxlan6);
}

TEST(actions_bad_input)
{
    static const char *const bad[] = {
        "foo", "4,foo", "push_vlan(vid=4096,pcp=0)", "push_vlan(vid=1)",
        "recirc(", "recirc(x)", "ct(commit,force_commit)", "ct(zone=65536)",
        "ct(nat)", "ct(helper=sip)", "clone(1", "1)", "set(foo(1))",
        "set(ipv4(src=1.2.3))", "set(ipv4(src=1.2.3.4)", "set(in_port(1))",
        "tnl_pop()", "userspace(pid=1)", "4294967296",
        "tnl_push(tnl_port(4),header(size=40,type=4,eth(dst=00:15:5d:bf:ba:"
        "4f,src=00:15:5d:bf:ba:50,dl_type=0x0800),ipv4(src=172.16.0.31,"
        "dst=172.16.0.11,proto=17,tos=0,ttl=64,frag=0x4000),udp(src=0,"
        "dst=4789,csum=0x0),vxlan(flags=0x8000000,vni=0xef)),out_port(1))",
    };

    uint64_t errors = coverage_read("odp_actions_parse_error");

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct odp_actions actions = ODP_ACTIONS_EMPTY;

        odp_actions_put(&actions, ODP_ACTION_OUTPUT)->port = 9;
        char *error = odp_actions_parse(bad[i], &actions);
        if (!error) {
            harness_fail(__FILE__, __LINE__, "\"%s\" parsed", bad[i]);
        }
        ASSERT_EQ(actions.n, 0);
        free(error);
        odp_actions_destroy(&actions);
    }
    ASSERT_EQ(coverage_read("odp_actions_parse_error") - errors,
              ARRAY_SIZE(bad));
    {
        struct odp_actions actions = ODP_ACTIONS_EMPTY;
        ASSERT_ERROR(odp_actions_parse("1,frobnicate(3)", &actions),
                     "unknown datapath action at `frobnicate'");
        ASSERT_ERROR(odp_actions_parse("set(ipv4(srcx=1))", &actions),
                     "ipv4: invalid or unknown field `srcx=1'");
        odp_actions_destroy(&actions);
    }
}

TEST(actions_clone_equal_destroy)
{
    struct odp_actions a = ODP_ACTIONS_EMPTY, b, c = ODP_ACTIONS_EMPTY;

    ASSERT_NO_ERROR(odp_actions_parse(
        "set(ipv4(src=5.6.7.8)),clone(set(eth(dst=00:00:00:00:00:01)),1),"
        "ct(commit,zone=2),2", &a));
    odp_actions_clone(&b, &a);
    ASSERT_TRUE(odp_actions_equal(&a, &b));
    ASSERT_TRUE(a.a[0].set != b.a[0].set);
    b.a[0].set->key.nw_src ^= htonl(1);
    ASSERT_FALSE(odp_actions_equal(&a, &b));
    ASSERT_FALSE(odp_actions_equal(&a, &c));
    ASSERT_NO_ERROR(odp_actions_parse(
        "set(ipv4(src=5.6.7.8)),clone(set(eth(dst=00:00:00:00:00:01)),1),"
        "ct(commit,zone=3),2", &c));
    ASSERT_FALSE(odp_actions_equal(&a, &c));
    odp_actions_clear(&c);
    ASSERT_EQ(c.n, 0);
    odp_actions_destroy(&a);
    odp_actions_destroy(&b);
    odp_actions_destroy(&c);
    ASSERT_TRUE(a.a == NULL && a.n == 0);
}

TEST(key_masked_forms)
{
    ASSERT_KEY("recirc_id(0),in_port(8),ct_state(-trk),eth(src=fa:16:3e:61:"
               "21:c6,dst=fa:16:3e:e9:26:5b),eth_type(0x0800),"
               "ipv4(src=192.168.101.85,frag=no)",
               "recirc_id(0),in_port(8),ct_state(-trk),eth(src=fa:16:3e:61:"
               "21:c6,dst=fa:16:3e:e9:26:5b),eth_type(0x0800),"
               "ipv4(src=192.168.101.85,frag=no)");
    /* Attribute order is the kernel's, whatever the input order. */
    ASSERT_KEY("in_port(2),ct_state(+new+trk),recirc_id(0x1),eth(),"
               "eth_type(0x0800),ipv4(frag=no)",
               "recirc_id(0x1),in_port(2),ct_state(+new+trk),eth(),"
               "eth_type(0x0800),ipv4(frag=no)");
    ASSERT_KEY("recirc_id(0),in_port(2),eth_type(0x8100),vlan(vid=3,pcp=0),"
               "encap(eth_type(0x0800),ipv4(frag=no))",
               "recirc_id(0),in_port(2),eth(),eth_type(0x8100),vlan(vid=3,"
               "pcp=0),encap(eth_type(0x0800),ipv4(frag=no))");
    ASSERT_KEY("recirc_id(0),tunnel(tun_id=0xef,src=172.16.0.11,"
               "dst=172.16.0.31,flags(-df-csum+key)),in_port(7),eth(),"
               "eth_type(0x0800),ipv4(frag=no)",
               "recirc_id(0),tunnel(tun_id=0xef,src=172.16.0.11,"
               "dst=172.16.0.31,flags(-df-csum+key)),in_port(7),eth(),"
               "eth_type(0x0800),ipv4(frag=no)");
    ASSERT_KEY("in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,tos=0/0xfc,"
               "frag=no),tcp(dst=80),tcp_flags(+syn-ack),skb_mark(0)",
               "in_port(1),skb_mark(0),eth(),eth_type(0x0800),ipv4(proto=6,"
               "tos=0/0xfc,frag=no),tcp(dst=80),tcp_flags(+syn-ack)");
    ASSERT_KEY("in_port(1),eth(),eth_type(0x86dd),ipv6(src=fe80::1,"
               "label=0x5/0xff,proto=58,frag=no),icmpv6(type=135,code=0),"
               "nd(target=fe80::2)",
               "in_port(1),eth(),eth_type(0x86dd),ipv6(src=fe80::1,"
               "label=0x5/0xff,proto=58,frag=no),icmpv6(type=135,code=0),"
               "nd(target=fe80::2)");
    /* An 8-bit all-ones opcode mask is shown as exact, as OVS 3.x does. */
    ASSERT_KEY("in_port(1),eth(),eth_type(0x0806),arp(sip=1.2.3.4,"
               "op=1/0xff,tha=00:00:00:00:00:00)",
               "in_port(1),eth(),eth_type(0x0806),arp(sip=1.2.3.4,"
               "op=1,tha=00:00:00:00:00:00)");
    ASSERT_KEY("in_port(1),eth(),eth_type(0x0806),arp(op=1/0xf)",
               "in_port(1),eth(),eth_type(0x0806),arp(op=1/0xf)");
    /* Two VLAN headers nest twice. */
    ASSERT_KEY("recirc_id(0),in_port(2),eth(),eth_type(0x88a8),vlan(vid=100),"
               "encap(eth_type(0x8100),vlan(vid=3),encap(eth_type(0x0800),"
               "ipv4(frag=no)))",
               "recirc_id(0),in_port(2),eth(),eth_type(0x88a8),vlan(vid=100),"
               "encap(eth_type(0x8100),vlan(vid=3),encap(eth_type(0x0800),"
               "ipv4(frag=no)))");
    /* A VLAN header cut short, and a vlan() without encap(). */
    ASSERT_KEY("in_port(2),eth(),eth_type(0x8100),encap()",
               "in_port(2),eth(),eth_type(0x8100),encap()");
    ASSERT_KEY("in_port(2),eth(),eth_type(0x8100),vlan(pcp=5)",
               "in_port(2),eth(),eth_type(0x8100),vlan(pcp=5),encap()");
    /* A mask on the Ethertype of a frame that has none. */
    ASSERT_KEY("recirc_id(0),in_port(3),eth(),eth_type(0/0xffff)",
               "recirc_id(0),in_port(3),eth(),eth_type(0/0xffff)");
    ASSERT_KEY("ct_zone(3),ct_mark(0x1/0x3),ct_label(0x1/0xf),"
               "dp_hash(0x5/0xf),skb_priority(0x2),in_port(3/0xff)",
               "dp_hash(0x5/0xf),skb_priority(0x2),in_port(3/0xff),"
               "ct_zone(0x3),ct_mark(0x1/0x3),ct_label(0x1/0xf),eth()");
    /* Fully wildcarded attributes disappear, eth() stays. */
    ASSERT_KEY("in_port(1),eth(src=00:00:00:00:00:01/00:00:00:00:00:00),"
               "eth_type(0x0800),ipv4(src=1.1.1.1/0.0.0.0),icmp(type=0/0)",
               "in_port(1),eth(),eth_type(0x0800)");
}

TEST(key_exact_forms)
{
    ASSERT_EXACT_KEY("in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:"
                     "00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,"
                     "proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)",
                     "in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:"
                     "00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,"
                     "proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)");
    ASSERT_EXACT_KEY("in_port(2),eth(src=50:54:00:00:00:01,dst=50:54:00:00:"
                     "00:02),eth_type(0x8100),vlan(vid=3,pcp=0),"
                     "encap(eth_type(0x0800),ipv4(src=10.0.0.1,"
                     "dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),"
                     "tcp(src=1,dst=2))",
                     "in_port(2),eth(src=50:54:00:00:00:01,dst=50:54:00:00:"
                     "00:02),eth_type(0x8100),vlan(vid=3,pcp=0),"
                     "encap(eth_type(0x0800),ipv4(src=10.0.0.1,"
                     "dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),"
                     "tcp(src=1,dst=2))");
    ASSERT_EXACT_KEY("packet_type(ns=0,id=0),in_port(3),eth(src=50:54:00:00:"
                     "00:01,dst=50:54:00:00:00:02),eth_type(0x86dd),ipv6(src="
                     "fe80::1,dst=fe80::2,label=0,proto=17,tclass=0,hlimit=64,"
                     "frag=no),udp(src=1,dst=2)",
                     "in_port(3),eth(src=50:54:00:00:00:01,dst=50:54:00:00:"
                     "00:02),eth_type(0x86dd),ipv6(src=fe80::1,dst=fe80::2,"
                     "label=0,proto=17,tclass=0,hlimit=64,frag=no),udp(src=1,"
                     "dst=2)");
    ASSERT_EXACT_KEY("recirc_id(1),ct_state(new|trk),in_port(1),eth(src="
                     "00:00:00:00:00:01,dst=00:00:00:00:00:02)",
                     "recirc_id(0x1),in_port(1),ct_state(new|trk),eth(src="
                     "00:00:00:00:00:01,dst=00:00:00:00:00:02)");
}

TEST(key_values_land_in_flow)
{
    struct flow f;
    struct flow_wildcards wc;

    ASSERT_NO_ERROR(odp_flow_parse(
        "recirc_id(0x3),tunnel(tun_id=0xef,src=172.16.0.11,dst=172.16.0.31,"
        "ttl=64,flags(-df+key)),in_port(7),ct_state(+est+trk),eth(src="
        "fa:16:3e:61:21:c6,dst=ff:ff:ff:ff:ff:ff/01:00:00:00:00:00),"
        "eth_type(0x8100),vlan(vid=3,pcp=5),encap(eth_type(0x0800),"
        "ipv4(src=192.168.101.85,proto=17,ttl=64,frag=later))", &f, &wc));
    ASSERT_EQ(f.recirc_id, 3);
    ASSERT_HEX_EQ(ntohll(f.tunnel.tun_id), 0xef);
    ASSERT_HEX_EQ(ntohl(f.tunnel.ip_src), 0xac10000b);
    ASSERT_EQ(f.tunnel.ip_ttl, 64);
    ASSERT_EQ(f.tunnel.flags, FLOW_TNL_F_KEY);
    ASSERT_EQ(wc.masks.tunnel.flags,
              FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT);
    ASSERT_EQ(f.in_port, 7);
    ASSERT_EQ(f.ct_state, CS_ESTABLISHED | CS_TRACKED);
    ASSERT_EQ(wc.masks.ct_state, CS_ESTABLISHED | CS_TRACKED);
    ASSERT_EQ(wc.masks.dl_dst.ea[0], 1);
    ASSERT_HEX_EQ(ntohs(f.vlans[0].tpid), 0x8100);
    ASSERT_HEX_EQ(ntohs(f.vlans[0].tci), 0xb003);
    ASSERT_HEX_EQ(ntohs(f.dl_type), 0x0800);
    ASSERT_EQ(f.nw_proto, 17);
    ASSERT_EQ(f.nw_frag, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER);
    ASSERT_EQ(wc.masks.nw_frag, FLOW_NW_FRAG_MASK);
    ASSERT_EQ(wc.masks.nw_tos, 0);
}

TEST(key_bad_input)
{
    static const char *const bad[] = {
        "foo(1)", "in_port(x)", "in_port(1", "in_port(4294967296)",
        "eth(src=00:00:00:00:00)", "eth(src=00:00:00:00:00:01,foo=1)",
        "ipv4(src=1.2.3.4.5)", "ipv4(frag=maybe)", "ipv6(label=0x100000)",
        "eth_type(0x8100),vlan(vid=4096)", "encap(encap(encap(in_port(1))))",
        "ct_state(+foo)", "tcp_flags(syn|bogus)", "tunnel(tun_id=x)",
        "arp(op=256)", ")", "in_port(1))", "recirc_id",
        ("ct_label(0x123456789012345678901234567890123)"),
        "packet_type(ns=1,id=0)",
    };
    struct flow f;
    struct flow_wildcards wc;
    uint64_t errors = coverage_read("odp_flow_parse_error");

    memset(&f, 0x5a, sizeof f);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = odp_flow_parse(bad[i], &f, &wc);

        if (!error) {
            harness_fail(__FILE__, __LINE__, "\"%s\" parsed", bad[i]);
        }
        free(error);
    }
    ASSERT_EQ(f.in_port, 0x5a5a5a5a);
    ASSERT_EQ(coverage_read("odp_flow_parse_error") - errors,
              ARRAY_SIZE(bad));
    ASSERT_ERROR(odp_flow_parse("in_port(1),bogus(2)", &f, &wc),
                 "unknown datapath key attribute `bogus'");
    ASSERT_ERROR(odp_flow_parse("ipv4(src=1.2.3.4,dts=5)", &f, NULL),
                 "ipv4: invalid or unknown field `dts=5'");
}

/* The packets gen.sh feeds to OVS's netdev-dummy/receive, written in the
 * exact form odp_flow_format() prints without a mask, read back exactly. */
TEST(receive_packets_round_trip_exactly)
{
    char path[4096];
    struct ds line = DS_EMPTY_INITIALIZER;
    int n = 0;
    FILE *file;

    snprintf(path, sizeof path, "%s/data/odp/receive-packets.txt",
             harness_tests_dir());
    file = fopen(path, "r");
    ASSERT_TRUE(file != NULL);
    while (!ds_get_line(&line, file)) {
        const char *key = strchr(ds_cstr(&line), ' ');

        ASSERT_TRUE(key != NULL);
        key++;
        char *out = key_round_trip(key, false);
        ASSERT_STR_EQ(out, key);
        free(out);
        n++;
    }
    fclose(file);
    ds_destroy(&line);
    ASSERT_GE(n, 7);
}

/* Golden corpus: each line of tests/data/odp/golden.txt is
 *   KEY-IN <TAB> ACTIONS-IN <TAB> KEY-OUT <TAB> ACTIONS-OUT
 * where the outputs are what OVS printed for the inputs. */
TEST(golden_corpus_from_ovs)
{
    char path[4096];
    struct ds line = DS_EMPTY_INITIALIZER;
    int n = 0;
    FILE *file;

    snprintf(path, sizeof path, "%s/data/odp/golden.txt",
             harness_tests_dir());
    file = fopen(path, "r");
    ASSERT_TRUE(file != NULL);
    while (!ds_get_line(&line, file)) {
        char *fields[4];
        char *p = ds_cstr(&line);

        if (!*p || *p == '#') {
            continue;
        }
        for (int i = 0; i < 4; i++) {
            fields[i] = p;
            p = strchr(p, '\t');
            if (i < 3) {
                ASSERT_TRUE(p != NULL);
                *p++ = '\0';
            }
        }
        char *key = key_round_trip(fields[0], true);
        ASSERT_STR_EQ(key, fields[2]);
        free(key);
        char *actions = actions_round_trip(fields[1]);
        ASSERT_STR_EQ(actions, fields[3]);
        free(actions);
        n++;
    }
    fclose(file);
    ds_destroy(&line);
    ASSERT_GT(n, 20);
}
