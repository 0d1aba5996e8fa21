/*
 * dp-key.h: which words of struct flow a datapath flow key uses, and the
 * hashes the datapath's caches compute over them.
 *
 * A datapath flow key is a struct flow (packet/flow.h) whose 64-bit words
 * are hashed, masked and compared one at a time.  Only some words can
 * differ between two packets that reach the datapath: the packet header
 * words (from dl_dst to the end) and the datapath metadata (tunnel,
 * skb_priority, pkt_mark, dp_hash, in_port, recirc_id, ct_state, ct_zone,
 * ct_mark, ct_label and the conntrack original tuple).  The OpenFlow
 * pipeline's scratch metadata (metadata, regs, actset_output) is always
 * zero in a datapath key and never set in a megaflow mask.  These "key
 * words" are three runs of whole words, DP_KEY_RANGE*, DP_KEY_U64S words
 * in all:
 *
 *   [DP_KEY_RANGE0_START, DP_KEY_RANGE0_END)  tunnel
 *   [DP_KEY_RANGE1_START, DP_KEY_RANGE1_END)  skb_priority .. conj_id
 *   [DP_KEY_RANGE2_START, DP_KEY_RANGE2_END)  ct_label .. tp_dst
 *
 * (The word holding ct_mark also holds conj_id, which is zero in datapath
 * keys; comparing it costs nothing and is never wrong.)  The exact-match
 * cache compares exactly these words, and the megaflow classifier refuses
 * masks with bits outside them, so an exact-match hit can never disagree
 * with the megaflow it caches.
 *
 * Hashing.  dp_hash_word() folds one 64-bit word at a position into an
 * accumulator with one multiply and one rotate, independent of the other
 * words (so a compiler can overlap them), and dp_hash_finish() mixes the
 * accumulator into a 32-bit hash.  flow_hash_for_cache() is the per-packet
 * hash used to index the exact-match cache, computed once per packet from
 * the words that distinguish connections (in_port, recirc_id and ct
 * state, tunnel id and addresses, Ethernet addresses and type, VLANs, IP
 * addresses, protocol and L4 ports).  It is not a hash of the whole key:
 * two packets with equal cache hashes may still differ, which the cache's
 * exact compare catches.  The megaflow classifier cannot reuse it (two
 * packets of one megaflow usually have different cache hashes); it hashes
 * the masked words of each subtable instead, with the same primitives.
 * None of these hashes is keyed: a sender who can choose header values
 * can make many keys collide, which costs time but never gives a wrong
 * answer.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_DATAPATH_DP_KEY_H
#define VX_DATAPATH_DP_KEY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet/flow.h"

/* Index of the 64-bit word of struct flow that holds MEMBER's first
 * byte. */
#define DP_FLOW_WORD(MEMBER) (offsetof(struct flow, MEMBER) / 8)

/* The three runs of key words (see the top comment). */
#define DP_KEY_RANGE0_START DP_FLOW_WORD(tunnel)
#define DP_KEY_RANGE0_END DP_FLOW_WORD(metadata)
#define DP_KEY_RANGE1_START DP_FLOW_WORD(skb_priority)
#define DP_KEY_RANGE1_END DP_FLOW_WORD(actset_output)
#define DP_KEY_RANGE2_START DP_FLOW_WORD(ct_label)
#define DP_KEY_RANGE2_END FLOW_U64S

/* Number of key words. */
#define DP_KEY_U64S                                                           \
    ((DP_KEY_RANGE0_END - DP_KEY_RANGE0_START) +                              \
     (DP_KEY_RANGE1_END - DP_KEY_RANGE1_START) +                              \
     (DP_KEY_RANGE2_END - DP_KEY_RANGE2_START))

_Static_assert(offsetof(struct flow, tunnel) == 0 &&
                   offsetof(struct flow, metadata) % 8 == 0 &&
                   offsetof(struct flow, skb_priority) % 8 == 0 &&
                   offsetof(struct flow, actset_output) % 8 == 0 &&
                   offsetof(struct flow, ct_label) % 8 == 0,
               "datapath key runs must start and end on word boundaries");
_Static_assert(offsetof(struct flow, regs) +
                       sizeof(((struct flow *)0)->regs) ==
                   offsetof(struct flow, skb_priority),
               "only metadata and regs may lie between the first two runs");
_Static_assert(offsetof(struct flow, actset_output) + 8 ==
                   offsetof(struct flow, ct_label),
               "only actset_output and padding may lie between runs 1 and 2");
_Static_assert(offsetof(struct flow, dl_dst) >= 8 * DP_KEY_RANGE2_START,
               "packet header words must be key words");

/* Returns true if word W of struct flow is a key word. */
static inline bool
dp_key_word_is_key(size_t w)
{
    /* Run 0 starts at word 0 (asserted above). */
    return w < DP_KEY_RANGE0_END ||
           (w >= DP_KEY_RANGE1_START && w < DP_KEY_RANGE1_END) ||
           (w >= DP_KEY_RANGE2_START && w < DP_KEY_RANGE2_END);
}

/* Multiplier of dp_hash_word(): 2^64 / golden ratio, odd, so that
 * multiplying by it is a bijection on 64-bit words. */
#define DP_HASH_MUL 0x9e3779b97f4a7c15ULL

/* Returns ACC with WORD, the word at position POS of the hashed sequence,
 * folded in.  Each word's contribution is a bijection of the word, rotated
 * by an amount that depends on POS, so equal values at different positions
 * do not cancel. */
static inline uint64_t
dp_hash_word(uint64_t acc, uint64_t word, unsigned int pos)
{
    uint64_t x = word * DP_HASH_MUL;
    unsigned int rot = (pos * 23 + 7) & 63;

    return acc ^ ((x << rot) | (x >> ((64 - rot) & 63)));
}

/* Returns the 32-bit hash of accumulator ACC (MurmurHash3's 64-bit
 * finaliser, which is a bijection, truncated). */
static inline uint32_t
dp_hash_finish(uint64_t acc)
{
    acc ^= acc >> 33;
    acc *= 0xff51afd7ed558ccdULL;
    acc ^= acc >> 33;
    acc *= 0xc4ceb9fe1a85ec53ULL;
    acc ^= acc >> 33;
    return (uint32_t)acc;
}

/* Returns the exact-match cache hash of datapath key FLOW (see the top
 * comment for the words it covers).  Cheap: about a dozen independent
 * multiplies. */
static inline uint32_t
flow_hash_for_cache(const struct flow *flow)
{
    const uint64_t *w = (const uint64_t *)flow;
    size_t v6 = DP_FLOW_WORD(ipv6_src);
    uint64_t acc = 0;

    /* The IPv6 addresses (zero for other traffic) are folded together
     * before the multiply; the rotations keep source and destination
     * apart. */
    uint64_t ipv6 = w[v6] ^ ((w[v6 + 1] << 17) | (w[v6 + 1] >> 47)) ^
                    ((w[v6 + 2] << 31) | (w[v6 + 2] >> 33)) ^
                    ((w[v6 + 3] << 47) | (w[v6 + 3] >> 17));

    acc = dp_hash_word(acc, w[DP_FLOW_WORD(tunnel.tun_id)], 0);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(tunnel.ip_src)], 1);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(in_port)], 2);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(recirc_id)], 3);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(dl_dst)], 4);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(dl_dst) + 1], 5);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(vlans)], 6);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(nw_src)], 7);
    acc = dp_hash_word(acc, ipv6, 8);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(nw_proto)], 9);
    acc = dp_hash_word(acc, w[DP_FLOW_WORD(tp_src)], 10);
    return dp_hash_finish(acc);
}

#endif /* VX_DATAPATH_DP_KEY_H */
