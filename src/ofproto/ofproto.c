/* ofproto.c: bridges, ports and flow tables.  See ofproto.h. */
#include "ofproto/ofproto.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>

#include "flow/match.h"
#include "flow/meta-field.h"
#include "flow/odp.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/timeval.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofproto-private.h"

VLOG_DEFINE_THIS_MODULE(ofproto);

COVERAGE_DEFINE(ofproto_flow_add);
COVERAGE_DEFINE(ofproto_flow_modify);
COVERAGE_DEFINE(ofproto_flow_delete);
COVERAGE_DEFINE(ofproto_flow_expired);
COVERAGE_DEFINE(ofproto_flow_mod_error);
COVERAGE_DEFINE(ofproto_table_full);
COVERAGE_DEFINE(ofproto_learn_refresh);

/* Most rules one table may hold (OVS flow_limit); an add beyond this
 * fails with a table-full error rather than dropping silently. */
#define OFTABLE_MAX_FLOWS 2000000

static struct hmap all_ofprotos = HMAP_INITIALIZER(&all_ofprotos);
static struct hmap all_odp_ports = HMAP_INITIALIZER(&all_odp_ports);
static uint64_t global_seq = 1;

static void ofproto_rule_remove(struct ofproto *, struct rule *);
static void free_dead_rules(size_t max);

uint64_t
ofproto_seq(void)
{
    return global_seq;
}

void
ofproto_seq_change(void)
{
    global_seq++;
}

static void (*stats_hook)(void *aux);
static void *stats_hook_aux;

void
ofproto_set_stats_hook(void (*cb)(void *aux), void *aux)
{
    stats_hook = cb;
    stats_hook_aux = aux;
}

void
ofproto_push_stats(void)
{
    if (stats_hook) {
        stats_hook(stats_hook_aux);
    }
}

/* Bridges. */

struct ofproto *
ofproto_lookup(const char *name)
{
    struct ofproto *ofproto;

    HMAP_FOR_EACH_WITH_HASH (ofproto, hmap_node, hash_string(name, 0),
                             &all_ofprotos) {
        if (!strcmp(ofproto->name, name)) {
            return ofproto;
        }
    }
    return NULL;
}

static int
compare_ofproto_names(const void *a_, const void *b_)
{
    struct ofproto *const *a = a_;
    struct ofproto *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

void
ofproto_for_each(void (*cb)(struct ofproto *, void *aux), void *aux)
{
    size_t n = hmap_count(&all_ofprotos), i = 0;
    struct ofproto **v = xcalloc(n ? n : 1, sizeof *v);
    struct ofproto *ofproto;

    HMAP_FOR_EACH (ofproto, hmap_node, &all_ofprotos) {
        v[i++] = ofproto;
    }
    qsort(v, n, sizeof *v, compare_ofproto_names);
    for (i = 0; i < n; i++) {
        cb(v[i], aux);
    }
    free(v);
}

struct ofproto *
ofproto_create(const char *name)
{
    struct ofproto *ofproto = xzalloc(sizeof *ofproto);

    vx_assert(!ofproto_lookup(name));
    ofproto->name = xstrdup(name);
    ofproto->datapath_id = hash_string(name, 0x5eed)
                           | ((uint64_t) hash_string(name, 7) << 32);
    ofproto->datapath_id &= UINT64_C(0x0000ffffffffffff);
    hmap_init(&ofproto->ports);
    hmap_init(&ofproto->ports_by_name);
    ofp_port_map_init(&ofproto->port_map);
    for (int i = 0; i < OFP_N_TABLES; i++) {
        classifier_init(&ofproto->tables[i].cls);
    }
    ofproto->tables_version = CLS_MIN_VERSION + 1;
    ovs_list_init(&ofproto->expirable);
    ofproto->next_expiry = LLONG_MAX;
    mac_learning_init(&ofproto->ml, MAC_DEFAULT_IDLE_SECS, MAC_DEFAULT_MAX);
    hmap_insert(&all_ofprotos, &ofproto->hmap_node, hash_string(name, 0));

    /* A new bridge is standalone until told otherwise, with OVS's default
     * NORMAL flow. */
    ofproto->fail_mode = OFPROTO_FAIL_SECURE;
    ofproto_set_fail_mode(ofproto, OFPROTO_FAIL_STANDALONE);
    ofproto_seq_change();
    return ofproto;
}

static void
ofport_destroy(struct ofproto *ofproto, struct ofport *port)
{
    hmap_remove(&ofproto->ports, &port->hmap_node);
    hmap_remove(&ofproto->ports_by_name, &port->name_node);
    if (port->odp_port != ODPP_NONE) {
        hmap_remove(&all_odp_ports, &port->odp_node);
    }
    mac_learning_flush_port(&ofproto->ml, port->ofp_port);
    free(port->name);
    free(port->type);
    free(port->peer);
    free(port->trunks);
    free(port);
}

static void
rebuild_port_map(struct ofproto *ofproto)
{
    struct ofport *port;

    ofp_port_map_destroy(&ofproto->port_map);
    ofp_port_map_init(&ofproto->port_map);
    HMAP_FOR_EACH (port, hmap_node, &ofproto->ports) {
        ofp_port_map_put(&ofproto->port_map, port->ofp_port, port->name);
    }
}

void
ofproto_destroy(struct ofproto *ofproto)
{
    struct ofport *port, *next_port;

    if (!ofproto) {
        return;
    }
    for (int i = 0; i < OFP_N_TABLES; i++) {
        struct classifier *cls = &ofproto->tables[i].cls;
        struct cls_cursor cursor = cls_cursor_start(cls, NULL,
                                                    CLS_MAX_VERSION - 1);
        struct cls_rule *cr;

        while ((cr = cls_cursor_next(&cursor))) {
            ofproto_rule_remove(ofproto, CONTAINER_OF(cr, struct rule, cr));
        }
        classifier_destroy(cls);
    }
    free_dead_rules(SIZE_MAX);
    HMAP_FOR_EACH_SAFE (port, next_port, hmap_node, &ofproto->ports) {
        ofport_destroy(ofproto, port);
    }
    hmap_destroy(&ofproto->ports);
    hmap_destroy(&ofproto->ports_by_name);
    ofp_port_map_destroy(&ofproto->port_map);
    mac_learning_destroy(&ofproto->ml);
    hmap_remove(&all_ofprotos, &ofproto->hmap_node);
    free(ofproto->name);
    free(ofproto);
    ofproto_seq_change();
}

const char *
ofproto_name(const struct ofproto *ofproto)
{
    return ofproto->name;
}

uint64_t
ofproto_datapath_id(const struct ofproto *ofproto)
{
    return ofproto->datapath_id;
}

void
ofproto_set_datapath_id(struct ofproto *ofproto, uint64_t dpid)
{
    ofproto->datapath_id = dpid;
}

static void
default_normal_flow(struct ofp_flow_mod *fm, enum ofp_flow_mod_command cmd)
{
    memset(fm, 0, sizeof *fm);
    fm->command = cmd;
    match_init_catchall(&fm->match);
    fm->priority = 0;
    fm->table_id = 0;
    fm->out_port = OFPP_ANY;
    fm->new_cookie = UINT64_MAX;
}

void
ofproto_set_fail_mode(struct ofproto *ofproto, enum ofproto_fail_mode mode)
{
    struct ofp_flow_mod fm;
    char *error;

    if (mode == ofproto->fail_mode) {
        return;
    }
    ofproto->fail_mode = mode;
    if (mode == OFPROTO_FAIL_STANDALONE) {
        default_normal_flow(&fm, OFPFC_ADD);
        ofpacts_put(&fm.ofpacts, OFPACT_OUTPUT)->output.port = OFPP_NORMAL;
        fm.has_actions = true;
    } else {
        default_normal_flow(&fm, OFPFC_DELETE_STRICT);
    }
    error = ofproto_flow_mod(ofproto, &fm);
    vx_assert(!error);
    ofpacts_free(&fm.ofpacts);
}

enum ofproto_fail_mode
ofproto_get_fail_mode(const struct ofproto *ofproto)
{
    return ofproto->fail_mode;
}

void
ofproto_set_mac_learning(struct ofproto *ofproto, unsigned int idle_secs,
                         size_t max_entries)
{
    mac_learning_set(&ofproto->ml, idle_secs, max_entries);
    ofproto_seq_change();
}

/* Ports. */

struct ofport *
ofproto_port_by_name(const struct ofproto *ofproto, const char *name)
{
    struct ofport *port;

    HMAP_FOR_EACH_WITH_HASH (port, name_node, hash_string(name, 0),
                             &ofproto->ports_by_name) {
        if (!strcmp(port->name, name)) {
            return port;
        }
    }
    return NULL;
}

struct ofport *
ofproto_port_by_number(const struct ofproto *ofproto, uint32_t ofp_port)
{
    struct ofport *port;

    HMAP_FOR_EACH_WITH_HASH (port, hmap_node, hash_int(ofp_port, 0),
                             &ofproto->ports) {
        if (port->ofp_port == ofp_port) {
            return port;
        }
    }
    return NULL;
}

struct ofport *
ofproto_port_by_odp(uint32_t odp_port)
{
    struct ofport *port;

    HMAP_FOR_EACH_WITH_HASH (port, odp_node, hash_int(odp_port, 0),
                             &all_odp_ports) {
        if (port->odp_port == odp_port && !port->is_tunnel) {
            return port;
        }
    }
    return NULL;
}

struct ofport *
ofproto_find_port_anywhere(const char *name)
{
    struct ofproto *ofproto;

    HMAP_FOR_EACH (ofproto, hmap_node, &all_ofprotos) {
        struct ofport *port = ofproto_port_by_name(ofproto, name);

        if (port) {
            return port;
        }
    }
    return NULL;
}

static bool
tunnel_key_matches(const struct ofproto_tunnel *t, be64 tun_id)
{
    return t->in_key_flow || t->in_key == tun_id;
}

struct ofport *
ofproto_tunnel_receive(const struct flow_tnl *tnl)
{
    struct ofport *best = NULL;
    int best_score = -1;
    struct ofproto *ofproto;

    /* As OVS's tnl_find(): prefer the most specific match, exact remote
     * and local addresses over wildcards. */
    HMAP_FOR_EACH (ofproto, hmap_node, &all_ofprotos) {
        struct ofport *port;

        HMAP_FOR_EACH (port, hmap_node, &ofproto->ports) {
            const struct ofproto_tunnel *t = &port->tnl;
            int score = 0;

            if (!port->is_tunnel || !tunnel_key_matches(t, tnl->tun_id)) {
                continue;
            }
            if (t->remote_ip) {
                if (t->remote_ip != tnl->ip_src) {
                    continue;
                }
                score += 2;
            }
            if (t->local_ip) {
                if (t->local_ip != tnl->ip_dst) {
                    continue;
                }
                score += 1;
            }
            if (t->dst_port && tnl->tp_dst && htons(t->dst_port)
                                              != tnl->tp_dst) {
                continue;
            }
            if (score > best_score) {
                best = port;
                best_score = score;
            }
        }
    }
    return best;
}

uint32_t
ofport_ofp_port(const struct ofport *port)
{
    return port->ofp_port;
}

uint32_t
ofport_odp_port(const struct ofport *port)
{
    return port->odp_port;
}

const char *
ofport_name(const struct ofport *port)
{
    return port->name;
}

const char *
ofport_type(const struct ofport *port)
{
    return port->type;
}

struct ofproto *
ofport_ofproto(const struct ofport *port)
{
    return port->ofproto;
}

struct ofport_stats *
ofport_stats(struct ofport *port)
{
    return &port->stats;
}

void
ofport_set_status(struct ofport *port, uint32_t config, uint32_t state,
                  struct eth_addr mac)
{
    port->config = config;
    port->state = state;
    if (!eth_addr_is_zero(mac)) {
        port->mac = mac;
    }
}

bool
ofport_includes_vlan(const struct ofport *port, uint16_t vlan)
{
    switch (port->vlan_mode) {
    case PORT_VLAN_ACCESS:
        return port->tag >= 0 && vlan == (uint16_t) port->tag;
    case PORT_VLAN_TRUNK:
    case PORT_VLAN_NATIVE_TAGGED:
    case PORT_VLAN_NATIVE_UNTAGGED:
        if (port->vlan_mode != PORT_VLAN_TRUNK && port->tag >= 0
            && vlan == (uint16_t) port->tag) {
            return true;
        }
        if (!port->trunks) {
            return true;
        }
        return vlan < 4096
               && (port->trunks[vlan / (8 * sizeof(unsigned long))]
                   >> (vlan % (8 * sizeof(unsigned long)))) & 1;
    }
    return false;
}

static bool
ofp_port_in_use(const struct ofproto *ofproto, uint32_t ofp_port)
{
    return ofproto_port_by_number(ofproto, ofp_port) != NULL;
}

static uint32_t
choose_ofp_port(const struct ofproto *ofproto, const char *name,
                uint32_t request)
{
    if (!strcmp(name, ofproto->name)) {
        return OFPP_LOCAL;
    }
    if (request && request < OFPP_MAX && !ofp_port_in_use(ofproto, request)) {
        return request;
    }
    for (uint32_t p = 1; p < OFPP_MAX; p++) {
        if (!ofp_port_in_use(ofproto, p)) {
            return p;
        }
    }
    return OFPP_NONE;
}

static struct eth_addr
derive_mac(const char *name)
{
    struct eth_addr mac;
    uint32_t h = hash_string(name, 0x6d6163);

    /* Locally administered unicast, stable per name. */
    mac.ea[0] = 0xaa;
    mac.ea[1] = (h >> 24) & 0xff;
    mac.ea[2] = (h >> 16) & 0xff;
    mac.ea[3] = (h >> 8) & 0xff;
    mac.ea[4] = h & 0xff;
    mac.ea[5] = hash_string(name, h) & 0xff;
    return mac;
}

static void
ofport_apply_spec(struct ofport *port, const struct ofproto_port_spec *spec)
{
    free(port->peer);
    port->peer = spec->peer ? xstrdup(spec->peer) : NULL;
    port->vlan_mode = spec->vlan_mode;
    port->tag = spec->tag;
    free(port->trunks);
    port->trunks = NULL;
    if (spec->trunks) {
        size_t bytes = 4096 / 8;

        port->trunks = xmemdup(spec->trunks, bytes);
    }
    if (!eth_addr_is_zero(spec->mac)) {
        port->mac = spec->mac;
    }
    port->is_tunnel = spec->tunnel != NULL;
    if (spec->tunnel) {
        port->tnl = *spec->tunnel;
    } else {
        memset(&port->tnl, 0, sizeof port->tnl);
    }
}

int
ofproto_port_add(struct ofproto *ofproto, const struct ofproto_port_spec *spec,
                 uint32_t *ofp_portp)
{
    struct ofport *port;
    uint32_t ofp_port;

    *ofp_portp = OFPP_NONE;
    if (!spec->name || !spec->name[0]) {
        return EINVAL;
    }
    if (ofproto_port_by_name(ofproto, spec->name)) {
        return EEXIST;
    }
    ofp_port = choose_ofp_port(ofproto, spec->name, spec->ofp_request);
    if (ofp_port == OFPP_NONE) {
        return ENOSPC;
    }

    port = xzalloc(sizeof *port);
    port->ofproto = ofproto;
    port->ofp_port = ofp_port;
    port->odp_port = spec->odp_port;
    port->name = xstrdup(spec->name);
    port->type = xstrdup(spec->type ? spec->type : "");
    port->mac = derive_mac(spec->name);
    port->tag = -1;
    port->created = time_msec();
    port->seq = ofproto->next_port_seq++;
    ofport_apply_spec(port, spec);

    hmap_insert(&ofproto->ports, &port->hmap_node, hash_int(ofp_port, 0));
    hmap_insert(&ofproto->ports_by_name, &port->name_node,
                hash_string(port->name, 0));
    if (port->odp_port != ODPP_NONE) {
        hmap_insert(&all_odp_ports, &port->odp_node,
                    hash_int(port->odp_port, 0));
    }
    ofp_port_map_put(&ofproto->port_map, ofp_port, port->name);
    *ofp_portp = ofp_port;
    ofproto_seq_change();
    return 0;
}

int
ofproto_port_reconfigure(struct ofproto *ofproto,
                         const struct ofproto_port_spec *spec)
{
    struct ofport *port = ofproto_port_by_name(ofproto, spec->name);

    if (!port) {
        return ENODEV;
    }
    if (spec->odp_port != port->odp_port) {
        if (port->odp_port != ODPP_NONE) {
            hmap_remove(&all_odp_ports, &port->odp_node);
        }
        port->odp_port = spec->odp_port;
        if (port->odp_port != ODPP_NONE) {
            hmap_insert(&all_odp_ports, &port->odp_node,
                        hash_int(port->odp_port, 0));
        }
    }
    free(port->type);
    port->type = xstrdup(spec->type ? spec->type : "");
    ofport_apply_spec(port, spec);
    ofproto_seq_change();
    return 0;
}

int
ofproto_port_del(struct ofproto *ofproto, uint32_t ofp_port)
{
    struct ofport *port = ofproto_port_by_number(ofproto, ofp_port);

    if (!port) {
        return ENODEV;
    }
    ofport_destroy(ofproto, port);
    rebuild_port_map(ofproto);
    ofproto_seq_change();
    return 0;
}

static int
compare_ofport_numbers(const void *a_, const void *b_)
{
    const struct ofport *const *a = a_;
    const struct ofport *const *b = b_;

    return (*a)->ofp_port < (*b)->ofp_port ? -1
           : (*a)->ofp_port > (*b)->ofp_port;
}

size_t
ofproto_ports(const struct ofproto *ofproto, struct ofport ***portsp)
{
    size_t n = hmap_count(&ofproto->ports), i = 0;
    struct ofport **ports = xcalloc(n ? n : 1, sizeof *ports);
    struct ofport *port;

    HMAP_FOR_EACH (port, hmap_node, &ofproto->ports) {
        ports[i++] = port;
    }
    qsort(ports, n, sizeof *ports, compare_ofport_numbers);
    *portsp = ports;
    return n;
}

void
ofproto_port_map_build(const struct ofproto *ofproto,
                       struct ofp_port_map *map)
{
    struct ofport *port;

    HMAP_FOR_EACH (port, hmap_node, &ofproto->ports) {
        ofp_port_map_put(map, port->ofp_port, port->name);
    }
}

const struct ofp_port_map *
ofproto_port_map(const struct ofproto *ofproto)
{
    return &ofproto->port_map;
}

/* Rules. */

void
rule_ref(struct rule *rule)
{
    rule->ref_count++;
}

void
rule_unref(struct rule *rule)
{
    if (rule && --rule->ref_count == 0) {
        vx_assert(rule->removed);
        cls_rule_destroy(&rule->cr);
        ofpacts_free(&rule->ofpacts);
        free(rule);
    }
}

void
rule_credit_stats(struct rule *rule, uint64_t n_packets, uint64_t n_bytes,
                  long long int now)
{
    rule->packet_count += n_packets;
    rule->byte_count += n_bytes;
    if (n_packets && now > rule->used) {
        rule->used = now;
    }
}

struct rule *
ofproto_rule_lookup(struct ofproto *ofproto, uint8_t table_id,
                    const struct flow *flow, struct flow_wildcards *wc)
{
    struct oftable *table = &ofproto->tables[table_id];
    const struct cls_rule *cr;

    table->n_lookups++;
    cr = classifier_lookup(&table->cls, ofproto->tables_version, flow, wc);
    if (!cr) {
        return NULL;
    }
    table->n_matched++;
    return CONTAINER_OF(cr, struct rule, cr);
}

static bool
rule_has_timeout(const struct rule *rule)
{
    return rule->idle_timeout || rule->hard_timeout;
}

/* Returns the time at which RULE expires unless it is used or modified
 * again by then (LLONG_MAX without timeouts).  Use and modification only
 * move it later. */
static long long int
rule_deadline(const struct rule *rule)
{
    long long int deadline = LLONG_MAX;

    if (rule->hard_timeout) {
        deadline = rule->modified + rule->hard_timeout * 1000LL;
    }
    if (rule->idle_timeout) {
        deadline = MIN(deadline, rule->used + rule->idle_timeout * 1000LL);
    }
    return deadline;
}

/* Re-sorts the tables after removals, so that dumps list flows in OVS's
 * order (OVS re-sorts its subtables as each rule goes). */
static void
ofproto_compact(struct ofproto *ofproto)
{
    for (int i = 0; i < OFP_N_TABLES; i++) {
        classifier_compact(&ofproto->tables[i].cls);
    }
}

/* Rules out of their tables that nothing else references, to be freed by
 * ofproto_run(), OFPROTO_FREE_CHUNK at a time, in their 'expirable' nodes.
 * As OVS hands deleted rules to RCU, a del-flows of 100,000 rules replies
 * before it frees them (about a third of its work), and the main loop,
 * which also runs the datapath, never stalls on freeing more than a
 * chunk. */
static struct ovs_list dead_rules = OVS_LIST_INITIALIZER(&dead_rules);
#define OFPROTO_FREE_CHUNK 10000

/* Frees up to MAX rules of 'dead_rules'. */
static void
free_dead_rules(size_t max)
{
    for (size_t i = 0; i < max && !ovs_list_is_empty(&dead_rules); i++) {
        struct rule *rule = CONTAINER_OF(ovs_list_pop_front(&dead_rules),
                                         struct rule, expirable);

        rule_unref(rule);
    }
}

static void
ofproto_rule_remove(struct ofproto *ofproto, struct rule *rule)
{
    classifier_remove(&ofproto->tables[rule->table_id].cls, &rule->cr);
    ovs_list_remove(&rule->expirable);
    rule->removed = true;
    ofproto->n_rules--;
    if (rule->ref_count == 1) {
        ovs_list_push_back(&dead_rules, &rule->expirable);
    } else {
        ovs_list_init(&rule->expirable);
        rule_unref(rule);
    }
}

/* Builds the conjunction clauses of a soft rule from its actions.  Returns
 * the number of clauses, 0 when the actions are not all conjunctions. */
static size_t
rule_conjunctions(const struct ofpacts *ofpacts,
                  struct cls_conjunction **conjp)
{
    struct cls_conjunction *conj;

    *conjp = NULL;
    if (!ofpacts->n) {
        return 0;
    }
    for (size_t i = 0; i < ofpacts->n; i++) {
        if (ofpacts->acts[i].type != OFPACT_CONJUNCTION) {
            return 0;
        }
    }
    conj = xcalloc(ofpacts->n, sizeof *conj);
    for (size_t i = 0; i < ofpacts->n; i++) {
        conj[i].id = ofpacts->acts[i].conj.id;
        conj[i].clause = ofpacts->acts[i].conj.clause;
        conj[i].n_clauses = ofpacts->acts[i].conj.n_clauses;
    }
    *conjp = conj;
    return ofpacts->n;
}

static struct rule *
rule_create(struct ofproto *ofproto, const struct ofp_flow_mod *fm,
            uint8_t table_id, long long int now)
{
    struct rule *rule = xzalloc(sizeof *rule);
    struct cls_conjunction *conj;
    size_t n_conj;

    cls_rule_init(&rule->cr, &fm->match, fm->priority);
    n_conj = rule_conjunctions(&fm->ofpacts, &conj);
    if (n_conj) {
        cls_rule_set_conjunctions(&rule->cr, conj, n_conj);
        free(conj);
    }
    rule->ofproto = ofproto;
    rule->table_id = table_id;
    rule->flow_cookie = fm->cookie;
    rule->idle_timeout = fm->idle_timeout;
    rule->hard_timeout = fm->hard_timeout;
    rule->importance = fm->importance;
    rule->flags = fm->flags;
    rule->created = rule->modified = rule->used = now;
    ofpacts_clone(&rule->ofpacts, &fm->ofpacts);
    ovs_list_init(&rule->expirable);
    rule->ref_count = 1;
    return rule;
}

/* Flow mods run as a batch against the next classifier version: new
 * rules become visible in it, replaced and deleted rules invisible.  The
 * batch is published by moving lookups to that version, or rolled back;
 * either way rules keep their places in dump order, as in OVS. */
struct batch_entry {
    bool inserted;               /* Inserted (else made invisible). */
    struct rule *rule;           /* The rule inserted or made invisible. */
};

struct ofproto_flow_batch {
    struct ofproto *ofproto;     /* The bridge. */
    cls_version_t version;       /* The version being built. */
    long long int now;           /* Time of the batch's flow mods. */
    struct batch_entry *e;       /* Changes, in order. */
    size_t n, allocated;         /* Used and allocated entries of 'e'. */

    uint32_t n_attached[OFP_N_TABLES]; /* Rules inserted, per table. */

    /* replace-flows: the rules of the published version that a flow of the
     * batch repeated unchanged, and so are neither replaced nor deleted at
     * commit (see ofproto_flow_batch_begin()). */
    bool replace;                /* A replace-flows batch. */
    struct rule **kept;          /* Array of 'n_kept' such rules. */
    size_t n_kept, allocated_kept; /* Used and allocated elements. */
};

static void
batch_push(struct ofproto_flow_batch *b, bool inserted, struct rule *rule)
{
    if (b->n >= b->allocated) {
        b->e = x2nrealloc(b->e, &b->allocated, sizeof *b->e);
    }
    b->e[b->n].inserted = inserted;
    b->e[b->n].rule = rule;
    b->n++;
}

/* Makes RULE invisible from the batch's version on. */
static void
rule_detach(struct ofproto_flow_batch *b, struct rule *rule)
{
    cls_rule_make_invisible_in_version(&rule->cr, b->version);
    batch_push(b, false, rule);
}

/* From this many insertions into one table on, a batch lets the table sort
 * its subtables once, at the end, instead of at each insertion
 * (classifier_defer()): rules of many distinct masks would otherwise cost
 * O(N^2).  Smaller batches (single flow mods, learned flows) keep sorting
 * as they go, which costs them less than one sort. */
#define BATCH_DEFER_THRESHOLD 64

/* Inserts RULE, visible from the batch's version on. */
static void
rule_attach(struct ofproto_flow_batch *b, struct rule *rule)
{
    struct classifier *cls = &b->ofproto->tables[rule->table_id].cls;
    const struct cls_rule *dup;

    /* Lookups use the published version while the batch is open, which
     * deferral keeps correct. */
    if (++b->n_attached[rule->table_id] == BATCH_DEFER_THRESHOLD) {
        classifier_defer(cls);
    }
    dup = classifier_insert(cls, &rule->cr, b->version);
    vx_assert(!dup);
    batch_push(b, true, rule);
}

static void
batch_commit(struct ofproto_flow_batch *b)
{
    struct ofproto *ofproto = b->ofproto;
    size_t n_removed[OFP_N_TABLES] = { 0 };

    /* A table that loses all of its rules (del-flows, replace-flows) is
     * emptied at once rather than rule by rule; ofproto_rule_remove() then
     * finds each rule already out of its classifier. */
    for (size_t i = 0; i < b->n; i++) {
        if (!b->e[i].inserted) {
            n_removed[b->e[i].rule->table_id]++;
        }
    }
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (n_removed[t]
            && n_removed[t] == classifier_count(&ofproto->tables[t].cls)) {
            classifier_remove_all(&ofproto->tables[t].cls);
        }
    }

    ofproto->tables_version = b->version;
    for (size_t i = 0; i < b->n; i++) {
        struct rule *rule = b->e[i].rule;

        if (b->e[i].inserted) {
            if (rule_has_timeout(rule)) {
                ovs_list_push_back(&ofproto->expirable, &rule->expirable);
                ofproto->next_expiry = MIN(ofproto->next_expiry,
                                           rule_deadline(rule));
            }
            ofproto->n_rules++;
        } else {
            ofproto_rule_remove(ofproto, rule);
        }
    }
}

static void
batch_rollback(struct ofproto_flow_batch *b)
{
    for (size_t i = b->n; i-- > 0;) {
        struct rule *rule = b->e[i].rule;

        if (b->e[i].inserted) {
            classifier_remove(&b->ofproto->tables[rule->table_id].cls,
                              &rule->cr);
            rule->removed = true;
            rule_unref(rule);
        } else {
            cls_rule_make_invisible_in_version(&rule->cr, CLS_MAX_VERSION);
        }
    }
}

static void
collect_push(struct rule ***rules, size_t *n, size_t *allocated,
             struct rule *rule)
{
    if (*n >= *allocated) {
        *rules = x2nrealloc(*rules, allocated, sizeof **rules);
    }
    (*rules)[(*n)++] = rule;
}

/* A selection of rules, as flow mods, dump-flows and dump-aggregate make
 * it: by table (or OFPTT_ALL), match (loose, or strict with PRIORITY),
 * cookie under COOKIE_MASK and an out_port filter (OFPP_ANY for none). */
struct rule_filter {
    const struct match *match;
    int priority;
    bool strict;
    uint8_t table_id;
    uint64_t cookie;
    uint64_t cookie_mask;
    uint32_t out_port;
};

static bool
rule_filter_matches(const struct rule_filter *f, const struct rule *rule)
{
    return !((rule->flow_cookie ^ f->cookie) & f->cookie_mask)
           && (f->out_port == OFPP_ANY
               || ofpacts_output_to_port(&rule->ofpacts, f->out_port));
}

/* Collects the rules visible in VERSION that F selects, in dump order,
 * into *RULESP (freed by the caller).  Returns how many. */
static size_t
collect_rules__(struct ofproto *ofproto, cls_version_t version,
                const struct rule_filter *f, struct rule ***rulesp)
{
    struct rule **rules = NULL;
    size_t n = 0, allocated = 0;
    int first = f->table_id == OFPTT_ALL ? 0 : f->table_id;
    int last = f->table_id == OFPTT_ALL ? OFP_N_TABLES - 1 : f->table_id;
    struct match catchall;

    match_init_catchall(&catchall);
    for (int t = first; t <= last; t++) {
        struct classifier *cls = &ofproto->tables[t].cls;

        if (classifier_is_empty(cls)) {
            continue;
        }
        if (f->strict) {
            const struct cls_rule *cr = classifier_find_match_exactly(
                cls, f->match, f->priority, version);

            if (cr && rule_filter_matches(f, CONTAINER_OF(cr, struct rule,
                                                          cr))) {
                collect_push(&rules, &n, &allocated,
                             CONTAINER_OF(cr, struct rule, cr));
            }
        } else {
            struct cls_cursor cursor = cls_cursor_start(
                cls, f->match ? f->match : &catchall, version);
            struct cls_rule *cr;

            while ((cr = cls_cursor_next(&cursor))) {
                struct rule *rule = CONTAINER_OF(cr, struct rule, cr);

                if (rule_filter_matches(f, rule)) {
                    collect_push(&rules, &n, &allocated, rule);
                }
            }
        }
    }
    *rulesp = rules;
    return n;
}

/* Collects the rules visible in the batch version that FM selects (loose
 * or strict) into *RULESP. */
static size_t
collect_rules(struct ofproto_flow_batch *b, const struct ofp_flow_mod *fm,
              bool strict, struct rule ***rulesp)
{
    struct rule_filter f = {
        .match = &fm->match,
        .priority = fm->priority,
        .strict = strict,
        .table_id = fm->table_id,
        .cookie = fm->cookie,
        .cookie_mask = fm->cookie_mask,
        .out_port = fm->out_port,
    };

    return collect_rules__(b->ofproto, b->version, &f, rulesp);
}

/* Checks what only the switch can: goto_table must go forward from the
 * flow's table.  As with ovs-ofctl over OpenFlow 1.0, where goto_table
 * travels as a resubmit, this is checked only when the flow names its
 * table. */
static char *
check_flow_mod(const struct ofp_flow_mod *fm)
{
    if (fm->table_given
        && (fm->command == OFPFC_ADD || fm->command == OFPFC_MODIFY
            || fm->command == OFPFC_MODIFY_STRICT)) {
        uint8_t table = fm->table_id == OFPTT_ALL ? 0 : fm->table_id;

        for (size_t i = 0; i < fm->ofpacts.n; i++) {
            const struct ofpact *a = &fm->ofpacts.acts[i];

            if (a->type == OFPACT_GOTO_TABLE && a->goto_table <= table) {
                return xasprintf("OFPBIC_BAD_TABLE_ID: goto_table:%u must "
                                 "go to a later table than %u",
                                 a->goto_table, table);
            }
        }
    }
    return NULL;
}

static char *
add_flow(struct ofproto_flow_batch *b, const struct ofp_flow_mod *fm,
         long long int now)
{
    struct ofproto *ofproto = b->ofproto;
    uint8_t table_id = fm->table_id == OFPTT_ALL ? 0 : fm->table_id;
    struct classifier *cls = &ofproto->tables[table_id].cls;
    const struct cls_rule *old_cr;
    struct rule *rule, *old = NULL;

    old_cr = classifier_find_match_exactly(cls, &fm->match, fm->priority,
                                           b->version);
    if (old_cr) {
        old = CONTAINER_OF(old_cr, struct rule, cr);
    } else {
        if (fm->flags & OFPFF_CHECK_OVERLAP
            && classifier_rule_overlaps(cls, &fm->match, fm->priority,
                                        b->version)) {
            return xstrdup("OFPFMFC_OVERLAP: the flow overlaps an existing "
                           "flow with the same priority (check_overlap)");
        }
        if (classifier_count(cls) >= OFTABLE_MAX_FLOWS) {
            COVERAGE_INC(ofproto_table_full);
            return xasprintf("OFPFMFC_TABLE_FULL: table %u already holds "
                             "%d flows", table_id, OFTABLE_MAX_FLOWS);
        }
    }

    rule = rule_create(ofproto, fm, table_id, now);
    if (old) {
        /* Replacing a rule with the same match and priority: the new
         * version keeps the counters unless reset_counts is given; its
         * duration starts over. */
        if (!(fm->flags & OFPFF_RESET_COUNTS)) {
            rule->packet_count = old->packet_count;
            rule->byte_count = old->byte_count;
        }
        rule_detach(b, old);
    }
    rule_attach(b, rule);
    COVERAGE_INC(ofproto_flow_add);
    return NULL;
}

/* Modifies OLD's actions (and cookie) as FM says.  As in OVS, the modified
 * rule is a new version that replaces the old one, so it moves to the end
 * of its subtable in dump order; its age and (unless reset_counts) its
 * counters carry over. */
static void
modify_rule(struct ofproto_flow_batch *b, struct rule *old,
            const struct ofp_flow_mod *fm, long long int now)
{
    struct ofp_flow_mod new_fm = *fm;
    struct rule *rule;

    new_fm.match = old->cr.match;
    new_fm.priority = old->cr.priority;
    new_fm.cookie = fm->modify_cookie && fm->new_cookie != UINT64_MAX
                    ? fm->new_cookie : old->flow_cookie;
    new_fm.idle_timeout = old->idle_timeout;
    new_fm.hard_timeout = old->hard_timeout;
    new_fm.importance = old->importance;
    new_fm.flags = old->flags;
    rule = rule_create(b->ofproto, &new_fm, old->table_id, now);
    rule->created = old->created;
    rule->used = old->used;
    if (!(fm->flags & OFPFF_RESET_COUNTS)) {
        rule->packet_count = old->packet_count;
        rule->byte_count = old->byte_count;
    }
    rule_detach(b, old);
    rule_attach(b, rule);
    COVERAGE_INC(ofproto_flow_modify);
}

static char *
modify_flows(struct ofproto_flow_batch *b, const struct ofp_flow_mod *fm,
             bool strict, long long int now)
{
    struct rule **rules;
    size_t n = collect_rules(b, fm, strict, &rules);
    char *error = NULL;

    if (!n) {
        /* OpenFlow 1.0: a modify that matches nothing adds the flow, unless
         * it filters on cookies. */
        if (!fm->cookie_mask) {
            struct ofp_flow_mod add = *fm;

            add.command = OFPFC_ADD;
            if (add.table_id == OFPTT_ALL) {
                add.table_id = 0;
            }
            if (fm->modify_cookie && fm->new_cookie != UINT64_MAX) {
                add.cookie = fm->new_cookie;
            }
            error = add_flow(b, &add, now);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            modify_rule(b, rules[i], fm, now);
        }
    }
    free(rules);
    return error;
}

static void
delete_flows(struct ofproto_flow_batch *b, const struct ofp_flow_mod *fm,
             bool strict)
{
    struct rule **rules;
    size_t n = collect_rules(b, fm, strict, &rules);

    for (size_t i = 0; i < n; i++) {
        rule_detach(b, rules[i]);
        COVERAGE_INC(ofproto_flow_delete);
    }
    free(rules);
}

static char *
flow_mod__(struct ofproto_flow_batch *b, const struct ofp_flow_mod *fm,
           long long int now)
{
    char *error = check_flow_mod(fm);

    if (error) {
        return error;
    }
    switch (fm->command) {
    case OFPFC_ADD:
        return add_flow(b, fm, now);
    case OFPFC_MODIFY:
        return modify_flows(b, fm, false, now);
    case OFPFC_MODIFY_STRICT:
        return modify_flows(b, fm, true, now);
    case OFPFC_DELETE:
        delete_flows(b, fm, false);
        return NULL;
    case OFPFC_DELETE_STRICT:
        delete_flows(b, fm, true);
        return NULL;
    }
    return xstrdup("unknown flow mod command");
}

struct ofproto_flow_batch *
ofproto_flow_batch_begin(struct ofproto *ofproto, bool replace)
{
    struct ofproto_flow_batch *b = xzalloc(sizeof *b);

    b->ofproto = ofproto;
    b->version = ofproto->tables_version + 1;
    b->now = time_msec();
    b->replace = replace;
    return b;
}

/* Returns true if RULE, visible in the published version, says what the
 * ADD flow mod FM says: OVS's replace-flows leaves such a flow alone (its
 * counters and age continue). */
static bool
rule_equals_flow_mod(const struct rule *rule, const struct ofp_flow_mod *fm)
{
    return (rule->flow_cookie == fm->cookie
            && rule->idle_timeout == fm->idle_timeout
            && rule->hard_timeout == fm->hard_timeout
            && rule->importance == fm->importance
            && rule->flags == fm->flags
            && ofpacts_equal(&rule->ofpacts, &fm->ofpacts));
}

/* For a replace-flows batch: returns true if FM repeats a published rule
 * unchanged, after noting that rule as kept. */
static bool
batch_keep(struct ofproto_flow_batch *b, const struct ofp_flow_mod *fm)
{
    uint8_t table_id = fm->table_id == OFPTT_ALL ? 0 : fm->table_id;
    const struct cls_rule *cr;
    struct rule *rule;

    cr = classifier_find_match_exactly(&b->ofproto->tables[table_id].cls,
                                       &fm->match, fm->priority, b->version);
    if (!cr || cr->add_version >= b->version) {
        return false;
    }
    rule = CONTAINER_OF(cr, struct rule, cr);
    if (!rule_equals_flow_mod(rule, fm)) {
        return false;
    }
    if (b->n_kept >= b->allocated_kept) {
        b->kept = x2nrealloc(b->kept, &b->allocated_kept, sizeof *b->kept);
    }
    b->kept[b->n_kept++] = rule;
    return true;
}

char *
ofproto_flow_batch_add(struct ofproto_flow_batch *b,
                       const struct ofp_flow_mod *fm)
{
    char *error;

    if (b->replace) {
        if (fm->command != OFPFC_ADD) {
            error = xstrdup("replace-flows takes only flows to add");
            goto error;
        }
        error = check_flow_mod(fm);
        if (error) {
            goto error;
        }
        if (batch_keep(b, fm)) {
            return NULL;
        }
    }
    error = flow_mod__(b, fm, b->now);
    if (!error) {
        return NULL;
    }

error:
    COVERAGE_INC(ofproto_flow_mod_error);
    return error;
}

static int
compare_rule_ptrs(const void *a_, const void *b_)
{
    const struct rule *const *a = a_;
    const struct rule *const *b = b_;

    return *a < *b ? -1 : *a > *b;
}

/* For a replace-flows batch: deletes every published rule that the batch
 * neither replaced nor kept. */
static void
batch_delete_unlisted(struct ofproto_flow_batch *b)
{
    struct ofproto *ofproto = b->ofproto;
    cls_version_t published = ofproto->tables_version;
    struct match catchall;

    qsort(b->kept, b->n_kept, sizeof *b->kept, compare_rule_ptrs);
    match_init_catchall(&catchall);
    for (int t = 0; t < OFP_N_TABLES; t++) {
        struct classifier *cls = &ofproto->tables[t].cls;
        struct cls_cursor cursor;
        struct cls_rule *cr;

        if (classifier_is_empty(cls)) {
            continue;
        }
        cursor = cls_cursor_start(cls, &catchall, published);
        while ((cr = cls_cursor_next(&cursor))) {
            struct rule *rule = CONTAINER_OF(cr, struct rule, cr);

            if (cls_rule_visible_in_version(cr, b->version)
                && !bsearch(&rule, b->kept, b->n_kept, sizeof *b->kept,
                            compare_rule_ptrs)) {
                rule_detach(b, rule);
                COVERAGE_INC(ofproto_flow_delete);
            }
        }
    }
}

/* Ends the batch's deferral of sorting in the tables it deferred (see
 * rule_attach()). */
static void
batch_publish(struct ofproto_flow_batch *b)
{
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (b->n_attached[t] >= BATCH_DEFER_THRESHOLD) {
            classifier_publish(&b->ofproto->tables[t].cls);
        }
    }
}

static void
batch_free(struct ofproto_flow_batch *b)
{
    free(b->e);
    free(b->kept);
    free(b);
}

void
ofproto_flow_batch_commit(struct ofproto_flow_batch *b)
{
    struct ofproto *ofproto = b->ofproto;

    if (b->replace) {
        batch_delete_unlisted(b);
    }
    batch_publish(b);
    batch_commit(b);
    ofproto_compact(ofproto);
    ofproto_seq_change();
    batch_free(b);
}

void
ofproto_flow_batch_abort(struct ofproto_flow_batch *b)
{
    struct ofproto *ofproto = b->ofproto;

    batch_rollback(b);
    batch_publish(b);
    ofproto_compact(ofproto);
    batch_free(b);
}

char *
ofproto_flow_mods(struct ofproto *ofproto, struct ofp_flow_mod *fms, size_t n)
{
    struct ofproto_flow_batch *b = ofproto_flow_batch_begin(ofproto, false);

    for (size_t i = 0; i < n; i++) {
        char *error = ofproto_flow_batch_add(b, &fms[i]);

        if (error) {
            char *msg = n > 1 ? xasprintf("flow %zu: %s", i + 1, error)
                              : xstrdup(error);

            free(error);
            ofproto_flow_batch_abort(b);
            return msg;
        }
    }
    ofproto_flow_batch_commit(b);
    return NULL;
}

char *
ofproto_flow_mod(struct ofproto *ofproto, struct ofp_flow_mod *fm)
{
    return ofproto_flow_mods(ofproto, fm, 1);
}

char *
ofproto_flow_mod_learn(struct ofproto *ofproto, struct ofp_flow_mod *fm)
{
    uint8_t table_id = fm->table_id == OFPTT_ALL ? 0 : fm->table_id;
    const struct cls_rule *cr;
    long long int now = time_msec();

    cr = classifier_find_match_exactly(&ofproto->tables[table_id].cls,
                                       &fm->match, fm->priority,
                                       ofproto->tables_version);
    if (cr) {
        struct rule *rule = CONTAINER_OF(cr, struct rule, cr);

        if (ofpacts_equal(&rule->ofpacts, &fm->ofpacts)
            && rule->idle_timeout == fm->idle_timeout
            && rule->hard_timeout == fm->hard_timeout
            && rule->flow_cookie == fm->cookie) {
            /* Same flow learned again: restart its timeouts only. */
            rule->modified = now;
            rule->used = now;
            COVERAGE_INC(ofproto_learn_refresh);
            return NULL;
        }
    }
    return ofproto_flow_mod(ofproto, fm);
}

size_t
ofproto_n_flows(const struct ofproto *ofproto)
{
    return ofproto->n_rules;
}

static void
ofproto_add_memory(struct ofproto *ofproto, void *mem_)
{
    struct ofproto_memory *mem = mem_;
    struct match catchall;

    match_init_catchall(&catchall);
    for (int t = 0; t < OFP_N_TABLES; t++) {
        struct classifier *cls = &ofproto->tables[t].cls;
        struct cls_cursor cursor;
        struct cls_rule *cr;

        mem->table_bytes += classifier_memory(cls);
        if (classifier_is_empty(cls)) {
            continue;
        }
        cursor = cls_cursor_start(cls, &catchall, ofproto->tables_version);
        while ((cr = cls_cursor_next(&cursor))) {
            struct rule *rule = CONTAINER_OF(cr, struct rule, cr);

            mem->n_rules++;
            mem->rule_bytes += (vx_malloc_footprint(sizeof *rule)
                                + ofpacts_memory(&rule->ofpacts)
                                + vx_malloc_footprint(cr->n_conj
                                                      * sizeof *cr->conj));
        }
    }
}

void
ofproto_get_memory(struct ofproto_memory *mem)
{
    memset(mem, 0, sizeof *mem);
    ofproto_for_each(ofproto_add_memory, mem);
}

/* Dumping. */

static const struct ofproto_dump_options *sort_options;

static int
compare_by_field(const struct rule *a, const struct rule *b,
                 const char *field)
{
    const struct mf_field *mf = field ? mf_from_name(field) : NULL;
    union mf_value va, vb, ma, mb;
    bool a_wild, b_wild;

    if (!mf) {
        return a->cr.priority < b->cr.priority ? -1
               : a->cr.priority > b->cr.priority;
    }

    /* Rules that do not match on the field sort after those that do, as
     * ovs-ofctl does. */
    mf_get_value(mf, &a->cr.match.flow, &va);
    mf_get_value(mf, &b->cr.match.flow, &vb);
    mf_get_mask(mf, &a->cr.match.wc, &ma);
    mf_get_mask(mf, &b->cr.match.wc, &mb);
    a_wild = is_all_zeros(&ma, mf->n_bytes);
    b_wild = is_all_zeros(&mb, mf->n_bytes);
    if (a_wild != b_wild) {
        return a_wild ? 1 : -1;
    }
    return memcmp(&va, &vb, mf->n_bytes);
}

static int
compare_dump_rules(const void *a_, const void *b_)
{
    struct rule *const *a = a_;
    struct rule *const *b = b_;
    int c = compare_by_field(*a, *b, sort_options->sort_field);

    return sort_options->sort > 0 ? c : -c;
}

void
ofproto_dump_flows(struct ofproto *ofproto,
                   const struct ofproto_dump_options *opt, struct ds *s)
{
    struct rule_filter f = {
        .match = opt->match,
        .table_id = opt->table_id,
        .cookie = opt->cookie,
        .cookie_mask = opt->cookie_mask,
        .out_port = opt->out_port,
    };
    long long int now = time_msec();
    struct rule **rules;
    size_t n;

    ofproto_push_stats();
    n = collect_rules__(ofproto, ofproto->tables_version, &f, &rules);

    if (opt->nxst) {
        ds_put_format(s, "NXST_FLOW reply (xid=%s):\n",
                      opt->filtered ? "0x8" : "0x4");
    }
    if (opt->sort && n > 1) {
        sort_options = opt;
        qsort(rules, n, sizeof *rules, compare_dump_rules);
        sort_options = NULL;
    }

    for (size_t i = 0; i < n; i++) {
        const struct rule *rule = rules[i];
        struct ofp_flow_stats fs = {
            .table_id = rule->table_id,
            .cookie = rule->flow_cookie,
            .priority = rule->cr.priority,
            .match = &rule->cr.match,
            .ofpacts = &rule->ofpacts,
            .duration_msec = now - rule->created,
            .idle_timeout = rule->idle_timeout,
            .hard_timeout = rule->hard_timeout,
            .importance = rule->importance,
            .flags = rule->flags,
            .packet_count = rule->packet_count,
            .byte_count = rule->byte_count,
            .idle_age = opt->nxst ? (now - rule->used) / 1000 : -1,
            .hard_age = opt->nxst ? (now - rule->modified) / 1000 : -1,
        };

        ofp_flow_stats_format(&fs, opt->names ? &ofproto->port_map : NULL,
                              opt->show_stats, s);
        ds_put_char(s, '\n');
    }
    free(rules);
}

void
ofproto_aggregate(struct ofproto *ofproto, const struct match *match,
                  uint8_t table_id, uint64_t cookie, uint64_t cookie_mask,
                  uint32_t out_port, struct ofproto_aggregate *agg)
{
    struct rule_filter f = {
        .match = match,
        .table_id = table_id,
        .cookie = cookie,
        .cookie_mask = cookie_mask,
        .out_port = out_port,
    };
    struct rule **rules;
    size_t n;

    ofproto_push_stats();
    n = collect_rules__(ofproto, ofproto->tables_version, &f, &rules);

    memset(agg, 0, sizeof *agg);
    for (size_t i = 0; i < n; i++) {
        agg->packet_count += rules[i]->packet_count;
        agg->byte_count += rules[i]->byte_count;
    }
    agg->flow_count = n;
    free(rules);
}

/* Expiry. */

/* Rules expire within this many milliseconds of their deadline: a walk of
 * the rules with timeouts (all of them, 100,000 learned flows perhaps)
 * runs at most this often, not at every turn of the main loop. */
#define OFPROTO_EXPIRY_GRANULARITY 100

void
ofproto_run(struct ofproto *ofproto, long long int now)
{
    bool changed = false;

    if (now >= ofproto->next_expiry) {
        long long int next = LLONG_MAX;
        struct rule *rule, *next_rule;

        /* A rule that looks expired may have packets that the datapath
         * has not credited yet. */
        ofproto_push_stats();
        LIST_FOR_EACH_SAFE (rule, next_rule, expirable,
                            &ofproto->expirable) {
            long long int deadline = rule_deadline(rule);

            if (now >= deadline) {
                COVERAGE_INC(ofproto_flow_expired);
                ofproto_rule_remove(ofproto, rule);
                changed = true;
            } else {
                next = MIN(next, deadline);
            }
        }
        ofproto->next_expiry = (next == LLONG_MAX ? LLONG_MAX
                                : MAX(next, now + OFPROTO_EXPIRY_GRANULARITY));
    }
    if (mac_learning_run(&ofproto->ml, now)) {
        changed = true;
    }
    if (changed) {
        ofproto_compact(ofproto);
        ofproto_seq_change();
    }
    free_dead_rules(OFPROTO_FREE_CHUNK);
}

long long int
ofproto_next_wake(const struct ofproto *ofproto)
{
    if (!ovs_list_is_empty(&dead_rules)) {
        return 0;
    }
    return MIN(mac_learning_next_wake(&ofproto->ml), ofproto->next_expiry);
}

/* `ovs-ofctl show`. */

void
ofproto_format_show(struct ofproto *ofproto, struct ds *s)
{
    struct ofport **ports;
    size_t n = ofproto_ports(ofproto, &ports), i;
    struct ofport *port;

    ds_put_format(s, "OFPT_FEATURES_REPLY (xid=0x2): dpid:%016"PRIx64"\n",
                  ofproto->datapath_id);
    ds_put_cstr(s, "n_tables:254, n_buffers:0\n");
    ds_put_cstr(s, "capabilities: FLOW_STATS TABLE_STATS PORT_STATS "
                "QUEUE_STATS ARP_MATCH_IP\n");
    ds_put_cstr(s, "actions: output enqueue set_vlan_vid set_vlan_pcp "
                "strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst "
                "mod_nw_tos mod_tp_src mod_tp_dst\n");
    for (i = 0; i < n; i++) {
        port = ports[i];
        if (port->ofp_port == OFPP_LOCAL) {
            ds_put_format(s, " LOCAL(%s): ", port->name);
        } else {
            ds_put_format(s, " %"PRIu32"(%s): ", port->ofp_port, port->name);
        }
        ds_put_format(s, "addr:"ETH_ADDR_FMT"\n", ETH_ADDR_ARGS(port->mac));
        ds_put_format(s, "     config:     %s\n",
                      port->config & OFPPC_PORT_DOWN ? "PORT_DOWN" : "0");
        ds_put_format(s, "     state:      %s\n",
                      port->state & OFPPS_LINK_DOWN ? "LINK_DOWN" : "0");
        ds_put_cstr(s, "     speed: 0 Mbps now, 0 Mbps max\n");
    }
    ds_put_cstr(s, "OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal "
                "miss_send_len=0\n");
    free(ports);
}
