/*
 * conntrack-table.c: the connection table, read without locks.
 *
 * The table is CT_N_STRIPES chained hash tables ("stripes"), chosen by the
 * high bits of a connection's (direction-symmetric) key hash.  Writers
 * (insert, remove, resize) take the stripe's mutex.  Readers take no table
 * lock and write nothing shared: they walk the chain with atomic loads and
 * lock only the connection whose hash matches, to compare its key and use
 * it.  Two things make that safe:
 *
 *   - Entries are type-stable: they are allocated from slabs and go back
 *     to a free list, never to the allocator, until the table is
 *     destroyed.  A reader that holds a pointer to an entry that was just
 *     removed (or even reused for another connection) touches valid
 *     memory, and it decides under the entry's lock whether the entry is
 *     live and has its key.  Keys are unique among live entries, so a
 *     live entry with the key is the right one wherever the reader found
 *     it.  Bucket arrays are kept, too, when a stripe grows (they never
 *     shrink, so the kept arrays take less memory than the current ones).
 *
 *   - A reader that reaches the end of a chain without finding its key
 *     might have been led astray by a concurrent removal-and-reuse or
 *     resize, which rewrite 'next' pointers.  Both bump the stripe's
 *     sequence number, so the reader trusts a miss only if the number did
 *     not change while it walked; otherwise it walks again, and after a
 *     few tries it searches under the stripe's mutex.  Insertions publish
 *     at the head of a chain and need no bump: a reader that misses a
 *     connection inserted while it walked just ran before the insertion.
 *
 * Lock order: the caller's locks (conntrack's mutex), stripe mutex, then
 * an entry's spinlock.  A reader holds only the entry's spinlock.
 */
#include "conntrack/conntrack-private.h"

#define CT_STRIPE_BITS 8

/* Entries allocated at once. */
#define CT_SLAB_CONNS 256

/* Initial buckets per stripe. */
#define CT_MIN_BUCKETS 16

/* A reader gives up on a walk after this many entries (a chain this long
 * means it is wandering through entries being recycled) and after this
 * many walks. */
#define CT_MAX_WALK 256
#define CT_MAX_WALKS 4

/* A stripe's bucket array. */
struct ct_buckets {
    size_t mask;                       /* Number of buckets - 1. */
    struct ct_buckets *retired;        /* Older arrays of the stripe. */
    _Atomic(struct ct_conn *) heads[]; /* Chains. */
};

/* One stripe, padded so that two stripes never share a cache line. */
struct ct_stripe {
    union {
        struct {
            pthread_mutex_t mutex; /* Taken by writers. */
            _Atomic uint32_t seq;  /* Bumped by removals; odd during a
                                    * resize. */
            _Atomic(struct ct_buckets *) buckets; /* Current array. */
            size_t n;                             /* Entries; under 'mutex'. */
        };
        uint8_t pad[128]; /* Padding to two cache lines. */
    };
};

_Static_assert(sizeof(struct ct_stripe) == 128, "struct ct_stripe overflows");

/* A block of entries. */
struct ct_slab {
    struct ct_slab *next;                /* Next slab of the table. */
    struct ct_conn conns[CT_SLAB_CONNS]; /* The entries. */
};

struct ct_table {
    struct ct_stripe stripes[CT_N_STRIPES]; /* The stripes. */
    pthread_mutex_t alloc_mutex;            /* Protects the members below. */
    struct ct_slab *slabs;                  /* All slabs. */
    struct ct_conn *free;                   /* Free entries, by 'free_next'. */
    size_t n_allocated;                     /* Entries in slabs. */
};

static struct ct_buckets *
buckets_create(size_t n)
{
    struct ct_buckets *b = xzalloc(sizeof *b + n * sizeof b->heads[0]);

    b->mask = n - 1;
    for (size_t i = 0; i < n; i++) {
        atomic_init(&b->heads[i], NULL);
    }
    return b;
}

struct ct_table *
ct_table_create(void)
{
    struct ct_table *t = xzalloc(sizeof *t);

    for (size_t i = 0; i < CT_N_STRIPES; i++) {
        struct ct_stripe *s = &t->stripes[i];

        pthread_mutex_init(&s->mutex, NULL);
        atomic_init(&s->seq, 0);
        atomic_init(&s->buckets, buckets_create(CT_MIN_BUCKETS));
    }
    pthread_mutex_init(&t->alloc_mutex, NULL);
    return t;
}

void
ct_table_destroy(struct ct_table *t)
{
    struct ct_slab *slab, *next_slab;

    for (size_t i = 0; i < CT_N_STRIPES; i++) {
        struct ct_stripe *s = &t->stripes[i];
        struct ct_buckets *b, *older;

        for (b = atomic_load(&s->buckets); b; b = older) {
            older = b->retired;
            free(b);
        }
        pthread_mutex_destroy(&s->mutex);
    }
    for (slab = t->slabs; slab; slab = next_slab) {
        next_slab = slab->next;
        for (size_t i = 0; i < CT_SLAB_CONNS; i++) {
            pthread_spin_destroy(&slab->conns[i].lock);
        }
        free(slab);
    }
    pthread_mutex_destroy(&t->alloc_mutex);
    free(t);
}

unsigned int
ct_table_stripe(uint32_t hash)
{
    return hash >> (32 - CT_STRIPE_BITS);
}

static bool
conn_expired(const struct ct_conn *conn, long long now)
{
    return now >=
           atomic_load_explicit(&conn->expiration, memory_order_relaxed);
}

/* Returns true if CONN (whose lock the caller holds, or whose stripe mutex
 * the caller holds for an entry that is not free) has KEY as its original
 * or reply key, and sets *REPLY.  An expired entry matches only with
 * EXPIRED_TOO; a free or deleted one never does. */
static bool
conn_matches(const struct ct_conn *conn, const struct ct_key *key,
             long long now, bool expired_too, bool *reply)
{
    long long expiration =
        atomic_load_explicit(&conn->expiration, memory_order_relaxed);

    if (expiration == CT_EXPIRATION_FREE ||
        (!expired_too && now >= expiration)) {
        return false;
    }
    if (!memcmp(&conn->key, key, sizeof *key)) {
        *reply = false;
        return true;
    } else if (!memcmp(&conn->rev_key, key, sizeof *key)) {
        *reply = true;
        return true;
    }
    return false;
}

static struct ct_conn *
chain_head(struct ct_buckets *b, uint32_t hash)
{
    return atomic_load_explicit(&b->heads[hash & b->mask],
                                memory_order_acquire);
}

static struct ct_conn *
chain_next(const struct ct_conn *conn)
{
    return atomic_load_explicit(&conn->next, memory_order_acquire);
}

struct ct_conn *
ct_table_find_locked(struct ct_table *t, const struct ct_key *key,
                     uint32_t hash, long long now, bool expired_too,
                     bool *reply)
{
    struct ct_stripe *s = &t->stripes[ct_table_stripe(hash)];
    struct ct_buckets *b =
        atomic_load_explicit(&s->buckets, memory_order_relaxed);

    for (struct ct_conn *c = chain_head(b, hash); c; c = chain_next(c)) {
        if (atomic_load_explicit(&c->hash, memory_order_relaxed) == hash &&
            conn_matches(c, key, now, expired_too, reply)) {
            return c;
        }
    }
    return NULL;
}

struct ct_conn *
ct_table_lookup(struct ct_table *t, const struct ct_key *key, uint32_t hash,
                long long now, bool *reply)
{
    struct ct_stripe *s = &t->stripes[ct_table_stripe(hash)];
    struct ct_conn *c;

    for (int walk = 0; walk < CT_MAX_WALKS; walk++) {
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        struct ct_buckets *b;
        int steps = 0;

        if (seq & 1) {
            continue; /* Resizing: walk again, or wait below. */
        }
        b = atomic_load_explicit(&s->buckets, memory_order_acquire);
        for (c = chain_head(b, hash); c && steps < CT_MAX_WALK;
             c = chain_next(c), steps++) {
            if (atomic_load_explicit(&c->hash, memory_order_relaxed) != hash) {
                continue;
            }
            pthread_spin_lock(&c->lock);
            if (conn_matches(c, key, now, false, reply)) {
                return c;
            }
            pthread_spin_unlock(&c->lock);
        }
        if (!c) {
            /* A miss counts only if no entry moved meanwhile. */
            atomic_thread_fence(memory_order_acquire);
            if (atomic_load_explicit(&s->seq, memory_order_relaxed) == seq) {
                return NULL;
            }
        }
    }

    /* Under the mutex the chains hold still. */
    pthread_mutex_lock(&s->mutex);
    c = ct_table_find_locked(t, key, hash, now, false, reply);
    if (c) {
        pthread_spin_lock(&c->lock);
    }
    pthread_mutex_unlock(&s->mutex);
    return c;
}

void
ct_table_lock_stripe(struct ct_table *t, unsigned int stripe)
{
    pthread_mutex_lock(&t->stripes[stripe].mutex);
}

void
ct_table_unlock_stripe(struct ct_table *t, unsigned int stripe)
{
    pthread_mutex_unlock(&t->stripes[stripe].mutex);
}

struct ct_conn *
ct_table_alloc(struct ct_table *t)
{
    struct ct_conn *conn;

    pthread_mutex_lock(&t->alloc_mutex);
    if (!t->free) {
        struct ct_slab *slab = xzalloc(sizeof *slab);

        for (size_t i = 0; i < CT_SLAB_CONNS; i++) {
            struct ct_conn *c = &slab->conns[i];

            atomic_init(&c->next, NULL);
            atomic_init(&c->hash, 0);
            atomic_init(&c->expiration, CT_EXPIRATION_FREE);
            pthread_spin_init(&c->lock, PTHREAD_PROCESS_PRIVATE);
            c->free_next = t->free;
            t->free = c;
        }
        slab->next = t->slabs;
        t->slabs = slab;
        t->n_allocated += CT_SLAB_CONNS;
    }
    conn = t->free;
    t->free = conn->free_next;
    pthread_mutex_unlock(&t->alloc_mutex);

    pthread_spin_lock(&conn->lock);
    return conn;
}

/* Moves every entry of stripe S (whose mutex the caller holds) to a bucket
 * array twice as large. */
static void
stripe_expand(struct ct_stripe *s)
{
    struct ct_buckets *old =
        atomic_load_explicit(&s->buckets, memory_order_relaxed);
    struct ct_buckets *new = buckets_create(2 * (old->mask + 1));

    /* Odd while entries move, so that readers do not trust misses. */
    atomic_fetch_add_explicit(&s->seq, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    for (size_t i = 0; i <= old->mask; i++) {
        struct ct_conn *c;

        while (
            (c = atomic_load_explicit(&old->heads[i], memory_order_relaxed))) {
            uint32_t hash =
                atomic_load_explicit(&c->hash, memory_order_relaxed);
            _Atomic(struct ct_conn *) *head = &new->heads[hash & new->mask];

            atomic_store_explicit(&old->heads[i], chain_next(c),
                                  memory_order_release);
            atomic_store_explicit(
                &c->next, atomic_load_explicit(head, memory_order_relaxed),
                memory_order_release);
            atomic_store_explicit(head, c, memory_order_release);
        }
    }
    new->retired = old;
    atomic_store_explicit(&s->buckets, new, memory_order_release);
    atomic_fetch_add_explicit(&s->seq, 1, memory_order_release);
}

void
ct_table_insert(struct ct_table *t, struct ct_conn *conn, uint32_t hash)
{
    struct ct_stripe *s = &t->stripes[ct_table_stripe(hash)];
    struct ct_buckets *b;
    _Atomic(struct ct_conn *) *head;

    if (++s->n / 2 >
        atomic_load_explicit(&s->buckets, memory_order_relaxed)->mask) {
        stripe_expand(s);
    }
    b = atomic_load_explicit(&s->buckets, memory_order_relaxed);
    head = &b->heads[hash & b->mask];
    atomic_store_explicit(&conn->hash, hash, memory_order_relaxed);
    atomic_store_explicit(&conn->next,
                          atomic_load_explicit(head, memory_order_relaxed),
                          memory_order_release);
    atomic_store_explicit(head, conn, memory_order_release);
}

bool
ct_table_remove(struct ct_table *t, struct ct_conn *conn, bool only_if_expired,
                long long now)
{
    uint32_t hash = atomic_load_explicit(&conn->hash, memory_order_relaxed);
    struct ct_stripe *s = &t->stripes[ct_table_stripe(hash)];
    struct ct_buckets *b =
        atomic_load_explicit(&s->buckets, memory_order_relaxed);
    _Atomic(struct ct_conn *) *link = &b->heads[hash & b->mask];

    /* Decide under the entry's lock, so that a reader refreshing it now is
     * either before (and we keep it) or after (and it sees it gone). */
    pthread_spin_lock(&conn->lock);
    if (only_if_expired && !conn_expired(conn, now)) {
        pthread_spin_unlock(&conn->lock);
        return false;
    }
    atomic_store_explicit(&conn->expiration, CT_EXPIRATION_FREE,
                          memory_order_relaxed);
    pthread_spin_unlock(&conn->lock);

    while (atomic_load_explicit(link, memory_order_relaxed) != conn) {
        link = &atomic_load_explicit(link, memory_order_relaxed)->next;
    }
    atomic_store_explicit(link, chain_next(conn), memory_order_release);
    atomic_fetch_add_explicit(&s->seq, 2, memory_order_release);
    s->n--;

    pthread_mutex_lock(&t->alloc_mutex);
    conn->free_next = t->free;
    t->free = conn;
    pthread_mutex_unlock(&t->alloc_mutex);
    return true;
}

void
ct_table_stripe_for_each(struct ct_table *t, unsigned int stripe,
                         void (*func)(struct ct_conn *, void *aux), void *aux)
{
    struct ct_stripe *s = &t->stripes[stripe];
    struct ct_buckets *b =
        atomic_load_explicit(&s->buckets, memory_order_relaxed);

    for (size_t i = 0; i <= b->mask; i++) {
        struct ct_conn *c, *next;

        for (c = chain_head(b, i); c; c = next) {
            next = chain_next(c);
            func(c, aux);
        }
    }
}

size_t
ct_table_memory(const struct ct_table *t_)
{
    struct ct_table *t = (struct ct_table *)t_;
    size_t bytes = sizeof *t;

    pthread_mutex_lock(&t->alloc_mutex);
    bytes += t->n_allocated * sizeof(struct ct_conn);
    pthread_mutex_unlock(&t->alloc_mutex);
    for (size_t i = 0; i < CT_N_STRIPES; i++) {
        struct ct_stripe *s = &t->stripes[i];

        pthread_mutex_lock(&s->mutex);
        for (struct ct_buckets *b = atomic_load(&s->buckets); b;
             b = b->retired) {
            bytes += sizeof *b + (b->mask + 1) * sizeof b->heads[0];
        }
        pthread_mutex_unlock(&s->mutex);
    }
    return bytes;
}
