/*
 * recirc.h: recirculation ids and the frozen translation states behind
 * them, as Open vSwitch's ofproto-dpif-rid.h.
 *
 * When translation meets ct(table=N), it cannot know the connection state
 * the datapath will find, so it "freezes": it records where to resume (the
 * bridge, table N, the pipeline metadata: registers, metadata, in_port,
 * tunnel) under a recirculation id, emits ct(...),recirc(ID), and stops.
 * The datapath runs conntrack and hands the packet back with that
 * recirc_id in its metadata; translation then "thaws" the state and goes
 * on in table N with the ct_* fields conntrack set.
 *
 * Identical frozen states share one id (so a flow's recirculation ids are
 * stable).  Ids are reference counted by whoever may still send packets
 * with them (xlate results, datapath flows); an id whose count drops to
 * zero stays findable for RECIRC_LINGER_MSEC so that packets already in
 * flight still thaw, then is freed.
 *
 * Thread safety: main thread only.
 */
#ifndef VX_OFPROTO_RECIRC_H
#define VX_OFPROTO_RECIRC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow/ofp-actions.h"
#include "packet/flow.h"

struct ds;

#define RECIRC_LINGER_MSEC 10000

/* Pipeline metadata carried across a recirculation. */
struct frozen_metadata {
    struct flow_tnl tunnel;
    be64 metadata;
    uint32_t regs[FLOW_N_REGS];
    uint32_t in_port;          /* OpenFlow port. */
};

struct frozen_state {
    char *bridge;              /* Bridge to resume in. */
    uint8_t table_id;          /* Table to resume at. */
    bool conntracked;          /* Keep ct_* fields when thawing. */
    struct frozen_metadata md; /* Pipeline metadata. */
    struct ofpacts ofpacts;    /* Actions to run before any lookup (frozen
                                * after an action that needed it). */
};

/* Returns the id for STATE (copied), allocating one or taking another
 * reference on an existing id with an equal state.  Returns 0 only when
 * ids are exhausted. */
uint32_t recirc_alloc_id(const struct frozen_state *state);

/* Takes / drops a reference on ID. */
void recirc_id_ref(uint32_t id);
void recirc_id_unref(uint32_t id);

/* Returns the frozen state of ID, or NULL (unknown or freed). */
const struct frozen_state *recirc_id_find(uint32_t id);

/* Frees ids whose count reached zero more than RECIRC_LINGER_MSEC ago. */
void recirc_run(long long int now);

/* Number of live ids (tests, memory/show). */
size_t recirc_count(void);

void frozen_metadata_from_flow(struct frozen_metadata *,
                               const struct flow *);
void frozen_metadata_to_flow(const struct frozen_metadata *, struct flow *);

#endif /* VX_OFPROTO_RECIRC_H */
