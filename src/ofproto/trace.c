/* trace.c: ofproto/trace.  See trace.h. */
#include "ofproto/trace.h"

#include <inttypes.h>

#include "flow/flow-format.h"
#include "flow/match.h"
#include "flow/odp.h"
#include "flow/ofp-parse.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/recirc.h"
#include "ofproto/xlate.h"

/* Most recirculations one trace follows, as OVS. */
#define TRACE_MAX_RECIRCULATIONS 4096

static bool
node_type_is_terminal(enum oftrace_node_type type)
{
    switch (type) {
    case OFT_ACTION:
    case OFT_DETAIL:
    case OFT_WARN:
    case OFT_ERROR:
        return true;
    case OFT_BRIDGE:
    case OFT_TABLE:
    case OFT_THAW:
        return false;
    }
    return true;
}

static void
print_nodes(struct ds *output, const struct ovs_list *nodes, int level)
{
    const struct oftrace_node *sub;

    LIST_FOR_EACH (sub, node, nodes) {
        bool more;

        if (sub->type == OFT_BRIDGE) {
            ds_put_char(output, '\n');
        }
        more = sub->node.next != nodes || node_type_is_terminal(sub->type);
        ds_put_char_multiple(output, ' ', (size_t) (level + more) * 4);
        switch (sub->type) {
        case OFT_DETAIL:
            ds_put_format(output, " -> %s\n", sub->text);
            break;
        case OFT_WARN:
            ds_put_format(output, " >> %s\n", sub->text);
            break;
        case OFT_ERROR:
            ds_put_format(output, " >>>> %s <<<<\n", sub->text);
            break;
        case OFT_BRIDGE:
            ds_put_format(output, "%s\n", sub->text);
            ds_put_char_multiple(output, ' ', (size_t) (level + more) * 4);
            ds_put_char_multiple(output, '-', strlen(sub->text));
            ds_put_char(output, '\n');
            break;
        case OFT_TABLE:
        case OFT_THAW:
        case OFT_ACTION:
            ds_put_format(output, "%s\n", sub->text);
            break;
        }
        print_nodes(output, &sub->subs, level + more + more);
    }
}

static void
format_ct_state_pipes(struct ds *s, uint32_t state)
{
    static const char *const names[] = {
        "new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat",
    };
    bool first = true;

    for (int i = 0; i < 8; i++) {
        if (state & (1u << i)) {
            ds_put_format(s, "%s%s", first ? "" : "|", names[i]);
            first = false;
        }
    }
    if (first) {
        ds_put_char(s, '0');
    }
}

static void
trace_one(struct ofproto *ofproto, const struct flow *flow,
          const struct ofpacts *ofpacts, bool generate,
          struct ovs_list *recirc_queue, struct ds *output)
{
    struct ovs_list trace = OVS_LIST_INITIALIZER(&trace);
    struct xlate_in xin;
    struct xlate_out xout;
    struct flow initial;
    struct match megaflow;

    xlate_in_init(&xin, ofproto, flow);
    xin.ofpacts = ofpacts;
    xin.allow_side_effects = generate;
    xin.n_packets = generate ? 1 : 0;
    xin.trace = &trace;
    xin.recirc_queue = recirc_queue;
    initial = xin.flow;

    ds_put_cstr(output, "Flow: ");
    flow_format(output, &initial, NULL);
    ds_put_char(output, '\n');

    xlate_actions(&xin, &xout);
    print_nodes(output, &trace, 0);

    ds_put_cstr(output, "\nFinal flow: ");
    if (flow_equal(&initial, &xout.final_flow)) {
        ds_put_cstr(output, "unchanged");
    } else {
        flow_format(output, &xout.final_flow, NULL);
    }
    ds_put_char(output, '\n');

    ds_put_cstr(output, "Megaflow: ");
    megaflow.flow = initial;
    megaflow.wc = xout.wc;
    if (!(initial.vlans[0].tci & htons(VLAN_CFI))) {
        /* As OVS prints it: for an untagged packet the absence of a VLAN
         * is implied by the exact Ethernet type, so the VLAN mask (which
         * the cache does use) is not shown. */
        memset(megaflow.wc.masks.vlans, 0, sizeof megaflow.wc.masks.vlans);
    }
    match_normalize(&megaflow);
    match_format(&megaflow, NULL, OFP_DEFAULT_PRIORITY, output);
    ds_put_char(output, '\n');

    ds_put_cstr(output, "Datapath actions: ");
    odp_actions_format(&xout.odp_actions, output);
    if (xout.error != XLATE_OK) {
        ds_put_format(output, "\nTranslation failed (%s), packet is "
                      "dropped.\n", xlate_strerror(xout.error));
    }
    xlate_out_uninit(&xout);
    oftrace_node_list_destroy(&trace);
}

void
ofproto_trace(struct ofproto *ofproto, const struct flow *flow,
              const struct ofpacts *ofpacts, bool generate,
              const uint32_t *next_ct_states, size_t n_ct_states,
              struct ds *output)
{
    struct ovs_list queue = OVS_LIST_INITIALIZER(&queue);
    struct oftrace_recirc_node *node, *next;
    size_t ct_idx = 0;
    int recirculations = 0;

    trace_one(ofproto, flow, ofpacts, generate, &queue, output);
    while (!ovs_list_is_empty(&queue)) {
        node = CONTAINER_OF(ovs_list_pop_front(&queue),
                            struct oftrace_recirc_node, node);
        if (recirculations++ > TRACE_MAX_RECIRCULATIONS) {
            ds_put_cstr(output, "\n\n");
            ds_put_char_multiple(output, '=', 79);
            ds_put_cstr(output, "\nTrace reached the recirculation limit."
                        "  Sopping the trace here.");
            ds_put_format(output, "\nQueued but not processed: %zu "
                          "recirculations.", ovs_list_size(&queue) + 1);
            recirc_id_unref(node->recirc_id);
            free(node);
            break;
        }

        ds_put_cstr(output, "\n\n");
        ds_put_char_multiple(output, '=', 79);
        ds_put_format(output, "\nrecirc(%#"PRIx32")", node->recirc_id);
        if (node->conntrack) {
            uint32_t state;

            if (ct_idx >= n_ct_states) {
                state = CS_TRACKED | CS_NEW;
                ds_put_cstr(output, " - resume conntrack with default "
                            "ct_state=trk|new (use --ct-next to customize)");
            } else {
                state = next_ct_states[ct_idx++];
                ds_put_cstr(output, " - resume conntrack with ct_state=");
                format_ct_state_pipes(output, state);
            }
            node->flow.ct_state = state;
        }
        ds_put_char(output, '\n');
        ds_put_char_multiple(output, '=', 79);
        ds_put_cstr(output, "\n\n");

        trace_one(ofproto, &node->flow, NULL, generate, &queue, output);
        recirc_id_unref(node->recirc_id);
        free(node);
    }
    LIST_FOR_EACH_SAFE (node, next, node, &queue) {
        ovs_list_remove(&node->node);
        recirc_id_unref(node->recirc_id);
        free(node);
    }
}

char *
ofproto_parse_ct_state(const char *s_, uint32_t *statep)
{
    static const char *const names[] = {
        "new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat",
    };
    char *s = xstrdup(s_), *save = NULL, *tok;
    uint32_t state = 0;

    for (tok = strtok_r(s, ",|", &save); tok;
         tok = strtok_r(NULL, ",|", &save)) {
        bool found = false;

        while (*tok == '+') {
            tok++;
        }
        for (int i = 0; i < 8; i++) {
            if (!strcmp(tok, names[i])) {
                state |= 1u << i;
                found = true;
            }
        }
        if (!found) {
            char *error = xasprintf("%s: unknown connection tracking state "
                                    "flag", tok);
            free(s);
            return error;
        }
    }
    free(s);
    if (state && !(state & CS_TRACKED)) {
        return xasprintf("%s: invalid ct_state: flags other than trk need "
                         "trk", s_);
    }
    if ((state & CS_NEW) && (state & CS_ESTABLISHED)) {
        return xasprintf("%s: invalid ct_state: new and est are mutually "
                         "exclusive", s_);
    }
    if ((state & CS_INVALID) && (state & ~(CS_INVALID | CS_TRACKED))) {
        return xasprintf("%s: invalid ct_state: inv excludes other flags",
                         s_);
    }
    *statep = state;
    return NULL;
}

char *
ofproto_trace_command(int argc, const char *argv[], struct ds *output)
{
    const char *args[3];
    int n_args = 0;
    uint32_t *ct_states = NULL;
    size_t n_ct_states = 0;
    bool generate = false;
    struct ofproto *ofproto;
    struct flow flow;
    char *error = NULL;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (!strcmp(arg, "-generate") || !strcmp(arg, "--generate")) {
            generate = true;
        } else if (!strcmp(arg, "--ct-next")) {
            uint32_t state;

            if (i + 1 >= argc) {
                error = xasprintf("Missing argument for option %s", arg);
                goto out;
            }
            error = ofproto_parse_ct_state(argv[++i], &state);
            if (error) {
                goto out;
            }
            ct_states = xrealloc(ct_states,
                                 (n_ct_states + 1) * sizeof *ct_states);
            ct_states[n_ct_states++] = state;
        } else if (arg[0] == '-' && arg[1]) {
            error = xasprintf("%s: unknown option", arg);
            goto out;
        } else if (n_args >= (int) ARRAY_SIZE(args)) {
            error = xstrdup("too many arguments");
            goto out;
        } else {
            args[n_args++] = arg;
        }
    }

    memset(&flow, 0, sizeof flow);
    if (n_args == 2 && (!strcmp(args[0], "ovs-system")
                        || !strcmp(args[0], "system@ovs-system"))) {
        /* "DP_NAME ODP_FLOW": our only datapath. */
        args[0] = args[1];
        n_args = 1;
    }
    if (n_args == 1) {
        /* A datapath flow: in_port(N) names a datapath port. */
        const char *why;

        error = odp_flow_parse(args[0], &flow, NULL);
        if (error) {
            char *e = xasprintf("%s (or the bridge name was omitted)", error);

            free(error);
            error = e;
            goto out;
        }
        ofproto = xlate_lookup_ofproto(&flow, ODPP_NONE, &why);
        if (!ofproto) {
            error = xasprintf("%s", why);
            goto out;
        }
    } else if (n_args == 2) {
        ofproto = ofproto_lookup(args[0]);
        if (!ofproto) {
            error = xasprintf("%s: unknown bridge", args[0]);
            goto out;
        }
        error = ofp_parse_exact_flow(args[1], ofproto_port_map(ofproto),
                                     &flow);
        if (error) {
            char *e = xasprintf("Bad openflow flow syntax: %s", error);

            free(error);
            error = e;
            goto out;
        }
    } else {
        error = xstrdup("Syntax error");
        goto out;
    }

    ofproto_trace(ofproto, &flow, NULL, generate, ct_states, n_ct_states,
                  output);

out:
    free(ct_states);
    return error;
}
