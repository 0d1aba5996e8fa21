/* seed-switch.c: see seed-switch.h. */
#include "seed-switch.h"

#include <stdio.h>
#include <sys/stat.h>

#include "datapath/dpif.h"
#include "flow/odp.h"
#include "flow/ofp-parse.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "ofproto/ofproto.h"

static struct ofproto *bridges[4];
static int n_bridges;

const char *
seed_outputs_dir(void)
{
    static char path[1024];
    struct stat st;

    snprintf(path, sizeof path, "%s/../../shared/seed/outputs",
             harness_tests_dir());
    if (!stat(path, &st)) {
        return path;
    }
    /* A worktree under /work/wt/NAME: the in-tree copy of the files. */
    snprintf(path, sizeof path, "%s/data/seed", harness_tests_dir());
    return stat(path, &st) ? NULL : path;
}

static struct ofproto *
add_bridge(struct dp *dp, const char *name, uint32_t dp_port)
{
    struct ofproto *ofproto = ofproto_create(name);
    struct ofproto_port_spec spec;
    uint32_t odp, ofp;

    memset(&spec, 0, sizeof spec);
    ASSERT_OK(dp_port_add(dp, name, "internal", dp_port, &odp));
    ASSERT_EQ(odp, dp_port);
    spec.name = name;
    spec.type = "internal";
    spec.odp_port = odp;
    spec.tag = -1;
    ASSERT_OK(ofproto_port_add(ofproto, &spec, &ofp));
    ofproto_set_fail_mode(ofproto, OFPROTO_FAIL_SECURE);
    bridges[n_bridges++] = ofproto;
    return ofproto;
}

static void
add_port(struct dp *dp, struct ofproto *ofproto, const char *name,
         const char *type, uint32_t ofp_request, uint32_t dp_port,
         const char *peer, int tag, const struct ofproto_tunnel *tnl)
{
    struct ofproto_port_spec spec;
    uint32_t odp = ODPP_NONE, ofp;

    memset(&spec, 0, sizeof spec);
    if (tnl) {
        odp = dp_tunnel_port(dp, 4789);
        ASSERT_EQ(odp, dp_port);
    } else if (!peer) {
        ASSERT_OK(dp_port_add(dp, name, type, dp_port, &odp));
        ASSERT_EQ(odp, dp_port);
    }
    spec.name = name;
    spec.type = type;
    spec.ofp_request = ofp_request;
    spec.odp_port = odp;
    spec.peer = peer;
    spec.tag = tag;
    spec.vlan_mode = tag >= 0 ? PORT_VLAN_ACCESS : PORT_VLAN_TRUNK;
    spec.tunnel = tnl;
    ASSERT_OK(ofproto_port_add(ofproto, &spec, &ofp));
    ASSERT_EQ(ofp, ofp_request);
}

void
seed_read_flows(const char *br, bool learned, struct ds *s)
{
    char path[1200];
    struct ds line = DS_EMPTY_INITIALIZER;
    FILE *f;

    snprintf(path, sizeof path, "%s/ovs-ofctl-dump-flows-%s.txt",
             seed_outputs_dir(), br);
    f = fopen(path, "r");
    ASSERT_TRUE(f != NULL);
    ds_clear(s);
    while (!ds_get_line(&line, f)) {
        if (str_has_prefix(ds_cstr(&line), "$ ")) {
            continue;
        }
        if (!learned && strstr(ds_cstr(&line), "hard_timeout=300, ")) {
            continue;
        }
        ds_put_format(s, "%s\n", ds_cstr(&line));
    }
    fclose(f);
    ds_destroy(&line);
}

static void
load_flows(struct ofproto *ofproto, bool learned)
{
    struct ds flows = DS_EMPTY_INITIALIZER;
    struct ofp_flow_mod *fms = NULL;
    size_t n = 0, allocated = 0;
    char *save = NULL, *line;
    char *error;

    seed_read_flows(ofproto_name(ofproto), learned, &flows);
    for (line = strtok_r(ds_cstr(&flows), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (n >= allocated) {
            fms = x2nrealloc(fms, &allocated, sizeof *fms);
        }
        ASSERT_NO_ERROR(ofp_parse_flow_mod(&fms[n],  line,
                                           ofproto_port_map(ofproto),
                                           OFPFC_ADD));
        n++;
    }
    error = ofproto_flow_mods(ofproto, fms, n);
    ASSERT_NO_ERROR(error);
    for (size_t i = 0; i < n; i++) {
        ofp_flow_mod_uninit(&fms[i]);
    }
    free(fms);
    ds_destroy(&flows);
}

struct dp *
seed_switch_build(bool learned)
{
    static const struct ofproto_tunnel vxlan = {
        .remote_ip = 0, /* Set below. */
    };
    struct ofproto_tunnel tnl = vxlan;
    struct ofproto *br_provider, *br_mgmt, *br_int, *br_tun;
    struct dp *dp;

    if (!seed_outputs_dir()) {
        SKIP("../shared/seed/outputs is missing");
    }
    dp = dp_create();
    n_bridges = 0;

    br_provider = add_bridge(dp, "br-provider", 1);
    add_port(dp, br_provider, "eth2", "dummy", 2, 2, NULL, -1, NULL);
    br_mgmt = add_bridge(dp, "br-mgmt", 4);
    add_port(dp, br_mgmt, "eth3", "dummy", 2, 3, NULL, -1, NULL);
    br_int = add_bridge(dp, "br-int", 5);
    add_port(dp, br_int, "int-br-provider", "patch", 1, ODPP_NONE,
             "phy-br-provider", -1, NULL);
    add_port(dp, br_provider, "phy-br-provider", "patch", 1, ODPP_NONE,
             "int-br-provider", -1, NULL);
    add_port(dp, br_int, "int-br-mgmt", "patch", 2, ODPP_NONE,
             "phy-br-mgmt", -1, NULL);
    add_port(dp, br_mgmt, "phy-br-mgmt", "patch", 1, ODPP_NONE,
             "int-br-mgmt", -1, NULL);
    br_tun = add_bridge(dp, "br-tun", 6);
    add_port(dp, br_int, "patch-tun", "patch", 3, ODPP_NONE, "patch-int",
             -1, NULL);
    add_port(dp, br_tun, "patch-int", "patch", 1, ODPP_NONE, "patch-tun",
             -1, NULL);
    tnl.remote_ip = htonl(0xac10000b);
    tnl.local_ip = htonl(0xac10001f);
    tnl.in_key_flow = tnl.out_key_flow = true;
    tnl.dst_port = 4789;
    tnl.ttl = 64;
    tnl.df_default = true;
    tnl.set_egress_pkt_mark = true;
    add_port(dp, br_tun, "vxlan-ac10000b", "vxlan", 2, 7, NULL, -1, &tnl);
    add_port(dp, br_int, "tap648437e1-0d", "dummy", 4, 8, NULL, 3, NULL);

    load_flows(br_provider, learned);
    load_flows(br_mgmt, learned);
    load_flows(br_int, learned);
    load_flows(br_tun, learned);
    return dp;
}

void
seed_switch_destroy(struct dp *dp)
{
    for (int i = 0; i < n_bridges; i++) {
        ofproto_destroy(bridges[i]);
    }
    n_bridges = 0;
    dp_destroy(dp);
}
