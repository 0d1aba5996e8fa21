/* Tests of the switch core on the seed's bridges and flows, in-process. */
#include <regex.h>

#include "datapath/dpif.h"
#include "flow/ofp-parse.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "ofproto/ofproto.h"
#include "ofproto/trace.h"
#include "seed-switch.h"

/* Replaces "duration=X.YYYs", "n_packets=N" and "n_bytes=N" by fixed
 * values, the only dynamic parts of a dump-flows line. */
static void
normalize_stats(struct ds *s)
{
    static const char *const res[] = {
        "duration=[0-9.]+s", "n_packets=[0-9]+", "n_bytes=[0-9]+",
    };
    static const char *const reps[] = {
        "duration=0s", "n_packets=0", "n_bytes=0",
    };

    for (size_t i = 0; i < ARRAY_SIZE(res); i++) {
        struct ds out = DS_EMPTY_INITIALIZER;
        const char *p = ds_cstr(s);
        regmatch_t m;
        regex_t re;

        ASSERT_EQ(regcomp(&re, res[i], REG_EXTENDED), 0);
        while (!regexec(&re, p, 1, &m, 0)) {
            ds_put_buffer(&out, p, (size_t) m.rm_so);
            ds_put_cstr(&out, reps[i]);
            p += m.rm_eo;
        }
        ds_put_cstr(&out, p);
        regfree(&re);
        ds_swap(&out, s);
        ds_destroy(&out);
    }
}

static void
check_dump(const char *br)
{
    struct ofproto_dump_options opt;
    struct ds expected = DS_EMPTY_INITIALIZER;
    struct ds actual = DS_EMPTY_INITIALIZER;

    memset(&opt, 0, sizeof opt);
    opt.table_id = OFPTT_ALL;
    opt.out_port = OFPP_ANY;
    opt.show_stats = true;
    opt.names = true;
    ofproto_dump_flows(ofproto_lookup(br), &opt, &actual);
    seed_read_flows(br, true, &expected);
    normalize_stats(&actual);
    normalize_stats(&expected);
    ASSERT_STR_EQ(ds_cstr(&actual), ds_cstr(&expected));
    ds_destroy(&expected);
    ds_destroy(&actual);
}

TEST(seed_dump_flows_equal_seed)
{
    struct dp *dp = seed_switch_build(true);

    check_dump("br-int");
    check_dump("br-tun");
    check_dump("br-provider");
    check_dump("br-mgmt");
    seed_switch_destroy(dp);
}

static char *
trace(const char *br, const char *flow, const char *opt1, const char *opt2)
{
    const char *argv[5] = { "ofproto/trace", br, flow, opt1, opt2 };
    int argc = 3 + (opt1 != NULL) + (opt2 != NULL);
    struct ds s = DS_EMPTY_INITIALIZER;

    ASSERT_NO_ERROR(ofproto_trace_command(argc, argv, &s));
    return ds_steal_cstr(&s);
}

TEST(seed_trace_icmp_to_gateway)
{
    struct dp *dp = seed_switch_build(false);
    char *out = trace("br-int", "in_port=tap648437e1-0d,icmp,"
                      "dl_src=fa:16:3e:61:21:c6,dl_dst=fa:16:3e:e9:26:5b,"
                      "nw_src=192.168.101.85,nw_dst=192.168.101.1,nw_ttl=64,"
                      "icmp_type=8,icmp_code=0", NULL, NULL);

    if (getenv("VXSTACK_TEST_VERBOSE")) {
        fputs(out, stderr);
    }
    ASSERT_STR_CONTAINS(out, "71. ip,reg5=0x4,in_port=4,dl_src=fa:16:3e:61:"
                        "21:c6,nw_src=192.168.101.85, priority 65, cookie "
                        "0x9b32c8053d494869\n    ct(table=72,zone=NXM_NX_"
                        "REG6[0..15])\n    drop\n");
    ASSERT_STR_CONTAINS(out, "Megaflow: recirc_id=0,ct_state=-trk,eth,icmp,"
                        "in_port=4,dl_src=fa:16:3e:61:21:c6,"
                        "nw_src=192.168.101.85,nw_frag=no\n");
    ASSERT_STR_CONTAINS(out, "Datapath actions: ct(zone=3),recirc(0x");
    ASSERT_STR_CONTAINS(out, "resume conntrack with default ct_state=trk|new");
    ASSERT_STR_CONTAINS(out, "94. priority 1, cookie 0x9b32c8053d494869\n"
                        "    NORMAL\n     -> no learned MAC for destination, "
                        "flooding\n");
    ASSERT_STR_CONTAINS(out, "Datapath actions: ct(commit,zone=3),push_vlan("
                        "vid=3,pcp=0),5,set(tunnel(tun_id=0xef,"
                        "src=172.16.0.31,dst=172.16.0.11,ttl=64,tp_dst=4789,"
                        "flags(df|key))),pop_vlan,7");
    free(out);
    seed_switch_destroy(dp);
}
