/* Unit tests for src/flow/meta-field*.c, bitwise.c and port-map.c. */
#include <stdlib.h>

#include "flow/match.h"
#include "flow/meta-field.h"
#include "flow/port-map.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Fails unless ERR (which is freed) is exactly EXPECTED. */
#define ASSERT_ERR_EQ(ERR, EXPECTED)                                          \
    do {                                                                      \
        char *e__ = (ERR);                                                    \
        if (!e__) {                                                           \
            harness_fail(__FILE__, __LINE__, "%s succeeded, expected \"%s\"", \
                         #ERR, (EXPECTED));                                   \
        }                                                                     \
        ASSERT_STR_EQ(e__, (EXPECTED));                                       \
        free(e__);                                                            \
    } while (0)

/* Parses S for field NAME and returns the formatted value/mask. */
static char *
parse_format(const char *name, const char *s,
             const struct ofp_port_map *map)
{
    const struct mf_field *mf = mf_from_name(name);
    union mf_value value, mask;
    struct ds ds = DS_EMPTY_INITIALIZER;
    char *error;

    if (!mf) {
        harness_fail(__FILE__, __LINE__, "no field %s", name);
    }
    error = mf_parse(mf, s, map, &value, &mask);
    if (error) {
        return error;
    }
    mf_format(mf, &value, &mask, map, &ds);
    return ds_steal_cstr(&ds);
}

#define ASSERT_PARSE_FORMAT(NAME, IN, OUT)                                    \
    do {                                                                      \
        char *r__ = parse_format(NAME, IN, NULL);                             \
        ASSERT_STR_EQ(r__, OUT);                                              \
        free(r__);                                                            \
    } while (0)

TEST(registry_is_consistent)
{
    for (int i = 0; i < MFF_N_IDS; i++) {
        const struct mf_field *mf = mf_from_id(i);

        ASSERT_EQ(mf->id, i);
        ASSERT_TRUE(mf->name != NULL);
        ASSERT_LE(mf->n_bits, mf->n_bytes * 8);
        ASSERT_GT(mf->n_bits, 0);
        ASSERT_LE(mf->n_bytes, sizeof(union mf_value));
        /* Every name finds this field (names are unique). */
        ASSERT_TRUE(mf_from_name(mf->name) == mf);
        if (mf->extra_name) {
            ASSERT_TRUE(mf_from_name(mf->extra_name) == mf);
        }
        if (mf->nxm_name) {
            ASSERT_TRUE(mf_from_name(mf->nxm_name) == mf);
        }
        if (mf->oxm_name) {
            ASSERT_TRUE(mf_from_name(mf->oxm_name) == mf);
        }
    }
}

TEST(names_as_ovs)
{
    ASSERT_EQ(mf_from_name("reg5")->id, MFF_REG5);
    ASSERT_EQ(mf_from_name("NXM_NX_REG5")->id, MFF_REG5);
    ASSERT_EQ(mf_from_name("in_port")->id, MFF_IN_PORT);
    ASSERT_EQ(mf_from_name("NXM_OF_IN_PORT")->id, MFF_IN_PORT);
    ASSERT_EQ(mf_from_name("OXM_OF_IN_PORT")->id, MFF_IN_PORT_OXM);
    ASSERT_EQ(mf_from_name("OXM_OF_IN_PORT")->n_bytes, 4);
    ASSERT_EQ(mf_from_name("dl_src")->id, MFF_ETH_SRC);
    ASSERT_EQ(mf_from_name("eth_src")->id, MFF_ETH_SRC);
    ASSERT_EQ(mf_from_name("NXM_OF_ETH_SRC")->id, MFF_ETH_SRC);
    ASSERT_EQ(mf_from_name("NXM_OF_VLAN_TCI")->id, MFF_VLAN_TCI);
    ASSERT_EQ(mf_from_name("tunnel_id")->id, MFF_TUN_ID);
    ASSERT_EQ(mf_from_name("NXM_NX_TUN_ID")->id, MFF_TUN_ID);
    ASSERT_EQ(mf_from_name("NXM_NX_CT_MARK")->id, MFF_CT_MARK);
    ASSERT_EQ(mf_from_name("NXM_NX_CT_STATE")->id, MFF_CT_STATE);
    ASSERT_EQ(mf_from_name("OXM_OF_METADATA")->id, MFF_METADATA);
    ASSERT_EQ(mf_from_name("NXM_OF_ARP_SPA")->id, MFF_ARP_SPA);
    ASSERT_EQ(mf_from_name("icmp_type")->id, MFF_ICMPV4_TYPE);
    ASSERT_EQ(mf_from_name("icmpv6_type")->id, MFF_ICMPV6_TYPE);
    ASSERT_EQ(mf_from_name("tp_dst")->id, MFF_TCP_DST);
    ASSERT_TRUE(mf_from_name("Reg5") == NULL);
    ASSERT_TRUE(mf_from_name("reg16") == NULL);
    ASSERT_TRUE(mf_from_name("") == NULL);
    ASSERT_TRUE(mf_from_name_len("reg5[]", 4) == mf_from_id(MFF_REG5));
    ASSERT_TRUE(mf_from_field_name("NXM_NX_REG5") == NULL);
    ASSERT_TRUE(mf_from_field_name("nw_src") == mf_from_id(MFF_IPV4_SRC));
}

TEST(parse_and_format_values)
{
    ASSERT_PARSE_FORMAT("reg5", "0x4", "0x4");
    ASSERT_PARSE_FORMAT("reg5", "4", "0x4");
    ASSERT_PARSE_FORMAT("reg5", "0", "0");
    ASSERT_PARSE_FORMAT("reg5", "0x4/0xff", "0x4/0xff");
    ASSERT_PARSE_FORMAT("reg5", "*", "ANY");
    ASSERT_PARSE_FORMAT("tun_id", "0xef", "0xef");
    ASSERT_PARSE_FORMAT("tun_id", "-1", "0xffffffffffffffff");
    ASSERT_PARSE_FORMAT("ct_label", "0x1/0xff", "0x1/0xff");
    ASSERT_PARSE_FORMAT("tcp_dst", "80", "80");
    ASSERT_PARSE_FORMAT("tcp_dst", "0x50/0xfff0", "80/0xfff0");
    ASSERT_PARSE_FORMAT("nw_src", "10.1.2.3", "10.1.2.3");
    ASSERT_PARSE_FORMAT("nw_src", "10.1.0.0/16", "10.1.0.0/16");
    ASSERT_PARSE_FORMAT("nw_src", "10.1.0.0/255.255.0.0", "10.1.0.0/16");
    ASSERT_PARSE_FORMAT("nw_src", "10.0.0.0/255.0.255.0",
                        "10.0.0.0/255.0.255.0");
    ASSERT_PARSE_FORMAT("ipv6_src", "fe80::f816:3eff:fe61:21c6",
                        "fe80::f816:3eff:fe61:21c6");
    ASSERT_PARSE_FORMAT("ipv6_src", "2001:db8::/32", "2001:db8::/32");
    ASSERT_PARSE_FORMAT("ipv6_src", "2001:db8::/ffff:ffff::",
                        "2001:db8::/32");
    ASSERT_PARSE_FORMAT("dl_src", "FA:16:3e:61:21:c6", "fa:16:3e:61:21:c6");
    ASSERT_PARSE_FORMAT("dl_dst", "01:00:00:00:00:00/01:00:00:00:00:00",
                        "01:00:00:00:00:00/01:00:00:00:00:00");
    ASSERT_PARSE_FORMAT("ct_state", "+trk+inv", "+inv+trk");
    ASSERT_PARSE_FORMAT("ct_state", "-new+est-rel", "-new+est-rel");
    ASSERT_PARSE_FORMAT("ct_state", "new|trk", "new|trk");
    ASSERT_PARSE_FORMAT("ct_state", "0x21", "new|trk");
    ASSERT_PARSE_FORMAT("ct_state", "0x20/0x20", "+trk");
    ASSERT_PARSE_FORMAT("ip_frag", "first", "first");
    ASSERT_PARSE_FORMAT("ip_frag", "yes", "yes");
    ASSERT_PARSE_FORMAT("ip_frag", "not_later", "not_later");
    ASSERT_PARSE_FORMAT("tcp_flags", "+syn-ack", "+syn-ack");
    ASSERT_PARSE_FORMAT("tcp_flags", "syn|ack", "syn|ack");
    ASSERT_PARSE_FORMAT("tcp_flags", "0x800/0xfff", "[800]");
    ASSERT_PARSE_FORMAT("tun_flags", "+oam", "oam");
    ASSERT_PARSE_FORMAT("in_port", "LOCAL", "LOCAL");
    ASSERT_PARSE_FORMAT("in_port", "65535", "ANY");
    ASSERT_PARSE_FORMAT("in_port", "4294967295", "ANY");
    ASSERT_PARSE_FORMAT("in_port", "7", "7");
    ASSERT_PARSE_FORMAT("OXM_OF_IN_PORT", "normal", "NORMAL");
    ASSERT_PARSE_FORMAT("dl_vlan", "4095", "4095");
    ASSERT_PARSE_FORMAT("eth_type", "0x0800", "0x800");
    ASSERT_PARSE_FORMAT("icmp_type", "130", "130");
}

TEST(parse_errors_name_the_bad_token)
{
    const struct mf_field *reg0 = mf_from_name("reg0");
    union mf_value v, m, v0, m0;

    memset(&v, 0x5a, sizeof v);
    memset(&m, 0x5a, sizeof m);
    v0 = v;
    m0 = m;
    ASSERT_ERR_EQ(mf_parse(reg0, "0x1ffffffff", NULL, &v, &m),
                  "0x1ffffffff: value too large for 4-byte field reg0");
    ASSERT_ERR_EQ(mf_parse(reg0, "xyz", NULL, &v, &m),
                  "xyz: bad syntax for reg0 value");
    ASSERT_ERR_EQ(mf_parse(reg0, "1/zz", NULL, &v, &m),
                  "1/zz: bad syntax for reg0 mask");
    ASSERT_ERR_EQ(mf_parse(reg0, "1/0x1ffffffff", NULL, &v, &m),
                  "1/0x1ffffffff: mask too large for 4-byte field reg0");
    ASSERT_ERR_EQ(mf_parse(reg0, "", NULL, &v, &m),
                  ": bad syntax for reg0 value");
    /* Outputs untouched on error. */
    ASSERT_MEM_EQ(&v, &v0, sizeof v);
    ASSERT_MEM_EQ(&m, &m0, sizeof m);

    ASSERT_ERR_EQ(parse_format("tcp_dst", "70000", NULL),
                  "70000: value too large for 2-byte field tcp_dst");
    ASSERT_ERR_EQ(parse_format("nw_src", "1.2.3", NULL),
                  "1.2.3: invalid IP address");
    ASSERT_ERR_EQ(parse_format("nw_src", "1.2.3.4/33", NULL),
                  "1.2.3.4/33: IPv4 network prefix bits not between 0 and "
                  "32, inclusive");
    ASSERT_ERR_EQ(parse_format("nw_src", "1.2.3.4x", NULL),
                  "1.2.3.4x: invalid IP address");
    ASSERT_ERR_EQ(parse_format("ipv6_src", "::1/129", NULL),
                  "::1/129: IPv6 network prefix bits not between 0 and "
                  "128, inclusive");
    ASSERT_ERR_EQ(parse_format("ipv6_src", "fe80:::1", NULL),
                  "fe80:::1: invalid IPv6 address");
    ASSERT_ERR_EQ(parse_format("dl_src", "01:02:03", NULL),
                  "01:02:03: invalid Ethernet address");
    ASSERT_ERR_EQ(parse_format("in_port", "foo", NULL),
                  "foo: invalid or unknown port for in_port");
    ASSERT_ERR_EQ(parse_format("in_port", "0xfff8", NULL),
                  "0xfff8: invalid or unknown port for in_port");
    ASSERT_ERR_EQ(parse_format("in_port", "65536", NULL),
                  "65536: invalid or unknown port for in_port");
    ASSERT_ERR_EQ(parse_format("ct_state", "+foo", NULL),
                  "foo: unknown ct_state flag(s)");
    ASSERT_ERR_EQ(parse_format("ct_state", "+trk+trk", NULL),
                  "trk: Each ct_state flag can be specified only once");
    ASSERT_ERR_EQ(parse_format("ct_state", "+trk*", NULL),
                  "trk*: unknown ct_state flag(s)");
    ASSERT_ERR_EQ(parse_format("tcp_flags", "+foo", NULL),
                  "foo: unknown TCP flag(s)");
    ASSERT_ERR_EQ(parse_format("ip_frag", "maybe", NULL),
                  "maybe: unknown fragment type (valid types are \"no\", "
                  "\"yes\", \"first\", \"later\", \"not_later\"");
    ASSERT_ERR_EQ(parse_format("eth_type", "0x800/0xff00", NULL),
                  "0x800/0xff00: invalid mask for field eth_type");

    ASSERT_ERR_EQ(mf_parse_value(reg0, "1/1", NULL, &v),
                  "1/1: wildcards not allowed here");
}

TEST(subfields)
{
    struct mf_subfield sf;
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *p;
    static const struct {
        const char *in;
        const char *out;
        enum mf_field_id id;
        unsigned int ofs, n_bits;
    } cases[] = {
        { "NXM_NX_REG6[0..15]", "NXM_NX_REG6[0..15]", MFF_REG6, 0, 16 },
        { "NXM_NX_REG5[]", "NXM_NX_REG5[]", MFF_REG5, 0, 32 },
        { "reg0[5]", "NXM_NX_REG0[5]", MFF_REG0, 5, 1 },
        { "reg0", "NXM_NX_REG0[]", MFF_REG0, 0, 32 },
        { "NXM_OF_VLAN_TCI[0..11]", "NXM_OF_VLAN_TCI[0..11]", MFF_VLAN_TCI,
          0, 12 },
        { "OXM_OF_IN_PORT[]", "OXM_OF_IN_PORT[]", MFF_IN_PORT_OXM, 0, 32 },
        { "NXM_OF_ETH_DST[]", "NXM_OF_ETH_DST[]", MFF_ETH_DST, 0, 48 },
        { "tun_id[0..31]", "NXM_NX_TUN_ID[0..31]", MFF_TUN_ID, 0, 32 },
        { "metadata[]", "OXM_OF_METADATA[]", MFF_METADATA, 0, 64 },
        { "NXM_NX_REG1_W[1..2]", "NXM_NX_REG1[1..2]", MFF_REG1, 1, 2 },
        { "dl_vlan[]", "dl_vlan[]", MFF_DL_VLAN, 0, 12 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        p = cases[i].in;
        ASSERT_NO_ERROR(mf_parse_subfield(&sf, &p));
        ASSERT_EQ(*p, '\0');
        ASSERT_EQ(sf.field->id, cases[i].id);
        ASSERT_EQ(sf.ofs, cases[i].ofs);
        ASSERT_EQ(sf.n_bits, cases[i].n_bits);
        ds_clear(&s);
        mf_format_subfield(&sf, &s);
        ASSERT_STR_EQ(ds_cstr(&s), cases[i].out);
    }
    ds_destroy(&s);

    /* Advances past the subfield only. */
    p = "NXM_NX_REG0[0..3]->NXM_NX_REG1[]";
    ASSERT_NO_ERROR(mf_parse_subfield(&sf, &p));
    ASSERT_STR_EQ(p, "->NXM_NX_REG1[]");

    p = "NXM_NX_FOO[]";
    ASSERT_ERR_EQ(mf_parse_subfield(&sf, &p),
                  "NXM_NX_FOO[]: unknown field `NXM_NX_FOO'");
    ASSERT_STR_EQ(p, "NXM_NX_FOO[]");
    p = "reg0[3..1]";
    ASSERT_ERR_EQ(mf_parse_subfield(&sf, &p),
                  "reg0[3..1]: starting bit 3 is after ending bit 1");
    p = "reg0[32]";
    ASSERT_ERR_EQ(mf_parse_subfield(&sf, &p),
                  "reg0[32]: starting bit 32 is not valid because field is "
                  "only 32 bits wide");
    p = "reg0[0..32]";
    ASSERT_ERR_EQ(mf_parse_subfield(&sf, &p),
                  "reg0[0..32]: ending bit 32 is not valid because field is "
                  "only 32 bits wide");
    p = "reg0[x]";
    ASSERT_ERR_EQ(mf_parse_subfield(&sf, &p),
                  "reg0[x]: syntax error expecting [] or [<bit>] or "
                  "[<start>..<end>]");
}

TEST(check_src_dst)
{
    struct mf_subfield sf = { mf_from_id(MFF_TCP_DST), 0, 16 };
    struct match match;

    match_init_catchall(&match);
    ASSERT_ERR_EQ(mf_check_dst(&sf, &match),
                  "destination field tcp_dst lacks correct prerequisites");
    ASSERT_NO_ERROR(mf_check_dst(&sf, NULL));
    match.flow.dl_type = htons(ETH_TYPE_IP);
    match.wc.masks.dl_type = htons(UINT16_MAX);
    match.flow.nw_proto = 6;
    match.wc.masks.nw_proto = UINT8_MAX;
    ASSERT_NO_ERROR(mf_check_dst(&sf, &match));
    ASSERT_NO_ERROR(mf_check_src(&sf, &match));

    sf.field = mf_from_id(MFF_ETH_TYPE);
    ASSERT_ERR_EQ(mf_check_dst(&sf, NULL),
                  "destination field eth_type is not writable");
    ASSERT_NO_ERROR(mf_check_src(&sf, NULL));
    sf.ofs = 10;
    sf.n_bits = 10;
    ASSERT_ERR_EQ(mf_check_src(&sf, NULL),
                  "bit offset 10 and width 10 exceeds 16-bit width of "
                  "source field eth_type");
}

/* A trivially correct model of a field: its bits as an integer. */
static uint64_t
random_u64(void)
{
    return ((uint64_t) random() << 42) ^ ((uint64_t) random() << 21)
           ^ (uint64_t) random();
}

TEST(flow_get_set_roundtrip)
{
    srandom(1);
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < MFF_N_IDS; i++) {
            const struct mf_field *mf = mf_from_id(i);
            union mf_value v, got;
            struct flow flow;

            memset(&flow, 0, sizeof flow);
            memset(&v, 0, sizeof v);
            for (size_t b = 0; b < mf->n_bytes; b++) {
                v.b[b] = random_u64();
            }
            /* Keep only the field's significant bits. */
            bitwise_zero(&v, mf->n_bytes, mf->n_bits,
                         mf->n_bytes * 8 - mf->n_bits);
            if (!mf_is_value_valid(mf, &v)) {
                continue;
            }
            if (mf->id == MFF_IN_PORT_OXM || mf->id == MFF_ACTSET_OUTPUT
                || mf->id == MFF_TUN_FLAGS || mf->id == MFF_CT_STATE) {
                continue;
            }
            mf_set_flow_value(mf, &v, &flow);
            mf_get_value(mf, &flow, &got);
            if (mf->id == MFF_DL_VLAN) {
                /* Setting a VID also marks the tag present. */
                ASSERT_TRUE(flow.vlans[0].tci & htons(VLAN_CFI));
            }
            ASSERT_MEM_EQ(&got, &v, mf->n_bytes);
        }
    }
}

TEST(match_set_semantics)
{
    union mf_value v, m;
    struct match match;

    match_init_catchall(&match);
    v.be16 = htons(3);
    mf_set(mf_from_id(MFF_DL_VLAN), &v, NULL, &match);
    ASSERT_HEX_EQ(ntohs(match.wc.masks.vlans[0].tci), 0x1fff);
    ASSERT_HEX_EQ(ntohs(match.flow.vlans[0].tci), 0x1003);

    v.u8 = 5;
    mf_set(mf_from_id(MFF_DL_VLAN_PCP), &v, NULL, &match);
    ASSERT_HEX_EQ(ntohs(match.wc.masks.vlans[0].tci), 0xffff);
    ASSERT_HEX_EQ(ntohs(match.flow.vlans[0].tci), 0xb003);

    mf_set_wild(mf_from_id(MFF_DL_VLAN), &match);
    ASSERT_HEX_EQ(ntohs(match.wc.masks.vlans[0].tci), 0xf000);
    ASSERT_HEX_EQ(ntohs(match.flow.vlans[0].tci), 0xb000);

    match_init_catchall(&match);
    v.be16 = htons(0xffff);
    mf_set(mf_from_id(MFF_DL_VLAN), &v, NULL, &match);
    ASSERT_HEX_EQ(ntohs(match.wc.masks.vlans[0].tci), 0xffff);
    ASSERT_HEX_EQ(match.flow.vlans[0].tci, 0);

    match_init_catchall(&match);
    v.u8 = 135;
    mf_set(mf_from_id(MFF_ICMPV6_TYPE), &v, NULL, &match);
    ASSERT_HEX_EQ(ntohs(match.wc.masks.tp_src), 0xffff);
    ASSERT_EQ(ntohs(match.flow.tp_src), 135);

    v.u8 = FLOW_NW_FRAG_ANY;
    m.u8 = 0xfd;
    mf_set(mf_from_id(MFF_IP_FRAG), &v, &m, &match);
    ASSERT_EQ(match.wc.masks.nw_frag, FLOW_NW_FRAG_ANY);
    ASSERT_EQ(match.flow.nw_frag, FLOW_NW_FRAG_ANY);

    v.be32 = htonl(0x0a010203);
    m.be32 = htonl(0xffff0000);
    mf_set(mf_from_id(MFF_IPV4_SRC), &v, &m, &match);
    ASSERT_HEX_EQ(ntohl(match.flow.nw_src), 0x0a010000);
    ASSERT_HEX_EQ(ntohl(match.wc.masks.nw_src), 0xffff0000);

    v.be32 = htonl(0x21);
    m.be32 = htonl(0x31);
    mf_set(mf_from_id(MFF_CT_STATE), &v, &m, &match);
    ASSERT_HEX_EQ(match.flow.ct_state, 0x21);
    ASSERT_HEX_EQ(match.wc.masks.ct_state, 0x31);

    v.u8 = 3;
    mf_set(mf_from_id(MFF_IP_DSCP), &v, NULL, &match);
    ASSERT_EQ(match.flow.nw_tos, 0);
    ASSERT_HEX_EQ(match.wc.masks.nw_tos, IP_DSCP_MASK);

    v.be32 = htonl(5);
    mf_set(mf_from_id(MFF_IN_PORT_OXM), &v, NULL, &match);
    ASSERT_EQ(match.flow.in_port, 5);
    ASSERT_HEX_EQ(match.wc.masks.in_port, UINT32_MAX);
}

TEST(mask_field_and_subfield)
{
    struct flow_wildcards wc;
    struct mf_subfield sf;
    const char *p = "NXM_NX_REG6[0..15]";

    memset(&wc, 0, sizeof wc);
    ASSERT_NO_ERROR(mf_parse_subfield(&sf, &p));
    mf_mask_subfield(&sf, &wc);
    ASSERT_HEX_EQ(wc.masks.regs[6], 0xffff);
    mf_mask_field(mf_from_id(MFF_DL_VLAN), &wc);
    ASSERT_HEX_EQ(ntohs(wc.masks.vlans[0].tci), 0x1fff);
    mf_mask_field(mf_from_id(MFF_ETH_DST), &wc);
    ASSERT_TRUE(eth_addr_is_broadcast(wc.masks.dl_dst));
    mf_mask_prereqs(mf_from_id(MFF_TCP_DST), NULL, &wc);
    ASSERT_HEX_EQ(ntohs(wc.masks.dl_type), 0xffff);
    ASSERT_EQ(wc.masks.nw_proto, 0xff);
}

TEST(subfield_read_write)
{
    struct mf_subfield sf;
    const char *p = "NXM_OF_VLAN_TCI[0..11]";
    union mf_value x;
    struct flow flow;

    memset(&flow, 0, sizeof flow);
    ASSERT_NO_ERROR(mf_parse_subfield(&sf, &p));
    flow.vlans[0].tci = htons(0x1003);
    ASSERT_EQ(mf_get_subfield(&sf, &flow), 3);
    mf_read_subfield(&sf, &flow, &x);
    ASSERT_EQ(x.b[15], 3);
    ASSERT_EQ(x.b[14], 0);
    mf_set_subfield_flow(&sf, 0xabc, &flow);
    ASSERT_HEX_EQ(ntohs(flow.vlans[0].tci), 0x1abc);
    memset(&x, 0, sizeof x);
    x.b[15] = 0x21;
    x.b[14] = 0x0f;
    mf_write_subfield_flow(&sf, &x, &flow);
    ASSERT_HEX_EQ(ntohs(flow.vlans[0].tci), 0x1f21);

    p = "NXM_NX_TUN_ID[]";
    ASSERT_NO_ERROR(mf_parse_subfield(&sf, &p));
    mf_set_subfield_flow(&sf, 0xef, &flow);
    ASSERT_HEX_EQ(ntohll(flow.tunnel.tun_id), 0xef);
}

/* Oracle: bitwise_get/put/copy against shifts on a 64-bit integer. */
TEST(bitwise_vs_integer_oracle)
{
    srandom(7);
    for (int i = 0; i < 20000; i++) {
        uint64_t a = random_u64(), b = random_u64();
        unsigned int n_bits = random() % 64 + 1;
        unsigned int src_ofs = random() % (65 - n_bits);
        unsigned int dst_ofs = random() % (65 - n_bits);
        uint64_t field = n_bits == 64 ? UINT64_MAX : (1ull << n_bits) - 1;
        be64 sa = htonll(a), db = htonll(b);
        uint64_t expect;

        ASSERT_HEX_EQ(bitwise_get(&sa, 8, src_ofs, n_bits),
                      (a >> src_ofs) & field);
        bitwise_copy(&sa, 8, src_ofs, &db, 8, dst_ofs, n_bits);
        expect = (b & ~(field << dst_ofs))
                 | (((a >> src_ofs) & field) << dst_ofs);
        ASSERT_HEX_EQ(ntohll(db), expect);

        db = htonll(b);
        bitwise_put(a, &db, 8, dst_ofs, n_bits);
        expect = (b & ~(field << dst_ofs)) | ((a & field) << dst_ofs);
        ASSERT_HEX_EQ(ntohll(db), expect);

        db = htonll(b);
        bitwise_one(&db, 8, dst_ofs, n_bits);
        ASSERT_HEX_EQ(ntohll(db), b | (field << dst_ofs));
        bitwise_zero(&db, 8, dst_ofs, n_bits);
        ASSERT_HEX_EQ(ntohll(db), b & ~(field << dst_ofs));
        ASSERT_EQ(bitwise_is_all_zeros(&db, 8, dst_ofs, n_bits), true);
        ASSERT_EQ(bitwise_is_all_zeros(&sa, 8, src_ofs, n_bits),
                  ((a >> src_ofs) & field) == 0);
    }
}

TEST(bitwise_wide_fields)
{
    uint8_t src[16], dst[16], expect[16];

    for (int i = 0; i < 16; i++) {
        src[i] = i + 1;
        dst[i] = 0xff;
    }
    /* Copy the low 64 bits of a 128-bit value into the high half. */
    bitwise_copy(src, 16, 0, dst, 16, 64, 64);
    memcpy(expect, &src[8], 8);
    memset(&expect[8], 0xff, 8);
    ASSERT_MEM_EQ(dst, expect, 16);
    /* Unaligned copy across the halves. */
    bitwise_copy(src, 16, 60, dst, 16, 4, 8);
    ASSERT_EQ(bitwise_get(dst, 16, 4, 8), bitwise_get(src, 16, 60, 8));
}

TEST(port_map_lookup_and_ambiguity)
{
    struct ofp_port_map map;
    uint32_t port = 12345;

    ofp_port_map_init(&map);
    ofp_port_map_put(&map, 4, "tap648437e1-0d");
    ofp_port_map_put(&map, 1, "patch-int");
    ofp_port_map_put(&map, 2, "eth0");
    ofp_port_map_put(&map, 7, "dup");
    ofp_port_map_put(&map, 8, "dup");
    ofp_port_map_put(&map, 9, "a");
    ofp_port_map_put(&map, 9, "b");

    ASSERT_STR_EQ(ofp_port_map_name(&map, 4), "tap648437e1-0d");
    ASSERT_EQ(ofp_port_map_number(&map, "patch-int"), 1);
    ASSERT_EQ(ofp_port_map_number(&map, "dup"), OFPP_NONE);
    ASSERT_STR_EQ(ofp_port_map_name(&map, 7), "dup");
    ASSERT_TRUE(ofp_port_map_name(&map, 9) == NULL);
    ASSERT_EQ(ofp_port_map_number(&map, "a"), 9);
    ASSERT_EQ(ofp_port_map_number(&map, "nope"), OFPP_NONE);

    ASSERT_TRUE(ofp_port_parse("tap648437e1-0d", &map, &port));
    ASSERT_EQ(port, 4);
    ASSERT_TRUE(ofp_port_parse("\"patch-int\"", &map, &port));
    ASSERT_EQ(port, 1);
    ASSERT_TRUE(ofp_port_parse("\"p\\u0061tch-int\"", &map, &port));
    ASSERT_EQ(port, 1);
    port = 12345;
    ASSERT_FALSE(ofp_port_parse("dup", &map, &port));
    ASSERT_FALSE(ofp_port_parse("\"patch-int", &map, &port));
    ASSERT_FALSE(ofp_port_parse("\"bad\\q\"", &map, &port));
    ASSERT_FALSE(ofp_port_parse("tap648437e1-0d", NULL, &port));
    ASSERT_EQ(port, 12345);

    struct ds s = DS_EMPTY_INITIALIZER;
    ofp_port_format(4, &map, &s);
    ds_put_char(&s, ' ');
    ofp_port_format(2, &map, &s);
    ds_put_char(&s, ' ');
    ofp_port_format(9, &map, &s);
    ds_put_char(&s, ' ');
    ofp_port_format(OFPP_LOCAL, &map, &s);
    ds_put_char(&s, ' ');
    ofp_port_format(4, NULL, &s);
    ASSERT_STR_EQ(ds_cstr(&s), "\"tap648437e1-0d\" eth0 9 LOCAL 4");
    ds_destroy(&s);
    ofp_port_map_destroy(&map);
}

TEST(port_parse_numbers_and_reserved)
{
    static const struct {
        const char *s;
        bool ok;
        uint32_t port;
    } cases[] = {
        { "0", true, 0 },
        { "65279", true, 65279 },
        { "65280", true, 65280 },
        { "65535", true, OFPP_NONE },
        { "65536", false, 0 },
        { "4294967040", true, 0xff00 },
        { "4294967294", true, OFPP_LOCAL },
        { "4294967039", false, 0 },
        { "4294967296", false, 0 },
        { "-1", false, 0 },
        { "0x10", false, 0 },
        { "", false, 0 },
        { "in_port", true, OFPP_IN_PORT },
        { "TABLE", true, OFPP_TABLE },
        { "Normal", true, OFPP_NORMAL },
        { "FLOOD", true, OFPP_FLOOD },
        { "ALL", true, OFPP_ALL },
        { "controller", true, OFPP_CONTROLLER },
        { "LOCAL", true, OFPP_LOCAL },
        { "NONE", true, OFPP_NONE },
        { "ANY", true, OFPP_NONE },
        { "UNSET", true, OFPP_UNSET },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint32_t port = 777;
        bool ok = ofp_port_parse(cases[i].s, NULL, &port);

        ASSERT_EQ(ok, cases[i].ok);
        ASSERT_EQ(port, ok ? cases[i].port : 777);
    }
    ASSERT_STR_EQ(ofp_port_reserved_name(OFPP_NONE), "ANY");
    ASSERT_STR_EQ(ofp_port_reserved_name(OFPP_UNSET), "UNSET");
    ASSERT_TRUE(ofp_port_reserved_name(5) == NULL);

    uint32_t p;
    ASSERT_EQ(ofp_port_to_ofp11(5), 5);
    ASSERT_HEX_EQ(ofp_port_to_ofp11(OFPP_LOCAL), 0xfffffffe);
    ASSERT_TRUE(ofp_port_from_ofp11(0xfffffffe, &p));
    ASSERT_EQ(p, OFPP_LOCAL);
    ASSERT_FALSE(ofp_port_from_ofp11(0x10000, &p));
    ASSERT_EQ(p, OFPP_NONE);
}
