/*
 * ofp-actions-private.h: what the OpenFlow action files share: the action
 * list parser (ofp-actions-parse.c), the formatter and list helpers
 * (ofp-actions.c) and the learn action (ofp-learn.c).
 *
 * Not for use outside src/flow/ofp-*.c.
 *
 * Thread safety: pure functions.
 */
#ifndef VX_FLOW_OFP_ACTIONS_PRIVATE_H
#define VX_FLOW_OFP_ACTIONS_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow/ofp-actions.h"

struct ds;
struct ofp_port_map;

/* Integer arguments as OVS's str_to_u8/u16/u32/u64() parse them (C syntax,
 * any base), with OVS's messages: "invalid NAME \"S\"" for the 8- and
 * 16-bit forms, "invalid numeric format S" for the others. */
char *ofpact_str_to_u8(const char *s, const char *name, uint8_t *value)
    WARN_UNUSED;
char *ofpact_str_to_u16(const char *s, const char *name, uint16_t *value)
    WARN_UNUSED;
char *ofpact_str_to_u32(const char *s, uint32_t *value) WARN_UNUSED;
char *ofpact_str_to_u64(const char *s, uint64_t *value) WARN_UNUSED;

/* Parses a table number (decimal, 0..255) as ofputil_table_from_string()
 * does.  Returns true on success. */
bool ofpact_table_from_string(const char *s, uint8_t *table);

/* Parses all of S as a subfield ("NXM_NX_REG0[0..15]", "reg0"), failing
 * with "S: trailing garbage following subfield" if anything follows. */
char *ofpact_parse_subfield(struct mf_subfield *, const char *s)
    WARN_UNUSED;

/* Returns true if FIELD has an NXM or OXM header, so that OpenFlow can
 * name it in a load, move or learn spec. */
bool ofpact_field_has_header(const struct mf_field *);

/* The learn action (ofp-learn.c). */

/* Parses the argument of "learn(...)" into LEARN (whose specs it
 * allocates; the caller frees them even on error).  Returns NULL or an
 * error message to free. */
char *ofpact_learn_parse(char *arg, const struct ofp_port_map *,
                         struct ofpact_learn *learn) WARN_UNUSED;

/* Appends "learn(...)" as OVS's learn_format() prints it. */
void ofpact_learn_format(const struct ofpact_learn *,
                         const struct ofp_port_map *, struct ds *);

/* Checks LEARN's sources against MATCH (the flow holding the action; NULL
 * to check only bit ranges) and its destinations against the match that
 * its own immediate match specs build, as OVS's learn_check().  Returns
 * NULL or an error message to free. */
char *ofpact_learn_check(const struct ofpact_learn *,
                         const struct match *match) WARN_UNUSED;

#endif /* VX_FLOW_OFP_ACTIONS_PRIVATE_H */
