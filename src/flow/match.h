/*
 * match.h: wildcards (a mask over struct flow) and matches (a flow plus
 * wildcards), the shape of every OpenFlow rule's match and every megaflow.
 *
 * A 1-bit in a mask means "this bit of the packet must equal the flow's";
 * a 0-bit means "any value".  A match is kept normalised: flow bits under a
 * 0 mask bit are zero, so two equal matches are memcmp()-equal.
 *
 * Thread safety: plain data; functions are pure.
 */
#ifndef VX_FLOW_MATCH_H
#define VX_FLOW_MATCH_H 1

#include <stdbool.h>
#include <stdint.h>

#include "packet/flow.h"

struct ds;
struct ofp_port_map;

struct flow_wildcards {
    struct flow masks;  /* 1-bits: must match. */
};

struct match {
    struct flow flow;          /* Values (zero under wildcarded bits). */
    struct flow_wildcards wc;  /* Mask. */
};

/* A match that matches everything. */
void match_init_catchall(struct match *);

/* A match that matches exactly FLOW's header fields and metadata (every
 * bit; the padding stays wildcarded). */
void match_init_exact(struct match *, const struct flow *);

/* Zeroes the flow bits under 0 mask bits. */
void match_normalize(struct match *);

bool match_equal(const struct match *, const struct match *);
uint32_t match_hash(const struct match *, uint32_t basis);

/* Returns true if packet FLOW satisfies MATCH. */
bool match_matches_flow(const struct match *, const struct flow *);

/* Returns true if every packet matched by A is matched by B with a mask
 * that is a subset (B is "looser" than A), as OVS's del-flows/mod-flows
 * non-strict matching needs. */
bool match_is_subset_of(const struct match *a, const struct match *b);

void flow_wildcards_init_catchall(struct flow_wildcards *);
void flow_wildcards_init_exact(struct flow_wildcards *);
bool flow_wildcards_is_catchall(const struct flow_wildcards *);

/* Sets WC's bits in DST (union of masks). */
void flow_wildcards_or(struct flow_wildcards *dst,
                       const struct flow_wildcards *src);

/* Stores FLOW & WC in DST. */
void flow_zero_wildcards(struct flow *dst, const struct flow_wildcards *wc);

/* Returns true if A and B agree on every bit set in WC. */
bool flow_equal_except(const struct flow *a, const struct flow *b,
                       const struct flow_wildcards *wc);

/* Appends MATCH with PRIORITY in ovs-ofctl's canonical syntax and field
 * order ("priority=" left out when PRIORITY is 32768, the OpenFlow
 * default; nothing at all for a catch-all match at the default priority).
 * Ports are shown by quoted name when PORT_MAP is nonnull and knows them,
 * otherwise by number.  PRIORITY < 0 leaves the priority out. */
void match_format(const struct match *, const struct ofp_port_map *,
                  int priority, struct ds *);

#endif /* VX_FLOW_MATCH_H */
