/*
 * ofp-actions.c: OpenFlow action lists (append, copy, compare, free) and
 * their text as `ovs-ofctl dump-flows` prints them over OpenFlow 1.0.
 *
 * OVS prints a flow's actions after encoding them for the connection's
 * OpenFlow version and decoding them again, so what it shows over
 * OpenFlow 1.0 is not always what was written: a set_field becomes the
 * OpenFlow 1.0 action for that field or a series of NXAST_REG_LOADs, a
 * push_vlan disappears into the following mod_vlan_vid, a note grows to
 * its padded length.  format_action() below prints each action the way
 * that round trip comes out, without building the intermediate lists.
 */
#include "flow/ofp-actions.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow-text.h"
#include "flow/ofp-actions-private.h"
#include "flow/port-map.h"
#include "lib/ds.h"
#include "lib/util.h"

/* Offset of an OpenFlow 1.0 note's bytes within its 8-byte-aligned
 * action (struct nx_action_note). */
#define NOTE_OFFSET 10

struct ofpact *
ofpacts_put(struct ofpacts *ofpacts, enum ofpact_type type)
{
    struct ofpact *a;

    ofpacts->acts = xrealloc(ofpacts->acts,
                             (ofpacts->n + 1) * sizeof *ofpacts->acts);
    a = &ofpacts->acts[ofpacts->n++];
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

void
ofpacts_free(struct ofpacts *ofpacts)
{
    for (size_t i = 0; i < ofpacts->n; i++) {
        struct ofpact *a = &ofpacts->acts[i];

        switch (a->type) {
        case OFPACT_CT:
            if (a->ct.actions) {
                ofpacts_free(a->ct.actions);
                free(a->ct.actions);
            }
            break;
        case OFPACT_LEARN:
            free(a->learn.specs);
            break;
        case OFPACT_NOTE:
            free(a->note.data);
            break;
        default:
            break;
        }
    }
    free(ofpacts->acts);
    ofpacts->acts = NULL;
    ofpacts->n = 0;
}

size_t
ofpacts_memory(const struct ofpacts *ofpacts)
{
    size_t n = vx_malloc_footprint(ofpacts->n * sizeof *ofpacts->acts);

    for (size_t i = 0; i < ofpacts->n; i++) {
        const struct ofpact *a = &ofpacts->acts[i];

        switch (a->type) {
        case OFPACT_CT:
            if (a->ct.actions) {
                n += (vx_malloc_footprint(sizeof *a->ct.actions)
                      + ofpacts_memory(a->ct.actions));
            }
            break;
        case OFPACT_LEARN:
            n += vx_malloc_footprint(a->learn.n_specs
                                     * sizeof *a->learn.specs);
            break;
        case OFPACT_NOTE:
            n += vx_malloc_footprint(a->note.len);
            break;
        default:
            break;
        }
    }
    return n;
}

void
ofpacts_clone(struct ofpacts *dst, const struct ofpacts *src)
{
    dst->n = src->n;
    dst->acts = src->n ? xmemdup(src->acts, src->n * sizeof *src->acts)
                       : NULL;
    for (size_t i = 0; i < dst->n; i++) {
        struct ofpact *a = &dst->acts[i];

        switch (a->type) {
        case OFPACT_CT:
            if (a->ct.actions) {
                struct ofpacts *nested = xmalloc(sizeof *nested);

                ofpacts_clone(nested, src->acts[i].ct.actions);
                a->ct.actions = nested;
            }
            break;
        case OFPACT_LEARN:
            if (a->learn.n_specs) {
                a->learn.specs = xmemdup(a->learn.specs,
                                         a->learn.n_specs
                                         * sizeof *a->learn.specs);
            } else {
                a->learn.specs = NULL;
            }
            break;
        case OFPACT_NOTE:
            a->note.data = a->note.len ? xmemdup(a->note.data, a->note.len)
                                       : NULL;
            break;
        default:
            break;
        }
    }
}

static bool
subfield_equal(const struct mf_subfield *a, const struct mf_subfield *b)
{
    return a->field == b->field && a->ofs == b->ofs && a->n_bits == b->n_bits;
}

static bool
learn_spec_equal(const struct learn_spec *a, const struct learn_spec *b)
{
    return (a->type == b->type && a->src_is_imm == b->src_is_imm
            && a->n_bits == b->n_bits && subfield_equal(&a->dst, &b->dst)
            && (a->src_is_imm
                ? !memcmp(&a->imm, &b->imm, sizeof a->imm)
                : subfield_equal(&a->src, &b->src)));
}

static bool
learn_equal(const struct ofpact_learn *a, const struct ofpact_learn *b)
{
    if (a->table_id != b->table_id || a->idle_timeout != b->idle_timeout
        || a->hard_timeout != b->hard_timeout
        || a->fin_idle_timeout != b->fin_idle_timeout
        || a->fin_hard_timeout != b->fin_hard_timeout
        || a->priority != b->priority || a->cookie != b->cookie
        || a->flags != b->flags || a->limit != b->limit
        || a->n_specs != b->n_specs
        || (a->flags & NX_LEARN_F_WRITE_RESULT
            && !subfield_equal(&a->result_dst, &b->result_dst))) {
        return false;
    }
    for (size_t i = 0; i < a->n_specs; i++) {
        if (!learn_spec_equal(&a->specs[i], &b->specs[i])) {
            return false;
        }
    }
    return true;
}

static bool
ct_equal(const struct ofpact_ct *a, const struct ofpact_ct *b)
{
    static const struct ofpacts empty = OFPACTS_EMPTY;

    return (a->commit == b->commit && a->force == b->force
            && a->zone_imm == b->zone_imm
            && subfield_equal(&a->zone_src, &b->zone_src)
            && a->recirc_table == b->recirc_table && a->alg == b->alg
            && ofpacts_equal(a->actions ? a->actions : &empty,
                             b->actions ? b->actions : &empty));
}

static bool
ofpact_equal(const struct ofpact *a, const struct ofpact *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case OFPACT_OUTPUT:
        return (a->output.port == b->output.port
                && a->output.max_len == b->output.max_len);
    case OFPACT_OUTPUT_REG:
        return (subfield_equal(&a->output_reg.src, &b->output_reg.src)
                && a->output_reg.max_len == b->output_reg.max_len);
    case OFPACT_CONTROLLER:
        return (a->controller.max_len == b->controller.max_len
                && a->controller.controller_id == b->controller.controller_id
                && a->controller.reason == b->controller.reason
                && a->controller.pause == b->controller.pause);
    case OFPACT_RESUBMIT:
        return (a->resubmit.in_port == b->resubmit.in_port
                && a->resubmit.table_id == b->resubmit.table_id
                && a->resubmit.with_ct_orig == b->resubmit.with_ct_orig);
    case OFPACT_GOTO_TABLE:
        return a->goto_table == b->goto_table;
    case OFPACT_SET_VLAN_VID:
        return (a->vlan.vid == b->vlan.vid
                && a->vlan.push_vlan_if_needed == b->vlan.push_vlan_if_needed);
    case OFPACT_SET_VLAN_PCP:
        return (a->vlan.pcp == b->vlan.pcp
                && a->vlan.push_vlan_if_needed == b->vlan.push_vlan_if_needed);
    case OFPACT_PUSH_VLAN:
        return a->push_vlan_tpid == b->push_vlan_tpid;
    case OFPACT_SET_ETH_SRC:
    case OFPACT_SET_ETH_DST:
        return eth_addr_equals(a->mac, b->mac);
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
        return a->ipv4 == b->ipv4;
    case OFPACT_SET_IP_DSCP:
        return a->dscp == b->dscp;
    case OFPACT_SET_L4_SRC:
    case OFPACT_SET_L4_DST:
        return a->l4_port == b->l4_port;
    case OFPACT_SET_TUNNEL:
        return (a->tunnel.tun_id == b->tunnel.tun_id
                && a->tunnel.is_64 == b->tunnel.is_64);
    case OFPACT_SET_FIELD: {
        const struct mf_field *mf = a->set_field.field;

        return (mf == b->set_field.field
                && a->set_field.is_load == b->set_field.is_load
                && !memcmp(&a->set_field.value, &b->set_field.value,
                           mf->n_bytes)
                && !memcmp(&a->set_field.mask, &b->set_field.mask,
                           mf->n_bytes));
    }
    case OFPACT_REG_MOVE:
        return (subfield_equal(&a->move.src, &b->move.src)
                && subfield_equal(&a->move.dst, &b->move.dst));
    case OFPACT_CT:
        return ct_equal(&a->ct, &b->ct);
    case OFPACT_LEARN:
        return learn_equal(&a->learn, &b->learn);
    case OFPACT_CONJUNCTION:
        return (a->conj.id == b->conj.id && a->conj.clause == b->conj.clause
                && a->conj.n_clauses == b->conj.n_clauses);
    case OFPACT_NOTE:
        return (a->note.len == b->note.len
                && (!a->note.len
                    || !memcmp(a->note.data, b->note.data, a->note.len)));
    case OFPACT_STRIP_VLAN:
    case OFPACT_DEC_TTL:
    case OFPACT_CT_CLEAR:
    case OFPACT_EXIT:
        return true;
    }
    return false;
}

bool
ofpacts_equal(const struct ofpacts *a, const struct ofpacts *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (!ofpact_equal(&a->acts[i], &b->acts[i])) {
            return false;
        }
    }
    return true;
}

bool
ofpacts_output_to_port(const struct ofpacts *ofpacts, uint32_t port)
{
    for (size_t i = 0; i < ofpacts->n; i++) {
        const struct ofpact *a = &ofpacts->acts[i];

        if ((a->type == OFPACT_OUTPUT && a->output.port == port)
            || (a->type == OFPACT_CONTROLLER && port == OFPP_CONTROLLER)
            || (a->type == OFPACT_CT && a->ct.actions
                && ofpacts_output_to_port(a->ct.actions, port))) {
            return true;
        }
    }
    return false;
}

/* Formatting. */

/* Output state: each printed action is preceded by a comma except the
 * first. */
struct fmt_ctx {
    struct ds *ds;
    const struct ofp_port_map *port_map;
    bool any;                 /* Something printed yet. */
};

static struct ds *
next(struct fmt_ctx *c)
{
    if (c->any) {
        ds_put_char(c->ds, ',');
    }
    c->any = true;
    return c->ds;
}

static void format_list(const struct ofpacts *, struct fmt_ctx *);

/* Prints the loads of an NXAST_REG_LOAD series for FIELD: one per run of
 * 1-bits in MASK, each at most 64 bits long, as OVS's
 * next_load_segment(). */
static void
format_loads(struct fmt_ctx *c, const struct mf_field *mf,
             const union mf_value *value, const union mf_value *mask)
{
    unsigned int n_bits = mf->n_bits;
    unsigned int ofs = 0;

    while (ofs < n_bits) {
        struct mf_subfield dst;
        unsigned int end;
        struct ds *ds;

        while (ofs < n_bits && !bitwise_get(mask, mf->n_bytes, ofs, 1)) {
            ofs++;
        }
        if (ofs >= n_bits) {
            break;
        }
        end = ofs + 1;
        while (end < MIN(ofs + 64, n_bits)
               && bitwise_get(mask, mf->n_bytes, end, 1)) {
            end++;
        }
        dst.field = mf;
        dst.ofs = ofs;
        dst.n_bits = end - ofs;
        ds = next(c);
        ds_put_format(ds, "load:%#" PRIx64 "->",
                      bitwise_get(value, mf->n_bytes, ofs, dst.n_bits));
        mf_format_subfield(&dst, ds);
        ofs = end;
    }
}

/* Prints a set_field as OVS's set_field_to_legacy_openflow() encodes it for
 * OpenFlow 1.0: the field's OpenFlow 1.0 action if it has one (the mask is
 * ignored, as OVS ignores it), otherwise loads. */
static void
format_set_field(struct fmt_ctx *c, const struct ofpact_set_field *sf)
{
    const struct mf_field *mf = sf->field;
    const union mf_value *v = &sf->value;

    if (sf->is_load) {
        format_loads(c, mf, v, &sf->mask);
        return;
    }
    switch (mf->id) {
    case MFF_VLAN_TCI: {
        uint16_t tci = ntohs(v->be16);

        if (tci & VLAN_CFI) {
            ds_put_format(next(c), "mod_vlan_vid:%u", tci & VLAN_VID_MASK);
            ds_put_format(next(c), "mod_vlan_pcp:%u", tci >> VLAN_PCP_SHIFT);
        } else {
            ds_put_cstr(next(c), "strip_vlan");
        }
        break;
    }
    case MFF_VLAN_VID:
    case MFF_DL_VLAN:
        ds_put_format(next(c), "mod_vlan_vid:%u",
                      ntohs(v->be16) & VLAN_VID_MASK);
        break;
    case MFF_VLAN_PCP:
    case MFF_DL_VLAN_PCP:
        ds_put_format(next(c), "mod_vlan_pcp:%u", v->u8);
        break;
    case MFF_ETH_SRC:
    case MFF_ETH_DST:
        ds_put_format(next(c), "%s:" ETH_ADDR_FMT,
                      mf->id == MFF_ETH_SRC ? "mod_dl_src" : "mod_dl_dst",
                      ETH_ADDR_ARGS(v->mac));
        break;
    case MFF_IPV4_SRC:
    case MFF_IPV4_DST:
        ds_put_format(next(c), "%s:" IP_FMT,
                      mf->id == MFF_IPV4_SRC ? "mod_nw_src" : "mod_nw_dst",
                      IP_ARGS(v->be32));
        break;
    case MFF_IP_DSCP:
        ds_put_format(next(c), "mod_nw_tos:%u", v->u8);
        break;
    case MFF_IP_DSCP_SHIFTED:
        ds_put_format(next(c), "mod_nw_tos:%u", (v->u8 << 2) & 0xff);
        break;
    case MFF_IP_ECN: {
        union mf_value all;

        memset(&all, 0xff, sizeof all);
        format_loads(c, mf, v, &all);
        break;
    }
    case MFF_TCP_SRC:
    case MFF_UDP_SRC:
        ds_put_format(next(c), "mod_tp_src:%u", ntohs(v->be16));
        break;
    case MFF_TCP_DST:
    case MFF_UDP_DST:
        ds_put_format(next(c), "mod_tp_dst:%u", ntohs(v->be16));
        break;
    default:
        format_loads(c, mf, v, &sf->mask);
        break;
    }
}

static const char *
reason_name(uint8_t reason)
{
    switch (reason) {
    case OFPR_NO_MATCH:
        return "no_match";
    case OFPR_ACTION:
        return "action";
    case OFPR_INVALID_TTL:
        return "invalid_ttl";
    case OFPR_ACTION_SET:
        return "action_set";
    case OFPR_GROUP:
        return "group";
    case OFPR_PACKET_OUT:
        return "packet_out";
    default:
        return NULL;
    }
}

static void
format_controller(struct fmt_ctx *c, const struct ofpact_controller *a)
{
    struct ds *ds = next(c);

    if (a->reason == OFPR_ACTION && !a->controller_id && !a->pause) {
        ds_put_format(ds, "CONTROLLER:%" PRIu16, a->max_len);
        return;
    }
    ds_put_cstr(ds, "controller(");
    if (a->reason != OFPR_ACTION) {
        const char *name = reason_name(a->reason);

        if (name) {
            ds_put_format(ds, "reason=%s,", name);
        } else {
            ds_put_format(ds, "reason=%u,", a->reason);
        }
    }
    if (a->max_len != UINT16_MAX) {
        ds_put_format(ds, "max_len=%" PRIu16 ",", a->max_len);
    }
    if (a->controller_id) {
        ds_put_format(ds, "id=%" PRIu16 ",", a->controller_id);
    }
    if (a->pause) {
        ds_put_cstr(ds, "pause,");
    }
    ds_chomp(ds, ',');
    ds_put_char(ds, ')');
}

static void
format_resubmit(struct fmt_ctx *c, uint32_t in_port, uint8_t table_id,
                bool with_ct)
{
    struct ds *ds = next(c);

    if (in_port != OFPP_IN_PORT && table_id == 255) {
        ds_put_cstr(ds, "resubmit:");
        ofp_port_format(in_port, c->port_map, ds);
        return;
    }
    ds_put_cstr(ds, "resubmit(");
    if (in_port != OFPP_IN_PORT) {
        ofp_port_format(in_port, c->port_map, ds);
    }
    ds_put_char(ds, ',');
    if (table_id != 255) {
        ds_put_format(ds, "%" PRIu8, table_id);
    }
    if (with_ct) {
        ds_put_cstr(ds, ",ct");
    }
    ds_put_char(ds, ')');
}

static void
format_ct(struct fmt_ctx *c, const struct ofpact_ct *a)
{
    struct ds *ds = next(c);

    ds_put_cstr(ds, "ct(");
    if (a->commit) {
        ds_put_cstr(ds, "commit,");
    }
    if (a->force) {
        ds_put_cstr(ds, "force,");
    }
    if (a->recirc_table != NX_CT_RECIRC_NONE) {
        ds_put_format(ds, "table=%" PRIu8 ",", a->recirc_table);
    }
    if (a->zone_src.field) {
        ds_put_cstr(ds, "zone=");
        mf_format_subfield(&a->zone_src, ds);
        ds_put_char(ds, ',');
    } else if (a->zone_imm) {
        ds_put_format(ds, "zone=%" PRIu16 ",", a->zone_imm);
    }
    if (a->actions) {
        struct ds nested = DS_EMPTY_INITIALIZER;
        struct fmt_ctx sub = { &nested, c->port_map, false };

        format_list(a->actions, &sub);
        if (sub.any) {
            ds_put_format(ds, "exec(%s),", ds_cstr(&nested));
        }
        ds_destroy(&nested);
    }
    if (a->alg == CT_ALG_FTP) {
        ds_put_cstr(ds, "alg=ftp,");
    } else if (a->alg == CT_ALG_TFTP) {
        ds_put_cstr(ds, "alg=tftp,");
    } else if (a->alg) {
        ds_put_format(ds, "alg=%" PRIu16 ",", a->alg);
    }
    ds_chomp(ds, ',');
    ds_put_char(ds, ')');
}

static void
format_note(struct fmt_ctx *c, const struct ofpact_note *note)
{
    size_t len = ROUND_UP(NOTE_OFFSET + note->len, 8) - NOTE_OFFSET;
    struct ds *ds = next(c);

    ds_put_cstr(ds, "note:");
    for (size_t i = 0; i < len; i++) {
        if (i) {
            ds_put_char(ds, '.');
        }
        ds_put_format(ds, "%02x", i < note->len ? note->data[i] : 0);
    }
}

static void
format_action(const struct ofpact *a, struct fmt_ctx *c)
{
    switch (a->type) {
    case OFPACT_OUTPUT: {
        struct ds *ds = next(c);

        if (a->output.port < OFPP_MAX) {
            ds_put_cstr(ds, "output:");
        }
        ofp_port_format(a->output.port, c->port_map, ds);
        if (a->output.port == OFPP_CONTROLLER) {
            ds_put_format(ds, ":%" PRIu16, a->output.max_len);
        }
        break;
    }
    case OFPACT_OUTPUT_REG:
        ds_put_cstr(next(c), "output:");
        mf_format_subfield(&a->output_reg.src, c->ds);
        break;
    case OFPACT_CONTROLLER:
        format_controller(c, &a->controller);
        break;
    case OFPACT_RESUBMIT:
        format_resubmit(c, a->resubmit.in_port, a->resubmit.table_id,
                        a->resubmit.with_ct_orig);
        break;
    case OFPACT_GOTO_TABLE:
        format_resubmit(c, OFPP_IN_PORT, a->goto_table, false);
        break;
    case OFPACT_SET_VLAN_VID:
        ds_put_format(next(c), "mod_vlan_vid:%" PRIu16, a->vlan.vid);
        break;
    case OFPACT_SET_VLAN_PCP:
        ds_put_format(next(c), "mod_vlan_pcp:%" PRIu8, a->vlan.pcp);
        break;
    case OFPACT_STRIP_VLAN:
        ds_put_cstr(next(c), "strip_vlan");
        break;
    case OFPACT_PUSH_VLAN:
        /* OpenFlow 1.0 has no push_vlan: mod_vlan_vid pushes. */
        break;
    case OFPACT_SET_ETH_SRC:
    case OFPACT_SET_ETH_DST:
        ds_put_format(next(c), "%s:" ETH_ADDR_FMT,
                      a->type == OFPACT_SET_ETH_SRC ? "mod_dl_src"
                      : "mod_dl_dst", ETH_ADDR_ARGS(a->mac));
        break;
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
        ds_put_format(next(c), "%s:" IP_FMT,
                      a->type == OFPACT_SET_IPV4_SRC ? "mod_nw_src"
                      : "mod_nw_dst", IP_ARGS(a->ipv4));
        break;
    case OFPACT_SET_IP_DSCP:
        ds_put_format(next(c), "mod_nw_tos:%" PRIu8, a->dscp);
        break;
    case OFPACT_SET_L4_SRC:
    case OFPACT_SET_L4_DST:
        ds_put_format(next(c), "%s:%" PRIu16,
                      a->type == OFPACT_SET_L4_SRC ? "mod_tp_src"
                      : "mod_tp_dst", a->l4_port);
        break;
    case OFPACT_DEC_TTL:
        ds_put_cstr(next(c), "dec_ttl");
        break;
    case OFPACT_SET_TUNNEL:
        ds_put_format(next(c), "set_tunnel%s:%#" PRIx64,
                      (a->tunnel.tun_id > UINT32_MAX || a->tunnel.is_64
                       ? "64" : ""), a->tunnel.tun_id);
        break;
    case OFPACT_SET_FIELD:
        format_set_field(c, &a->set_field);
        break;
    case OFPACT_REG_MOVE: {
        struct ds *ds = next(c);

        ds_put_cstr(ds, "move:");
        mf_format_subfield(&a->move.src, ds);
        ds_put_cstr(ds, "->");
        mf_format_subfield(&a->move.dst, ds);
        break;
    }
    case OFPACT_CT:
        format_ct(c, &a->ct);
        break;
    case OFPACT_CT_CLEAR:
        ds_put_cstr(next(c), "ct_clear");
        break;
    case OFPACT_LEARN:
        ofpact_learn_format(&a->learn, c->port_map, next(c));
        break;
    case OFPACT_CONJUNCTION:
        ds_put_format(next(c), "conjunction(%" PRIu32 ",%d/%" PRIu8 ")",
                      a->conj.id, a->conj.clause + 1, a->conj.n_clauses);
        break;
    case OFPACT_NOTE:
        format_note(c, &a->note);
        break;
    case OFPACT_EXIT:
        ds_put_cstr(next(c), "exit");
        break;
    }
}

static void
format_list(const struct ofpacts *ofpacts, struct fmt_ctx *c)
{
    for (size_t i = 0; i < ofpacts->n; i++) {
        format_action(&ofpacts->acts[i], c);
    }
}

void
ofpacts_format(const struct ofpacts *ofpacts,
               const struct ofp_port_map *port_map, struct ds *ds)
{
    struct fmt_ctx c = { ds, port_map, false };

    format_list(ofpacts, &c);
    if (!c.any) {
        ds_put_cstr(ds, "drop");
    }
}
