/*
 * ofp-learn.c: the learn action as ovs-ofctl parses, checks and prints it
 * (OVS's lib/learn.c).
 */
#include "flow/ofp-actions.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow-text.h"
#include "flow/match-parse.h"
#include "flow/ofp-actions-private.h"
#include "lib/ds.h"
#include "lib/util.h"

#define OFP_DEFAULT_PRIORITY 0x8000

/* Returns a new spec at the end of LEARN's array. */
static struct learn_spec *
learn_add_spec(struct ofpact_learn *learn, size_t *allocated)
{
    struct learn_spec *spec;

    if (learn->n_specs >= *allocated) {
        learn->specs = x2nrealloc(learn->specs, allocated,
                                  sizeof *learn->specs);
    }
    spec = &learn->specs[learn->n_specs++];
    memset(spec, 0, sizeof *spec);
    return spec;
}

/* Stores the N_BYTES-byte big-endian value at P into IMM, right-aligned. */
static void
imm_from_bytes(union mf_value *imm, const void *p, size_t n_bytes)
{
    memset(imm, 0, sizeof *imm);
    memcpy(&imm->b[sizeof imm->b - n_bytes], p, n_bytes);
}

static char *
learn_parse_load_immediate(const union mf_value *imm, const char *s,
                           const char *full_s, struct learn_spec *spec)
{
    struct mf_subfield dst;
    char *error;

    error = ofpact_parse_subfield(&dst, s);
    if (error) {
        return error;
    }
    if (!ofpact_field_has_header(dst.field)) {
        return xasprintf("%s: experimenter OXM field '%s' not supported",
                         full_s, s);
    }
    if (!bitwise_is_all_zeros(imm, sizeof *imm, dst.n_bits,
                              8 * sizeof *imm - dst.n_bits)) {
        return xasprintf("%s: value does not fit into %u bits", full_s,
                         dst.n_bits);
    }
    spec->type = LEARN_SPEC_LOAD;
    spec->src_is_imm = true;
    spec->imm = *imm;
    spec->dst = dst;
    spec->n_bits = dst.n_bits;
    return NULL;
}

/* Parses "SRC[]->DST[]" with OVS's nxm_parse_reg_move() rules. */
static char *
learn_parse_move(const char *s, struct mf_subfield *src,
                 struct mf_subfield *dst)
{
    const char *p = s;
    char *error;

    error = mf_parse_subfield(src, &p);
    if (error) {
        return error;
    }
    if (strncmp(p, "->", 2)) {
        return xasprintf("%s: missing `->' following source", s);
    }
    error = ofpact_parse_subfield(dst, p + 2);
    if (error) {
        return error;
    }
    if (src->n_bits != dst->n_bits) {
        return xasprintf("%s: source field is %u bits wide but destination "
                         "is %u bits wide", s, src->n_bits, dst->n_bits);
    }
    return NULL;
}

/* Parses the match spec "NAME=VALUE" (or just "NAME") whose destination
 * subfield DST is already parsed. */
static char *
learn_parse_match_spec(const char *orig, const char *name, const char *value,
                       const struct mf_subfield *dst,
                       const struct ofp_port_map *port_map,
                       struct learn_spec *spec)
{
    struct mf_subfield src;
    char *error;

    spec->type = LEARN_SPEC_MATCH;
    spec->dst = *dst;
    spec->n_bits = dst->n_bits;
    if (!value[0]) {
        spec->src = *dst;
        return NULL;
    }

    error = ofpact_parse_subfield(&src, value);
    if (!error) {
        if (src.n_bits != dst->n_bits) {
            /* OVS reports the widths the other way around. */
            return xasprintf("%s: bit widths of %s (%u) and %s (%u) differ",
                             orig, name, src.n_bits, value, dst->n_bits);
        }
        spec->src = src;
        return NULL;
    }

    /* Not a subfield: try an immediate value. */
    const struct mf_field *mf = dst->field;
    union mf_value imm;
    char *imm_error = NULL;

    memset(&imm, 0, sizeof imm);
    if (dst->ofs == 0 && dst->n_bits == mf->n_bits) {
        imm_error = mf_parse_value(mf, value, port_map, &imm);
    } else {
        const char *tail;

        if (flow_parse_int_string(value, imm.b, mf->n_bytes, &tail)
            || *tail) {
            imm_error = xasprintf("%s: cannot parse integer value", orig);
        } else if (!bitwise_is_all_zeros(&imm, mf->n_bytes, dst->n_bits,
                                         mf->n_bytes * 8 - dst->n_bits)) {
            struct ds ds = DS_EMPTY_INITIALIZER;

            mf_format(mf, &imm, NULL, NULL, &ds);
            imm_error = xasprintf("%s: value %s does not fit into %u bits",
                                  orig, ds_cstr(&ds), dst->n_bits);
            ds_destroy(&ds);
        }
    }
    if (imm_error) {
        char *err = xasprintf("%s: %s value %s cannot be parsed as a "
                              "subfield (%s) or an immediate value (%s)",
                              orig, name, value, error, imm_error);
        free(error);
        free(imm_error);
        return err;
    }
    free(error);

    spec->src_is_imm = true;
    imm_from_bytes(&spec->imm, &imm, mf->n_bytes);
    return NULL;
}

static char *
learn_parse_spec(const char *orig, const char *name, const char *value,
                 const struct ofp_port_map *port_map, struct learn_spec *spec)
{
    struct mf_subfield dst;
    char *error;

    error = ofpact_parse_subfield(&dst, name);
    if (!error) {
        if (!ofpact_field_has_header(dst.field)) {
            return xasprintf("%s: experimenter OXM field '%s' not supported",
                             orig, name);
        }
        return learn_parse_match_spec(orig, name, value, &dst, port_map,
                                      spec);
    }
    free(error);

    if (!strcmp(name, "load")) {
        const char *dst_value = strstr(value, "->");
        union mf_value imm;
        const char *tail;

        if (dst_value == value) {
            return xasprintf("%s: missing source before `->' in `%s'", name,
                             value);
        }
        if (!dst_value) {
            return xasprintf("%s: missing `->' in `%s'", name, value);
        }
        memset(&imm, 0, sizeof imm);
        if (!flow_parse_int_string(value, imm.b, sizeof imm.b, &tail)
            && tail != value) {
            if (tail != dst_value) {
                return xasprintf("%s: garbage before `->' in `%s'", name,
                                 value);
            }
            return learn_parse_load_immediate(&imm, dst_value + 2, value,
                                              spec);
        }
        error = learn_parse_move(value, &spec->src, &spec->dst);
        if (error) {
            return error;
        }
        spec->type = LEARN_SPEC_LOAD;
        spec->n_bits = spec->src.n_bits;
        return NULL;
    } else if (!strcmp(name, "output")) {
        error = ofpact_parse_subfield(&spec->src, value);
        if (error) {
            return error;
        }
        spec->type = LEARN_SPEC_OUTPUT;
        spec->n_bits = spec->src.n_bits;
        return NULL;
    }
    return xasprintf("%s: unknown keyword %s", orig, name);
}

/* OVS reads the numeric learn parameters with atoi() and stores them in
 * narrower fields; so does this. */
static int
learn_atoi(const char *s)
{
    return (int) strtol(s, NULL, 10);
}

char *
ofpact_learn_parse(char *arg, const struct ofp_port_map *port_map,
                   struct ofpact_learn *learn)
{
    char *orig = xstrdup(arg);
    size_t allocated = 0;
    char *name, *value;
    char *error = NULL;

    memset(learn, 0, sizeof *learn);
    learn->priority = OFP_DEFAULT_PRIORITY;
    learn->table_id = 1;

    while (!error && ofp_parse_key_value(&arg, &name, &value)) {
        if (!strcmp(name, "table")) {
            if (!ofpact_table_from_string(value, &learn->table_id)) {
                error = xasprintf("unknown table \"%s\"", value);
            } else if (learn->table_id == 255) {
                error = xasprintf("%s: table id 255 not valid for `learn' "
                                  "action", orig);
            }
        } else if (!strcmp(name, "priority")) {
            learn->priority = learn_atoi(value);
        } else if (!strcmp(name, "idle_timeout")) {
            learn->idle_timeout = learn_atoi(value);
        } else if (!strcmp(name, "hard_timeout")) {
            learn->hard_timeout = learn_atoi(value);
        } else if (!strcmp(name, "fin_idle_timeout")) {
            learn->fin_idle_timeout = learn_atoi(value);
        } else if (!strcmp(name, "fin_hard_timeout")) {
            learn->fin_hard_timeout = learn_atoi(value);
        } else if (!strcmp(name, "cookie")) {
            learn->cookie = strtoull(value, NULL, 0);
        } else if (!strcmp(name, "send_flow_rem")) {
            learn->flags |= NX_LEARN_F_SEND_FLOW_REM;
        } else if (!strcmp(name, "delete_learned")) {
            learn->flags |= NX_LEARN_F_DELETE_LEARNED;
        } else if (!strcmp(name, "limit")) {
            learn->limit = learn_atoi(value);
        } else if (!strcmp(name, "result_dst")) {
            learn->flags |= NX_LEARN_F_WRITE_RESULT;
            error = ofpact_parse_subfield(&learn->result_dst, value);
            if (!error && !learn->result_dst.field->writable) {
                error = xasprintf("%s is read-only", value);
            } else if (!error && learn->result_dst.n_bits != 1) {
                error = xstrdup("result_dst in 'learn' action must be a "
                                "single bit");
            }
        } else {
            struct learn_spec *spec = learn_add_spec(learn, &allocated);

            error = learn_parse_spec(orig, name, value, port_map, spec);
        }
    }
    free(orig);
    return error;
}

/* Appends the low DIV_ROUND_UP(N_BITS, 8) bytes of IMM as OVS's
 * ds_put_hex() does. */
static void
put_imm_hex(struct ds *s, const union mf_value *imm, unsigned int n_bits)
{
    size_t n_bytes = DIV_ROUND_UP(n_bits, 8);

    flow_put_hex(s, &imm->b[sizeof imm->b - n_bytes], n_bytes);
}

void
ofpact_learn_format(const struct ofpact_learn *learn,
                    const struct ofp_port_map *port_map, struct ds *s)
{
    ds_put_format(s, "learn(table=%" PRIu8, learn->table_id);
    if (learn->idle_timeout) {
        ds_put_format(s, ",idle_timeout=%" PRIu16, learn->idle_timeout);
    }
    if (learn->hard_timeout) {
        ds_put_format(s, ",hard_timeout=%" PRIu16, learn->hard_timeout);
    }
    if (learn->fin_idle_timeout) {
        ds_put_format(s, ",fin_idle_timeout=%" PRIu16,
                      learn->fin_idle_timeout);
    }
    if (learn->fin_hard_timeout) {
        ds_put_format(s, ",fin_hard_timeout=%" PRIu16,
                      learn->fin_hard_timeout);
    }
    if (learn->priority != OFP_DEFAULT_PRIORITY) {
        ds_put_format(s, ",priority=%" PRIu16, learn->priority);
    }
    if (learn->flags & NX_LEARN_F_SEND_FLOW_REM) {
        ds_put_cstr(s, ",send_flow_rem");
    }
    if (learn->flags & NX_LEARN_F_DELETE_LEARNED) {
        ds_put_cstr(s, ",delete_learned");
    }
    if (learn->cookie) {
        ds_put_format(s, ",cookie=%#" PRIx64, learn->cookie);
    }
    if (learn->limit) {
        ds_put_format(s, ",limit=%" PRIu32, learn->limit);
    }
    if (learn->flags & NX_LEARN_F_WRITE_RESULT) {
        ds_put_cstr(s, ",result_dst=");
        mf_format_subfield(&learn->result_dst, s);
    }

    for (size_t i = 0; i < learn->n_specs; i++) {
        const struct learn_spec *spec = &learn->specs[i];

        ds_put_char(s, ',');
        switch (spec->type) {
        case LEARN_SPEC_MATCH:
            if (spec->src_is_imm) {
                const struct mf_field *mf = spec->dst.field;

                if (spec->dst.ofs == 0 && spec->dst.n_bits == mf->n_bits) {
                    union mf_value value;

                    memset(&value, 0, sizeof value);
                    memcpy(value.b, &spec->imm.b[sizeof value.b
                                                 - mf->n_bytes],
                           mf->n_bytes);
                    ds_put_format(s, "%s=", mf->name);
                    mf_format(mf, &value, NULL, port_map, s);
                } else {
                    mf_format_subfield(&spec->dst, s);
                    ds_put_char(s, '=');
                    put_imm_hex(s, &spec->imm, spec->n_bits);
                }
            } else {
                mf_format_subfield(&spec->dst, s);
                if (spec->src.field != spec->dst.field
                    || spec->src.ofs != spec->dst.ofs) {
                    ds_put_char(s, '=');
                    mf_format_subfield(&spec->src, s);
                }
            }
            break;
        case LEARN_SPEC_LOAD:
            ds_put_cstr(s, "load:");
            if (spec->src_is_imm) {
                put_imm_hex(s, &spec->imm, spec->n_bits);
            } else {
                mf_format_subfield(&spec->src, s);
            }
            ds_put_cstr(s, "->");
            mf_format_subfield(&spec->dst, s);
            break;
        case LEARN_SPEC_OUTPUT:
            ds_put_cstr(s, "output:");
            mf_format_subfield(&spec->src, s);
            break;
        }
    }
    ds_put_char(s, ')');
}

/* Writes SPEC's immediate into its destination subfield of MATCH. */
static void
learn_write_imm(const struct learn_spec *spec, struct match *match)
{
    const struct mf_field *mf = spec->dst.field;
    union mf_value value, mask;

    memset(&value, 0, sizeof value);
    memset(&mask, 0, sizeof mask);
    bitwise_copy(&spec->imm, sizeof spec->imm, 0, &value, mf->n_bytes,
                 spec->dst.ofs, spec->n_bits);
    bitwise_one(&mask, mf->n_bytes, spec->dst.ofs, spec->n_bits);
    mf_set_flow_value_masked(mf, &value, &mask, &match->flow);
    mf_mask_field_masked(mf, &mask, &match->wc);
}

char *
ofpact_learn_check(const struct ofpact_learn *learn,
                   const struct match *match)
{
    struct match dst_match;

    match_init_catchall(&dst_match);
    for (size_t i = 0; i < learn->n_specs; i++) {
        const struct learn_spec *spec = &learn->specs[i];
        char *error = NULL;

        if (!spec->src_is_imm) {
            error = mf_check_src(&spec->src, match);
            if (error) {
                return error;
            }
        }
        switch (spec->type) {
        case LEARN_SPEC_MATCH:
            error = mf_check_src(&spec->dst, &dst_match);
            if (!error && spec->src_is_imm) {
                learn_write_imm(spec, &dst_match);
            }
            break;
        case LEARN_SPEC_LOAD:
            error = mf_check_dst(&spec->dst, &dst_match);
            break;
        case LEARN_SPEC_OUTPUT:
            break;
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}
