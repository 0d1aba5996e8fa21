/*
 * port-map.c: OpenFlow port names <-> numbers, and the reserved port
 * names, following OVS's lib/ofp-port.c and lib/namemap.c.
 */
#include "flow/port-map.h"

#include <ctype.h>
#include <inttypes.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "packet/flow.h"

/* OpenFlow 1.1+ reserved ports start here, 0xffff0000 above the 16-bit
 * ones. */
#define OFPP11_MAX 0xffffff00u
#define OFPP11_OFFSET 0xffff0000u

/* One name <-> number pair.  A node is in one of the two maps; a name or
 * number seen with two different partners is marked duplicate. */
struct ofp_port_map_node {
    struct hmap_node name_node;    /* In by_name, when in that map. */
    struct hmap_node number_node;  /* In by_number, when in that map. */
    uint32_t port;                 /* Port number. */
    char *name;                    /* Port name (owned). */
    bool duplicate;                /* Ambiguous in this node's direction. */
};

/* Reserved port names, in OVS's order. */
static const struct {
    const char *name;  /* Name as printed (parsed in any case). */
    uint32_t port;     /* OFPP_* number. */
} reserved_ports[] = {
    { "IN_PORT", OFPP_IN_PORT },
    { "TABLE", OFPP_TABLE },
    { "NORMAL", OFPP_NORMAL },
    { "FLOOD", OFPP_FLOOD },
    { "ALL", OFPP_ALL },
    { "CONTROLLER", OFPP_CONTROLLER },
    { "LOCAL", OFPP_LOCAL },
    { "ANY", OFPP_NONE },
    { "UNSET", OFPP_UNSET },
    /* Accepted for parsing only, as an old spelling of ANY. */
    { "NONE", OFPP_NONE },
};

void
ofp_port_map_init(struct ofp_port_map *map)
{
    hmap_init(&map->by_name);
    hmap_init(&map->by_number);
}

void
ofp_port_map_destroy(struct ofp_port_map *map)
{
    struct ofp_port_map_node *node, *next;

    if (!map) {
        return;
    }
    HMAP_FOR_EACH_SAFE (node, next, name_node, &map->by_name) {
        hmap_remove(&map->by_name, &node->name_node);
        free(node->name);
        free(node);
    }
    HMAP_FOR_EACH_SAFE (node, next, number_node, &map->by_number) {
        hmap_remove(&map->by_number, &node->number_node);
        free(node->name);
        free(node);
    }
    hmap_destroy(&map->by_name);
    hmap_destroy(&map->by_number);
}

static struct ofp_port_map_node *
find_by_name(const struct ofp_port_map *map, const char *name)
{
    struct ofp_port_map_node *node;

    HMAP_FOR_EACH_WITH_HASH (node, name_node, hash_string(name, 0),
                             &map->by_name) {
        if (!strcmp(node->name, name)) {
            return node;
        }
    }
    return NULL;
}

static struct ofp_port_map_node *
find_by_number(const struct ofp_port_map *map, uint32_t port)
{
    struct ofp_port_map_node *node;

    HMAP_FOR_EACH_WITH_HASH (node, number_node, hash_int(port, 0),
                             &map->by_number) {
        if (node->port == port) {
            return node;
        }
    }
    return NULL;
}

static struct ofp_port_map_node *
node_create(uint32_t port, const char *name)
{
    struct ofp_port_map_node *node = xzalloc(sizeof *node);

    node->port = port;
    node->name = xstrdup(name);
    return node;
}

void
ofp_port_map_put(struct ofp_port_map *map, uint32_t port, const char *name)
{
    struct ofp_port_map_node *node;

    node = find_by_name(map, name);
    if (!node) {
        node = node_create(port, name);
        hmap_insert(&map->by_name, &node->name_node, hash_string(name, 0));
    } else if (node->port != port) {
        node->duplicate = true;
    }

    node = find_by_number(map, port);
    if (!node) {
        node = node_create(port, name);
        hmap_insert(&map->by_number, &node->number_node, hash_int(port, 0));
    } else if (strcmp(node->name, name)) {
        node->duplicate = true;
    }
}

const char *
ofp_port_map_name(const struct ofp_port_map *map, uint32_t port)
{
    const struct ofp_port_map_node *node;

    node = map ? find_by_number(map, port) : NULL;
    return node && !node->duplicate ? node->name : NULL;
}

uint32_t
ofp_port_map_number(const struct ofp_port_map *map, const char *name)
{
    const struct ofp_port_map_node *node;

    node = map ? find_by_name(map, name) : NULL;
    return node && !node->duplicate ? node->port : OFPP_NONE;
}

const char *
ofp_port_reserved_name(uint32_t port)
{
    /* The last entry, NONE, is a parsing alias only. */
    for (size_t i = 0; i + 1 < ARRAY_SIZE(reserved_ports); i++) {
        if (reserved_ports[i].port == port) {
            return reserved_ports[i].name;
        }
    }
    return NULL;
}

uint32_t
ofp_port_to_ofp11(uint32_t port)
{
    return port < OFPP_MAX ? port : port + OFPP11_OFFSET;
}

bool
ofp_port_from_ofp11(uint32_t ofp11, uint32_t *port)
{
    if (ofp11 < OFPP_MAX) {
        *port = ofp11;
        return true;
    } else if (ofp11 >= OFPP11_MAX) {
        *port = ofp11 - OFPP11_OFFSET;
        return true;
    }
    *port = OFPP_NONE;
    return false;
}

/* Parses S as an unsigned decimal number that fits in 32 bits, as OVS's
 * str_to_uint(s, 10, ...) does. */
static bool
parse_decimal_u32(const char *s, uint32_t *value)
{
    unsigned long long int x;
    char *end;

    if (!*s || isspace((unsigned char) *s) || *s == '-' || *s == '+') {
        return false;
    }
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end || x > UINT32_MAX) {
        return false;
    }
    *value = x;
    return true;
}

/* Undoes JSON string escapes in the LEN bytes at S.  Returns a new string,
 * or NULL if S is not a valid JSON string body. */
static char *
json_unescape(const char *s, size_t len)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c == '"' || (unsigned char) c < 0x20) {
            goto error;
        } else if (c != '\\') {
            ds_put_char(&out, c);
            continue;
        }
        if (++i >= len) {
            goto error;
        }
        switch (s[i]) {
        case '"': ds_put_char(&out, '"'); break;
        case '\\': ds_put_char(&out, '\\'); break;
        case '/': ds_put_char(&out, '/'); break;
        case 'b': ds_put_char(&out, '\b'); break;
        case 'f': ds_put_char(&out, '\f'); break;
        case 'n': ds_put_char(&out, '\n'); break;
        case 'r': ds_put_char(&out, '\r'); break;
        case 't': ds_put_char(&out, '\t'); break;
        case 'u': {
            unsigned int cp = 0;

            if (i + 4 >= len) {
                goto error;
            }
            for (int k = 1; k <= 4; k++) {
                char h = s[i + k];

                cp <<= 4;
                if (h >= '0' && h <= '9') {
                    cp |= h - '0';
                } else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f') {
                    cp |= (h | 0x20) - 'a' + 10;
                } else {
                    goto error;
                }
            }
            if (!cp || cp >= 0x80) {
                /* Port names are plain bytes; other code points are not
                 * names any map can hold. */
                goto error;
            }
            ds_put_char(&out, cp);
            i += 4;
            break;
        }
        default:
            goto error;
        }
    }
    return ds_steal_cstr(&out);

error:
    ds_destroy(&out);
    return NULL;
}

bool
ofp_port_parse(const char *s, const struct ofp_port_map *map, uint32_t *port)
{
    uint32_t p;

    if (*s == '-') {
        return false;
    }
    if (parse_decimal_u32(s, &p)) {
        if (p <= 0xffff) {
            *port = p;
            return true;
        } else if (p < OFPP11_MAX) {
            return false;
        }
        *port = p - OFPP11_OFFSET;
        return true;
    }

    for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++) {
        if (!strcasecmp(s, reserved_ports[i].name)) {
            *port = reserved_ports[i].port;
            return true;
        }
    }

    p = OFPP_NONE;
    if (s[0] != '"') {
        p = ofp_port_map_number(map, s);
    } else {
        size_t len = strlen(s);

        if (len > 1 && s[len - 1] == '"') {
            char *name = json_unescape(s + 1, len - 2);

            if (name) {
                p = ofp_port_map_number(map, name);
                free(name);
            }
        }
    }
    if (p != OFPP_NONE) {
        *port = p;
        return true;
    }
    return false;
}

/* Returns true if NAME must be quoted: it does not start with a letter or
 * has a character other than letters and digits. */
static bool
name_needs_quotes(const char *name)
{
    if (!isalpha((unsigned char) name[0])) {
        return true;
    }
    for (const char *p = name + 1; *p; p++) {
        if (!isalnum((unsigned char) *p)) {
            return true;
        }
    }
    return false;
}

/* Appends NAME as a JSON string literal. */
static void
put_json_string(struct ds *s, const char *name)
{
    ds_put_char(s, '"');
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        switch (*p) {
        case '"': ds_put_cstr(s, "\\\""); break;
        case '\\': ds_put_cstr(s, "\\\\"); break;
        case '\b': ds_put_cstr(s, "\\b"); break;
        case '\f': ds_put_cstr(s, "\\f"); break;
        case '\n': ds_put_cstr(s, "\\n"); break;
        case '\r': ds_put_cstr(s, "\\r"); break;
        case '\t': ds_put_cstr(s, "\\t"); break;
        default:
            if (*p < 0x20) {
                ds_put_format(s, "\\u%04x", *p);
            } else {
                ds_put_char(s, *p);
            }
        }
    }
    ds_put_char(s, '"');
}

void
ofp_port_format(uint32_t port, const struct ofp_port_map *map, struct ds *s)
{
    const char *name = ofp_port_reserved_name(port);

    if (name) {
        ds_put_cstr(s, name);
        return;
    }
    name = ofp_port_map_name(map, port);
    if (name) {
        if (name_needs_quotes(name)) {
            put_json_string(s, name);
        } else {
            ds_put_cstr(s, name);
        }
        return;
    }
    ds_put_format(s, "%" PRIu32, port);
}
