/*
 * ofp-actions.h: OpenFlow actions in their abstract form ("ofpacts"),
 * parsed from and printed as ovs-ofctl text.
 *
 * A rule's actions are a struct ofpacts: an array of struct ofpact, each a
 * tagged union.  Actions with variable parts (ct's nested actions, learn's
 * specs, note's bytes) own heap memory; ofpacts_clone(), ofpacts_free()
 * and ofpacts_equal() handle them deeply.  An empty list means "drop".
 *
 * Printing follows what `ovs-ofctl dump-flows` prints over OpenFlow 1.0
 * with Nicira extensions, which is what the seed shows: goto_table:N
 * prints as resubmit(,N), set_field:V->F as load:V->NXM_...[], pop_vlan as
 * strip_vlan, push_vlan plus set of the VID as mod_vlan_vid:N.  Both
 * spellings parse.  ofpacts_format() of ofpacts_parse() of a line printed
 * by OVS gives back the same text.
 *
 * Thread safety: an ofpacts is immutable once a rule holds it; functions
 * are pure.
 */
#ifndef VX_FLOW_OFP_ACTIONS_H
#define VX_FLOW_OFP_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/match.h"
#include "flow/meta-field.h"

struct ds;
struct ofp_port_map;

enum ofpact_type {
    OFPACT_OUTPUT,        /* output:PORT, also NORMAL, IN_PORT, LOCAL,
                           * FLOOD, ALL, and bare port numbers. */
    OFPACT_OUTPUT_REG,    /* output:NXM_NX_REG0[0..15] */
    OFPACT_CONTROLLER,    /* controller(...) / CONTROLLER:max_len */
    OFPACT_RESUBMIT,      /* resubmit(port,table) / resubmit:port */
    OFPACT_GOTO_TABLE,    /* goto_table:N, printed resubmit(,N). */
    OFPACT_SET_VLAN_VID,  /* mod_vlan_vid:N (pushes a tag if none). */
    OFPACT_SET_VLAN_PCP,  /* mod_vlan_pcp:N */
    OFPACT_STRIP_VLAN,    /* strip_vlan / pop_vlan */
    OFPACT_PUSH_VLAN,     /* push_vlan:ETHERTYPE */
    OFPACT_SET_ETH_SRC,   /* mod_dl_src:MAC */
    OFPACT_SET_ETH_DST,   /* mod_dl_dst:MAC */
    OFPACT_SET_IPV4_SRC,  /* mod_nw_src:IP */
    OFPACT_SET_IPV4_DST,  /* mod_nw_dst:IP */
    OFPACT_SET_IP_DSCP,   /* mod_nw_tos:N */
    OFPACT_SET_L4_SRC,    /* mod_tp_src:N */
    OFPACT_SET_L4_DST,    /* mod_tp_dst:N */
    OFPACT_DEC_TTL,       /* dec_ttl */
    OFPACT_SET_TUNNEL,    /* set_tunnel:N / set_tunnel64:N */
    OFPACT_SET_FIELD,     /* load:V->DST[] / set_field:V[/M]->FIELD */
    OFPACT_REG_MOVE,      /* move:SRC[]->DST[] */
    OFPACT_CT,            /* ct(commit,zone=...,table=N,exec(...)) */
    OFPACT_CT_CLEAR,      /* ct_clear */
    OFPACT_LEARN,         /* learn(...) */
    OFPACT_CONJUNCTION,   /* conjunction(ID,K/N) */
    OFPACT_NOTE,          /* note:xx.xx.xx */
    OFPACT_EXIT,          /* exit */
};

/* OFPACT_OUTPUT. */
struct ofpact_output {
    uint32_t port;        /* OpenFlow port, or an OFPP_* reserved port. */
    uint16_t max_len;     /* Bytes to send to the controller. */
};

/* OFPACT_OUTPUT_REG. */
struct ofpact_output_reg {
    struct mf_subfield src;
    uint16_t max_len;
};

/* OFPACT_CONTROLLER. */
struct ofpact_controller {
    uint16_t max_len;
    uint16_t controller_id;
    uint8_t reason;       /* OFPR_ACTION = 1 by default. */
    bool pause;
    bool plain;           /* Printed as "CONTROLLER:max_len". */
};

/* OFPACT_RESUBMIT. */
struct ofpact_resubmit {
    uint32_t in_port;     /* OFPP_IN_PORT means "keep the current one". */
    uint8_t table_id;     /* 255 means "the current table". */
    bool with_ct_orig;    /* resubmit(,N,ct) */
    bool plain;           /* Printed as "resubmit:PORT". */
};

/* OFPACT_SET_VLAN_VID / SET_VLAN_PCP. */
struct ofpact_vlan {
    uint16_t vid;         /* VID (0..4095) for SET_VLAN_VID. */
    uint8_t pcp;          /* PCP (0..7) for SET_VLAN_PCP. */
    bool push_vlan_if_needed;  /* OF1.0 semantics: push if untagged. */
};

/* OFPACT_SET_FIELD. */
struct ofpact_set_field {
    const struct mf_field *field;
    union mf_value value;
    union mf_value mask;  /* All ones for a whole-field set. */
    bool is_load;         /* Parsed from "load:" (else "set_field:");
                           * both print as load: over OF1.0. */
};

/* OFPACT_REG_MOVE. */
struct ofpact_reg_move {
    struct mf_subfield src;
    struct mf_subfield dst;
};

/* OFPACT_CT. */
struct ofpact_ct {
    bool commit;
    bool force;
    uint16_t zone_imm;            /* Zone when zone_src.field is NULL. */
    struct mf_subfield zone_src;  /* zone=NXM_NX_REG6[0..15] */
    uint8_t recirc_table;         /* table=N, or 255 for none. */
    uint16_t alg;                 /* alg=ftp etc. (0 = none). */
    struct ofpacts *actions;      /* exec(...): only set_field/load of
                                   * ct_mark / ct_label. */
};

#define NX_CT_RECIRC_NONE 255

/* Learn spec kinds (NXFlowSpec). */
enum learn_spec_type {
    LEARN_SPEC_MATCH,     /* Learned flow matches DST = SRC or = IMM. */
    LEARN_SPEC_LOAD,      /* Learned flow loads SRC or IMM into DST. */
    LEARN_SPEC_OUTPUT,    /* Learned flow outputs to port in SRC. */
};

struct learn_spec {
    enum learn_spec_type type;
    bool src_is_imm;              /* Source is the immediate 'imm'. */
    struct mf_subfield src;       /* Source subfield when !src_is_imm. */
    union mf_value imm;           /* Immediate, right-aligned in n_bits. */
    struct mf_subfield dst;       /* Destination (MATCH/LOAD). */
    unsigned int n_bits;          /* Width. */
};

#define NX_LEARN_F_SEND_FLOW_REM (1 << 0)
#define NX_LEARN_F_DELETE_LEARNED (1 << 1)
#define NX_LEARN_F_WRITE_RESULT (1 << 2)

/* OFPACT_LEARN. */
struct ofpact_learn {
    uint8_t table_id;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t fin_idle_timeout;
    uint16_t fin_hard_timeout;
    uint16_t priority;
    uint64_t cookie;
    uint16_t flags;               /* NX_LEARN_F_*. */
    uint32_t limit;               /* 0 = no limit. */
    struct mf_subfield result_dst;
    struct learn_spec *specs;
    size_t n_specs;
};

/* OFPACT_CONJUNCTION. */
struct ofpact_conjunction {
    uint32_t id;
    uint8_t clause;       /* 0-based; printed as clause + 1. */
    uint8_t n_clauses;
};

/* OFPACT_NOTE. */
struct ofpact_note {
    uint8_t *data;
    size_t len;
};

struct ofpact {
    enum ofpact_type type;
    union {
        struct ofpact_output output;
        struct ofpact_output_reg output_reg;
        struct ofpact_controller controller;
        struct ofpact_resubmit resubmit;
        uint8_t goto_table;             /* OFPACT_GOTO_TABLE. */
        struct ofpact_vlan vlan;
        uint16_t push_vlan_tpid;        /* OFPACT_PUSH_VLAN, host order. */
        struct eth_addr mac;            /* OFPACT_SET_ETH_SRC/DST. */
        be32 ipv4;                      /* OFPACT_SET_IPV4_SRC/DST. */
        uint8_t dscp;                   /* OFPACT_SET_IP_DSCP (TOS byte). */
        uint16_t l4_port;               /* OFPACT_SET_L4_SRC/DST. */
        struct {
            uint64_t tun_id;
            bool is_64;                 /* set_tunnel64 */
        } tunnel;                       /* OFPACT_SET_TUNNEL. */
        struct ofpact_set_field set_field;
        struct ofpact_reg_move move;
        struct ofpact_ct ct;
        struct ofpact_learn learn;
        struct ofpact_conjunction conj;
        struct ofpact_note note;
    };
};

struct ofpacts {
    struct ofpact *acts;  /* Array of 'n' actions. */
    size_t n;
};

#define OFPACTS_EMPTY { NULL, 0 }

/* Parses a comma-separated action list ("drop", "NORMAL",
 * "load:0x4->NXM_NX_REG5[],resubmit(,71)"...) into OFPACTS (which the
 * caller frees with ofpacts_free()).  MATCH, when nonnull, is the match of
 * the flow the actions belong to; it is used to check field prerequisites
 * as ovs-ofctl does.  Returns NULL or an error message (to free) naming
 * the bad token; on error OFPACTS is left empty. */
char *ofpacts_parse(const char *s, const struct ofp_port_map *,
                    const struct match *match, struct ofpacts *ofpacts)
    WARN_UNUSED;

/* Appends the actions as ovs-ofctl prints them over OpenFlow 1.0 ("drop"
 * for an empty list). */
void ofpacts_format(const struct ofpacts *, const struct ofp_port_map *,
                    struct ds *);

void ofpacts_clone(struct ofpacts *dst, const struct ofpacts *src);
void ofpacts_free(struct ofpacts *);
bool ofpacts_equal(const struct ofpacts *, const struct ofpacts *);

/* Appends an action to OFPACTS and returns it, zeroed, with TYPE set. */
struct ofpact *ofpacts_put(struct ofpacts *, enum ofpact_type);

/* Returns true if OFPACTS outputs to PORT (output:PORT, directly or in a
 * nested list), for del-flows out_port= filtering. */
bool ofpacts_output_to_port(const struct ofpacts *, uint32_t port);

#endif /* VX_FLOW_OFP_ACTIONS_H */
