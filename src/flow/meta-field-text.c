/*
 * meta-field-text.c: field values and subfields as text ("0x4",
 * "192.168.0.0/16", "+trk-inv", "NXM_NX_REG6[0..15]"), parsed and printed
 * with the rules and messages of OVS's lib/meta-flow.c and lib/nx-match.c.
 */
#include "flow/meta-field.h"

#include <errno.h>
#include <string.h>

#include "flow/flow-text.h"
#include "flow/port-map.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

COVERAGE_DEFINE(mf_parse_error);

#define TNL_PUB_F_MASK OVS_TNL_F_OAM

static char *
mf_from_integer_string(const struct mf_field *mf, const char *s,
                       uint8_t *valuep, uint8_t *maskp)
{
    const char *err_str;
    const char *tail;
    int err;

    err = flow_parse_int_string(s, valuep, mf->n_bytes, &tail);
    if (err || (*tail != '\0' && *tail != '/')) {
        err_str = "value";
        goto syntax_error;
    }
    if (*tail == '/') {
        err = flow_parse_int_string(tail + 1, maskp, mf->n_bytes, &tail);
        if (err || *tail != '\0') {
            err_str = "mask";
            goto syntax_error;
        }
    } else {
        memset(maskp, 0xff, mf->n_bytes);
    }
    return NULL;

syntax_error:
    if (err == ERANGE) {
        return xasprintf("%s: %s too large for %u-byte field %s", s, err_str,
                         mf->n_bytes, mf->name);
    }
    return xasprintf("%s: bad syntax for %s %s", s, mf->name, err_str);
}

/* The ip_frag keywords, in OVS's order (the first match wins both ways). */
static const struct frag_handling {
    const char *name;  /* Keyword, e.g. "first". */
    uint8_t mask;      /* FLOW_NW_FRAG_* bits it matches on. */
    uint8_t value;     /* Their required values. */
} all_frags[] = {
#define A FLOW_NW_FRAG_ANY
#define L FLOW_NW_FRAG_LATER
    { "no", A | L, 0 },
    { "first", A | L, A },
    { "later", A | L, A | L },
    { "no", A, 0 },
    { "yes", A, A },
    { "not_later", L, 0 },
    { "later", L, L },
#undef A
#undef L
};

static char *
mf_from_frag_string(const char *s, uint8_t *valuep, uint8_t *maskp)
{
    for (size_t i = 0; i < ARRAY_SIZE(all_frags); i++) {
        const struct frag_handling *h = &all_frags[i];

        if (!strcasecmp(s, h->name)) {
            /* The upper bits of the mask are on, so that only the "later"
             * and "no" forms with both bits count as exact matches. */
            *maskp = h->mask | ~FLOW_NW_FRAG_MASK;
            *valuep = h->value;
            return NULL;
        }
    }
    return xasprintf("%s: unknown fragment type (valid types are \"no\", "
                     "\"yes\", \"first\", \"later\", \"not_later\"", s);
}

char *
mf_parse(const struct mf_field *mf, const char *s,
         const struct ofp_port_map *port_map, union mf_value *value,
         union mf_value *mask)
{
    union mf_value v, m;
    uint32_t flags, fmask;
    uint32_t port;
    char *error = NULL;

    memset(&v, 0, sizeof v);
    memset(&m, 0, sizeof m);
    if (!strcmp(s, "*")) {
        goto done;
    }

    switch (mf->string) {
    case MFS_DECIMAL:
    case MFS_HEXADECIMAL:
        error = mf_from_integer_string(mf, s, v.b, m.b);
        break;
    case MFS_CT_STATE:
        error = flow_parse_flags(s, flow_ct_state_to_string, "ct_state",
                                 0xff, &flags, &fmask);
        v.be32 = htonl(flags);
        m.be32 = htonl(fmask);
        break;
    case MFS_ETHERNET:
        error = flow_parse_eth_masked(s, &v.mac, &m.mac);
        break;
    case MFS_IPV4:
        error = flow_parse_ip_masked(s, &v.be32, &m.be32);
        break;
    case MFS_IPV6:
        error = flow_parse_ipv6_masked(s, &v.ipv6, &m.ipv6);
        break;
    case MFS_OFP_PORT:
        if (ofp_port_parse(s, port_map, &port)) {
            v.be16 = htons(port);
            m.be16 = htons(UINT16_MAX);
        } else {
            error = xasprintf("%s: invalid or unknown port for %s", s,
                              mf->name);
        }
        break;
    case MFS_OFP_PORT_OXM:
        if (ofp_port_parse(s, port_map, &port)) {
            v.be32 = htonl(ofp_port_to_ofp11(port));
            m.be32 = htonl(UINT32_MAX);
        } else {
            error = xasprintf("%s: port value out of range for %s", s,
                              mf->name);
        }
        break;
    case MFS_FRAG:
        error = mf_from_frag_string(s, &v.u8, &m.u8);
        break;
    case MFS_TNL_FLAGS:
        error = flow_parse_flags(s, flow_tun_flag_to_string, "tunnel",
                                 TNL_PUB_F_MASK, &flags, &fmask);
        v.be16 = htons(flags);
        m.be16 = htons(fmask);
        break;
    case MFS_TCP_FLAGS:
        error = flow_parse_flags(s, flow_tcp_flag_to_string, "TCP", 0x0fff,
                                 &flags, &fmask);
        v.be16 = htons(flags);
        m.be16 = htons(fmask);
        break;
    }
    if (!error && !mf_is_mask_valid(mf, &m)) {
        error = xasprintf("%s: invalid mask for field %s", s, mf->name);
    }
    if (error) {
        COVERAGE_INC(mf_parse_error);
        return error;
    }

done:
    *value = v;
    *mask = m;
    return NULL;
}

char *
mf_parse_value(const struct mf_field *mf, const char *s,
               const struct ofp_port_map *port_map, union mf_value *value)
{
    union mf_value v, m;
    char *error;

    error = mf_parse(mf, s, port_map, &v, &m);
    if (error) {
        return error;
    }
    if (!is_all_ones(&m, mf->n_bytes)) {
        COVERAGE_INC(mf_parse_error);
        return xasprintf("%s: wildcards not allowed here", s);
    }
    *value = v;
    return NULL;
}

static void
mf_format_integer_string(const struct mf_field *mf, const uint8_t *valuep,
                         const uint8_t *maskp, struct ds *s)
{
    if (mf->string == MFS_HEXADECIMAL) {
        flow_put_hex(s, valuep, mf->n_bytes);
    } else {
        unsigned long long int integer = 0;

        for (size_t i = 0; i < mf->n_bytes && i < 8; i++) {
            integer = (integer << 8) | valuep[i];
        }
        ds_put_format(s, "%lld", integer);
    }
    if (maskp) {
        ds_put_char(s, '/');
        flow_put_hex(s, maskp, mf->n_bytes);
    }
}

static void
mf_format_frag_string(uint8_t value, uint8_t mask, struct ds *s)
{
    mask &= FLOW_NW_FRAG_MASK;
    value &= mask;
    for (size_t i = 0; i < ARRAY_SIZE(all_frags); i++) {
        const struct frag_handling *h = &all_frags[i];

        if (value == h->value && mask == h->mask) {
            ds_put_cstr(s, h->name);
            return;
        }
    }
    ds_put_cstr(s, "<error>");
}

void
mf_format(const struct mf_field *mf, const union mf_value *value,
          const union mf_value *mask, const struct ofp_port_map *port_map,
          struct ds *s)
{
    uint32_t port;

    if (mask) {
        if (is_all_zeros(mask, mf->n_bytes)) {
            ds_put_cstr(s, "ANY");
            return;
        } else if (is_all_ones(mask, mf->n_bytes)) {
            mask = NULL;
        }
    }

    switch (mf->string) {
    case MFS_OFP_PORT_OXM:
        if (!mask) {
            ofp_port_from_ofp11(ntohl(value->be32), &port);
            ofp_port_format(port, port_map, s);
            break;
        }
        mf_format_integer_string(mf, value->b, mask->b, s);
        break;
    case MFS_OFP_PORT:
        if (!mask) {
            ofp_port_format(ntohs(value->be16), port_map, s);
            break;
        }
        mf_format_integer_string(mf, value->b, mask->b, s);
        break;
    case MFS_DECIMAL:
    case MFS_HEXADECIMAL:
        mf_format_integer_string(mf, value->b, mask ? mask->b : NULL, s);
        break;
    case MFS_CT_STATE:
        flow_format_flags_masked(s, NULL, flow_ct_state_to_string,
                                 ntohl(value->be32),
                                 (mask ? ntohl(mask->be32) : UINT32_MAX)
                                 & 0xff,
                                 0xff);
        break;
    case MFS_ETHERNET:
        flow_format_eth_masked(value->mac, mask ? &mask->mac : NULL, s);
        break;
    case MFS_IPV4:
        flow_format_ip_masked(value->be32,
                              mask ? mask->be32 : htonl(UINT32_MAX), s);
        break;
    case MFS_IPV6:
        flow_format_ipv6_masked(&value->ipv6, mask ? &mask->ipv6 : NULL, s);
        break;
    case MFS_FRAG:
        mf_format_frag_string(value->u8, mask ? mask->u8 : UINT8_MAX, s);
        break;
    case MFS_TNL_FLAGS:
        flow_format_flags_masked(s, NULL, flow_tun_flag_to_string,
                                 ntohs(value->be16),
                                 (mask ? ntohs(mask->be16) : UINT16_MAX)
                                 & TNL_PUB_F_MASK,
                                 TNL_PUB_F_MASK);
        break;
    case MFS_TCP_FLAGS:
        flow_format_flags_masked(s, NULL, flow_tcp_flag_to_string,
                                 ntohs(value->be16),
                                 (mask ? ntohs(mask->be16) : UINT16_MAX)
                                 & 0x0fff,
                                 0x0fff);
        break;
    }
}

/* Looks up the field named by the LEN bytes at NAME for a subfield: any
 * field name, alias, NXM or OXM name, or an NXM/OXM name with the "_W"
 * (masked) suffix. */
static const struct mf_field *
mf_parse_subfield_name(const char *name, size_t len)
{
    const struct mf_field *mf = mf_from_name_len(name, len);

    if (!mf && len > 2 && !memcmp(&name[len - 2], "_W", 2)) {
        mf = mf_from_name_len(name, len - 2);
        if (mf && !((mf->nxm_name && strlen(mf->nxm_name) == len - 2
                     && !memcmp(mf->nxm_name, name, len - 2))
                    || (mf->oxm_name && strlen(mf->oxm_name) == len - 2
                        && !memcmp(mf->oxm_name, name, len - 2)))) {
            mf = NULL;
        }
    }
    return mf;
}

/* Scans a decimal int at *SP as scanf's "%d" does, advancing *SP. */
static bool
scan_decimal(const char **sp, int *value)
{
    const char *s = *sp;
    bool negative = false;
    long long int v = 0;
    int n = 0;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if (*s == '-' || *s == '+') {
        negative = *s == '-';
        s++;
    }
    while (*s >= '0' && *s <= '9') {
        if (v < INT32_MAX) {
            v = v * 10 + (*s - '0');
        }
        s++;
        n++;
    }
    if (!n) {
        return false;
    }
    if (v > INT32_MAX) {
        v = INT32_MAX;
    }
    *value = negative ? -(int) v : (int) v;
    *sp = s;
    return true;
}

char *
mf_parse_subfield(struct mf_subfield *sf, const char **sp)
{
    const struct mf_field *field;
    const char *s = *sp;
    size_t name_len = strcspn(s, "[-");
    int start, end;

    field = mf_parse_subfield_name(s, name_len);
    if (!field) {
        COVERAGE_INC(mf_parse_error);
        return xasprintf("%s: unknown field `%.*s'", *sp, (int) name_len, s);
    }

    s += name_len;
    start = 0;
    end = field->n_bits - 1;
    if (*s == '[') {
        const char *p = s + 1;
        bool ok = false;

        if (s[1] == ']') {
            ok = true;
        } else if (scan_decimal(&p, &start)) {
            if (p[0] == '.' && p[1] == '.') {
                p += 2;
                ok = scan_decimal(&p, &end) && *p == ']';
            } else if (*p == ']') {
                end = start;
                ok = true;
            }
        }
        if (!ok) {
            COVERAGE_INC(mf_parse_error);
            return xasprintf("%s: syntax error expecting [] or [<bit>] or "
                             "[<start>..<end>]", *sp);
        }
        s = strchr(s, ']') + 1;
    }

    if (start > end) {
        COVERAGE_INC(mf_parse_error);
        return xasprintf("%s: starting bit %d is after ending bit %d", *sp,
                         start, end);
    } else if (start < 0 || start >= (int) field->n_bits) {
        COVERAGE_INC(mf_parse_error);
        return xasprintf("%s: starting bit %d is not valid because field is "
                         "only %u bits wide", *sp, start, field->n_bits);
    } else if (end >= (int) field->n_bits) {
        COVERAGE_INC(mf_parse_error);
        return xasprintf("%s: ending bit %d is not valid because field is "
                         "only %u bits wide", *sp, end, field->n_bits);
    }

    sf->field = field;
    sf->ofs = start;
    sf->n_bits = end - start + 1;
    *sp = s;
    return NULL;
}

void
mf_format_subfield(const struct mf_subfield *sf, struct ds *s)
{
    const struct mf_field *mf = sf->field;

    if (!mf) {
        ds_put_cstr(s, "<unknown>");
        return;
    }
    ds_put_cstr(s, mf->nxm_name ? mf->nxm_name
                   : mf->oxm_name ? mf->oxm_name : mf->name);
    if (sf->ofs == 0 && sf->n_bits == mf->n_bits) {
        ds_put_cstr(s, "[]");
    } else if (sf->n_bits == 1) {
        ds_put_format(s, "[%u]", sf->ofs);
    } else {
        ds_put_format(s, "[%u..%u]", sf->ofs, sf->ofs + sf->n_bits - 1);
    }
}

static char *
mf_check__(const struct mf_subfield *sf, const struct match *match,
           const char *type)
{
    if (!sf->field) {
        return xasprintf("unknown %s field", type);
    } else if (!sf->n_bits) {
        return xasprintf("zero bit %s field %s", type, sf->field->name);
    } else if (sf->ofs >= sf->field->n_bits) {
        return xasprintf("bit offset %u exceeds %u-bit width of %s field %s",
                         sf->ofs, sf->field->n_bits, type, sf->field->name);
    } else if (sf->ofs + sf->n_bits > sf->field->n_bits) {
        return xasprintf("bit offset %u and width %u exceeds %u-bit width "
                         "of %s field %s", sf->ofs, sf->n_bits,
                         sf->field->n_bits, type, sf->field->name);
    } else if (match && !mf_are_match_prereqs_ok(sf->field, match)) {
        return xasprintf("%s field %s lacks correct prerequisites", type,
                         sf->field->name);
    }
    return NULL;
}

char *
mf_check_src(const struct mf_subfield *sf, const struct match *match)
{
    return mf_check__(sf, match, "source");
}

char *
mf_check_dst(const struct mf_subfield *sf, const struct match *match)
{
    char *error = mf_check__(sf, match, "destination");

    if (!error && !sf->field->writable) {
        error = xasprintf("destination field %s is not writable",
                          sf->field->name);
    }
    return error;
}

void
mf_read_subfield(const struct mf_subfield *sf, const struct flow *flow,
                 union mf_value *x)
{
    union mf_value value;

    mf_get_value(sf->field, flow, &value);
    memset(x, 0, sizeof *x);
    bitwise_copy(&value, sf->field->n_bytes, sf->ofs, x, sizeof *x, 0,
                 sf->n_bits);
}

uint64_t
mf_get_subfield(const struct mf_subfield *sf, const struct flow *flow)
{
    union mf_value value;

    mf_get_value(sf->field, flow, &value);
    return bitwise_get(&value, sf->field->n_bytes, sf->ofs, sf->n_bits);
}

void
mf_write_subfield_flow(const struct mf_subfield *sf,
                       const union mf_value *x, struct flow *flow)
{
    union mf_value value;

    mf_get_value(sf->field, flow, &value);
    bitwise_copy(x, sizeof *x, 0, &value, sf->field->n_bytes, sf->ofs,
                 sf->n_bits);
    mf_set_flow_value(sf->field, &value, flow);
}

void
mf_set_subfield_flow(const struct mf_subfield *sf, uint64_t x,
                     struct flow *flow)
{
    union mf_value value;

    mf_get_value(sf->field, flow, &value);
    bitwise_put(x, &value, sf->field->n_bytes, sf->ofs, sf->n_bits);
    mf_set_flow_value(sf->field, &value, flow);
}

void
mf_mask_subfield(const struct mf_subfield *sf, struct flow_wildcards *wc)
{
    union mf_value mask;

    memset(&mask, 0, sizeof mask);
    bitwise_one(&mask, sf->field->n_bytes, sf->ofs, sf->n_bits);
    mf_mask_field_masked(sf->field, &mask, wc);
}
