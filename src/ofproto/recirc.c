/* recirc.c: see recirc.h. */
#include "ofproto/recirc.h"

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/timeval.h"
#include "lib/util.h"

COVERAGE_DEFINE(recirc_id_alloc);
COVERAGE_DEFINE(recirc_id_reuse);

struct recirc_node {
    struct hmap_node id_node;     /* In 'by_id'. */
    struct hmap_node state_node;  /* In 'by_state'. */
    struct ovs_list expiring;     /* In 'expiring' when unreferenced. */
    uint32_t id;
    uint32_t hash;                /* Hash of 'state'. */
    int ref_count;
    long long int unref_time;     /* When the count reached zero. */
    struct frozen_state state;
};

static struct hmap by_id = HMAP_INITIALIZER(&by_id);
static struct hmap by_state = HMAP_INITIALIZER(&by_state);
static struct ovs_list expiring = OVS_LIST_INITIALIZER(&expiring);
static uint32_t next_id = 1;

static uint32_t
frozen_state_hash(const struct frozen_state *s)
{
    uint32_t h = hash_string(s->bridge, s->table_id);

    h = hash_bytes(&s->md, sizeof s->md, h);
    h = hash_int(s->conntracked, h);
    return hash_int((uint32_t) s->ofpacts.n, h);
}

static bool
frozen_state_equal(const struct frozen_state *a, const struct frozen_state *b)
{
    return !strcmp(a->bridge, b->bridge) && a->table_id == b->table_id
           && a->conntracked == b->conntracked
           && !memcmp(&a->md, &b->md, sizeof a->md)
           && ofpacts_equal(&a->ofpacts, &b->ofpacts);
}

static struct recirc_node *
find_by_id(uint32_t id)
{
    struct recirc_node *node;

    HMAP_FOR_EACH_WITH_HASH (node, id_node, hash_int(id, 0), &by_id) {
        if (node->id == id) {
            return node;
        }
    }
    return NULL;
}

static void
node_ref(struct recirc_node *node)
{
    if (!node->ref_count++) {
        ovs_list_remove(&node->expiring);
        ovs_list_init(&node->expiring);
    }
}

uint32_t
recirc_alloc_id(const struct frozen_state *state)
{
    uint32_t hash = frozen_state_hash(state);
    struct recirc_node *node;

    HMAP_FOR_EACH_WITH_HASH (node, state_node, hash, &by_state) {
        if (frozen_state_equal(&node->state, state)) {
            COVERAGE_INC(recirc_id_reuse);
            node_ref(node);
            return node->id;
        }
    }

    /* Pick the next id not in use (ids wrap after 2**32 - 1). */
    for (uint32_t tries = 0; find_by_id(next_id) || !next_id; tries++) {
        if (tries == UINT32_MAX) {
            return 0;
        }
        next_id++;
    }

    node = xzalloc(sizeof *node);
    node->id = next_id++;
    node->hash = hash;
    node->ref_count = 1;
    ovs_list_init(&node->expiring);
    node->state = *state;
    node->state.bridge = xstrdup(state->bridge);
    ofpacts_clone(&node->state.ofpacts, &state->ofpacts);
    hmap_insert(&by_id, &node->id_node, hash_int(node->id, 0));
    hmap_insert(&by_state, &node->state_node, hash);
    COVERAGE_INC(recirc_id_alloc);
    return node->id;
}

void
recirc_id_ref(uint32_t id)
{
    struct recirc_node *node = find_by_id(id);

    if (node) {
        node_ref(node);
    }
}

void
recirc_id_unref(uint32_t id)
{
    struct recirc_node *node = find_by_id(id);

    if (node && node->ref_count > 0 && !--node->ref_count) {
        node->unref_time = time_msec();
        ovs_list_push_back(&expiring, &node->expiring);
    }
}

const struct frozen_state *
recirc_id_find(uint32_t id)
{
    struct recirc_node *node = find_by_id(id);

    return node ? &node->state : NULL;
}

void
recirc_run(long long int now)
{
    while (!ovs_list_is_empty(&expiring)) {
        struct recirc_node *node = CONTAINER_OF(expiring.next,
                                                struct recirc_node, expiring);

        if (now < node->unref_time + RECIRC_LINGER_MSEC) {
            break;
        }
        ovs_list_remove(&node->expiring);
        hmap_remove(&by_id, &node->id_node);
        hmap_remove(&by_state, &node->state_node);
        free(node->state.bridge);
        ofpacts_free(&node->state.ofpacts);
        free(node);
    }
}

size_t
recirc_count(void)
{
    return hmap_count(&by_id);
}

void
frozen_metadata_from_flow(struct frozen_metadata *md, const struct flow *flow)
{
    memset(md, 0, sizeof *md);
    md->tunnel = flow->tunnel;
    md->metadata = flow->metadata;
    memcpy(md->regs, flow->regs, sizeof md->regs);
    md->in_port = flow->in_port;
}

void
frozen_metadata_to_flow(const struct frozen_metadata *md, struct flow *flow)
{
    flow->tunnel = md->tunnel;
    flow->metadata = md->metadata;
    memcpy(flow->regs, md->regs, sizeof flow->regs);
    flow->in_port = md->in_port;
}
