/*
 * dp-flow.c: the datapath flow table (Open vSwitch's dpif-netdev flow table
 * and the revalidator's work in ofproto-dpif-upcall): megaflow
 * installation, statistics pushed back to the OpenFlow rules, revalidation
 * after the OpenFlow state changes, and dpctl dump-flows / del-flows.
 *
 * A megaflow is installed by the upcall that translated its first packet
 * (dpif.c).  Its packets are counted in dp_flow 'stats' by the packet path;
 * dp_flows_push_stats() credits what was not yet credited to the rules,
 * MAC entries and learned flows that the translation touched (its xlate
 * cache), every DP_PUSH_INTERVAL_MS, before anything reads those
 * statistics (the ofproto stats hook), and before a flow goes away.
 *
 * Idle flows.  Every DP_PUSH_INTERVAL_MS, dp_flows_sweep() deletes the
 * flows no packet has hit for DP_MAX_IDLE_MS (10 s, OVS's max-idle) and
 * pushes the others' statistics, so the table does not fill up with flows
 * of traffic long gone.
 *
 * Revalidation.  Whenever ofproto_seq() changes (a flow-mod, port change,
 * MAC-learning change, learned flow, expiry), every megaflow is translated
 * again from its masked key, without side effects.  It stays only if the
 * new translation gives the same datapath actions and consults no bit
 * outside the megaflow's mask (so the answer holds for every packet the
 * megaflow covers); its xlate cache is replaced by the new one, so later
 * statistics go to the rules that now match.  Otherwise it is deleted and
 * its next packet is translated afresh.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "datapath/dp-key.h"
#include "datapath/dpif-private.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofproto.h"
#include "ofproto/recirc.h"
#include "ofproto/xlate.h"
#include "packet/packets.h"

VLOG_DEFINE_THIS_MODULE(dp_flow);

COVERAGE_DEFINE(dp_flow_install);
COVERAGE_DEFINE(dp_flow_limit_hit);
COVERAGE_DEFINE(dp_flow_del);
COVERAGE_DEFINE(dp_flow_idle);
COVERAGE_DEFINE(dp_revalidate);
COVERAGE_DEFINE(dp_revalidate_kept);
COVERAGE_DEFINE(dp_revalidate_del_actions);
COVERAGE_DEFINE(dp_revalidate_del_mask);
COVERAGE_DEFINE(dp_revalidate_del_no_port);

static void dp_flow_free(struct dpcls_rule *);

static void
dp_flows_stats_hook(void *dp_)
{
    dp_flows_push_stats(dp_);
}

void
dp_flows_init(struct dp *dp)
{
    hmap_init(&dp->flows);
    dpcls_init(&dp->cls);
    emc_init(&dp->emc, EMC_DEFAULT_SHIFT, dp_flow_free);
    dp->max_flows = DP_MAX_FLOWS;
    dp->max_idle = DP_MAX_IDLE_MS;
    dp->flows_seq = ofproto_seq();
    dp->next_push = time_msec() + DP_PUSH_INTERVAL_MS;
    dp->caching = true;
    dp->megaflows = true;
    ofproto_set_stats_hook(dp_flows_stats_hook, dp);
}

void
dp_flows_destroy(struct dp *dp)
{
    ofproto_set_stats_hook(NULL, NULL);
    dp_flows_flush(dp);
    emc_destroy(&dp->emc);
    dpcls_destroy(&dp->cls);
    hmap_destroy(&dp->flows);
}

/* Frees flow F once the last reference to its rule is gone. */
static void
dp_flow_free(struct dpcls_rule *rule)
{
    struct dp_flow *f = dp_flow_from_rule(rule);

    for (size_t i = 0; i < f->n_recirc_ids; i++) {
        recirc_id_unref(f->recirc_ids[i]);
    }
    free(f->recirc_ids);
    xlate_cache_delete(f->xcache);
    odp_actions_destroy(&f->actions);
    free(f);
}

void
dp_megaflow_mask(const struct dp *dp, struct flow_wildcards *wc,
                 const struct flow *key)
{
    uint64_t *w = (uint64_t *) &wc->masks;

    if (!dp->megaflows) {
        /* An exact-match flow: every bit of the key. */
        memset(w, 0xff, sizeof wc->masks);
    }
    /* The pipeline's scratch metadata is not part of a datapath key. */
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (!dp_key_word_is_key(i)) {
            w[i] = 0;
        }
    }
    wc->masks.conj_id = 0;
    wc->masks.in_port = UINT32_MAX;
    wc->masks.recirc_id = UINT32_MAX;
    /* The key's packet layout: without its Ethernet type a megaflow could
     * cover packets that parse differently. */
    wc->masks.dl_type = htons(UINT16_MAX);
    if (key->dl_type == htons(ETH_TYPE_IP)
        || key->dl_type == htons(ETH_TYPE_IPV6)) {
        wc->masks.nw_frag = UINT8_MAX;
    }
}

struct dp_flow *
dp_flow_install(struct dp *dp, const struct flow *key,
                const struct flow_wildcards *mask,
                const struct odp_actions *actions, struct xlate_cache *xcache,
                uint32_t *recirc_ids, size_t n_recirc_ids)
{
    struct dp_flow *f;

    if (hmap_count(&dp->flows) >= dp->max_flows) {
        COVERAGE_INC(dp_flow_limit_hit);
        return NULL;
    }
    COVERAGE_INC(dp_flow_install);
    f = xzalloc(sizeof *f);
    dpcls_rule_init(&f->cr);
    uuid_generate(&f->ufid);
    f->actions = *actions;
    f->xcache = xcache;
    f->recirc_ids = recirc_ids;
    f->n_recirc_ids = n_recirc_ids;
    f->seq = dp->next_flow_seq++;
    f->created = time_msec();
    dpcls_insert(&dp->cls, &f->cr, key, mask);
    hmap_insert(&dp->flows, &f->node, uuid_hash(&f->ufid));
    return f;
}

/* Credits F's statistics not yet pushed to what its translation touched. */
static void
dp_flow_push_stats(struct dp_flow *f)
{
    uint64_t n_packets = f->stats.n_packets - f->pushed_packets;
    uint64_t n_bytes = f->stats.n_bytes - f->pushed_bytes;

    if (n_packets && f->xcache) {
        xlate_cache_push(f->xcache, n_packets, n_bytes, f->stats.used);
    }
    f->pushed_packets = f->stats.n_packets;
    f->pushed_bytes = f->stats.n_bytes;
}

void
dp_flows_push_stats(struct dp *dp)
{
    struct dp_flow *f;

    HMAP_FOR_EACH (f, node, &dp->flows) {
        dp_flow_push_stats(f);
    }
    dp->next_push = time_msec() + DP_PUSH_INTERVAL_MS;
}

/* Deletes F after pushing its statistics.  Its memory lives until the
 * exact-match cache lets go of it. */
static void
dp_flow_del(struct dp *dp, struct dp_flow *f)
{
    COVERAGE_INC(dp_flow_del);
    dp_flow_push_stats(f);
    dpcls_remove(&dp->cls, &f->cr);
    hmap_remove(&dp->flows, &f->node);
    if (dpcls_rule_unref(&f->cr)) {
        dp_flow_free(&f->cr);
    }
}

void
dp_flows_sweep(struct dp *dp, long long int now)
{
    struct dp_flow *f, *next;

    HMAP_FOR_EACH_SAFE (f, next, node, &dp->flows) {
        long long int last = MAX(f->stats.used, f->created);

        if (now - last >= dp->max_idle) {
            COVERAGE_INC(dp_flow_idle);
            dp_flow_del(dp, f);
        } else {
            dp_flow_push_stats(f);
        }
    }
    dp->next_push = now + DP_PUSH_INTERVAL_MS;
}

void
dp_set_max_idle(struct dp *dp, long long int max_idle_ms)
{
    dp->max_idle = max_idle_ms;
}

void
dp_flows_flush(struct dp *dp)
{
    struct dp_flow *f, *next;

    HMAP_FOR_EACH_SAFE (f, next, node, &dp->flows) {
        dp_flow_del(dp, f);
    }
    emc_flush(&dp->emc);
}

void
dp_set_megaflows(struct dp *dp, bool megaflows)
{
    if (dp->megaflows != megaflows) {
        dp->megaflows = megaflows;
        dp_flows_flush(dp);
    }
}

size_t
dp_n_flows(const struct dp *dp)
{
    return hmap_count(&dp->flows);
}

/* Returns true if MASK has no bit outside OLD. */
static bool
mask_within(const struct flow_wildcards *mask,
            const struct flow_wildcards *old)
{
    const uint64_t *m = (const uint64_t *) &mask->masks;
    const uint64_t *o = (const uint64_t *) &old->masks;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (m[i] & ~o[i]) {
            return false;
        }
    }
    return true;
}

/* Translates F's masked key again.  Returns true, with F's xlate cache
 * and recirculation ids replaced, if F still holds; false if it must
 * go. */
static bool
dp_flow_revalidate(struct dp *dp, struct dp_flow *f)
{
    struct flow_wildcards mask;
    struct xlate_out xout;
    struct xlate_in xin;
    struct ofproto *ofproto;
    const char *why;
    struct flow key;
    bool keep;

    dpcls_rule_get_key(&f->cr, &key, &mask);
    ofproto = xlate_lookup_ofproto(&key, dp->tunnel_port, &why);
    if (!ofproto) {
        COVERAGE_INC(dp_revalidate_del_no_port);
        return false;
    }
    xlate_in_init(&xin, ofproto, &key);
    xin.xcache = xlate_cache_new();
    xlate_actions(&xin, &xout);
    dp_megaflow_mask(dp, &xout.wc, &key);
    if (!odp_actions_equal(&xout.odp_actions, &f->actions)) {
        COVERAGE_INC(dp_revalidate_del_actions);
        keep = false;
    } else if (!mask_within(&xout.wc, &mask)) {
        COVERAGE_INC(dp_revalidate_del_mask);
        keep = false;
    } else {
        COVERAGE_INC(dp_revalidate_kept);
        keep = true;
    }
    if (keep) {
        uint32_t *ids = f->recirc_ids;
        size_t n_ids = f->n_recirc_ids;

        xlate_cache_delete(f->xcache);
        f->xcache = xin.xcache;
        f->recirc_ids = xout.recirc_ids;
        f->n_recirc_ids = xout.n_recirc_ids;
        xout.recirc_ids = ids;
        xout.n_recirc_ids = n_ids;
    } else {
        xlate_cache_delete(xin.xcache);
    }
    xlate_out_uninit(&xout);
    return keep;
}

void
dp_flows_revalidate(struct dp *dp)
{
    struct dp_flow *f, *next;

    /* Revalidating can change the OpenFlow state (pushed statistics
     * refresh MAC entries and learned flows); what changes after this
     * point is seen next time. */
    dp->flows_seq = ofproto_seq();
    COVERAGE_INC(dp_revalidate);
    HMAP_FOR_EACH_SAFE (f, next, node, &dp->flows) {
        dp_flow_push_stats(f);
    }
    HMAP_FOR_EACH_SAFE (f, next, node, &dp->flows) {
        if (!dp_flow_revalidate(dp, f)) {
            dp_flow_del(dp, f);
        }
    }
}

void
dp_flow_check_hit(struct dp *dp, const struct flow *key,
                  const struct dp_flow *f)
{
    struct xlate_out xout;
    struct xlate_in xin;
    struct ofproto *ofproto;
    const char *why;
    struct flow flow = *key;

    ofproto = xlate_lookup_ofproto(&flow, dp->tunnel_port, &why);
    if (ofproto) {
        xlate_in_init(&xin, ofproto, &flow);
        xlate_actions(&xin, &xout);
    }
    if (!ofproto || !odp_actions_equal(&xout.odp_actions, &f->actions)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        struct ds s = DS_EMPTY_INITIALIZER;

        dp->n_check_mismatch++;
        odp_flow_format(key, NULL, &s);
        ds_put_cstr(&s, ": cached ");
        odp_actions_format(&f->actions, &s);
        if (ofproto) {
            ds_put_cstr(&s, ", translation ");
            odp_actions_format(&xout.odp_actions, &s);
        } else {
            ds_put_format(&s, ", translation failed: %s", why);
        }
        VLOG_ERR_RL(&rl, "cache mismatch: %s", ds_cstr(&s));
        ds_destroy(&s);
    }
    if (ofproto) {
        xlate_out_uninit(&xout);
    }
}

/* Dumping. */

static void
format_tcp_flags(struct ds *s, uint16_t flags)
{
    /* OVS's packet_tcp_flag_to_string() names, lowest bit first. */
    static const char *const names[] = {
        "F", "S", "R", "P", ".", "U", "E", "C", "N",
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (flags & (1u << i)) {
            ds_put_cstr(s, names[i]);
        }
    }
}

static int
compare_flows(const void *a_, const void *b_)
{
    const struct dp_flow *const *a = a_;
    const struct dp_flow *const *b = b_;

    return ((*a)->seq > (*b)->seq) - ((*a)->seq < (*b)->seq);
}

void
dp_format_flows(const struct dp *dp, const struct dp_dump_options *opt,
                struct ds *s)
{
    long long int now = time_msec();
    size_t n = hmap_count(&dp->flows), i = 0;
    struct dp_flow **v = xcalloc(n ? n : 1, sizeof *v);
    struct dp_flow *f;

    HMAP_FOR_EACH (f, node, &dp->flows) {
        v[i++] = f;
    }
    /* Oldest first, as the order flows appeared in. */
    qsort(v, n, sizeof *v, compare_flows);
    for (i = 0; i < n; i++) {
        struct flow_wildcards mask;
        struct flow key;

        f = v[i];
        dpcls_rule_get_key(&f->cr, &key, &mask);
        if (opt->verbose) {
            ds_put_cstr(s, "ufid:");
            uuid_format(s, &f->ufid);
            ds_put_cstr(s, ", ");
        }
        odp_flow_format(&key, &mask, s);
        ds_put_format(s, ", packets:%"PRIu64", bytes:%"PRIu64", used:",
                      f->stats.n_packets, f->stats.n_bytes);
        if (f->stats.used) {
            ds_put_format(s, "%.3fs",
                          (double) MAX(0, now - f->stats.used) / 1000.0);
        } else {
            ds_put_cstr(s, "never");
        }
        if (f->stats.tcp_flags) {
            ds_put_cstr(s, ", flags:");
            format_tcp_flags(s, f->stats.tcp_flags);
        }
        ds_put_cstr(s, ", actions:");
        odp_actions_format(&f->actions, s);
        ds_put_char(s, '\n');
    }
    free(v);
}
