/*
 * ofp-actions.h: OpenFlow actions in their abstract form ("ofpacts"),
 * parsed from and printed as ovs-ofctl text.
 *
 * A rule's actions are a struct ofpacts: an array of struct ofpact, each a
 * tagged union.  Actions with variable parts (ct's nested actions, learn's
 * specs, note's bytes) own heap memory; ofpacts_clone(), ofpacts_free()
 * and ofpacts_equal() handle them deeply.  An empty list means "drop".
 *
 * Parsing keeps what the text says (set_field:V->F stays a set_field of F,
 * goto_table:N stays a goto_table, push_vlan stays push_vlan), so that
 * the switch executes the actions with their own semantics.  Printing
 * follows what `ovs-ofctl dump-flows` prints over OpenFlow 1.0 with
 * Nicira extensions, which is what the seed shows: each action is shown
 * as OVS shows it after encoding it for OpenFlow 1.0 and decoding it
 * again.  goto_table:N prints as resubmit(,N); set_field of a field with
 * an OpenFlow 1.0 action prints as that action (mod_dl_src, mod_nw_src,
 * mod_nw_tos, mod_tp_src/dst, mod_vlan_vid, mod_vlan_pcp; vlan_tci as
 * "mod_vlan_vid:V,mod_vlan_pcp:P" or strip_vlan) and set_field of any
 * other field, like load:, as "load:V->NXM_...[A..B]" split into runs of
 * at most 64 mask bits; set_vlan_vid/set_vlan_pcp print as mod_vlan_vid/
 * mod_vlan_pcp, pop_vlan as strip_vlan, push_vlan not at all (OpenFlow 1.0
 * pushes as a side effect of mod_vlan_vid), a note padded with zero bytes
 * as the OpenFlow 1.0 encoding pads it.  A list that prints nothing prints
 * "drop".  So ofpacts_format() of ofpacts_parse() of a line printed by OVS
 * gives back the same text, and parsing that text again gives an equal
 * list.
 *
 * Deviations from ovs-ofctl, where OVS's behaviour is a bug: set_field to
 * dl_vlan / dl_vlan_pcp (fields OVS cannot encode) prints as mod_vlan_vid
 * / mod_vlan_pcp; goto_table:255 and conjunction ids above 2**32 - 1 are
 * rejected instead of printed as garbage.  Not supported (rejected with
 * "action ... is not supported"): enqueue, bundle, multipath, sample,
 * stack_push/pop, fin_timeout, group, meter, clone, nat, write_metadata,
 * set_queue, pop_queue, MPLS actions, encap/decap, dec_ttl with controller
 * ids, controller userdata and meter_id.
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
    OFPACT_SET_VLAN_VID,  /* mod_vlan_vid:N (pushes a tag if none),
                           * set_vlan_vid:N (does not). */
    OFPACT_SET_VLAN_PCP,  /* mod_vlan_pcp:N / set_vlan_pcp:N */
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

/* OFPACT_OUTPUT.  "controller" and "controller(max_len=N)" without other
 * options parse as an OUTPUT to OFPP_CONTROLLER, as in OVS. */
struct ofpact_output {
    uint32_t port;        /* OpenFlow port, or an OFPP_* reserved port. */
    uint16_t max_len;     /* Bytes to send to the controller (65535 for
                           * OFPP_CONTROLLER by default, else 0). */
};

/* OFPACT_OUTPUT_REG. */
struct ofpact_output_reg {
    struct mf_subfield src;   /* Subfield holding the port number. */
    uint16_t max_len;         /* Bytes to send to a controller (65535). */
};

/* Packet-in reasons (OFPR_*) of the controller action. */
#define OFPR_NO_MATCH 0
#define OFPR_ACTION 1
#define OFPR_INVALID_TTL 2
#define OFPR_ACTION_SET 3
#define OFPR_GROUP 4
#define OFPR_PACKET_OUT 5

/* OFPACT_CONTROLLER: controller(...) with a reason, id or pause. */
struct ofpact_controller {
    uint16_t max_len;       /* Bytes of the packet to send (65535 = all). */
    uint16_t controller_id; /* Controller connection id, 0 by default. */
    uint8_t reason;         /* OFPR_*, OFPR_ACTION by default. */
    bool pause;             /* Pause the pipeline for a continuation. */
};

/* OFPACT_RESUBMIT.  Printed "resubmit:PORT" when only the port is given,
 * else "resubmit(PORT,TABLE[,ct])". */
struct ofpact_resubmit {
    uint32_t in_port;     /* OFPP_IN_PORT means "keep the current one". */
    uint8_t table_id;     /* 255 means "the current table". */
    bool with_ct_orig;    /* resubmit(,N,ct): look up the conntrack
                           * original-direction tuple. */
};

/* OFPACT_SET_VLAN_VID / SET_VLAN_PCP. */
struct ofpact_vlan {
    uint16_t vid;         /* VID (0..4095) for SET_VLAN_VID. */
    uint8_t pcp;          /* PCP (0..7) for SET_VLAN_PCP. */
    bool push_vlan_if_needed;  /* OF1.0 semantics: push if untagged. */
};

/* OFPACT_SET_FIELD: writes VALUE under MASK into FIELD.  "load:V->F[A..B]"
 * (and mod_nw_ecn / mod_nw_ttl, which OpenFlow 1.0 encodes as loads) give
 * is_load = true; "set_field:V[/M]->F" gives is_load = false.  The bytes
 * of VALUE and MASK beyond FIELD's width are zero. */
struct ofpact_set_field {
    const struct mf_field *field;   /* Destination field (writable). */
    union mf_value value;           /* New bits; only those under MASK
                                     * matter (a load has zeros outside
                                     * it, a set_field keeps the value as
                                     * written, as OVS does). */
    union mf_value mask;            /* All ones for a whole-field set. */
    bool is_load;                   /* Parsed from "load:" (prints as
                                     * load: even for fields with an
                                     * OpenFlow 1.0 action). */
};

/* OFPACT_REG_MOVE: move:SRC[]->DST[], equal widths. */
struct ofpact_reg_move {
    struct mf_subfield src;   /* Bits to copy. */
    struct mf_subfield dst;   /* Where they go (writable field). */
};

/* ct alg= values: the well-known port of the helper. */
#define CT_ALG_FTP 21
#define CT_ALG_TFTP 69

/* OFPACT_CT. */
struct ofpact_ct {
    bool commit;                  /* Commit the connection. */
    bool force;                   /* With commit: restart a connection
                                   * committed in the other direction. */
    uint16_t zone_imm;            /* Zone when zone_src.field is NULL. */
    struct mf_subfield zone_src;  /* zone=NXM_NX_REG6[0..15] (16 bits). */
    uint8_t recirc_table;         /* table=N, or 255 for none. */
    uint16_t alg;                 /* CT_ALG_FTP, CT_ALG_TFTP or 0. */
    struct ofpacts *actions;      /* exec(...), NULL when there is none:
                                   * only set_field/load/move to ct_mark
                                   * and ct_label.  Owned (heap). */
};

#define NX_CT_RECIRC_NONE 255

/* Learn spec kinds (NXFlowSpec). */
enum learn_spec_type {
    LEARN_SPEC_MATCH,     /* Learned flow matches DST = SRC or = IMM. */
    LEARN_SPEC_LOAD,      /* Learned flow loads SRC or IMM into DST. */
    LEARN_SPEC_OUTPUT,    /* Learned flow outputs to port in SRC. */
};

/* One flow_mod_spec of a learn action. */
struct learn_spec {
    enum learn_spec_type type;    /* What the spec adds to the new flow. */
    bool src_is_imm;              /* Source is the immediate 'imm'. */
    struct mf_subfield src;       /* Source subfield when !src_is_imm. */
    union mf_value imm;           /* Immediate value, right-aligned in all
                                   * 16 bytes (bit 0 is the low bit of
                                   * imm.b[15]), as mf_read_subfield()
                                   * returns subfields; zero above
                                   * n_bits. */
    struct mf_subfield dst;       /* Destination (MATCH/LOAD). */
    unsigned int n_bits;          /* Width of source and destination. */
};

#define NX_LEARN_F_SEND_FLOW_REM (1 << 0)
#define NX_LEARN_F_DELETE_LEARNED (1 << 1)
#define NX_LEARN_F_WRITE_RESULT (1 << 2)

/* OFPACT_LEARN. */
struct ofpact_learn {
    uint8_t table_id;             /* Table of the learned flow (default 1;
                                   * 255 is not allowed). */
    uint16_t idle_timeout;        /* 0 = permanent. */
    uint16_t hard_timeout;        /* 0 = permanent. */
    uint16_t fin_idle_timeout;    /* Idle timeout after a FIN/RST, or 0. */
    uint16_t fin_hard_timeout;    /* Hard timeout after a FIN/RST, or 0. */
    uint16_t priority;            /* Priority (default 32768). */
    uint64_t cookie;              /* Cookie of the learned flow. */
    uint16_t flags;               /* NX_LEARN_F_*. */
    uint32_t limit;               /* Maximum learned flows, 0 = no limit. */
    struct mf_subfield result_dst; /* One bit set to whether the flow was
                                    * learned (NX_LEARN_F_WRITE_RESULT). */
    struct learn_spec *specs;     /* Array of 'n_specs' (heap, owned). */
    size_t n_specs;               /* Number of specs. */
};

/* OFPACT_CONJUNCTION: conjunction(ID,K/N). */
struct ofpact_conjunction {
    uint32_t id;          /* Conjunction id. */
    uint8_t clause;       /* 0-based; printed as clause + 1. */
    uint8_t n_clauses;    /* 2..64. */
};

/* OFPACT_NOTE: note:xx.xx.  Over OpenFlow 1.0 a note is padded with zero
 * bytes to 6 + 8k bytes, which is how it prints. */
struct ofpact_note {
    uint8_t *data;        /* The bytes (heap, owned), or NULL if 'len' is
                           * 0. */
    size_t len;           /* Number of bytes. */
};

/* One action. */
struct ofpact {
    enum ofpact_type type;      /* Selects the union member. */
    union {
        struct ofpact_output output;    /* OFPACT_OUTPUT. */
        struct ofpact_output_reg output_reg;    /* OFPACT_OUTPUT_REG. */
        struct ofpact_controller controller;    /* OFPACT_CONTROLLER. */
        struct ofpact_resubmit resubmit;        /* OFPACT_RESUBMIT. */
        uint8_t goto_table;             /* OFPACT_GOTO_TABLE. */
        struct ofpact_vlan vlan;        /* OFPACT_SET_VLAN_VID/PCP. */
        uint16_t push_vlan_tpid;        /* OFPACT_PUSH_VLAN, host order. */
        struct eth_addr mac;            /* OFPACT_SET_ETH_SRC/DST. */
        be32 ipv4;                      /* OFPACT_SET_IPV4_SRC/DST. */
        uint8_t dscp;                   /* OFPACT_SET_IP_DSCP (TOS byte). */
        uint16_t l4_port;               /* OFPACT_SET_L4_SRC/DST. */
        struct {
            uint64_t tun_id;            /* New tunnel ID. */
            bool is_64;                 /* Spelled set_tunnel64 (prints
                                         * as set_tunnel64 even when the
                                         * ID fits in 32 bits). */
        } tunnel;                       /* OFPACT_SET_TUNNEL. */
        struct ofpact_set_field set_field;  /* OFPACT_SET_FIELD. */
        struct ofpact_reg_move move;    /* OFPACT_REG_MOVE. */
        struct ofpact_ct ct;            /* OFPACT_CT. */
        struct ofpact_learn learn;      /* OFPACT_LEARN. */
        struct ofpact_conjunction conj; /* OFPACT_CONJUNCTION. */
        struct ofpact_note note;        /* OFPACT_NOTE. */
    };
};

/* A list of actions. */
struct ofpacts {
    struct ofpact *acts;  /* Array of 'n' actions (heap, owned). */
    size_t n;             /* Number of actions; 0 means "drop". */
};

#define OFPACTS_EMPTY { NULL, 0 }

/* Parses a comma-separated action list ("drop", "NORMAL",
 * "load:0x4->NXM_NX_REG5[],resubmit(,71)"...) into OFPACTS (which the
 * caller frees with ofpacts_free(); its previous contents are not freed).
 * Action names are case-insensitive; a bare port number or name means
 * output to it.  MATCH, when nonnull, is the match of the flow the actions
 * belong to; it is used to check field prerequisites as ovs-ofctl does
 * (load/set_field/move/output:SUBFIELD/ct/learn/resubmit(,N,ct)), with
 * the effects of earlier actions (a pushed or stripped VLAN) taken into
 * account.  Returns NULL or an error message (to free) worded as
 * ovs-ofctl words it and naming the bad token; on error OFPACTS is left
 * empty. */
char *ofpacts_parse(const char *s, const struct ofp_port_map *,
                    const struct match *match, struct ofpacts *ofpacts)
    WARN_UNUSED;

/* Appends the actions as ovs-ofctl prints them over OpenFlow 1.0 ("drop"
 * for an empty list). */
void ofpacts_format(const struct ofpacts *, const struct ofp_port_map *,
                    struct ds *);

/* Returns an error if a goto_table in OFPACTS does not lead to a table
 * after TABLE_ID (the table of the flow that holds the actions), as
 * ovs-ofctl rejects such flows ("actions are invalid with specified match
 * (OFPBIC_BAD_TABLE_ID)"), or NULL.  ofpacts_parse() cannot check this
 * because it does not know the table. */
char *ofpacts_check_table(const struct ofpacts *, uint8_t table_id)
    WARN_UNUSED;

/* Initialises DST as a deep copy of SRC (DST's old contents are not
 * freed). */
void ofpacts_clone(struct ofpacts *dst, const struct ofpacts *src);

/* Frees OFPACTS and everything its actions own; it is empty afterwards. */
void ofpacts_free(struct ofpacts *);

/* Returns the heap memory OFPACTS owns (its array and what the actions
 * point to: nested ct actions, learn specs, note bytes), each block
 * counted as vx_malloc_footprint() of its size; not the struct ofpacts
 * itself. */
size_t ofpacts_memory(const struct ofpacts *);

/* Returns true if A and B hold the same actions with the same arguments,
 * comparing nested ct actions, learn specs and notes by value. */
bool ofpacts_equal(const struct ofpacts *, const struct ofpacts *);

/* Appends an action to OFPACTS and returns it, zeroed, with TYPE set.
 * Heap members (ct.actions, learn.specs, note.data) are NULL; a caller
 * that fills them gives their ownership to OFPACTS. */
struct ofpact *ofpacts_put(struct ofpacts *, enum ofpact_type);

/* Returns true if OFPACTS outputs to PORT (output:PORT, directly or in a
 * nested list), for del-flows out_port= filtering. */
bool ofpacts_output_to_port(const struct ofpacts *, uint32_t port);

#endif /* VX_FLOW_OFP_ACTIONS_H */
