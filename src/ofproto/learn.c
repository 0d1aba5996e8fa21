/* learn.c: see learn.h. */
#include "ofproto/learn.h"

#include "flow/meta-field.h"
#include "lib/util.h"

void
learn_mask(const struct ofpact_learn *learn, struct flow_wildcards *wc)
{
    for (size_t i = 0; i < learn->n_specs; i++) {
        const struct learn_spec *spec = &learn->specs[i];

        if (!spec->src_is_imm) {
            mf_mask_subfield(&spec->src, wc);
        }
    }
}

/* Reads the N_BITS-bit source of SPEC (packet subfield or immediate) into
 * the low bits of the 16-byte big-endian buffer VALUE. */
static void
spec_source(const struct learn_spec *spec, const struct flow *flow,
            uint8_t value[16])
{
    memset(value, 0, 16);
    if (spec->src_is_imm) {
        bitwise_copy(&spec->imm, sizeof spec->imm, 0, value, 16, 0,
                     spec->n_bits);
    } else {
        union mf_value field;

        mf_get_value(spec->src.field, flow, &field);
        bitwise_copy(&field, spec->src.field->n_bytes, spec->src.ofs,
                     value, 16, 0, spec->n_bits);
    }
}

static void
write_match_subfield(const struct mf_subfield *dst, const uint8_t value[16],
                     struct match *match)
{
    const struct mf_field *mf = dst->field;
    union mf_value v, m;

    mf_get_value(mf, &match->flow, &v);
    mf_get_mask(mf, &match->wc, &m);
    bitwise_copy(value, 16, 0, &v, mf->n_bytes, dst->ofs, dst->n_bits);
    bitwise_one(&m, mf->n_bytes, dst->ofs, dst->n_bits);
    mf_set(mf, &v, &m, match);
}

void
learn_execute(const struct ofpact_learn *learn, const struct flow *flow,
              struct ofp_flow_mod *fm)
{
    memset(fm, 0, sizeof *fm);
    fm->command = OFPFC_MODIFY_STRICT;
    match_init_catchall(&fm->match);
    fm->priority = learn->priority;
    fm->cookie = learn->cookie;
    fm->cookie_mask = 0;
    fm->new_cookie = learn->cookie;
    fm->modify_cookie = true;
    fm->table_id = learn->table_id;
    fm->table_given = true;
    fm->idle_timeout = learn->idle_timeout;
    fm->hard_timeout = learn->hard_timeout;
    fm->out_port = OFPP_ANY;
    fm->has_actions = true;
    if (learn->flags & NX_LEARN_F_SEND_FLOW_REM) {
        fm->flags |= OFPFF_SEND_FLOW_REM;
    }

    for (size_t i = 0; i < learn->n_specs; i++) {
        const struct learn_spec *spec = &learn->specs[i];
        uint8_t value[16];
        struct ofpact *a;

        spec_source(spec, flow, value);
        switch (spec->type) {
        case LEARN_SPEC_MATCH:
            write_match_subfield(&spec->dst, value, &fm->match);
            break;

        case LEARN_SPEC_LOAD:
            a = ofpacts_put(&fm->ofpacts, OFPACT_SET_FIELD);
            a->set_field.field = spec->dst.field;
            a->set_field.is_load = true;
            bitwise_copy(value, 16, 0, &a->set_field.value,
                         spec->dst.field->n_bytes, spec->dst.ofs,
                         spec->n_bits);
            bitwise_one(&a->set_field.mask, spec->dst.field->n_bytes,
                        spec->dst.ofs, spec->n_bits);
            break;

        case LEARN_SPEC_OUTPUT:
            if (is_all_zeros(value, 14)) {
                uint32_t port = ((uint32_t) value[14] << 8) | value[15];

                if (port < OFPP_MAX || port == OFPP_IN_PORT
                    || port == OFPP_FLOOD || port == OFPP_LOCAL
                    || port == OFPP_ALL) {
                    a = ofpacts_put(&fm->ofpacts, OFPACT_OUTPUT);
                    a->output.port = port;
                }
            }
            break;
        }
    }
    match_normalize(&fm->match);
}
