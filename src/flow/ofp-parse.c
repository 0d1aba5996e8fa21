/*
 * ofp-parse.c: flow-mod text and dump-flows lines, following OVS's
 * lib/ofp-flow.c (parse_ofp_str__, ofputil_flow_stats_format) and
 * lib/ofp-parse.c.  The match part is in match-parse.c, the actions in
 * ofp-actions.c.
 */
#include "flow/ofp-parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow/match-parse.h"
#include "flow/port-map.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"

COVERAGE_DEFINE(ofp_parse_flow_mod_error);

/* Which keywords a command accepts, as in parse_ofp_str__(). */
enum {
    F_OUT_PORT = 1 << 0,
    F_ACTIONS = 1 << 1,
    F_IMPORTANCE = 1 << 2,
    F_TIMEOUT = 1 << 3,
    F_PRIORITY = 1 << 4,
    F_FLAGS = 1 << 5,
};

/* Flow-mod flag keywords, in the order OVS prints them. */
static const struct {
    const char *name;  /* Keyword, e.g. "send_flow_rem". */
    uint16_t flag;     /* OFPFF_* bit. */
} flow_flags[] = {
    { "send_flow_rem", OFPFF_SEND_FLOW_REM },
    { "check_overlap", OFPFF_CHECK_OVERLAP },
    { "reset_counts", OFPFF_RESET_COUNTS },
    { "no_packet_counts", OFPFF_NO_PKT_COUNTS },
    { "no_byte_counts", OFPFF_NO_BYT_COUNTS },
};

/* Parses a 16-bit keyword value as OVS's str_to_u16(). */
static char *
str_to_u16(const char *str, const char *name, uint16_t *valuep)
{
    int value;

    if (!str_to_int(str, 0, &value) || value < 0 || value > 65535) {
        return xasprintf("invalid %s \"%s\"", name, str);
    }
    *valuep = value;
    return NULL;
}

/* Parses a 64-bit number as OVS's str_to_u64(). */
static char *
str_to_u64(const char *str, uint64_t *valuep)
{
    unsigned long long int value;
    char *tail;

    if (!str[0]) {
        return xstrdup("missing required numeric argument");
    }
    errno = 0;
    value = strtoull(str, &tail, 0);
    if (errno == EINVAL || errno == ERANGE || *tail) {
        return xasprintf("invalid numeric format %s", str);
    }
    *valuep = value;
    return NULL;
}

/* Parses a table number 0..255 as OVS's ofputil_table_from_string() does
 * without a table map. */
static bool
parse_table(const char *s, uint8_t *table)
{
    unsigned long long int x;
    char *end;

    if (!*s || *s == '-' || *s == '+' || *s == ' ') {
        return false;
    }
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end || x > 255) {
        return false;
    }
    *table = x;
    return true;
}

/* Finds "action" in S, cuts S there and returns what follows the next '=',
 * as OVS's ofp_extract_actions(); NULL if there is none. */
static char *
extract_actions(char *s)
{
    s = strstr(s, "action");
    if (s) {
        *s = '\0';
        s = strchr(s + 1, '=');
        return s ? s + 1 : NULL;
    }
    return NULL;
}

/* Handles one non-field keyword NAME=VALUE of a flow-mod. */
static char *
parse_keyword(struct ofp_flow_mod *fm, int fields, const char *name,
              char *value, const struct ofp_port_map *port_map)
{
    if (!*value) {
        return xasprintf("field %s missing value", name);
    }
    if (!strcmp(name, "table")) {
        if (!parse_table(value, &fm->table_id)) {
            return xasprintf("unknown table \"%s\"", value);
        }
        fm->table_given = true;
        return NULL;
    } else if (fields & F_OUT_PORT && !strcmp(name, "out_port")) {
        if (!ofp_port_parse(value, port_map, &fm->out_port)) {
            return xasprintf("%s is not a valid OpenFlow port", value);
        }
        return NULL;
    } else if (fields & F_PRIORITY && !strcmp(name, "priority")) {
        uint16_t priority = 0;
        char *error = str_to_u16(value, name, &priority);

        if (!error) {
            fm->priority = priority;
        }
        return error;
    } else if (fields & F_TIMEOUT && !strcmp(name, "idle_timeout")) {
        return str_to_u16(value, name, &fm->idle_timeout);
    } else if (fields & F_TIMEOUT && !strcmp(name, "hard_timeout")) {
        return str_to_u16(value, name, &fm->hard_timeout);
    } else if (fields & F_IMPORTANCE && !strcmp(name, "importance")) {
        return str_to_u16(value, name, &fm->importance);
    } else if (!strcmp(name, "cookie")) {
        char *mask = strchr(value, '/');
        char *error;

        if (mask) {
            /* A mask means we're searching for a cookie. */
            if (fm->command == OFPFC_ADD) {
                return xstrdup("flow additions cannot use a cookie mask");
            }
            *mask = '\0';
            error = str_to_u64(value, &fm->cookie);
            if (!error) {
                error = str_to_u64(mask + 1, &fm->cookie_mask);
            }
            return error;
        }
        /* No mask means that the cookie is being set. */
        if (fm->command != OFPFC_ADD && fm->command != OFPFC_MODIFY
            && fm->command != OFPFC_MODIFY_STRICT) {
            return xasprintf("cannot set cookie (to match on a cookie, "
                             "specify a mask, e.g. cookie=%s/-1)", value);
        }
        if (fm->command == OFPFC_ADD) {
            return str_to_u64(value, &fm->cookie);
        }
        fm->modify_cookie = true;
        return str_to_u64(value, &fm->new_cookie);
    } else if (!strcmp(name, "duration") || !strcmp(name, "n_packets")
               || !strcmp(name, "n_bytes") || !strcmp(name, "idle_age")
               || !strcmp(name, "hard_age")) {
        /* Fields of dump-flows output, ignored so that it can be fed back
         * in. */
        return NULL;
    }
    return xasprintf("unknown keyword %s", name);
}

static char *
parse_flow_mod__(struct ofp_flow_mod *fm, char *string,
                 const struct ofp_port_map *port_map, int fields)
{
    char *act_str = NULL;
    char *name, *value;
    bool of10 = true;
    char *error;

    if (fields & F_ACTIONS) {
        act_str = extract_actions(string);
        if (!act_str) {
            return xstrdup("must specify an action");
        }
    }

    while (ofp_parse_key_value(&string, &name, &value)) {
        uint16_t dl_type;
        uint8_t nw_proto;
        bool handled = false;

        if (ofp_parse_protocol(name, &dl_type, &nw_proto)) {
            fm->match.flow.dl_type = htons(dl_type);
            fm->match.wc.masks.dl_type = htons(UINT16_MAX);
            if (nw_proto) {
                fm->match.flow.nw_proto = nw_proto;
                fm->match.wc.masks.nw_proto = UINT8_MAX;
            }
            continue;
        }
        if (!strcmp(name, "eth") || !strcmp(name, "no_readonly_table")
            || !strcmp(name, "allow_hidden_fields")) {
            continue;
        }
        if (fields & F_FLAGS) {
            for (size_t i = 0; i < ARRAY_SIZE(flow_flags); i++) {
                if (!strcmp(name, flow_flags[i].name)) {
                    fm->flags |= flow_flags[i].flag;
                    handled = true;
                }
            }
            if (handled) {
                continue;
            }
        }
        error = ofp_parse_match_field(name, value, port_map, &fm->match,
                                      &handled, &of10);
        if (!error && !handled) {
            error = parse_keyword(fm, fields, name, value, port_map);
        }
        if (error) {
            return error;
        }
    }

    if (!fm->cookie_mask && !fm->modify_cookie
        && (fm->command == OFPFC_MODIFY
            || fm->command == OFPFC_MODIFY_STRICT)) {
        /* A modify without a cookie adds a flow with cookie 0 when none
         * matches. */
        fm->new_cookie = 0;
    }
    if (ofp_match_has_unencodable_fields(&fm->match)) {
        return xstrdup("actions are invalid with specified match "
                       "(OFPBAC_MATCH_INCONSISTENT)");
    }
    if (fields & F_ACTIONS) {
        error = ofpacts_parse(act_str, port_map, &fm->match, &fm->ofpacts);
        if (error) {
            return error;
        }
        fm->has_actions = true;
    }
    if (fm->cookie_mask) {
        /* Matching on the cookie needs NXM. */
        of10 = false;
    }
    ofp_match_finish(&fm->match, of10);
    return NULL;
}

char *
ofp_parse_flow_mod(struct ofp_flow_mod *fm, const char *s,
                   const struct ofp_port_map *port_map,
                   enum ofp_flow_mod_command command)
{
    struct ofp_flow_mod tmp;
    char *string;
    char *error;
    int fields;

    if (strlen(s) > OFP_PARSE_MAX_LEN) {
        COVERAGE_INC(ofp_parse_flow_mod_error);
        return xasprintf("flow text too long (%zu bytes, at most %d)",
                         strlen(s), OFP_PARSE_MAX_LEN);
    }

    switch (command) {
    case OFPFC_ADD:
        fields = F_ACTIONS | F_TIMEOUT | F_PRIORITY | F_FLAGS | F_IMPORTANCE;
        break;
    case OFPFC_DELETE:
        fields = F_OUT_PORT;
        break;
    case OFPFC_DELETE_STRICT:
        fields = F_OUT_PORT | F_PRIORITY;
        break;
    case OFPFC_MODIFY:
    case OFPFC_MODIFY_STRICT:
    default:
        fields = F_ACTIONS | F_TIMEOUT | F_PRIORITY | F_FLAGS;
        break;
    }

    memset(&tmp, 0, sizeof tmp);
    tmp.command = command;
    match_init_catchall(&tmp.match);
    tmp.priority = OFP_DEFAULT_PRIORITY;
    tmp.table_id = OFPTT_ALL;
    tmp.out_port = OFPP_ANY;
    tmp.new_cookie = (command == OFPFC_MODIFY
                      || command == OFPFC_MODIFY_STRICT) ? UINT64_MAX : 0;

    string = xstrdup(s);
    error = parse_flow_mod__(&tmp, string, port_map, fields);
    free(string);
    if (error) {
        COVERAGE_INC(ofp_parse_flow_mod_error);
        ofpacts_free(&tmp.ofpacts);
        return error;
    }
    if (command == OFPFC_ADD && tmp.table_id == OFPTT_ALL) {
        /* An addition without a table (or to "all tables") goes to 0. */
        tmp.table_id = 0;
    }
    *fm = tmp;
    return NULL;
}

void
ofp_flow_mod_uninit(struct ofp_flow_mod *fm)
{
    if (fm) {
        ofpacts_free(&fm->ofpacts);
    }
}

/* Appends a duration of MSEC milliseconds as OVS's ofp_print_duration():
 * seconds, then ".mmm" unless it is a whole number of seconds. */
static void
format_duration(struct ds *s, long long int msec)
{
    if (msec < 0) {
        msec = 0;
    }
    ds_put_format(s, "%lld", msec / 1000);
    if (msec % 1000) {
        ds_put_format(s, ".%03lld", msec % 1000);
    }
    ds_put_char(s, 's');
}

void
ofp_flow_stats_format(const struct ofp_flow_stats *fs,
                      const struct ofp_port_map *port_map, bool show_stats,
                      struct ds *s)
{
    size_t length;

    ds_put_char(s, ' ');
    if (show_stats || fs->cookie) {
        ds_put_format(s, "cookie=0x%" PRIx64 ", ", fs->cookie);
    }
    if (show_stats) {
        ds_put_cstr(s, "duration=");
        format_duration(s, fs->duration_msec);
        ds_put_cstr(s, ", ");
    }
    if (show_stats || fs->table_id) {
        ds_put_format(s, "table=%" PRIu8 ", ", fs->table_id);
    }
    if (show_stats) {
        ds_put_format(s, "n_packets=%" PRIu64 ", ", fs->packet_count);
        ds_put_format(s, "n_bytes=%" PRIu64 ", ", fs->byte_count);
    }
    if (fs->idle_timeout) {
        ds_put_format(s, "idle_timeout=%" PRIu16 ", ", fs->idle_timeout);
    }
    if (fs->hard_timeout) {
        ds_put_format(s, "hard_timeout=%" PRIu16 ", ", fs->hard_timeout);
    }
    for (size_t i = 0; i < ARRAY_SIZE(flow_flags); i++) {
        if (fs->flags & flow_flags[i].flag) {
            ds_put_format(s, "%s ", flow_flags[i].name);
        }
    }
    if (fs->importance) {
        ds_put_format(s, "importance=%" PRIu16 ", ", fs->importance);
    }
    if (show_stats && fs->idle_age >= 0) {
        ds_put_format(s, "idle_age=%lld, ", fs->idle_age);
    }
    if (show_stats && fs->hard_age >= 0
        && fs->hard_age != fs->duration_msec / 1000) {
        ds_put_format(s, "hard_age=%lld, ", fs->hard_age);
    }

    length = s->length;
    match_format(fs->match, port_map, fs->priority, s);
    if (s->length != length) {
        ds_put_char(s, ' ');
    }
    ds_put_cstr(s, "actions=");
    ofpacts_format(fs->ofpacts, port_map, s);
}
