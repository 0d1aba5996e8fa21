/* Unit tests for src/flow/ofp-actions*.c and ofp-learn.c: OpenFlow action
 * lists parsed and printed as ovs-ofctl does over OpenFlow 1.0, checked
 * against the seed's dump-flows output, against a golden corpus made with
 * the real ovs-ofctl (tests/data/actions/gen.sh) and, when ovs-ofctl is
 * installed, against ovs-ofctl itself. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/meta-field.h"
#include "flow/ofp-actions.h"
#include "flow/port-map.h"
#include "harness.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Builds a match from the small syntax the test corpus uses: protocol
 * shorthands (ip, ipv6, arp, tcp, udp, sctp, icmp, icmp6) and FIELD=VALUE
 * pairs, or "-" for a catch-all match. */
static void
match_from_text(const char *text, struct match *match)
{
    char *copy = xstrdup(text);
    char *save = NULL;

    match_init_catchall(match);
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        static const struct {
            const char *name;
            uint16_t dl_type;
            uint8_t nw_proto;
        } protos[] = {
            { "ip", ETH_TYPE_IP, 0 }, { "ipv6", ETH_TYPE_IPV6, 0 },
            { "arp", ETH_TYPE_ARP, 0 }, { "tcp", ETH_TYPE_IP, 6 },
            { "udp", ETH_TYPE_IP, 17 }, { "sctp", ETH_TYPE_IP, 132 },
            { "icmp", ETH_TYPE_IP, 1 }, { "icmp6", ETH_TYPE_IPV6, 58 },
        };
        char *eq = strchr(tok, '=');
        union mf_value value, mask;
        bool found = false;

        if (!strcmp(tok, "-")) {
            continue;
        }
        for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
            if (!strcmp(tok, protos[i].name)) {
                value.be16 = htons(protos[i].dl_type);
                mf_set(mf_from_id(MFF_ETH_TYPE), &value, NULL, match);
                if (protos[i].nw_proto) {
                    value.u8 = protos[i].nw_proto;
                    mf_set(mf_from_id(MFF_IP_PROTO), &value, NULL, match);
                }
                found = true;
            }
        }
        if (found) {
            continue;
        }
        if (!eq) {
            harness_fail(__FILE__, __LINE__, "bad match token %s", tok);
        }
        *eq = '\0';
        const struct mf_field *mf = mf_from_name(tok);
        if (!mf) {
            harness_fail(__FILE__, __LINE__, "unknown field %s", tok);
        }
        char *error = mf_parse(mf, eq + 1, NULL, &value, &mask);
        if (error) {
            harness_fail(__FILE__, __LINE__, "%s", error);
        }
        mf_set(mf, &value, &mask, match);
    }
    free(copy);
}

/* Parses S (with MATCH unless null), formats it and returns the text. */
static char *
round_trip(const char *s, const struct ofp_port_map *map,
           const struct match *match)
{
    struct ofpacts ofpacts, again;
    struct ds ds = DS_EMPTY_INITIALIZER, ds2 = DS_EMPTY_INITIALIZER;
    char *error = ofpacts_parse(s, map, match, &ofpacts);

    if (error) {
        harness_fail(__FILE__, __LINE__, "parsing \"%s\": %s", s, error);
    }
    ofpacts_format(&ofpacts, map, &ds);

    /* What we print parses back to a list that prints the same and that
     * is equal to itself after another round. */
    error = ofpacts_parse(ds_cstr(&ds), map, match, &again);
    if (error) {
        harness_fail(__FILE__, __LINE__, "reparsing \"%s\": %s",
                     ds_cstr(&ds), error);
    }
    ofpacts_format(&again, map, &ds2);
    ASSERT_STR_EQ(ds_cstr(&ds2), ds_cstr(&ds));
    ofpacts_free(&ofpacts);
    ofpacts_free(&again);
    ds_destroy(&ds2);
    return ds_steal_cstr(&ds);
}

#define ASSERT_ACTIONS(IN, OUT)                                               \
    do {                                                                      \
        char *out__ = round_trip(IN, NULL, NULL);                             \
        ASSERT_STR_EQ(out__, OUT);                                            \
        free(out__);                                                          \
    } while (0)

static void
seed_port_map(struct ofp_port_map *map)
{
    ofp_port_map_init(map);
    ofp_port_map_put(map, 1, "patch-int");
    ofp_port_map_put(map, 2, "vxlan-ac10000b");
    ofp_port_map_put(map, 4, "tap648437e1-0d");
    ofp_port_map_put(map, 5, "int-br-provider");
    ofp_port_map_put(map, 6, "int-br-mgmt");
    ofp_port_map_put(map, 7, "phy-br-provider");
    ofp_port_map_put(map, 8, "phy-br-mgmt");
}

/* Every action list in the seed's dump-flows output parses and prints back
 * byte for byte, with port names. */
TEST(seed_action_lists_round_trip)
{
    static const char *const bridges[] = { "int", "tun", "provider", "mgmt" };
    struct ofp_port_map map;
    struct ds line = DS_EMPTY_INITIALIZER;
    int n = 0;

    seed_port_map(&map);
    for (size_t i = 0; i < ARRAY_SIZE(bridges); i++) {
        char path[4096];
        FILE *file;

        snprintf(path, sizeof path,
                 "%s/data/actions/seed/ovs-ofctl-dump-flows-br-%s.txt",
                 harness_tests_dir(), bridges[i]);
        file = fopen(path, "r");
        ASSERT_TRUE(file != NULL);
        while (!ds_get_line(&line, file)) {
            const char *actions = strstr(ds_cstr(&line), " actions=");

            if (!actions) {
                continue;
            }
            actions += strlen(" actions=");
            char *out = round_trip(actions, &map, NULL);
            ASSERT_STR_EQ(out, actions);
            free(out);
            n++;
        }
        fclose(file);
    }
    ds_destroy(&line);
    ofp_port_map_destroy(&map);
    ASSERT_EQ(n, 96);
}

/* The seed's learn action parses into the specs the flow means. */
TEST(seed_learn_structure)
{
    static const char learn[] =
        "learn(table=20,hard_timeout=300,priority=1,cookie=0x8a8d4d7575036c1a,"
        "NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
        "load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],"
        "output:OXM_OF_IN_PORT[])";
    struct ofpacts ofpacts;
    const struct ofpact_learn *l;

    ASSERT_NO_ERROR(ofpacts_parse(learn, NULL, NULL, &ofpacts));
    ASSERT_EQ(ofpacts.n, 1);
    ASSERT_EQ(ofpacts.acts[0].type, OFPACT_LEARN);
    l = &ofpacts.acts[0].learn;
    ASSERT_EQ(l->table_id, 20);
    ASSERT_EQ(l->hard_timeout, 300);
    ASSERT_EQ(l->idle_timeout, 0);
    ASSERT_EQ(l->priority, 1);
    ASSERT_HEX_EQ(l->cookie, 0x8a8d4d7575036c1aULL);
    ASSERT_EQ(l->n_specs, 5);
    ASSERT_EQ(l->specs[0].type, LEARN_SPEC_MATCH);
    ASSERT_EQ(l->specs[0].src.field->id, MFF_VLAN_TCI);
    ASSERT_EQ(l->specs[0].n_bits, 12);
    ASSERT_EQ(l->specs[1].dst.field->id, MFF_ETH_DST);
    ASSERT_EQ(l->specs[1].src.field->id, MFF_ETH_SRC);
    ASSERT_EQ(l->specs[2].type, LEARN_SPEC_LOAD);
    ASSERT_TRUE(l->specs[2].src_is_imm);
    ASSERT_EQ(l->specs[2].n_bits, 16);
    ASSERT_TRUE(is_all_zeros(&l->specs[2].imm, sizeof l->specs[2].imm));
    ASSERT_EQ(l->specs[3].src.field->id, MFF_TUN_ID);
    ASSERT_EQ(l->specs[4].type, LEARN_SPEC_OUTPUT);
    ASSERT_EQ(l->specs[4].src.field->id, MFF_IN_PORT_OXM);
    ASSERT_EQ(l->specs[4].n_bits, 32);
    ofpacts_free(&ofpacts);
}

static bool
split_fields(char *p, char **fields, int max, int *n)
{
    *n = 0;
    while (*n < max) {
        fields[(*n)++] = p;
        p = strchr(p, '\t');
        if (!p) {
            return true;
        }
        *p++ = '\0';
    }
    return false;
}

/* Checks one golden case: OVS printed OVS_TEXT (STATUS "OK") or failed with
 * OVS_TEXT (STATUS "ERR"); EXPECTED, when nonnull, replaces OVS_TEXT as
 * the substring our error message must contain. */
static void
check_case(const char *match_text, const char *actions, const char *status,
           const char *ovs_text, const char *expected)
{
    struct match match;
    struct ofpacts ofpacts;
    char *error;

    match_from_text(match_text, &match);
    if (!strcmp(status, "OK")) {
        char *out = round_trip(actions, NULL, &match);

        if (strcmp(out, ovs_text)) {
            harness_fail(__FILE__, __LINE__, "\"%s\" (match %s): printed "
                         "\"%s\", OVS printed \"%s\"", actions, match_text,
                         out, ovs_text);
        }
        free(out);
        return;
    }

    ofpacts.acts = (void *) &ofpacts;
    ofpacts.n = 99;
    error = ofpacts_parse(actions, NULL, &match, &ofpacts);
    if (!error) {
        harness_fail(__FILE__, __LINE__, "\"%s\" (match %s) parsed, OVS "
                     "said: %s", actions, match_text, ovs_text);
    }
    ASSERT_EQ(ofpacts.n, 0);
    ASSERT_TRUE(ofpacts.acts == NULL);
    if (!strstr(error, expected ? expected : ovs_text)) {
        harness_fail(__FILE__, __LINE__, "\"%s\": error \"%s\" does not "
                     "contain \"%s\"", actions, error,
                     expected ? expected : ovs_text);
    }
    free(error);
}

/* The golden corpus: what ovs-ofctl printed (or the error it gave) for
 * each case of tests/data/actions/cases.txt. */
TEST(golden_corpus_from_ovs_ofctl)
{
    char path[4096];
    struct ds line = DS_EMPTY_INITIALIZER;
    int n_ok = 0, n_err = 0;
    FILE *file;

    snprintf(path, sizeof path, "%s/data/actions/golden.txt",
             harness_tests_dir());
    file = fopen(path, "r");
    ASSERT_TRUE(file != NULL);
    while (!ds_get_line(&line, file)) {
        char *f[5];
        int n;

        if (ds_cstr(&line)[0] == '#') {
            continue;
        }
        split_fields(ds_cstr(&line), f, 5, &n);
        ASSERT_GE(n, 4);
        check_case(f[0], f[1], f[2], f[3], n > 4 ? f[4] : NULL);
        *(strcmp(f[2], "OK") ? &n_err : &n_ok) += 1;
    }
    fclose(file);
    ds_destroy(&line);
    ASSERT_GT(n_ok, 150);
    ASSERT_GT(n_err, 100);
}

/* Re-runs ovs-ofctl on the corpus inputs, so that the golden file cannot
 * silently drift from the installed OVS. */
TEST(live_ovs_ofctl)
{
    char path[4096];
    struct ds line = DS_EMPTY_INITIALIZER;
    int n = 0;
    FILE *file;

    if (system("ovs-ofctl --version >/dev/null 2>&1")) {
        SKIP("ovs-ofctl is not installed");
    }
    snprintf(path, sizeof path, "%s/data/actions/cases.txt",
             harness_tests_dir());
    file = fopen(path, "r");
    ASSERT_TRUE(file != NULL);
    while (!ds_get_line(&line, file) && n < 400) {
        char *f[3];
        int nf;
        struct ds cmd = DS_EMPTY_INITIALIZER;
        struct ds out = DS_EMPTY_INITIALIZER;
        FILE *pipe;

        if (!ds_cstr(&line)[0] || ds_cstr(&line)[0] == '#') {
            continue;
        }
        split_fields(ds_cstr(&line), f, 3, &nf);
        ds_put_cstr(&cmd, "ovs-ofctl -O OpenFlow10 parse-flow '");
        if (strcmp(f[0], "-")) {
            ds_put_format(&cmd, "%s,", f[0]);
        }
        ds_put_format(&cmd, "actions=%s' 2>/dev/null", nf > 1 ? f[1] : "");
        pipe = popen(ds_cstr(&cmd), "r");
        ASSERT_TRUE(pipe != NULL);
        while (!ds_get_line(&out, pipe)) {
            const char *add = strstr(ds_cstr(&out), ": ADD ");
            const char *acts = add ? strstr(add, "actions=") : NULL;

            if (acts) {
                struct match match;
                char *ours;

                match_from_text(f[0], &match);
                ours = round_trip(nf > 1 ? f[1] : "", NULL, &match);
                if (strcmp(ours, acts + strlen("actions="))) {
                    harness_fail(__FILE__, __LINE__, "\"%s\": ovs-ofctl "
                                 "printed \"%s\", we print \"%s\"", f[1],
                                 acts + strlen("actions="), ours);
                }
                free(ours);
                n++;
            }
        }
        pclose(pipe);
        ds_destroy(&cmd);
        ds_destroy(&out);
    }
    fclose(file);
    ds_destroy(&line);
    ASSERT_GT(n, 150);
}

TEST(print_forms)
{
    ASSERT_ACTIONS("", "drop");
    ASSERT_ACTIONS("drop", "drop");
    ASSERT_ACTIONS("goto_table:5", "resubmit(,5)");
    ASSERT_ACTIONS("push_vlan:0x8100", "drop");
    ASSERT_ACTIONS("push_vlan:0x8100,set_field:4099->vlan_vid,output:1",
                   "mod_vlan_vid:3,output:1");
    ASSERT_ACTIONS("pop_vlan,output:1", "strip_vlan,output:1");
    ASSERT_ACTIONS("set_field:1->dl_vlan", "mod_vlan_vid:1");
    ASSERT_ACTIONS("set_field:3->dl_vlan_pcp", "mod_vlan_pcp:3");
    ASSERT_ACTIONS("set_field:0x4->reg5,set_field:0->reg6",
                   "load:0x4->NXM_NX_REG5[],load:0->NXM_NX_REG6[]");
    ASSERT_ACTIONS("ct(commit,exec(set_field:0x1/0x1->ct_label))",
                   "ct(commit,exec(load:0x1->NXM_NX_CT_LABEL[0]))");
    ASSERT_ACTIONS("LOAD:1->reg0,Output:3,NORMAL,Resubmit(,4)",
                   "load:0x1->NXM_NX_REG0[],output:3,NORMAL,resubmit(,4)");
}

TEST(print_with_port_names)
{
    struct ofp_port_map map;
    char *out;

    seed_port_map(&map);
    out = round_trip("output:4,resubmit:2,resubmit(4,3),tap648437e1-0d",
                     &map, NULL);
    ASSERT_STR_EQ(out, "output:\"tap648437e1-0d\",resubmit:\"vxlan-ac10000b\","
                  "resubmit(\"tap648437e1-0d\",3),output:\"tap648437e1-0d\"");
    free(out);
    out = round_trip("learn(in_port=4)", &map, NULL);
    ASSERT_STR_EQ(out, "learn(table=1,in_port=\"tap648437e1-0d\")");
    free(out);
    ofp_port_map_destroy(&map);
}

TEST(values_land_in_structs)
{
    struct ofpacts o;

    ASSERT_NO_ERROR(ofpacts_parse(
        "load:0x3->NXM_NX_REG6[],set_field:0x10/0x30->reg5,"
        "ct(commit,zone=NXM_NX_REG6[0..15],exec(load:0x1->NXM_NX_CT_MARK[])),"
        "exit,note:0a.0b,set_tunnel64:0xef,"
        "resubmit(,93,ct),mod_vlan_vid:3,set_vlan_pcp:5,controller(id=2)",
        NULL, NULL, &o));
    ASSERT_EQ(o.n, 10);
    ASSERT_EQ(o.acts[0].set_field.field->id, MFF_REG6);
    ASSERT_TRUE(o.acts[0].set_field.is_load);
    ASSERT_HEX_EQ(ntohl(o.acts[0].set_field.value.be32), 3);
    ASSERT_HEX_EQ(ntohl(o.acts[0].set_field.mask.be32), 0xffffffff);
    ASSERT_FALSE(o.acts[1].set_field.is_load);
    ASSERT_HEX_EQ(ntohl(o.acts[1].set_field.mask.be32), 0x30);
    ASSERT_TRUE(o.acts[2].ct.commit);
    ASSERT_EQ(o.acts[2].ct.zone_src.field->id, MFF_REG6);
    ASSERT_EQ(o.acts[2].ct.zone_src.n_bits, 16);
    ASSERT_EQ(o.acts[2].ct.recirc_table, NX_CT_RECIRC_NONE);
    ASSERT_EQ(o.acts[2].ct.actions->n, 1);
    ASSERT_EQ(o.acts[2].ct.actions->acts[0].set_field.field->id, MFF_CT_MARK);
    ASSERT_EQ(o.acts[3].type, OFPACT_EXIT);
    ASSERT_EQ(o.acts[4].note.len, 2);
    ASSERT_EQ(o.acts[4].note.data[1], 0x0b);
    ASSERT_TRUE(o.acts[5].tunnel.is_64);
    ASSERT_TRUE(o.acts[6].resubmit.with_ct_orig);
    ASSERT_EQ(o.acts[6].resubmit.in_port, OFPP_IN_PORT);
    ASSERT_TRUE(o.acts[7].vlan.push_vlan_if_needed);
    ASSERT_FALSE(o.acts[8].vlan.push_vlan_if_needed);
    ASSERT_EQ(o.acts[9].type, OFPACT_CONTROLLER);
    ASSERT_EQ(o.acts[9].controller.controller_id, 2);
    ASSERT_EQ(o.acts[9].controller.max_len, UINT16_MAX);
    ofpacts_free(&o);
}

TEST(conjunction_values)
{
    struct ofpacts o;

    ASSERT_NO_ERROR(ofpacts_parse("conjunction(7,2/3),note:00,"
                                  "conjunction(8,1/2)", NULL, NULL, &o));
    ASSERT_EQ(o.n, 3);
    ASSERT_EQ(o.acts[0].conj.id, 7);
    ASSERT_EQ(o.acts[0].conj.clause, 1);
    ASSERT_EQ(o.acts[0].conj.n_clauses, 3);
    ASSERT_EQ(o.acts[2].conj.id, 8);
    ofpacts_free(&o);
}

TEST(clone_equal_free)
{
    static const char text[] =
        "learn(table=20,NXM_OF_VLAN_TCI[0..11],load:0->NXM_OF_VLAN_TCI[]),"
        "ct(commit,exec(set_field:0x5->ct_label)),note:01.02,output:3";
    struct ofpacts a, b, c;

    ASSERT_NO_ERROR(ofpacts_parse(text, NULL, NULL, &a));
    ofpacts_clone(&b, &a);
    ASSERT_TRUE(ofpacts_equal(&a, &b));
    ASSERT_TRUE(a.acts[0].learn.specs != b.acts[0].learn.specs);
    ASSERT_TRUE(a.acts[1].ct.actions != b.acts[1].ct.actions);
    ASSERT_TRUE(a.acts[2].note.data != b.acts[2].note.data);

    b.acts[1].ct.actions->acts[0].set_field.value.b[15] ^= 1;
    ASSERT_FALSE(ofpacts_equal(&a, &b));
    b.acts[1].ct.actions->acts[0].set_field.value.b[15] ^= 1;
    b.acts[0].learn.specs[1].n_bits = 15;
    ASSERT_FALSE(ofpacts_equal(&a, &b));
    b.acts[0].learn.specs[1].n_bits = 16;
    b.acts[2].note.data[0] = 9;
    ASSERT_FALSE(ofpacts_equal(&a, &b));
    ofpacts_free(&b);
    ASSERT_EQ(b.n, 0);

    ASSERT_NO_ERROR(ofpacts_parse("note:01.02,output:3", NULL, NULL, &c));
    ASSERT_FALSE(ofpacts_equal(&a, &c));
    ofpacts_free(&c);
    ofpacts_clone(&c, &a);
    ofpacts_free(&a);
    ASSERT_NO_ERROR(ofpacts_parse(text, NULL, NULL, &a));
    ASSERT_TRUE(ofpacts_equal(&a, &c));
    ofpacts_free(&a);
    ofpacts_free(&c);
}

TEST(put_builds_lists_by_hand)
{
    struct ofpacts o = OFPACTS_EMPTY;
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct ofpact *a;

    a = ofpacts_put(&o, OFPACT_SET_FIELD);
    a->set_field.field = mf_from_id(MFF_REG5);
    a->set_field.value.be32 = htonl(4);
    a->set_field.mask.be32 = htonl(UINT32_MAX);
    a = ofpacts_put(&o, OFPACT_GOTO_TABLE);
    a->goto_table = 71;
    ofpacts_format(&o, NULL, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "load:0x4->NXM_NX_REG5[],resubmit(,71)");
    ofpacts_free(&o);
    ds_destroy(&ds);
}

TEST(output_to_port)
{
    struct ofpacts o;

    ASSERT_NO_ERROR(ofpacts_parse("load:1->reg0,output:4,CONTROLLER:64",
                                  NULL, NULL, &o));
    ASSERT_TRUE(ofpacts_output_to_port(&o, 4));
    ASSERT_TRUE(ofpacts_output_to_port(&o, OFPP_CONTROLLER));
    ASSERT_FALSE(ofpacts_output_to_port(&o, 5));
    ofpacts_free(&o);
    ASSERT_NO_ERROR(ofpacts_parse("controller(reason=no_match),resubmit:5",
                                  NULL, NULL, &o));
    ASSERT_TRUE(ofpacts_output_to_port(&o, OFPP_CONTROLLER));
    ASSERT_FALSE(ofpacts_output_to_port(&o, 5));
    ofpacts_free(&o);
}

TEST(check_table)
{
    struct ofpacts o;

    ASSERT_NO_ERROR(ofpacts_parse("output:1,goto_table:5", NULL, NULL, &o));
    ASSERT_NO_ERROR(ofpacts_check_table(&o, 4));
    ASSERT_ERROR(ofpacts_check_table(&o, 5), "OFPBIC_BAD_TABLE_ID");
    ASSERT_ERROR(ofpacts_check_table(&o, 9), "goto_table:5");
    ofpacts_free(&o);
}

/* Prerequisites take earlier actions into account, as OVS's checks do. */
TEST(prerequisites_follow_the_action_list)
{
    struct match match;
    struct ofpacts o;

    match_from_text("-", &match);
    ASSERT_NO_ERROR(ofpacts_parse("mod_vlan_vid:3,set_field:4098->vlan_vid",
                                  NULL, &match, &o));
    ofpacts_free(&o);
    ASSERT_NO_ERROR(ofpacts_parse("push_vlan:0x8100,set_field:4098->vlan_vid",
                                  NULL, &match, &o));
    ofpacts_free(&o);
    match_from_text("dl_vlan=3", &match);
    ASSERT_ERROR(ofpacts_parse("strip_vlan,set_field:4097->vlan_vid", NULL,
                               &match, &o),
                 "set_field vlan_vid lacks correct prerequisites");
    ASSERT_ERROR(ofpacts_parse("push_vlan:0x8100,push_vlan:0x8100", NULL,
                               &match, &o), "OFPBAC_BAD_TAG");
    /* Without a match nothing is checked against one. */
    ASSERT_NO_ERROR(ofpacts_parse("move:NXM_OF_IP_SRC[]->reg0[],ct(commit)",
                                  NULL, NULL, &o));
    ofpacts_free(&o);
}

TEST(bad_input_leaves_nothing)
{
    static const char *const bad[] = {
        "learn(NXM_OF_VLAN_TCI[0..11],foo=1)",
        "ct(commit,exec(load:1->NXM_NX_CT_MARK[],output:1))",
        "note:01,note:zz", "output:1,output:foo", "conjunction(1,1/2),exit",
        "load:1->reg0,load:1->reg99",
        "learn(load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],result_dst=reg0)",
        "ct(commit,exec(set_field:1->ct_mark),foo)",
    };
    uint64_t errors = coverage_read("ofpacts_parse_error");

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct ofpacts o;
        char *error = ofpacts_parse(bad[i], NULL, NULL, &o);

        if (!error) {
            harness_fail(__FILE__, __LINE__, "\"%s\" parsed", bad[i]);
        }
        ASSERT_EQ(o.n, 0);
        free(error);
    }
    ASSERT_EQ(coverage_read("ofpacts_parse_error") - errors,
              ARRAY_SIZE(bad));
    struct ofpacts o;
    ASSERT_ERROR(ofpacts_parse("enqueue:1:2", NULL, NULL, &o),
                 "action enqueue is not supported");
    ASSERT_ERROR(ofpacts_parse("dec_ttl(1,2)", NULL, NULL, &o),
                 "controller ids are not supported");
    ASSERT_ERROR(ofpacts_parse("goto_table:255", NULL, NULL, &o),
                 "invalid table 0xff");
    ASSERT_ERROR(ofpacts_parse("conjunction(4294967296,1/2)", NULL, NULL,
                               &o), "\"conjunction\" syntax is");
}
