/*
 * port-map.h: OpenFlow port names <-> numbers, for parsing and printing
 * flows with port names (in_port="tap648437e1-0d", output:"patch-int").
 *
 * Also knows the reserved port names (IN_PORT, TABLE, NORMAL, FLOOD, ALL,
 * CONTROLLER, LOCAL, NONE, UNSET, ANY) that every parser accepts.
 *
 * Thread safety: a map is built by one thread and then read-only.
 */
#ifndef VX_FLOW_PORT_MAP_H
#define VX_FLOW_PORT_MAP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/hmap.h"

struct ds;

struct ofp_port_map {
    struct hmap by_name;    /* struct ofp_port_map_node by name. */
    struct hmap by_number;  /* struct ofp_port_map_node by number. */
};

void ofp_port_map_init(struct ofp_port_map *);
void ofp_port_map_destroy(struct ofp_port_map *);

/* Adds NAME <-> PORT.  A name or number seen twice becomes ambiguous and
 * is no longer used in that direction, as in OVS. */
void ofp_port_map_put(struct ofp_port_map *, uint32_t port, const char *name);

/* Parses a port as OVS's ofputil_port_from_string() does: a decimal
 * number below 0xffff, or an OpenFlow 1.1 number 0xffffff00..0xffffffff
 * (translated to 0xff00..0xffff), a reserved name (any case), or a name in
 * MAP, bare or in double quotes with JSON escapes.  Returns true and
 * stores *PORT on success; returns false and leaves *PORT alone
 * otherwise. */
bool ofp_port_parse(const char *s, const struct ofp_port_map *map,
                    uint32_t *port);

/* Appends PORT: a reserved name (e.g. "NORMAL", "LOCAL"), the quoted name
 * from MAP when known, else the number. */
void ofp_port_format(uint32_t port, const struct ofp_port_map *map,
                     struct ds *);

/* Returns the name of a reserved port number, or NULL. */
const char *ofp_port_reserved_name(uint32_t port);

/* Returns the name of PORT in MAP, or NULL (also when the number was put
 * with two different names). */
const char *ofp_port_map_name(const struct ofp_port_map *, uint32_t port);

/* Returns the number of NAME in MAP, or OFPP_NONE when it is unknown or
 * ambiguous. */
uint32_t ofp_port_map_number(const struct ofp_port_map *, const char *name);

/* Converts PORT, a 16-bit OpenFlow 1.0 port number as struct flow holds
 * it, to 32-bit OpenFlow 1.1+ numbering (host order): the reserved range
 * 0xff00..0xffff becomes 0xffffff00..0xffffffff. */
uint32_t ofp_port_to_ofp11(uint32_t port);

/* Converts OFP11, a 32-bit OpenFlow 1.1+ port number (host order), to the
 * 16-bit numbering in *PORT.  Returns false (storing OFPP_NONE) for the
 * numbers 0xff00..0xfffffeff, which have no 16-bit equivalent. */
bool ofp_port_from_ofp11(uint32_t ofp11, uint32_t *port);

#endif /* VX_FLOW_PORT_MAP_H */
