/*
 * learn.h: the learn action: building the flow mod that a learn(...)
 * action installs for a given packet (Open vSwitch's lib/learn.c).
 *
 * Thread safety: pure functions.
 */
#ifndef VX_OFPROTO_LEARN_H
#define VX_OFPROTO_LEARN_H 1

#include "flow/match.h"
#include "flow/ofp-actions.h"
#include "flow/ofp-parse.h"

/* Un-wildcards in WC every field the learn action reads from the packet,
 * so that a megaflow covers only packets that would learn the same flow. */
void learn_mask(const struct ofpact_learn *, struct flow_wildcards *wc);

/* Fills FM (which the caller frees with ofp_flow_mod_uninit()) with the
 * flow that LEARN installs for a packet with FLOW: a MODIFY_STRICT, so that
 * learning an existing flow updates it, and adds it otherwise. */
void learn_execute(const struct ofpact_learn *, const struct flow *flow,
                   struct ofp_flow_mod *fm);

#endif /* VX_OFPROTO_LEARN_H */
