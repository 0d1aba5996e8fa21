/* hash.c: see hash.h. */
#include "lib/hash.h"

uint32_t
hash_bytes(const void *p_, size_t n, uint32_t basis)
{
    const uint8_t *p = p_;
    uint32_t hash = basis;
    size_t orig_n = n;

    while (n >= 4) {
        uint32_t w;

        memcpy(&w, p, 4);
        hash = mhash_add(hash, w);
        p += 4;
        n -= 4;
    }
    if (n) {
        uint32_t w = 0;

        memcpy(&w, p, n);
        hash = mhash_add__(hash, w);
    }
    return mhash_finish(hash ^ (uint32_t) orig_n);
}

uint32_t
hash_words64(const uint64_t *p, size_t n_words, uint32_t basis)
{
    uint32_t hash = basis;

    for (size_t i = 0; i < n_words; i++) {
        hash = hash_add64(hash, p[i]);
    }
    return hash_finish(hash, (uint32_t) (n_words * 8));
}
