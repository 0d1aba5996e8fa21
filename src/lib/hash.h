/*
 * hash.h: fast non-cryptographic hashing (MurmurHash3-style mixing, as in
 * Open vSwitch's lib/hash.h).  hash_bytes() over whole words is what the
 * classifier and caches use; hash_add() chains 32-bit values.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_LIB_HASH_H
#define VX_LIB_HASH_H 1

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t
hash_rot(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

static inline uint32_t
mhash_add__(uint32_t hash, uint32_t data)
{
    data *= 0xcc9e2d51;
    data = hash_rot(data, 15);
    data *= 0x1b873593;
    return hash ^ data;
}

static inline uint32_t
mhash_add(uint32_t hash, uint32_t data)
{
    hash = mhash_add__(hash, data);
    hash = hash_rot(hash, 13);
    return hash * 5 + 0xe6546b64;
}

static inline uint32_t
mhash_finish(uint32_t hash)
{
    hash ^= hash >> 16;
    hash *= 0x85ebca6b;
    hash ^= hash >> 13;
    hash *= 0xc2b2ae35;
    hash ^= hash >> 16;
    return hash;
}

static inline uint32_t
hash_add(uint32_t hash, uint32_t data)
{
    return mhash_add(hash, data);
}

static inline uint32_t
hash_add64(uint32_t hash, uint64_t data)
{
    return hash_add(hash_add(hash, (uint32_t) data), (uint32_t) (data >> 32));
}

static inline uint32_t
hash_finish(uint32_t hash, uint32_t final)
{
    return mhash_finish(hash ^ final);
}

static inline uint32_t
hash_int(uint32_t x, uint32_t basis)
{
    return hash_finish(hash_add(basis, x), 4);
}

static inline uint32_t
hash_uint64(uint64_t x, uint32_t basis)
{
    return hash_finish(hash_add64(basis, x), 8);
}

static inline uint32_t
hash_pointer(const void *p, uint32_t basis)
{
    return hash_uint64((uintptr_t) p, basis);
}

/* Hashes N bytes at P (any alignment). */
uint32_t hash_bytes(const void *p, size_t n, uint32_t basis);

/* Hashes N_WORDS 64-bit words at P (8-byte aligned). */
uint32_t hash_words64(const uint64_t *p, size_t n_words, uint32_t basis);

static inline uint32_t
hash_string(const char *s, uint32_t basis)
{
    return hash_bytes(s, strlen(s), basis);
}

#endif /* VX_LIB_HASH_H */
