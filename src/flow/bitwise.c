/*
 * bitwise.c: bit-range helpers over big-endian byte arrays, with OVS's
 * bitwise_*() contracts.  Bit 0 is the least significant bit of the last
 * byte.  Written with array indexes only, so they never form a pointer
 * outside the buffers.
 */
#include "flow/meta-field.h"

#include <string.h>

#include "lib/util.h"

/* Returns bit OFS of the LEN-byte big-endian array P. */
static inline bool
bit_get(const uint8_t *p, unsigned int len, unsigned int ofs)
{
    return (p[len - 1 - ofs / 8] >> (ofs % 8)) & 1;
}

/* Sets bit OFS of P to V. */
static inline void
bit_put(uint8_t *p, unsigned int len, unsigned int ofs, bool v)
{
    uint8_t *byte = &p[len - 1 - ofs / 8];
    uint8_t bit = 1u << (ofs % 8);

    *byte = v ? *byte | bit : *byte & ~bit;
}

void
bitwise_copy(const void *src_, unsigned int src_len, unsigned int src_ofs,
             void *dst_, unsigned int dst_len, unsigned int dst_ofs,
             unsigned int n_bits)
{
    const uint8_t *src = src_;
    uint8_t *dst = dst_;

    vx_assert(src_ofs + n_bits <= src_len * 8);
    vx_assert(dst_ofs + n_bits <= dst_len * 8);

    if (src_ofs % 8 == 0 && dst_ofs % 8 == 0 && n_bits % 8 == 0) {
        unsigned int n = n_bits / 8;

        memmove(&dst[dst_len - dst_ofs / 8 - n], &src[src_len - src_ofs / 8 - n],
                n);
        return;
    }
    if (src == dst && src_ofs < dst_ofs) {
        /* Overlapping copy upward: go from the top bit down. */
        for (unsigned int i = n_bits; i-- > 0;) {
            bit_put(dst, dst_len, dst_ofs + i,
                    bit_get(src, src_len, src_ofs + i));
        }
    } else {
        for (unsigned int i = 0; i < n_bits; i++) {
            bit_put(dst, dst_len, dst_ofs + i,
                    bit_get(src, src_len, src_ofs + i));
        }
    }
}

void
bitwise_one(void *dst, unsigned int dst_len, unsigned int dst_ofs,
            unsigned int n_bits)
{
    vx_assert(dst_ofs + n_bits <= dst_len * 8);
    for (unsigned int i = 0; i < n_bits; i++) {
        bit_put(dst, dst_len, dst_ofs + i, true);
    }
}

void
bitwise_zero(void *dst, unsigned int dst_len, unsigned int dst_ofs,
             unsigned int n_bits)
{
    vx_assert(dst_ofs + n_bits <= dst_len * 8);
    for (unsigned int i = 0; i < n_bits; i++) {
        bit_put(dst, dst_len, dst_ofs + i, false);
    }
}

bool
bitwise_is_all_zeros(const void *p, unsigned int len, unsigned int ofs,
                     unsigned int n_bits)
{
    vx_assert(ofs + n_bits <= len * 8);
    for (unsigned int i = 0; i < n_bits; i++) {
        if (bit_get(p, len, ofs + i)) {
            return false;
        }
    }
    return true;
}

uint64_t
bitwise_get(const void *src, unsigned int src_len, unsigned int src_ofs,
            unsigned int n_bits)
{
    uint64_t value = 0;

    vx_assert(n_bits <= 64);
    vx_assert(src_ofs + n_bits <= src_len * 8);
    for (unsigned int i = 0; i < n_bits; i++) {
        value |= (uint64_t) bit_get(src, src_len, src_ofs + i) << i;
    }
    return value;
}

void
bitwise_put(uint64_t value, void *dst, unsigned int dst_len,
            unsigned int dst_ofs, unsigned int n_bits)
{
    vx_assert(n_bits <= 64);
    vx_assert(dst_ofs + n_bits <= dst_len * 8);
    for (unsigned int i = 0; i < n_bits; i++) {
        bit_put(dst, dst_len, dst_ofs + i, (value >> i) & 1);
    }
}
