/* pkt.c: packet buffers, pools and batches.  See pkt.h. */
#include "packet/pkt.h"

#include "lib/coverage.h"
#include "lib/util.h"

COVERAGE_DEFINE(pkt_realloc);
COVERAGE_DEFINE(pkt_pool_exhausted);

/* A pool of packets whose structs and buffers are allocated at creation:
 * 'n' packets with buffers of 'buf_size' bytes, then 'n_large' packets with
 * buffers of 'large_size' bytes (pkts[n] onwards). */
struct pkt_pool {
    struct pkt *pkts;      /* The 'n' + 'n_large' packets. */
    uint8_t *slab;         /* 'n' buffers of 'buf_size' bytes. */
    uint8_t *large_slab;   /* 'n_large' buffers of 'large_size' bytes. */
    struct pkt **free;     /* Stack of 'n_free' free small packets. */
    struct pkt **free_large; /* Stack of 'n_free_large' free large ones. */
    bool *is_free;         /* is_free[i]: pkts[i] is on a free stack. */
    size_t n;              /* Small packets in the pool. */
    size_t n_free;         /* Packets on the 'free' stack. */
    size_t buf_size;       /* Bytes per small buffer. */
    size_t n_large;        /* Large packets in the pool. */
    size_t n_free_large;   /* Packets on the 'free_large' stack. */
    size_t large_size;     /* Bytes per large buffer. */
    bool dying;            /* pkt_pool_release() was called: the pool is
                            * freed when its last packet comes back. */
};

static void pkt_pool_free__(struct pkt_pool *);

static void
pkt_layers_reset(struct pkt_layers *l)
{
    l->l2_5 = PKT_LAYER_NONE;
    l->l3 = PKT_LAYER_NONE;
    l->l4 = PKT_LAYER_NONE;
    l->pad = 0;
    l->l3_len = 0;
}

/* Resets P's frame and metadata for reuse with a buffer at BASE of
 * ALLOCATED bytes. */
static void
pkt_reset(struct pkt *p, uint8_t *base, size_t allocated)
{
    p->base = base;
    p->allocated = (uint32_t) allocated;
    p->data_ofs = PKT_HEADROOM;
    p->size = 0;
    pkt_layers_reset(&p->layers);
    p->hash = 0;
    p->hash_valid = false;
    vx_zero_words(&p->md, sizeof p->md);
    memset(&p->ol, 0, sizeof p->ol);
}

struct pkt *
pkt_new(size_t size)
{
    struct pkt *p = xzalloc(sizeof *p);

    vx_assert(size <= UINT32_MAX - PKT_HEADROOM);
    pkt_reset(p, xmalloc(PKT_HEADROOM + size), PKT_HEADROOM + size);
    return p;
}

struct pkt *
pkt_clone_data(const void *data, size_t size)
{
    struct pkt *p = pkt_new(size);

    pkt_put(p, data, size);
    return p;
}

struct pkt *
pkt_clone(const struct pkt *src)
{
    struct pkt *p = NULL;

    /* A pool packet's copy comes from the same pool when the frame fits,
     * so the per-packet path does not allocate. */
    if (src->from_pool) {
        p = pkt_pool_get_size(src->pool, src->size);
    }
    if (p) {
        pkt_put(p, pkt_data(src), src->size);
    } else {
        p = pkt_clone_data(pkt_data(src), src->size);
    }

    p->layers = src->layers;
    p->hash = src->hash;
    p->hash_valid = src->hash_valid;
    p->md = src->md;
    p->ol = src->ol;
    return p;
}

/* Returns the pool buffer that belongs to pool packet P. */
static uint8_t *
pkt_pool_buffer(const struct pkt_pool *pool, const struct pkt *p)
{
    size_t idx = (size_t) (p - pool->pkts);

    return (idx < pool->n
            ? pool->slab + idx * pool->buf_size
            : pool->large_slab + (idx - pool->n) * pool->large_size);
}

/* Returns true if P's buffer was malloc()ed for P (not a pool buffer). */
static bool
pkt_owns_buffer(const struct pkt *p)
{
    return !p->from_pool || p->base != pkt_pool_buffer(p->pool, p);
}

void
pkt_free(struct pkt *p)
{
    struct pkt_pool *pool;
    size_t idx;

    if (!p) {
        return;
    }
    if (!p->from_pool) {
        free(p->base);
        free(p);
        return;
    }

    pool = p->pool;
    idx = (size_t) (p - pool->pkts);
    vx_assert(idx < pool->n + pool->n_large && !pool->is_free[idx]);
    if (pkt_owns_buffer(p)) {
        /* The frame outgrew its pool buffer (slow path). */
        free(p->base);
    }
    pool->is_free[idx] = true;
    if (idx < pool->n) {
        pool->free[pool->n_free++] = p;
    } else {
        pool->free_large[pool->n_free_large++] = p;
    }
    if (OVS_UNLIKELY(pool->dying)
        && pool->n_free == pool->n && pool->n_free_large == pool->n_large) {
        pkt_pool_free__(pool);
    }
}

/* Makes P's buffer hold at least HEAD bytes of headroom and TAIL bytes of
 * tailroom around the frame, sliding the frame or moving it to a new
 * buffer. */
static void
pkt_reserve(struct pkt *p, size_t head, size_t tail)
{
    size_t need = head + p->size + tail;
    uint8_t *data = pkt_data(p);

    vx_assert(need <= UINT32_MAX / 2);
    if (need <= p->allocated) {
        size_t ofs = head + (p->allocated - need) / 2;

        memmove(p->base + ofs, data, p->size);
        p->data_ofs = (uint32_t) ofs;
    } else {
        size_t allocated = need + PKT_HEADROOM;
        size_t ofs = head + PKT_HEADROOM / 2;
        uint8_t *base = xmalloc(allocated);

        COVERAGE_INC(pkt_realloc);
        memcpy(base + ofs, data, p->size);
        if (pkt_owns_buffer(p)) {
            free(p->base);
        }
        p->base = base;
        p->allocated = (uint32_t) allocated;
        p->data_ofs = (uint32_t) ofs;
    }
}

void *
pkt_push_uninit(struct pkt *p, size_t n)
{
    if (n > p->data_ofs) {
        pkt_reserve(p, n, 0);
    }
    p->data_ofs -= (uint32_t) n;
    p->size += (uint32_t) n;
    return pkt_data(p);
}

void *
pkt_pull(struct pkt *p, size_t n)
{
    vx_assert(n <= p->size);
    p->data_ofs += (uint32_t) n;
    p->size -= (uint32_t) n;
    return pkt_data(p);
}

void *
pkt_put_uninit(struct pkt *p, size_t n)
{
    uint8_t *tail;

    if (n > pkt_tailroom(p)) {
        pkt_reserve(p, p->data_ofs, n);
    }
    tail = pkt_data(p) + p->size;
    p->size += (uint32_t) n;
    return tail;
}

void
pkt_put(struct pkt *p, const void *data, size_t n)
{
    if (n) {
        memcpy(pkt_put_uninit(p, n), data, n);
    }
}

void
pkt_set_size(struct pkt *p, uint32_t size)
{
    vx_assert(size <= p->allocated - p->data_ofs);
    p->size = size;
}

void
pkt_extract(struct pkt *p, struct flow *flow)
{
    pkt_flow_extract(pkt_data(p), p->size, flow, &p->layers);
}

void
pkt_md_to_flow(const struct pkt_md *md, struct flow *flow)
{
    flow->tunnel = md->tunnel;
    flow->recirc_id = md->recirc_id;
    flow->dp_hash = md->dp_hash;
    flow->skb_priority = md->skb_priority;
    flow->pkt_mark = md->pkt_mark;
    flow->in_port = md->in_port;
    flow->ct_state = md->ct_state;
    flow->ct_zone = md->ct_zone;
    flow->ct_mark = md->ct_mark;
    flow->ct_label[0] = md->ct_label[0];
    flow->ct_label[1] = md->ct_label[1];
    if (md->ct_state && !md->ct_orig_tuple_ipv6) {
        flow->ct_nw_proto = md->ct_nw_proto;
        flow->ct_nw_src = md->ct_nw_src;
        flow->ct_nw_dst = md->ct_nw_dst;
        flow->ct_tp_src = md->ct_tp_src;
        flow->ct_tp_dst = md->ct_tp_dst;
    } else {
        flow->ct_nw_proto = md->ct_state ? md->ct_nw_proto : 0;
        flow->ct_nw_src = 0;
        flow->ct_nw_dst = 0;
        flow->ct_tp_src = 0;
        flow->ct_tp_dst = 0;
    }
}

struct pkt_pool *
pkt_pool_create(size_t n, size_t buf_size)
{
    return pkt_pool_create_mixed(n, buf_size, 0, 0);
}

struct pkt_pool *
pkt_pool_create_mixed(size_t n, size_t buf_size, size_t n_large,
                      size_t large_size)
{
    struct pkt_pool *pool = xzalloc(sizeof *pool);
    size_t total = n + n_large;

    vx_assert(n > 0 && buf_size > PKT_HEADROOM && buf_size <= UINT32_MAX);
    vx_assert(!n_large || (large_size > buf_size && large_size <= UINT32_MAX));
    pool->n = n;
    pool->buf_size = buf_size;
    pool->n_large = n_large;
    pool->large_size = n_large ? large_size : 0;
    pool->pkts = xcalloc(total, sizeof *pool->pkts);
    pool->slab = xcalloc(n, buf_size);
    /* calloc() of a large block maps zero pages lazily: large buffers cost
     * memory only once used. */
    pool->large_slab = n_large ? xcalloc(n_large, large_size) : NULL;
    pool->free = xcalloc(n, sizeof *pool->free);
    pool->free_large = xcalloc(n_large ? n_large : 1,
                               sizeof *pool->free_large);
    pool->is_free = xcalloc(total, sizeof *pool->is_free);
    for (size_t i = 0; i < total; i++) {
        struct pkt *p = &pool->pkts[i];

        p->from_pool = true;
        p->pool = pool;
        pool->is_free[i] = true;
    }
    /* Hand out low indexes first. */
    for (size_t i = 0; i < n; i++) {
        pool->free[n - 1 - i] = &pool->pkts[i];
    }
    for (size_t i = 0; i < n_large; i++) {
        pool->free_large[n_large - 1 - i] = &pool->pkts[n + i];
    }
    pool->n_free = n;
    pool->n_free_large = n_large;
    return pool;
}

/* Frees POOL and its buffers. */
static void
pkt_pool_free__(struct pkt_pool *pool)
{
    free(pool->pkts);
    free(pool->slab);
    free(pool->large_slab);
    free(pool->free);
    free(pool->free_large);
    free(pool->is_free);
    free(pool);
}

void
pkt_pool_destroy(struct pkt_pool *pool)
{
    if (!pool) {
        return;
    }
    vx_assert(pool->n_free == pool->n
              && pool->n_free_large == pool->n_large);
    pkt_pool_free__(pool);
}

void
pkt_pool_release(struct pkt_pool *pool)
{
    if (!pool) {
        return;
    }
    vx_assert(!pool->dying);
    if (pool->n_free == pool->n && pool->n_free_large == pool->n_large) {
        pkt_pool_free__(pool);
    } else {
        pool->dying = true;
    }
}

/* Takes a packet from STACK (of *N_FREE packets, each BUF_SIZE bytes) of
 * POOL, or returns NULL if it is empty. */
static struct pkt *
pkt_pool_pop(struct pkt_pool *pool, struct pkt **stack, size_t *n_free,
             size_t buf_size)
{
    struct pkt *p;

    if (!*n_free) {
        return NULL;
    }
    p = stack[--*n_free];
    pool->is_free[p - pool->pkts] = false;
    pkt_reset(p, pkt_pool_buffer(pool, p), buf_size);
    return p;
}

struct pkt *
pkt_pool_get(struct pkt_pool *pool)
{
    struct pkt *p = pkt_pool_pop(pool, pool->free, &pool->n_free,
                                 pool->buf_size);

    if (!p) {
        COVERAGE_INC(pkt_pool_exhausted);
    }
    return p;
}

struct pkt *
pkt_pool_get_large(struct pkt_pool *pool)
{
    struct pkt *p = pkt_pool_pop(pool, pool->free_large,
                                 &pool->n_free_large, pool->large_size);

    if (!p) {
        COVERAGE_INC(pkt_pool_exhausted);
    }
    return p;
}

struct pkt *
pkt_pool_get_size(struct pkt_pool *pool, size_t size)
{
    if (size <= pool->buf_size - PKT_HEADROOM) {
        return pkt_pool_get(pool);
    } else if (pool->n_large && size <= pool->large_size - PKT_HEADROOM) {
        return pkt_pool_get_large(pool);
    }
    return NULL;
}

size_t
pkt_pool_available(const struct pkt_pool *pool)
{
    return pool->n_free;
}

size_t
pkt_pool_available_large(const struct pkt_pool *pool)
{
    return pool->n_free_large;
}

size_t
pkt_pool_buf_size(const struct pkt_pool *pool)
{
    return pool->buf_size;
}

size_t
pkt_pool_large_size(const struct pkt_pool *pool)
{
    return pool->large_size;
}

void
pkt_batch_free(struct pkt_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        pkt_free(b->pkts[i]);
    }
    b->count = 0;
}
