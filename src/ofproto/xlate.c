/* xlate.c: flow translation.  See xlate.h. */
#include "ofproto/xlate.h"

#include <inttypes.h>

#include "flow/meta-field.h"
#include "flow/ofp-parse.h"
#include "flow/port-map.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/learn.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/recirc.h"

VLOG_DEFINE_THIS_MODULE(xlate);

COVERAGE_DEFINE(xlate_actions);
COVERAGE_DEFINE(xlate_error);
COVERAGE_DEFINE(xlate_table_miss);
COVERAGE_DEFINE(xlate_normal_flood);
COVERAGE_DEFINE(xlate_normal_drop);
COVERAGE_DEFINE(xlate_skip_in_port);
COVERAGE_DEFINE(xlate_controller);
COVERAGE_DEFINE(xlate_learn);
COVERAGE_DEFINE(xlate_no_input_port);
COVERAGE_DEFINE(xlate_tunnel_ecn_drop);
COVERAGE_DEFINE(xlate_nonexistent_port);

/* Limits on translation, as OVS: MAX_DEPTH nested table lookups that go
 * backward or stay in the same table, MAX_RESUBMITS table lookups in all. */
#define MAX_DEPTH 64
#define MAX_RESUBMITS (MAX_DEPTH * MAX_DEPTH)

/* Kinds of xlate cache entries. */
enum xc_type {
    XC_RULE,      /* Credit stats to a rule. */
    XC_NORMAL,    /* Refresh a MAC learning entry. */
    XC_LEARN,     /* Re-run a learned flow mod (refresh timeouts). */
    XC_PATCH,     /* Count traffic over a patch port pair. */
};

struct xc_entry {
    enum xc_type type;
    union {
        struct rule *rule;                /* XC_RULE (referenced). */
        struct {
            char *bridge;                 /* Bridge name. */
            uint32_t in_port;
            struct eth_addr mac;
            uint16_t vlan;
            bool is_grat_arp;
        } normal;                         /* XC_NORMAL. */
        struct {
            char *bridge;
            struct ofp_flow_mod *fm;      /* Owned. */
        } learn;                          /* XC_LEARN. */
        struct {
            char *tx_bridge, *tx_port;    /* Patch port sending. */
            char *rx_bridge, *rx_port;    /* Its peer receiving. */
        } patch;                          /* XC_PATCH. */
    };
};

struct xlate_cache {
    struct xc_entry *entries;
    size_t n, allocated;
};

struct xlate_ctx {
    struct xlate_in *xin;
    struct xlate_out *xout;
    struct ofproto *ofproto;       /* Current bridge. */
    struct flow *flow;             /* == &xin->flow. */
    struct flow base_flow;         /* The packet as the datapath has it
                                    * after the actions emitted so far. */
    struct flow_wildcards *wc;     /* == &xout->wc. */
    struct odp_actions *odp;       /* == &xout->odp_actions. */
    int depth;                     /* Nesting depth of lookups. */
    int resubmits;                 /* Lookups so far. */
    uint8_t table_id;              /* Current table. */
    struct rule *rule;             /* Current rule, or NULL. */
    bool exit;                     /* Stop translating. */
    enum xlate_error error;        /* First error. */
    bool conntracked;              /* ct_* fields are valid. */
    struct ovs_list *trace;        /* Current trace parent, or NULL. */
    be32 orig_tunnel_ip_dst;       /* Tunnel destination on arrival. */
};

static void do_xlate_actions(const struct ofpact *, size_t n,
                             struct xlate_ctx *, bool is_last_action);
static void xlate_normal(struct xlate_ctx *);

const char *
xlate_strerror(enum xlate_error error)
{
    switch (error) {
    case XLATE_OK:
        return "OK";
    case XLATE_BRIDGE_NOT_FOUND:
        return "Bridge not found";
    case XLATE_RECURSION_TOO_DEEP:
        return "Recursion too deep";
    case XLATE_TOO_MANY_RESUBMITS:
        return "Too many resubmits";
    case XLATE_STACK_TOO_DEEP:
        return "Stack too deep";
    case XLATE_NO_RECIRCULATION_CONTEXT:
        return "No recirculation context";
    case XLATE_RECIRCULATION_CONFLICT:
        return "Recirculation conflict";
    case XLATE_TOO_MANY_MPLS_LABELS:
        return "Too many MPLS labels";
    case XLATE_INVALID_TUNNEL_METADATA:
        return "Invalid tunnel metadata";
    case XLATE_UNSUPPORTED_PACKET_TYPE:
        return "Unsupported packet type";
    }
    return "Unknown error";
}

/* Tracing. */

static struct ovs_list *
oftrace_report(struct ovs_list *super, enum oftrace_node_type type,
               const char *text)
{
    struct oftrace_node *node = xzalloc(sizeof *node);

    node->type = type;
    node->text = xstrdup(text);
    ovs_list_init(&node->subs);
    ovs_list_push_back(super, &node->node);
    return &node->subs;
}

void
oftrace_node_list_destroy(struct ovs_list *nodes)
{
    struct oftrace_node *node, *next;

    if (!nodes) {
        return;
    }
    LIST_FOR_EACH_SAFE (node, next, node, nodes) {
        ovs_list_remove(&node->node);
        oftrace_node_list_destroy(&node->subs);
        free(node->text);
        free(node);
    }
}

static struct ovs_list * PRINTF_FORMAT(3, 4)
xlate_report(const struct xlate_ctx *ctx, enum oftrace_node_type type,
             const char *format, ...)
{
    struct ovs_list *subs = NULL;

    if (OVS_UNLIKELY(ctx->trace)) {
        va_list args;
        char *text;

        va_start(args, format);
        text = xvasprintf(format, args);
        va_end(args);
        subs = oftrace_report(ctx->trace, type, text);
        free(text);
    }
    return subs;
}

static void PRINTF_FORMAT(2, 3)
xlate_report_error(const struct xlate_ctx *ctx, const char *format, ...)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    COVERAGE_INC(xlate_error);
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    if (ctx->trace) {
        oftrace_report(ctx->trace, OFT_ERROR, ds_cstr(&s));
    } else if (ctx->xin->allow_side_effects) {
        VLOG_WARN_RL(&rl, "%s on bridge %s", ds_cstr(&s),
                     ofproto_name(ctx->ofproto));
    }
    ds_destroy(&s);
}

static void
xlate_report_action(const struct xlate_ctx *ctx, const struct ofpact *a)
{
    if (OVS_UNLIKELY(ctx->trace)) {
        struct ofpacts one = { CONST_CAST(struct ofpact *, a), 1 };
        struct ds s = DS_EMPTY_INITIALIZER;

        ofpacts_format(&one, NULL, &s);
        oftrace_report(ctx->trace, OFT_ACTION, ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
xlate_report_table(struct xlate_ctx *ctx, const struct rule *rule,
                   uint8_t table_id)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (OVS_LIKELY(!ctx->trace)) {
        return;
    }
    ds_put_format(&s, "%2d. ", table_id);
    if (!rule) {
        ds_put_cstr(&s, "No match.");
    } else {
        match_format(&rule->cr.match, NULL, OFP_DEFAULT_PRIORITY, &s);
        if (s.string[s.length - 1] != ' ') {
            ds_put_cstr(&s, ", ");
        }
        ds_put_format(&s, "priority %d", rule->cr.priority);
        if (rule->flow_cookie) {
            ds_put_format(&s, ", cookie %#"PRIx64, rule->flow_cookie);
        }
    }
    ctx->trace = oftrace_report(ctx->trace, OFT_TABLE, ds_cstr(&s));
    ds_destroy(&s);
}

static void
xlate_report_subfield(const struct xlate_ctx *ctx,
                      const struct mf_subfield *sf)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (OVS_LIKELY(!ctx->trace)) {
        return;
    }
    mf_format_subfield(sf, &s);
    ds_put_cstr(&s, " is now ");
    if (sf->ofs == 0 && sf->n_bits >= sf->field->n_bits) {
        union mf_value value;

        mf_get_value(sf->field, ctx->flow, &value);
        mf_format(sf->field, &value, NULL, NULL, &s);
    } else {
        ds_put_format(&s, "%#"PRIx64, mf_get_subfield(sf, ctx->flow));
    }
    oftrace_report(ctx->trace, OFT_DETAIL, ds_cstr(&s));
    ds_destroy(&s);
}

/* The xlate cache. */

struct xlate_cache *
xlate_cache_new(void)
{
    return xzalloc(sizeof(struct xlate_cache));
}

static struct xc_entry *
xlate_cache_add(struct xlate_cache *xc, enum xc_type type)
{
    struct xc_entry *e;

    if (xc->n >= xc->allocated) {
        xc->entries = x2nrealloc(xc->entries, &xc->allocated,
                                 sizeof *xc->entries);
    }
    e = &xc->entries[xc->n++];
    memset(e, 0, sizeof *e);
    e->type = type;
    return e;
}

void
xlate_cache_delete(struct xlate_cache *xc)
{
    if (!xc) {
        return;
    }
    for (size_t i = 0; i < xc->n; i++) {
        struct xc_entry *e = &xc->entries[i];

        switch (e->type) {
        case XC_RULE:
            rule_unref(e->rule);
            break;
        case XC_NORMAL:
            free(e->normal.bridge);
            break;
        case XC_LEARN:
            free(e->learn.bridge);
            ofp_flow_mod_uninit(e->learn.fm);
            free(e->learn.fm);
            break;
        case XC_PATCH:
            free(e->patch.tx_bridge);
            free(e->patch.tx_port);
            free(e->patch.rx_bridge);
            free(e->patch.rx_port);
            break;
        }
    }
    free(xc->entries);
    free(xc);
}

static void
patch_count(const char *bridge, const char *port, bool tx,
            uint64_t n_packets, uint64_t n_bytes)
{
    struct ofproto *ofproto = ofproto_lookup(bridge);
    struct ofport *ofport = ofproto ? ofproto_port_by_name(ofproto, port)
                                    : NULL;

    if (ofport) {
        if (tx) {
            ofport->stats.tx_packets += n_packets;
            ofport->stats.tx_bytes += n_bytes;
        } else {
            ofport->stats.rx_packets += n_packets;
            ofport->stats.rx_bytes += n_bytes;
        }
    }
}

void
xlate_cache_push(struct xlate_cache *xc, uint64_t n_packets, uint64_t n_bytes,
                 long long int now)
{
    for (size_t i = 0; i < xc->n; i++) {
        struct xc_entry *e = &xc->entries[i];
        struct ofproto *ofproto;

        switch (e->type) {
        case XC_RULE:
            rule_credit_stats(e->rule, n_packets, n_bytes, now);
            break;
        case XC_NORMAL:
            ofproto = ofproto_lookup(e->normal.bridge);
            if (ofproto
                && mac_learning_update(&ofproto->ml, e->normal.mac,
                                       e->normal.vlan, e->normal.in_port,
                                       e->normal.is_grat_arp, now)) {
                ofproto_seq_change();
            }
            break;
        case XC_LEARN:
            ofproto = ofproto_lookup(e->learn.bridge);
            if (ofproto) {
                free(ofproto_flow_mod_learn(ofproto, e->learn.fm));
            }
            break;
        case XC_PATCH:
            patch_count(e->patch.tx_bridge, e->patch.tx_port, true,
                        n_packets, n_bytes);
            patch_count(e->patch.rx_bridge, e->patch.rx_port, false,
                        n_packets, n_bytes);
            break;
        }
    }
}

/* Committing header changes to datapath actions. */

static int
flow_count_vlans(const struct flow *flow)
{
    int n = 0;

    while (n < FLOW_MAX_VLAN_HEADERS && flow->vlans[n].tci & htons(VLAN_CFI)) {
        n++;
    }
    return n;
}

static void
commit_vlan_action(const struct flow *flow, struct flow *base,
                   struct odp_actions *odp, struct flow_wildcards *wc)
{
    int base_n = flow_count_vlans(base);
    int flow_n = flow_count_vlans(flow);

    /* Skip the common innermost headers. */
    while (base_n > 0 && flow_n > 0
           && base->vlans[base_n - 1].tpid == flow->vlans[flow_n - 1].tpid
           && base->vlans[base_n - 1].tci == flow->vlans[flow_n - 1].tci) {
        base_n--;
        flow_n--;
    }
    for (int i = base_n - 1; i >= 0; i--) {
        odp_actions_put(odp, ODP_ACTION_POP_VLAN);
        wc->masks.vlans[i].tpid = UINT16_MAX;
        wc->masks.vlans[i].tci = UINT16_MAX;
    }
    for (int i = flow_n - 1; i >= 0; i--) {
        struct odp_action *a = odp_actions_put(odp, ODP_ACTION_PUSH_VLAN);

        a->push_vlan.tpid = flow->vlans[i].tpid ? flow->vlans[i].tpid
                                                : htons(ETH_TYPE_VLAN_8021Q);
        a->push_vlan.tci = flow->vlans[i].tci;
    }
    memcpy(base->vlans, flow->vlans, sizeof base->vlans);
}

/* Emits one masked set action of KIND for the fields in [OFS, OFS + LEN)
 * of struct flow that differ between FLOW and BASE. */
static void
commit_set_fields(const struct flow *flow, struct flow *base,
                  struct odp_actions *odp, struct flow_wildcards *wc,
                  enum odp_set_kind kind, const size_t *ofs,
                  const size_t *len, size_t n_fields)
{
    struct odp_set *set = NULL;

    for (size_t i = 0; i < n_fields; i++) {
        const uint8_t *f = (const uint8_t *) flow + ofs[i];
        uint8_t *b = (uint8_t *) base + ofs[i];

        if (!memcmp(f, b, len[i])) {
            continue;
        }
        if (!set) {
            struct odp_action *a = odp_actions_put(odp,
                                                   ODP_ACTION_SET_MASKED);

            set = a->set;
            set->kind = kind;
        }
        memcpy((uint8_t *) &set->key + ofs[i], f, len[i]);
        memset((uint8_t *) &set->mask.masks + ofs[i], 0xff, len[i]);
        memset((uint8_t *) &wc->masks + ofs[i], 0xff, len[i]);
        memcpy(b, f, len[i]);
    }
}

#define FIELD(NAME) offsetof(struct flow, NAME)
#define FSIZE(NAME) sizeof(((struct flow *) 0)->NAME)

static void
commit_odp_actions(struct xlate_ctx *ctx)
{
    struct flow *flow = ctx->flow, *base = &ctx->base_flow;
    struct flow_wildcards *wc = ctx->wc;
    struct odp_actions *odp = ctx->odp;

    {
        static const size_t ofs[] = { FIELD(dl_src), FIELD(dl_dst) };
        static const size_t len[] = { FSIZE(dl_src), FSIZE(dl_dst) };

        commit_set_fields(flow, base, odp, wc, ODP_SET_ETH, ofs, len, 2);
    }
    commit_vlan_action(flow, base, odp, wc);
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        static const size_t ofs[] = { FIELD(nw_src), FIELD(nw_dst),
                                      FIELD(nw_tos), FIELD(nw_ttl) };
        static const size_t len[] = { FSIZE(nw_src), FSIZE(nw_dst),
                                      FSIZE(nw_tos), FSIZE(nw_ttl) };

        commit_set_fields(flow, base, odp, wc, ODP_SET_IPV4, ofs, len, 4);
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        static const size_t ofs[] = { FIELD(ipv6_src), FIELD(ipv6_dst),
                                      FIELD(ipv6_label), FIELD(nw_tos),
                                      FIELD(nw_ttl) };
        static const size_t len[] = { FSIZE(ipv6_src), FSIZE(ipv6_dst),
                                      FSIZE(ipv6_label), FSIZE(nw_tos),
                                      FSIZE(nw_ttl) };

        commit_set_fields(flow, base, odp, wc, ODP_SET_IPV6, ofs, len, 5);
    }
    if (is_ip_any(flow) && !(flow->nw_frag & FLOW_NW_FRAG_LATER)
        && (flow->nw_proto == IPPROTO_TCP_ || flow->nw_proto == IPPROTO_UDP_)) {
        static const size_t ofs[] = { FIELD(tp_src), FIELD(tp_dst) };
        static const size_t len[] = { FSIZE(tp_src), FSIZE(tp_dst) };

        commit_set_fields(flow, base, odp, wc,
                          flow->nw_proto == IPPROTO_TCP_ ? ODP_SET_TCP
                                                          : ODP_SET_UDP,
                          ofs, len, 2);
    }
    {
        static const size_t ofs[] = { FIELD(skb_priority) };
        static const size_t len[] = { FSIZE(skb_priority) };

        commit_set_fields(flow, base, odp, wc, ODP_SET_SKB_PRIORITY, ofs,
                          len, 1);
    }
    {
        static const size_t ofs[] = { FIELD(pkt_mark) };
        static const size_t len[] = { FSIZE(pkt_mark) };

        commit_set_fields(flow, base, odp, wc, ODP_SET_SKB_MARK, ofs, len, 1);
    }
}

static void
commit_odp_tunnel_action(struct xlate_ctx *ctx)
{
    if (memcmp(&ctx->base_flow.tunnel, &ctx->flow->tunnel,
               sizeof ctx->flow->tunnel)) {
        struct odp_action *a = odp_actions_put(ctx->odp,
                                               ODP_ACTION_SET_TUNNEL);

        a->tunnel = ctx->flow->tunnel;
        ctx->base_flow.tunnel = ctx->flow->tunnel;
    }
}

/* Conntrack helpers. */

static void
clear_conntrack(struct xlate_ctx *ctx)
{
    struct flow *flow = ctx->flow;

    ctx->conntracked = false;
    flow->ct_state = 0;
    flow->ct_zone = 0;
    flow->ct_mark = 0;
    flow->ct_label[0] = flow->ct_label[1] = 0;
    flow->ct_nw_proto = 0;
    flow->ct_nw_src = flow->ct_nw_dst = 0;
    flow->ct_tp_src = flow->ct_tp_dst = 0;
}

/* Table lookups. */

static bool
xlate_resubmit_resource_check(struct xlate_ctx *ctx)
{
    if (ctx->depth >= MAX_DEPTH) {
        xlate_report_error(ctx, "over max translation depth %d", MAX_DEPTH);
        ctx->error = XLATE_RECURSION_TOO_DEEP;
    } else if (ctx->resubmits >= MAX_RESUBMITS) {
        xlate_report_error(ctx, "over %d resubmit actions", MAX_RESUBMITS);
        ctx->error = XLATE_TOO_MANY_RESUBMITS;
    } else if (ctx->odp->n > 4096) {
        xlate_report_error(ctx, "resubmits yielded over 4096 datapath "
                           "actions");
        ctx->exit = true;
    } else {
        return true;
    }
    return false;
}

static void
xlate_rule_hit(struct xlate_ctx *ctx, struct rule *rule)
{
    if (!rule) {
        COVERAGE_INC(xlate_table_miss);
        return;
    }
    if (ctx->xin->allow_side_effects && ctx->xin->n_packets) {
        rule_credit_stats(rule, ctx->xin->n_packets, ctx->xin->n_bytes,
                          time_msec());
    }
    if (ctx->xin->xcache) {
        struct xc_entry *e = xlate_cache_add(ctx->xin->xcache, XC_RULE);

        e->rule = rule;
        rule_ref(rule);
    }
}

static void
xlate_rule_actions(struct xlate_ctx *ctx, struct rule *rule, bool deepens,
                   bool is_last_action)
{
    struct rule *old_rule = ctx->rule;

    ctx->resubmits++;
    ctx->depth += deepens;
    ctx->rule = rule;
    if (rule) {
        do_xlate_actions(rule->ofpacts.acts, rule->ofpacts.n, ctx,
                         is_last_action);
    } else {
        /* A miss: the "no packet-in" rule with no actions. */
        do_xlate_actions(NULL, 0, ctx, is_last_action);
    }
    ctx->rule = old_rule;
    ctx->depth -= deepens;
}

static void
tuple_swap(struct flow *flow)
{
    uint8_t proto = flow->nw_proto;
    be32 src = flow->nw_src, dst = flow->nw_dst;
    be16 sp = flow->tp_src, dp = flow->tp_dst;

    flow->nw_proto = flow->ct_nw_proto;
    flow->ct_nw_proto = proto;
    flow->nw_src = flow->ct_nw_src;
    flow->ct_nw_src = src;
    flow->nw_dst = flow->ct_nw_dst;
    flow->ct_nw_dst = dst;
    flow->tp_src = flow->ct_tp_src;
    flow->ct_tp_src = sp;
    flow->tp_dst = flow->ct_tp_dst;
    flow->ct_tp_dst = dp;
}

static void
xlate_table_action(struct xlate_ctx *ctx, uint32_t in_port, uint8_t table_id,
                   bool with_ct_orig, bool is_last_action)
{
    if (xlate_resubmit_resource_check(ctx)) {
        uint8_t old_table_id = ctx->table_id;
        uint32_t old_in_port = ctx->flow->in_port;
        struct ovs_list *old_trace = ctx->trace;
        struct rule *rule;

        ctx->table_id = table_id;
        if (with_ct_orig) {
            if (!ctx->flow->ct_nw_proto
                || ctx->flow->dl_type != htons(ETH_TYPE_IP)) {
                xlate_report_error(ctx, "resubmit(ct) with non-tracked or "
                                   "non-IP packet!");
                ctx->table_id = old_table_id;
                return;
            }
            tuple_swap(ctx->flow);
            tuple_swap(&ctx->wc->masks);
        }
        ctx->flow->in_port = in_port;
        rule = table_id < OFP_N_TABLES
               ? ofproto_rule_lookup(ctx->ofproto, table_id, ctx->flow,
                                     ctx->wc)
               : NULL;
        ctx->flow->in_port = old_in_port;
        if (with_ct_orig) {
            tuple_swap(ctx->flow);
            tuple_swap(&ctx->wc->masks);
        }

        xlate_rule_hit(ctx, rule);
        xlate_report_table(ctx, rule, table_id);
        xlate_rule_actions(ctx, rule, table_id <= old_table_id,
                           is_last_action);
        ctx->trace = old_trace;
        ctx->table_id = old_table_id;
    }
}

/* Freezing (recirculation). */

static uint32_t
compose_recirculate(struct xlate_ctx *ctx, uint8_t table, uint16_t zone)
{
    struct frozen_state state;
    struct odp_action *a;
    uint32_t id;

    memset(&state, 0, sizeof state);
    state.bridge = CONST_CAST(char *, ofproto_name(ctx->ofproto));
    state.table_id = table;
    state.conntracked = ctx->conntracked;
    frozen_metadata_from_flow(&state.md, ctx->flow);
    id = recirc_alloc_id(&state);
    if (!id) {
        xlate_report_error(ctx, "Failed to allocate recirculation id");
        ctx->error = XLATE_NO_RECIRCULATION_CONTEXT;
        return 0;
    }
    ctx->xout->recirc_ids = xrealloc(ctx->xout->recirc_ids,
                                     (ctx->xout->n_recirc_ids + 1)
                                     * sizeof *ctx->xout->recirc_ids);
    ctx->xout->recirc_ids[ctx->xout->n_recirc_ids++] = id;
    a = odp_actions_put(ctx->odp, ODP_ACTION_RECIRC);
    a->recirc_id = id;

    if (ctx->xin->recirc_queue) {
        struct oftrace_recirc_node *node = xzalloc(sizeof *node);

        node->recirc_id = id;
        node->flow = *ctx->flow;
        node->flow.recirc_id = id;
        node->flow.ct_zone = zone;
        node->conntrack = true;
        ovs_list_push_back(ctx->xin->recirc_queue, &node->node);
        recirc_id_ref(id);
        xlate_report(ctx, OFT_DETAIL, "A clone of the packet is forked to "
                     "recirculate. The forked pipeline will be resumed at "
                     "table %u.", table);
    }
    return id;
}

static void
compose_conntrack_action(struct xlate_ctx *ctx, const struct ofpact_ct *ofc,
                         bool is_last_action)
{
    struct odp_action *a;
    uint32_t old_mark_mask = ctx->wc->masks.ct_mark;
    uint64_t old_label_mask[2] = { ctx->wc->masks.ct_label[0],
                                   ctx->wc->masks.ct_label[1] };
    uint16_t zone;

    commit_odp_actions(ctx);

    /* Nested actions set ct_mark/ct_label in the flow; the bits they set
     * become the mark/label to commit. */
    ctx->wc->masks.ct_mark = 0;
    ctx->wc->masks.ct_label[0] = ctx->wc->masks.ct_label[1] = 0;
    /* An empty nested list traces as "drop", as in OVS. */
    do_xlate_actions(ofc->actions ? ofc->actions->acts : NULL,
                     ofc->actions ? ofc->actions->n : 0, ctx,
                     is_last_action);
    zone = ofc->zone_src.field ? mf_get_subfield(&ofc->zone_src, ctx->flow)
                               : ofc->zone_imm;

    a = odp_actions_put(ctx->odp, ODP_ACTION_CT);
    a->ct.commit = ofc->commit;
    a->ct.force = ofc->force;
    a->ct.zone = zone;
    a->ct.helper = ofc->alg;
    if (ctx->wc->masks.ct_mark) {
        a->ct.set_mark = true;
        a->ct.mark = ctx->flow->ct_mark & ctx->wc->masks.ct_mark;
        a->ct.mark_mask = ctx->wc->masks.ct_mark;
    }
    if (ctx->wc->masks.ct_label[0] || ctx->wc->masks.ct_label[1]) {
        a->ct.set_label = true;
        for (int i = 0; i < 2; i++) {
            a->ct.label[i] = ctx->flow->ct_label[i]
                             & ctx->wc->masks.ct_label[i];
            a->ct.label_mask[i] = ctx->wc->masks.ct_label[i];
        }
    }
    ctx->wc->masks.ct_mark = old_mark_mask;
    ctx->wc->masks.ct_label[0] = old_label_mask[0];
    ctx->wc->masks.ct_label[1] = old_label_mask[1];

    if (ofc->recirc_table != NX_CT_RECIRC_NONE) {
        ctx->conntracked = true;
        compose_recirculate(ctx, ofc->recirc_table, zone);
    }

    /* The ct_* fields are only valid in the recirculated pipeline. */
    clear_conntrack(ctx);
    xlate_report(ctx, OFT_DETAIL, "Sets the packet to an untracked state, "
                 "and clears all the conntrack fields.");
}

/* Output. */

static void patch_port_output(struct xlate_ctx *, const struct ofport *in,
                              struct ofport *out);

/* Fills in the flow's tunnel metadata for output to tunnel port PORT, as
 * OVS's tnl_port_send(). */
static void
tnl_port_send(struct xlate_ctx *ctx, const struct ofport *port)
{
    const struct ofproto_tunnel *cfg = &port->tnl;
    struct flow *flow = ctx->flow;
    struct flow_wildcards *wc = ctx->wc;

    if (cfg->local_ip) {
        flow->tunnel.ip_src = cfg->local_ip;
    }
    if (cfg->remote_ip) {
        flow->tunnel.ip_dst = cfg->remote_ip;
    }
    flow->tunnel.tp_dst = htons(cfg->dst_port ? cfg->dst_port : VXLAN_PORT);
    if (!cfg->out_key_flow) {
        flow->tunnel.tun_id = cfg->out_key;
    }
    if (!cfg->ttl && is_ip_any(flow)) {
        wc->masks.nw_ttl = 0xff;
        flow->tunnel.ip_ttl = flow->nw_ttl;
    } else {
        flow->tunnel.ip_ttl = cfg->ttl ? cfg->ttl : 64;
    }
    flow->tunnel.ip_tos = 0;
    if (is_ip_any(flow)) {
        /* ECN is always inherited (RFC 6040): CE becomes ECT(0). */
        wc->masks.nw_tos |= IP_ECN_MASK;
        if ((flow->nw_tos & IP_ECN_MASK) == IP_ECN_CE) {
            flow->tunnel.ip_tos |= 0x02;
        } else {
            flow->tunnel.ip_tos |= flow->nw_tos & IP_ECN_MASK;
        }
    }
    flow->tunnel.flags = (cfg->df_default ? FLOW_TNL_F_DONT_FRAGMENT : 0)
                         | (cfg->csum ? FLOW_TNL_F_CSUM : 0)
                         | FLOW_TNL_F_KEY;
    if (cfg->set_egress_pkt_mark) {
        flow->pkt_mark = cfg->egress_pkt_mark;
        wc->masks.pkt_mark = UINT32_MAX;
    }
}

static void
compose_output_action(struct xlate_ctx *ctx, uint32_t ofp_port)
{
    struct ofport *port = ofproto_port_by_number(ctx->ofproto, ofp_port);
    struct flow *flow = ctx->flow;
    struct flow_vlan_hdr old_vlans[FLOW_MAX_VLAN_HEADERS];
    struct flow_tnl old_tnl = flow->tunnel;
    uint8_t old_tos = flow->nw_tos;
    uint32_t odp_port;

    if (!port) {
        COVERAGE_INC(xlate_nonexistent_port);
        xlate_report(ctx, OFT_WARN, "Nonexistent output port");
        return;
    }
    if (port->peer) {
        struct ofport *peer = ofproto_find_port_anywhere(port->peer);

        if (!peer || !peer->peer || strcmp(peer->peer, port->name)) {
            xlate_report(ctx, OFT_WARN, "Nonexistent output port");
            return;
        }
        patch_port_output(ctx, port, peer);
        return;
    }

    memcpy(old_vlans, flow->vlans, sizeof old_vlans);
    if (port->is_tunnel) {
        tnl_port_send(ctx, port);
        if (flow->tunnel.ip_dst == ctx->orig_tunnel_ip_dst
            && ctx->orig_tunnel_ip_dst) {
            xlate_report(ctx, OFT_WARN, "Not tunneling to our own address");
            goto out;
        }
        xlate_report(ctx, OFT_DETAIL, "output to kernel tunnel");
        commit_odp_tunnel_action(ctx);
        flow->tunnel = old_tnl;
    }
    odp_port = port->odp_port;
    if (odp_port != ODPP_NONE) {
        struct odp_action *a;

        commit_odp_actions(ctx);
        a = odp_actions_put(ctx->odp, ODP_ACTION_OUTPUT);
        a->port = odp_port;
    }

out:
    memcpy(flow->vlans, old_vlans, sizeof flow->vlans);
    flow->tunnel = old_tnl;
    flow->nw_tos = old_tos;
}

static void
patch_port_output(struct xlate_ctx *ctx, const struct ofport *in_dev,
                  struct ofport *out_dev)
{
    struct flow *flow = ctx->flow;
    struct flow old_flow = *flow;
    struct flow_tnl old_tnl_wc = ctx->wc->masks.tunnel;
    bool old_conntracked = ctx->conntracked;
    struct ofproto *old_ofproto = ctx->ofproto;
    struct ovs_list *old_trace = ctx->trace;
    uint8_t old_table_id = ctx->table_id;

    flow->in_port = out_dev->ofp_port;
    flow->metadata = 0;
    memset(&flow->tunnel, 0, sizeof flow->tunnel);
    memset(&ctx->wc->masks.tunnel, 0, sizeof ctx->wc->masks.tunnel);
    memset(flow->regs, 0, sizeof flow->regs);
    flow->actset_output = OFPP_UNSET;
    clear_conntrack(ctx);
    ctx->trace = xlate_report(ctx, OFT_BRIDGE, "bridge(\"%s\")",
                              ofproto_name(out_dev->ofproto));
    ctx->ofproto = out_dev->ofproto;
    ctx->table_id = 0;

    xlate_table_action(ctx, flow->in_port, 0, false, true);

    ctx->trace = old_trace;
    *flow = old_flow;
    ctx->ofproto = old_ofproto;
    ctx->table_id = old_table_id;
    ctx->wc->masks.tunnel = old_tnl_wc;
    ctx->conntracked = old_conntracked;
    ctx->exit = false;
    ctx->error = XLATE_OK;

    if (ctx->xin->allow_side_effects && ctx->xin->n_packets) {
        struct ofport *in = (struct ofport *) in_dev;

        in->stats.tx_packets += ctx->xin->n_packets;
        in->stats.tx_bytes += ctx->xin->n_bytes;
        out_dev->stats.rx_packets += ctx->xin->n_packets;
        out_dev->stats.rx_bytes += ctx->xin->n_bytes;
    }
    if (ctx->xin->xcache) {
        struct xc_entry *e = xlate_cache_add(ctx->xin->xcache, XC_PATCH);

        e->patch.tx_bridge = xstrdup(ofproto_name(in_dev->ofproto));
        e->patch.tx_port = xstrdup(in_dev->name);
        e->patch.rx_bridge = xstrdup(ofproto_name(out_dev->ofproto));
        e->patch.rx_port = xstrdup(out_dev->name);
    }
}

static int compare_ofports(const void *, const void *);

static void
flood_packets(struct xlate_ctx *ctx, bool all)
{
    size_t n = hmap_count(&ctx->ofproto->ports), i = 0;
    struct ofport **ports = xcalloc(n ? n : 1, sizeof *ports);
    struct ofport *port;

    HMAP_FOR_EACH (port, hmap_node, &ctx->ofproto->ports) {
        ports[i++] = port;
    }
    qsort(ports, n, sizeof *ports, compare_ofports);
    for (i = 0; i < n; i++) {
        port = ports[i];
        if (port->ofp_port == ctx->flow->in_port) {
            continue;
        }
        if (all || !(port->config & OFPPC_NO_FLOOD)) {
            compose_output_action(ctx, port->ofp_port);
        }
    }
    free(ports);
}

static void
xlate_controller_action(struct xlate_ctx *ctx,
                        const struct ofpact_controller *c)
{
    struct odp_action *a;

    /* No OpenFlow controller connection exists: the packet-in is counted
     * and the packet is not sent anywhere (issue 3). */
    COVERAGE_INC(xlate_controller);
    commit_odp_actions(ctx);
    a = odp_actions_put(ctx->odp, ODP_ACTION_USERSPACE);
    a->userspace.pid = 0;
    a->userspace.max_len = c ? c->max_len : UINT16_MAX;
    a->userspace.reason = c ? c->reason : 1;
}

static void
xlate_output_action(struct xlate_ctx *ctx, uint32_t port, uint16_t max_len)
{
    switch (port) {
    case OFPP_IN_PORT:
        compose_output_action(ctx, ctx->flow->in_port);
        break;
    case OFPP_TABLE:
        xlate_table_action(ctx, ctx->flow->in_port, 0, false, false);
        break;
    case OFPP_NORMAL:
        xlate_normal(ctx);
        break;
    case OFPP_FLOOD:
        flood_packets(ctx, false);
        break;
    case OFPP_ALL:
        flood_packets(ctx, true);
        break;
    case OFPP_CONTROLLER: {
        struct ofpact_controller c = { .max_len = max_len, .reason = 1 };

        xlate_controller_action(ctx, &c);
        break;
    }
    case OFPP_NONE:
        break;
    default:
        if (port != ctx->flow->in_port) {
            compose_output_action(ctx, port);
        } else {
            COVERAGE_INC(xlate_skip_in_port);
            xlate_report(ctx, OFT_WARN, "skipping output to input port");
        }
        break;
    }
}

/* NORMAL. */

/* Returns the VID of FLOW's outer VLAN, 0 if untagged. */
static uint16_t
flow_vid(const struct flow *flow)
{
    return flow->vlans[0].tci & htons(VLAN_CFI)
           ? ntohs(flow->vlans[0].tci) & VLAN_VID_MASK : 0;
}

static bool
input_vid_is_valid(struct xlate_ctx *ctx, uint16_t vid,
                   const struct ofport *in)
{
    switch (in->vlan_mode) {
    case PORT_VLAN_ACCESS:
        if (vid) {
            xlate_report_error(ctx, "dropping VLAN %"PRIu16" tagged packet "
                               "received on port %s configured as VLAN %d "
                               "access port", vid, in->name, in->tag);
            return false;
        }
        return true;
    case PORT_VLAN_NATIVE_TAGGED:
    case PORT_VLAN_NATIVE_UNTAGGED:
        if (!vid) {
            return true;
        }
        /* Fall through. */
    case PORT_VLAN_TRUNK:
        if (!ofport_includes_vlan(in, vid)) {
            xlate_report_error(ctx, "dropping VLAN %"PRIu16" packet received "
                               "on port %s not configured for trunking VLAN "
                               "%"PRIu16, vid, in->name, vid);
            return false;
        }
        return true;
    }
    return false;
}

static uint16_t
input_vid_to_vlan(const struct ofport *in, uint16_t vid)
{
    switch (in->vlan_mode) {
    case PORT_VLAN_ACCESS:
        return in->tag;
    case PORT_VLAN_NATIVE_TAGGED:
    case PORT_VLAN_NATIVE_UNTAGGED:
        return vid ? vid : (in->tag >= 0 ? in->tag : 0);
    case PORT_VLAN_TRUNK:
    default:
        return vid;
    }
}

static void
output_normal(struct xlate_ctx *ctx, const struct ofport *out, uint16_t vlan,
              uint16_t pcp_tci)
{
    struct flow_vlan_hdr old_vlans[FLOW_MAX_VLAN_HEADERS];
    struct flow *flow = ctx->flow;
    bool tagged;

    switch (out->vlan_mode) {
    case PORT_VLAN_ACCESS:
        tagged = false;
        break;
    case PORT_VLAN_NATIVE_UNTAGGED:
        tagged = out->tag < 0 || vlan != (uint16_t) out->tag;
        break;
    case PORT_VLAN_TRUNK:
    case PORT_VLAN_NATIVE_TAGGED:
    default:
        tagged = true;
        break;
    }

    memcpy(old_vlans, flow->vlans, sizeof old_vlans);
    memset(flow->vlans, 0, sizeof flow->vlans);
    if (tagged && (vlan || pcp_tci)) {
        flow->vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        flow->vlans[0].tci = htons(vlan | pcp_tci | VLAN_CFI);
    }
    compose_output_action(ctx, out->ofp_port);
    memcpy(flow->vlans, old_vlans, sizeof flow->vlans);
}

static bool
is_gratuitous_arp(const struct flow *flow, struct flow_wildcards *wc)
{
    if (flow->dl_type != htons(ETH_TYPE_ARP)) {
        return false;
    }
    memset(&wc->masks.dl_dst, 0xff, sizeof wc->masks.dl_dst);
    if (!eth_addr_is_broadcast(flow->dl_dst)) {
        return false;
    }
    wc->masks.nw_proto = 0xff;
    if (flow->nw_proto == ARP_OP_REPLY) {
        return true;
    } else if (flow->nw_proto == ARP_OP_REQUEST) {
        wc->masks.nw_src = wc->masks.nw_dst = UINT32_MAX;
        return flow->nw_src == flow->nw_dst;
    }
    return false;
}

/* Reserved multicast (01:80:c2:00:00:0x), dropped by NORMAL as OVS does
 * without other_config:forward-bpdu. */
static bool
eth_addr_is_reserved(struct eth_addr ea)
{
    return ea.ea[0] == 0x01 && ea.ea[1] == 0x80 && ea.ea[2] == 0xc2
           && ea.ea[3] == 0x00 && ea.ea[4] == 0x00 && (ea.ea[5] & 0xf0) == 0;
}

/* NORMAL floods in the order the ports were added to the bridge, as OVS
 * walks its bundle list. */
static int
compare_ofports(const void *a_, const void *b_)
{
    const struct ofport *const *a = a_;
    const struct ofport *const *b = b_;

    return (*a)->seq < (*b)->seq ? -1 : (*a)->seq > (*b)->seq;
}

static void
xlate_normal_flood(struct xlate_ctx *ctx, const struct ofport *in,
                   uint16_t vlan, uint16_t pcp_tci)
{
    size_t n = hmap_count(&ctx->ofproto->ports), i = 0;
    struct ofport **ports = xcalloc(n ? n : 1, sizeof *ports);
    struct ofport *port;

    COVERAGE_INC(xlate_normal_flood);
    HMAP_FOR_EACH (port, hmap_node, &ctx->ofproto->ports) {
        ports[i++] = port;
    }
    qsort(ports, n, sizeof *ports, compare_ofports);
    for (i = 0; i < n; i++) {
        port = ports[i];
        if (port != in && ofport_includes_vlan(port, vlan)
            && !(port->config & OFPPC_NO_FLOOD)) {
            output_normal(ctx, port, vlan, pcp_tci);
        }
    }
    free(ports);
}

static void
xlate_normal(struct xlate_ctx *ctx)
{
    struct flow_wildcards *wc = ctx->wc;
    struct flow *flow = ctx->flow;
    struct ofport *in;
    struct mac_entry *mac;
    uint16_t vid, vlan, pcp_tci;
    bool is_grat_arp;

    memset(&wc->masks.dl_src, 0xff, sizeof wc->masks.dl_src);
    memset(&wc->masks.dl_dst, 0xff, sizeof wc->masks.dl_dst);
    wc->masks.vlans[0].tci |= htons(VLAN_VID_MASK | VLAN_CFI);

    in = ofproto_port_by_number(ctx->ofproto, flow->in_port);
    if (!in) {
        COVERAGE_INC(xlate_no_input_port);
        xlate_report_error(ctx, "received packet on unknown port %"PRIu32,
                           flow->in_port);
        xlate_report(ctx, OFT_WARN, "no input bundle, dropping");
        return;
    }

    /* Drop malformed frames: a VLAN ethertype without a parsed tag. */
    if ((flow->dl_type == htons(ETH_TYPE_VLAN_8021Q)
         || flow->dl_type == htons(ETH_TYPE_VLAN_8021AD))
        && !(flow->vlans[0].tci & htons(VLAN_CFI))) {
        COVERAGE_INC(xlate_normal_drop);
        xlate_report(ctx, OFT_WARN, "partial VLAN tag, dropping");
        return;
    }

    vid = flow_vid(flow);
    if (!input_vid_is_valid(ctx, vid, in)) {
        COVERAGE_INC(xlate_normal_drop);
        xlate_report(ctx, OFT_WARN,
                     "disallowed VLAN VID for this input port, dropping");
        return;
    }
    vlan = input_vid_to_vlan(in, vid);
    pcp_tci = flow->vlans[0].tci & htons(VLAN_CFI)
              ? ntohs(flow->vlans[0].tci) & VLAN_PCP_MASK : 0;

    if (eth_addr_is_reserved(flow->dl_dst)) {
        COVERAGE_INC(xlate_normal_drop);
        xlate_report(ctx, OFT_DETAIL,
                     "packet has reserved destination MAC, dropping");
        return;
    }

    /* Learn the source MAC. */
    is_grat_arp = is_gratuitous_arp(flow, wc);
    if (ctx->xin->allow_side_effects) {
        if (mac_learning_update(&ctx->ofproto->ml, flow->dl_src, vlan,
                                in->ofp_port, is_grat_arp, time_msec())) {
            ofproto_seq_change();
            xlate_report(ctx, OFT_DETAIL, "learned that "ETH_ADDR_FMT" is "
                         "on port %s in VLAN %d", ETH_ADDR_ARGS(flow->dl_src),
                         in->name, vlan);
        }
    }
    if (ctx->xin->xcache) {
        struct xc_entry *e = xlate_cache_add(ctx->xin->xcache, XC_NORMAL);

        e->normal.bridge = xstrdup(ofproto_name(ctx->ofproto));
        e->normal.in_port = in->ofp_port;
        e->normal.mac = flow->dl_src;
        e->normal.vlan = vlan;
        e->normal.is_grat_arp = is_grat_arp;
    }

    /* Determine the output port. */
    mac = mac_learning_lookup(&ctx->ofproto->ml, flow->dl_dst, vlan);
    if (mac) {
        struct ofport *out = ofproto_port_by_number(ctx->ofproto, mac->port);

        if (out && out != in) {
            xlate_report(ctx, OFT_DETAIL, "forwarding to learned port");
            output_normal(ctx, out, vlan, pcp_tci);
        } else if (!out) {
            xlate_report(ctx, OFT_WARN, "learned port is unknown, dropping");
        } else {
            COVERAGE_INC(xlate_normal_drop);
            xlate_report(ctx, OFT_DETAIL,
                         "learned port is input port, dropping");
        }
    } else {
        xlate_report(ctx, OFT_DETAIL,
                     "no learned MAC for destination, flooding");
        xlate_normal_flood(ctx, in, vlan, pcp_tci);
    }
}

/* Learn. */

static void
xlate_learn_action(struct xlate_ctx *ctx, const struct ofpact_learn *learn)
{
    struct ofp_flow_mod *fm;
    char *error;

    COVERAGE_INC(xlate_learn);
    learn_mask(learn, ctx->wc);
    if (!ctx->xin->allow_side_effects && !ctx->xin->xcache) {
        xlate_report(ctx, OFT_WARN, "suppressing side effects, so learn "
                     "action ignored");
        return;
    }

    fm = xmalloc(sizeof *fm);
    learn_execute(learn, ctx->flow, fm);
    if (ctx->trace) {
        struct ds s = DS_EMPTY_INITIALIZER;

        ds_put_format(&s, "table=%"PRIu8" ", fm->table_id);
        match_format(&fm->match, NULL, OFP_DEFAULT_PRIORITY, &s);
        ds_chomp(&s, ' ');
        ds_put_format(&s, " priority=%d", fm->priority);
        if (fm->cookie) {
            ds_put_format(&s, " cookie=%#"PRIx64, fm->cookie);
        }
        if (fm->idle_timeout) {
            ds_put_format(&s, " idle=%"PRIu16, fm->idle_timeout);
        }
        if (fm->hard_timeout) {
            ds_put_format(&s, " hard=%"PRIu16, fm->hard_timeout);
        }
        if (fm->flags & OFPFF_SEND_FLOW_REM) {
            ds_put_cstr(&s, " send_flow_rem");
        }
        ds_put_cstr(&s, " actions=");
        ofpacts_format(&fm->ofpacts, NULL, &s);
        xlate_report(ctx, OFT_DETAIL, "%s", ds_cstr(&s));
        ds_destroy(&s);
    }

    error = NULL;
    if (ctx->xin->allow_side_effects) {
        error = ofproto_flow_mod_learn(ctx->ofproto, fm);
    }
    if (error) {
        xlate_report_error(ctx, "LEARN action execution failed (%s).",
                           error);
        free(error);
    }
    if (ctx->xin->xcache && !error) {
        struct xc_entry *e = xlate_cache_add(ctx->xin->xcache, XC_LEARN);

        e->learn.bridge = xstrdup(ofproto_name(ctx->ofproto));
        e->learn.fm = fm;
    } else {
        ofp_flow_mod_uninit(fm);
        free(fm);
    }
}

/* The action interpreter. */

static void
xlate_set_field(struct xlate_ctx *ctx, const struct ofpact_set_field *sf)
{
    const struct mf_field *mf = sf->field;

    if (mf_are_prereqs_ok(mf, ctx->flow)) {
        mf_mask_prereqs(mf, ctx->flow, ctx->wc);
        mf_mask_field_masked(mf, &sf->mask, ctx->wc);
        mf_set_flow_value_masked(mf, &sf->value, &sf->mask, ctx->flow);
    } else {
        mf_mask_prereqs(mf, ctx->flow, ctx->wc);
        xlate_report(ctx, OFT_WARN, "unmet prerequisites for %s, set_field "
                     "ignored", mf->name);
    }
}

static void
xlate_reg_move(struct xlate_ctx *ctx, const struct ofpact_reg_move *m)
{
    union mf_value value;

    memset(&value, 0, sizeof value);
    mf_read_subfield(&m->src, ctx->flow, &value);
    mf_mask_subfield(&m->src, ctx->wc);
    mf_mask_subfield(&m->dst, ctx->wc);
    mf_write_subfield_flow(&m->dst, &value, ctx->flow);
    xlate_report_subfield(ctx, &m->dst);
}

static void
xlate_output_reg(struct xlate_ctx *ctx, const struct ofpact_output_reg *o)
{
    uint64_t port = mf_get_subfield(&o->src, ctx->flow);

    mf_mask_subfield(&o->src, ctx->wc);
    if (port <= UINT16_MAX) {
        xlate_report(ctx, OFT_DETAIL, "output port is %"PRIu64, port);
        xlate_output_action(ctx, (uint32_t) port, o->max_len);
    } else {
        xlate_report(ctx, OFT_WARN, "output port %"PRIu64" is out of range",
                     port);
    }
}

static void
xlate_dec_ttl(struct xlate_ctx *ctx, bool *stop)
{
    struct flow *flow = ctx->flow;

    *stop = false;
    if (!is_ip_any(flow)) {
        return;
    }
    ctx->wc->masks.nw_ttl = 0xff;
    if (flow->nw_ttl > 1) {
        flow->nw_ttl--;
    } else {
        xlate_controller_action(ctx, NULL);
        xlate_report(ctx, OFT_WARN, "IPv%d decrement TTL exception",
                     flow->dl_type == htons(ETH_TYPE_IP) ? 4 : 6);
        *stop = true;
    }
}

static void
xlate_set_vlan_vid(struct xlate_ctx *ctx, const struct ofpact_vlan *v)
{
    struct flow *flow = ctx->flow;

    ctx->wc->masks.vlans[0].tci |= htons(VLAN_VID_MASK | VLAN_CFI);
    if (flow->vlans[0].tci & htons(VLAN_CFI) || v->push_vlan_if_needed) {
        if (!flow->vlans[0].tpid) {
            flow->vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        }
        flow->vlans[0].tci &= ~htons(VLAN_VID_MASK);
        flow->vlans[0].tci |= htons(v->vid | VLAN_CFI);
    }
}

static void
xlate_set_vlan_pcp(struct xlate_ctx *ctx, const struct ofpact_vlan *v)
{
    struct flow *flow = ctx->flow;

    ctx->wc->masks.vlans[0].tci |= htons(VLAN_PCP_MASK | VLAN_CFI);
    if (flow->vlans[0].tci & htons(VLAN_CFI) || v->push_vlan_if_needed) {
        if (!flow->vlans[0].tpid) {
            flow->vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        }
        flow->vlans[0].tci &= ~htons(VLAN_PCP_MASK);
        flow->vlans[0].tci |= htons((v->pcp << VLAN_PCP_SHIFT) | VLAN_CFI);
    }
}

static void
flow_pop_vlan(struct flow *flow, struct flow_wildcards *wc)
{
    int n = flow_count_vlans(flow);

    if (!n) {
        if (wc) {
            wc->masks.vlans[0].tci |= htons(VLAN_CFI);
        }
        return;
    }
    if (wc) {
        wc->masks.vlans[0].tci |= htons(VLAN_CFI);
        memmove(&wc->masks.vlans[0], &wc->masks.vlans[1],
                sizeof wc->masks.vlans - sizeof wc->masks.vlans[0]);
        memset(&wc->masks.vlans[FLOW_MAX_VLAN_HEADERS - 1], 0,
               sizeof wc->masks.vlans[0]);
    }
    memmove(&flow->vlans[0], &flow->vlans[1],
            sizeof flow->vlans - sizeof flow->vlans[0]);
    memset(&flow->vlans[FLOW_MAX_VLAN_HEADERS - 1], 0,
           sizeof flow->vlans[0]);
}

static void
flow_push_vlan(struct flow *flow, struct flow_wildcards *wc, be16 tpid)
{
    if (wc) {
        wc->masks.vlans[0].tci |= htons(VLAN_CFI);
        memmove(&wc->masks.vlans[1], &wc->masks.vlans[0],
                sizeof wc->masks.vlans - sizeof wc->masks.vlans[0]);
        memset(&wc->masks.vlans[0], 0, sizeof wc->masks.vlans[0]);
    }
    memmove(&flow->vlans[1], &flow->vlans[0],
            sizeof flow->vlans - sizeof flow->vlans[0]);
    flow->vlans[0].tpid = tpid;
    flow->vlans[0].tci = htons(VLAN_CFI);
}

static void
do_xlate_actions(const struct ofpact *ofpacts, size_t n,
                 struct xlate_ctx *ctx, bool is_last_action)
{
    struct flow_wildcards *wc = ctx->wc;
    struct flow *flow = ctx->flow;

    if (!n) {
        xlate_report(ctx, OFT_ACTION, "drop");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ofpact *a = &ofpacts[i];
        bool last = is_last_action && i == n - 1;
        bool stop;

        if (ctx->error || ctx->exit) {
            break;
        }
        xlate_report_action(ctx, a);

        switch (a->type) {
        case OFPACT_OUTPUT:
            xlate_output_action(ctx, a->output.port, a->output.max_len);
            break;
        case OFPACT_OUTPUT_REG:
            xlate_output_reg(ctx, &a->output_reg);
            break;
        case OFPACT_CONTROLLER:
            xlate_controller_action(ctx, &a->controller);
            break;
        case OFPACT_RESUBMIT: {
            uint32_t in_port = a->resubmit.in_port;
            uint8_t table_id = a->resubmit.table_id;

            if (in_port == OFPP_IN_PORT) {
                in_port = flow->in_port;
            }
            if (table_id == 255) {
                table_id = ctx->table_id;
            }
            xlate_table_action(ctx, in_port, table_id,
                               a->resubmit.with_ct_orig, last);
            break;
        }
        case OFPACT_GOTO_TABLE:
            xlate_table_action(ctx, flow->in_port, a->goto_table, false,
                               last);
            break;
        case OFPACT_SET_VLAN_VID:
            xlate_set_vlan_vid(ctx, &a->vlan);
            break;
        case OFPACT_SET_VLAN_PCP:
            xlate_set_vlan_pcp(ctx, &a->vlan);
            break;
        case OFPACT_STRIP_VLAN:
            flow_pop_vlan(flow, wc);
            break;
        case OFPACT_PUSH_VLAN:
            flow_push_vlan(flow, wc, htons(a->push_vlan_tpid));
            break;
        case OFPACT_SET_ETH_SRC:
            memset(&wc->masks.dl_src, 0xff, sizeof wc->masks.dl_src);
            flow->dl_src = a->mac;
            break;
        case OFPACT_SET_ETH_DST:
            memset(&wc->masks.dl_dst, 0xff, sizeof wc->masks.dl_dst);
            flow->dl_dst = a->mac;
            break;
        case OFPACT_SET_IPV4_SRC:
            if (flow->dl_type == htons(ETH_TYPE_IP)) {
                wc->masks.nw_src = UINT32_MAX;
                flow->nw_src = a->ipv4;
            }
            break;
        case OFPACT_SET_IPV4_DST:
            if (flow->dl_type == htons(ETH_TYPE_IP)) {
                wc->masks.nw_dst = UINT32_MAX;
                flow->nw_dst = a->ipv4;
            }
            break;
        case OFPACT_SET_IP_DSCP:
            if (is_ip_any(flow)) {
                wc->masks.nw_tos |= IP_DSCP_MASK;
                flow->nw_tos &= ~IP_DSCP_MASK;
                flow->nw_tos |= a->dscp & IP_DSCP_MASK;
            }
            break;
        case OFPACT_SET_L4_SRC:
            if (is_ip_any(flow) && !(flow->nw_frag & FLOW_NW_FRAG_LATER)) {
                wc->masks.nw_proto = 0xff;
                wc->masks.tp_src = UINT16_MAX;
                flow->tp_src = htons(a->l4_port);
            }
            break;
        case OFPACT_SET_L4_DST:
            if (is_ip_any(flow) && !(flow->nw_frag & FLOW_NW_FRAG_LATER)) {
                wc->masks.nw_proto = 0xff;
                wc->masks.tp_dst = UINT16_MAX;
                flow->tp_dst = htons(a->l4_port);
            }
            break;
        case OFPACT_DEC_TTL:
            xlate_dec_ttl(ctx, &stop);
            if (stop) {
                return;
            }
            break;
        case OFPACT_SET_TUNNEL:
            flow->tunnel.tun_id = htonll(a->tunnel.tun_id);
            break;
        case OFPACT_SET_FIELD:
            xlate_set_field(ctx, &a->set_field);
            break;
        case OFPACT_REG_MOVE:
            xlate_reg_move(ctx, &a->move);
            break;
        case OFPACT_CT:
            compose_conntrack_action(ctx, &a->ct, last);
            break;
        case OFPACT_CT_CLEAR:
            /* As OVS 3.x: the datapath action is needed only when the
             * packet may carry conntrack state. */
            if (ctx->conntracked) {
                odp_actions_put(ctx->odp, ODP_ACTION_CT_CLEAR);
            }
            clear_conntrack(ctx);
            break;
        case OFPACT_LEARN:
            xlate_learn_action(ctx, &a->learn);
            break;
        case OFPACT_CONJUNCTION:
            xlate_report_error(ctx, "executing no-op conjunction action");
            break;
        case OFPACT_NOTE:
            break;
        case OFPACT_EXIT:
            ctx->exit = true;
            break;
        }
    }
}

/* Entry points. */

void
xlate_in_init(struct xlate_in *xin, struct ofproto *ofproto,
              const struct flow *flow)
{
    memset(xin, 0, sizeof *xin);
    xin->ofproto = ofproto;
    xin->flow = *flow;
    xin->flow.actset_output = OFPP_UNSET;
}

static void
xlate_wc_init(struct xlate_ctx *ctx)
{
    struct flow_wildcards *wc = ctx->wc;
    const struct flow *flow = ctx->flow;

    flow_wildcards_init_catchall(wc);
    wc->masks.in_port = UINT32_MAX;
    wc->masks.dl_type = UINT16_MAX;
    if (is_ip_any(flow)) {
        wc->masks.nw_frag |= FLOW_NW_FRAG_MASK;
    }
    wc->masks.recirc_id = UINT32_MAX;
    if (flow->tunnel.ip_dst) {
        wc->masks.tunnel.tun_id = UINT64_MAX;
        wc->masks.tunnel.ip_src = UINT32_MAX;
        wc->masks.tunnel.ip_dst = UINT32_MAX;
        wc->masks.tunnel.flags = FLOW_TNL_F_DONT_FRAGMENT | FLOW_TNL_F_CSUM
                                 | FLOW_TNL_F_KEY;
        wc->masks.tunnel.ip_tos = UINT8_MAX;
        if (is_ip_any(flow)
            && (flow->tunnel.ip_tos & IP_ECN_MASK) == IP_ECN_CE) {
            wc->masks.nw_tos |= IP_ECN_MASK;
        }
    }
}

static void
xlate_wc_finish(struct xlate_ctx *ctx)
{
    struct flow_wildcards *wc = ctx->wc;
    const struct flow *flow = &ctx->xin->flow;

    /* Metadata and registers are not packet fields: never part of a
     * megaflow. */
    wc->masks.metadata = 0;
    memset(wc->masks.regs, 0, sizeof wc->masks.regs);
    wc->masks.actset_output = 0;
    wc->masks.conj_id = 0;

    if (is_ip_any(flow)
        && (flow->nw_proto == IPPROTO_ICMP_
            || flow->nw_proto == IPPROTO_ICMPV6_)) {
        wc->masks.tp_src &= htons(UINT8_MAX);
        wc->masks.tp_dst &= htons(UINT8_MAX);
    }
    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        if (wc->masks.vlans[i].tci) {
            wc->masks.vlans[i].tci |= htons(VLAN_CFI);
        }
    }
    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        wc->masks.tp_src = 0;
        wc->masks.tp_dst = 0;
    }
}

/* Decapsulation ECN handling (RFC 6040): an outer CE on an inner packet
 * that is not ECN capable must be dropped; otherwise CE propagates. */
static bool
tnl_process_ecn(struct xlate_ctx *ctx)
{
    struct flow *flow = ctx->flow;

    if (!flow->tunnel.ip_dst
        || (flow->tunnel.ip_tos & IP_ECN_MASK) != IP_ECN_CE) {
        return true;
    }
    if (is_ip_any(flow)) {
        if (!(flow->nw_tos & IP_ECN_MASK)) {
            COVERAGE_INC(xlate_tunnel_ecn_drop);
            xlate_report(ctx, OFT_WARN, "dropping tunnel packet marked ECN "
                         "CE but is not ECN capable");
            return false;
        }
        flow->nw_tos |= IP_ECN_CE;
    }
    return true;
}

enum xlate_error
xlate_actions(struct xlate_in *xin, struct xlate_out *xout)
{
    struct xlate_ctx ctx;
    struct flow *flow = &xin->flow;
    const struct frozen_state *state = NULL;
    const struct ofpact *ofpacts = NULL;
    size_t n_ofpacts = 0;
    struct rule *rule = NULL;

    memset(xout, 0, sizeof *xout);
    odp_actions_init(&xout->odp_actions);
    memset(&ctx, 0, sizeof ctx);
    ctx.xin = xin;
    ctx.xout = xout;
    ctx.ofproto = xin->ofproto;
    ctx.flow = flow;
    ctx.base_flow = *flow;
    ctx.wc = &xout->wc;
    ctx.odp = &xout->odp_actions;
    ctx.trace = xin->trace;
    ctx.orig_tunnel_ip_dst = flow->tunnel.ip_dst;
    memset(&ctx.base_flow.tunnel, 0, sizeof ctx.base_flow.tunnel);
    COVERAGE_INC(xlate_actions);

    if (flow->recirc_id) {
        state = recirc_id_find(flow->recirc_id);
        if (state) {
            ctx.ofproto = ofproto_lookup(state->bridge);
        }
    }
    xlate_wc_init(&ctx);
    if (!ctx.ofproto) {
        ctx.error = XLATE_BRIDGE_NOT_FOUND;
        goto exit;
    }

    /* As OVS does, the bridge header names the bridge translation was
     * asked to start on, even when a frozen state resumes elsewhere. */
    ctx.trace = xlate_report(&ctx, OFT_BRIDGE, "bridge(\"%s\")",
                             ofproto_name(xin->ofproto ? xin->ofproto
                                                       : ctx.ofproto));
    if (state) {
        struct ovs_list *old_trace = ctx.trace;

        ctx.trace = xlate_report(&ctx, OFT_THAW, "thaw");
        ctx.table_id = state->table_id;
        xlate_report(&ctx, OFT_THAW, "Resuming from table %"PRIu8,
                     ctx.table_id);
        ctx.conntracked = state->conntracked;
        if (!state->conntracked) {
            clear_conntrack(&ctx);
        }
        frozen_metadata_to_flow(&state->md, flow);
        if (state->ofpacts.n) {
            struct ds s = DS_EMPTY_INITIALIZER;

            ofpacts_format(&state->ofpacts, NULL, &s);
            xlate_report(&ctx, OFT_THAW, "Restoring actions: %s",
                         ds_cstr(&s));
            ds_destroy(&s);
            ofpacts = state->ofpacts.acts;
            n_ofpacts = state->ofpacts.n;
        }
        ctx.trace = old_trace;
    } else if (flow->recirc_id) {
        xlate_report_error(&ctx, "Recirculation context not found for ID "
                           "%"PRIx32, flow->recirc_id);
        ctx.error = XLATE_NO_RECIRCULATION_CONTEXT;
        goto exit;
    }

    if (xin->ofpacts) {
        ofpacts = xin->ofpacts->acts;
        n_ofpacts = xin->ofpacts->n;
    } else if (!n_ofpacts) {
        rule = ofproto_rule_lookup(ctx.ofproto, ctx.table_id, flow, ctx.wc);
        xlate_rule_hit(&ctx, rule);
        xlate_report_table(&ctx, rule, ctx.table_id);
        ctx.rule = rule;
        if (rule) {
            ofpacts = rule->ofpacts.acts;
            n_ofpacts = rule->ofpacts.n;
        }
        ctx.resubmits++;
    }

    if (tnl_process_ecn(&ctx)) {
        do_xlate_actions(ofpacts, n_ofpacts, &ctx, true);
    }
    if (ctx.error) {
        goto exit;
    }
    xlate_wc_finish(&ctx);

exit:
    xout->final_flow = *flow;
    xout->error = ctx.error;
    if (ctx.error) {
        COVERAGE_INC(xlate_error);
        odp_actions_clear(&xout->odp_actions);
    }
    return ctx.error;
}

void
xlate_out_uninit(struct xlate_out *xout)
{
    if (!xout) {
        return;
    }
    odp_actions_destroy(&xout->odp_actions);
    for (size_t i = 0; i < xout->n_recirc_ids; i++) {
        recirc_id_unref(xout->recirc_ids[i]);
    }
    free(xout->recirc_ids);
    xout->recirc_ids = NULL;
    xout->n_recirc_ids = 0;
}

struct ofproto *
xlate_lookup_ofproto(struct flow *flow, uint32_t tunnel_odp_port,
                     const char **errorp)
{
    struct ofport *port;

    *errorp = NULL;
    if (flow->recirc_id) {
        const struct frozen_state *state = recirc_id_find(flow->recirc_id);

        if (!state) {
            *errorp = "no recirculation context";
            return NULL;
        }
        return ofproto_lookup(state->bridge);
    }
    if (tunnel_odp_port != ODPP_NONE && flow->in_port == tunnel_odp_port) {
        port = ofproto_tunnel_receive(&flow->tunnel);
        if (!port) {
            *errorp = "no OpenFlow tunnel port for this packet";
            return NULL;
        }
    } else {
        port = ofproto_port_by_odp(flow->in_port);
        if (!port) {
            *errorp = "no OpenFlow port for datapath port";
            return NULL;
        }
    }
    flow->in_port = port->ofp_port;
    return port->ofproto;
}
