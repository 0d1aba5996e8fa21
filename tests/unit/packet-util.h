/*
 * packet-util.h: helpers shared by the packet-layer unit tests: the golden
 * packet set (tests/data/packets/golden.txt, made by gen-golden.py from
 * scapy packets and Open vSwitch 3.1's extracted flows) and the canonical
 * text form of a flow's header fields that the golden set uses.
 */
#ifndef VX_TESTS_PACKET_UTIL_H
#define VX_TESTS_PACKET_UTIL_H 1

#include <stddef.h>
#include <stdint.h>

#include "packet/flow.h"

struct ds;

/* One packet of the golden set. */
struct golden_pkt {
    char *name;      /* Case name, e.g. "tcp_doff1". */
    uint8_t *data;   /* Frame bytes. */
    size_t size;     /* Frame length. */
    char *fields;    /* Expected header fields, canonical form. */
};

/* Loads the golden set into a new array stored in *PKTS and returns its
 * length.  Fails the test if the file is missing or malformed. */
size_t golden_load(struct golden_pkt **pkts);

/* Frees N golden packets and the array. */
void golden_free(struct golden_pkt *, size_t n);

/* Returns the golden packet called NAME (fails the test if absent). */
const struct golden_pkt *golden_find(const struct golden_pkt *, size_t n,
                                     const char *name);

/* Appends the header fields of FLOW (dl_dst onwards) to DS in the canonical
 * form of golden.txt. */
void flow_format_canonical(const struct flow *, struct ds *);

/* Returns the canonical form of the header fields extracted from SIZE
 * bytes at DATA (caller frees). */
char *extract_canonical(const uint8_t *data, size_t size);

/* Decodes the hex string HEX into a new buffer stored in *DATA; returns its
 * length.  Fails the test on a bad digit or odd length. */
size_t hex_decode(const char *hex, uint8_t **data);

/* A small deterministic PRNG (xorshift64*) for reproducible random tests. */
uint64_t test_random(uint64_t *state);

#endif /* VX_TESTS_PACKET_UTIL_H */
