/*
 * conntrack-format.c: the text views of the tracker, in the layouts of
 * `ovs-appctl dpctl/dump-conntrack`, `dpctl/ct-stats-show` and
 * `dpctl/ct-get-limits` (OVS 3.1, lib/ct-dpif.c and lib/dpctl.c), and the
 * parsers of the dpctl/ct-* arguments.
 */
#include "conntrack/conntrack.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack/conntrack-private.h"
#include "lib/ds.h"

static void
format_proto(struct ds *ds, uint8_t proto)
{
    switch (proto) {
    case IPPROTO_ICMP_:
        ds_put_cstr(ds, "icmp");
        break;
    case IPPROTO_ICMPV6_:
        ds_put_cstr(ds, "icmpv6");
        break;
    case IPPROTO_TCP_:
        ds_put_cstr(ds, "tcp");
        break;
    case IPPROTO_UDP_:
        ds_put_cstr(ds, "udp");
        break;
    case IPPROTO_SCTP_:
        ds_put_cstr(ds, "sctp");
        break;
    default:
        ds_put_format(ds, "%u", proto);
        break;
    }
}

static void
format_tuple(struct ds *ds, const struct ct_key *key)
{
    if (key->dl_type == htons(ETH_TYPE_IP)) {
        ds_put_format(ds, "src=" IP_FMT ",dst=" IP_FMT,
                      IP_ARGS(key->src.addr.ipv4),
                      IP_ARGS(key->dst.addr.ipv4));
    } else {
        char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

        inet_ntop(AF_INET6, &key->src.addr.ipv6, src, sizeof src);
        inet_ntop(AF_INET6, &key->dst.addr.ipv6, dst, sizeof dst);
        ds_put_format(ds, "src=%s,dst=%s", src, dst);
    }
    if (ct_key_class(key) == CT_CLASS_ICMP) {
        ds_put_format(ds, ",id=%u,type=%u,code=%u", ntohs(key->src.port),
                      key->src.icmp_type, key->src.icmp_code);
    } else {
        ds_put_format(ds, ",sport=%u,dport=%u", ntohs(key->src.port),
                      ntohs(key->dst.port));
    }
}

/* Appends the 128-bit label as OVS does: "0x" and hex digits without
 * leading zeros. */
static void
format_label(struct ds *ds, const uint64_t label[2])
{
    if (label[1]) {
        ds_put_format(ds, "0x%" PRIx64 "%016" PRIx64, label[1], label[0]);
    } else {
        ds_put_format(ds, "0x%" PRIx64, label[0]);
    }
}

/* Appends TITLE and the protoinfo flags OVS derives from a peer's
 * window-scale byte WSCALE, joined by '|', or "0" for none. */
static void
format_tcp_flags(struct ds *ds, const char *title, uint8_t wscale)
{
    static const struct {
        uint8_t bit;      /* CT_WSCALE_* bit. */
        const char *name; /* OVS's name of the flag. */
    } flags[] = {
        {CT_WSCALE_FLAG, "WINDOW_SCALE"},
        {CT_WSCALE_UNKNOWN, "BE_LIBERAL"},
    };
    size_t start;

    ds_put_cstr(ds, title);
    start = ds->length;
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (wscale & flags[i].bit) {
            ds_put_format(ds, "%s%s", ds->length > start ? "|" : "",
                          flags[i].name);
        }
    }
    if (ds->length == start) {
        ds_put_char(ds, '0');
    }
}

static void
format_protoinfo(struct ds *ds, const struct ct_entry *e, bool verbose)
{
    const struct ct_tcp_peer *orig = &e->peer[0], *reply = &e->peer[1];

    if (e->cls != CT_CLASS_TCP) {
        return;
    }
    ds_put_cstr(ds, ",protoinfo=(");
    if (!verbose) {
        ds_put_format(ds, "state=%s",
                      ct_tcp_state_name(
                          ct_tcp_coalesce_state(orig->state, reply->state)));
    } else {
        uint8_t ws_orig = orig->wscale & CT_WSCALE_MASK;
        uint8_t ws_reply = reply->wscale & CT_WSCALE_MASK;

        ds_put_format(ds, "state_orig=%s,state_reply=%s",
                      ct_tcp_state_name(orig->state),
                      ct_tcp_state_name(reply->state));
        if (ws_orig || ws_reply) {
            ds_put_format(ds, ",wscale_orig=%u,wscale_reply=%u", ws_orig,
                          ws_reply);
        }
        format_tcp_flags(ds, ",flags_orig=", orig->wscale);
        format_tcp_flags(ds, ",flags_reply=", reply->wscale);
    }
    ds_put_char(ds, ')');
}

void
ct_format_entry(const struct ct_entry *e, bool verbose, bool print_stats,
                long long now, struct ds *ds)
{
    format_proto(ds, e->key.nw_proto);
    ds_put_cstr(ds, ",orig=(");
    format_tuple(ds, &e->key);
    ds_put_cstr(ds, "),reply=(");
    format_tuple(ds, &e->rev_key);
    ds_put_char(ds, ')');
    if (verbose) {
        /* OVS's userspace datapath has no entry ids. */
        ds_put_cstr(ds, ",id=0");
    }
    if (e->key.zone) {
        ds_put_format(ds, ",zone=%u", e->key.zone);
    }
    if (verbose) {
        /* Nor status flags. */
        ds_put_cstr(ds, ",status=0");
    }
    if (print_stats) {
        long long left = e->expiration - now;

        ds_put_format(ds, ",timeout=%lld", left > 0 ? left / 1000 : 0);
    }
    if (e->mark) {
        ds_put_format(ds, ",mark=%" PRIu32, e->mark);
    }
    if (e->label[0] || e->label[1]) {
        ds_put_cstr(ds, ",labels=");
        format_label(ds, e->label);
    }
    format_protoinfo(ds, e, verbose);
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;

    return strcmp(*a, *b);
}

void
conntrack_dump(struct conntrack *ct, const uint16_t *zone, bool verbose,
               bool print_stats, long long now, struct ds *ds)
{
    struct ct_entry *entries;
    char **lines;
    size_t n;

    entries = ct_snapshot(ct, zone, now, &n);
    lines = xcalloc(n ? n : 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        struct ds line = DS_EMPTY_INITIALIZER;

        ct_format_entry(&entries[i], verbose, print_stats, now, &line);
        lines[i] = ds_steal_cstr(&line);
    }
    qsort(lines, n, sizeof *lines, compare_strings);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(ds, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    free(entries);
}

/* The protocol groups of ct-stats-show, in its order. */
enum ct_stats_group {
    CT_STATS_TCP,
    CT_STATS_UDP,
    CT_STATS_UDPLITE,
    CT_STATS_SCTP,
    CT_STATS_ICMP,
    CT_STATS_DCCP,
    CT_STATS_IGMP,
    CT_STATS_OTHER,
    CT_STATS_ICMPV6, /* Counted in the total but not printed, as
                      * OVS 3.1 does. */
    N_CT_STATS
};

static const char *const ct_stats_names[N_CT_STATS] = {
    "TCP", "UDP", "UDPLITE", "SCTP", "ICMP", "DCCP", "IGMP", "Other", NULL,
};

static enum ct_stats_group
stats_group(uint8_t proto)
{
    switch (proto) {
    case IPPROTO_TCP_:
        return CT_STATS_TCP;
    case IPPROTO_UDP_:
        return CT_STATS_UDP;
    case 136:
        return CT_STATS_UDPLITE;
    case IPPROTO_SCTP_:
        return CT_STATS_SCTP;
    case IPPROTO_ICMP_:
        return CT_STATS_ICMP;
    case 33:
        return CT_STATS_DCCP;
    case 2:
        return CT_STATS_IGMP;
    case IPPROTO_ICMPV6_:
        return CT_STATS_ICMPV6;
    default:
        return CT_STATS_OTHER;
    }
}

void
conntrack_format_stats(struct conntrack *ct, const uint16_t *zone,
                       bool verbose, long long now, struct ds *ds)
{
    unsigned int groups[N_CT_STATS] = {0};
    unsigned int tcp_states[N_CT_TCPS] = {0};
    struct ct_entry *entries;
    size_t n;

    entries = ct_snapshot(ct, zone, now, &n);
    for (size_t i = 0; i < n; i++) {
        const struct ct_entry *e = &entries[i];

        groups[stats_group(e->key.nw_proto)]++;
        if (e->cls == CT_CLASS_TCP) {
            tcp_states[ct_tcp_coalesce_state(e->peer[0].state,
                                             e->peer[1].state)]++;
        }
    }
    free(entries);

    ds_put_format(ds, "Connections Stats:\n    Total: %zu\n", n);
    for (int g = 0; g < N_CT_STATS; g++) {
        if (!groups[g] || !ct_stats_names[g]) {
            continue;
        }
        ds_put_format(ds, "  %s: %u\n", ct_stats_names[g], groups[g]);
        if (g == CT_STATS_TCP && verbose) {
            ds_put_cstr(ds, "    Conn per TCP states:\n");
            for (int s = 0; s < N_CT_TCPS; s++) {
                if (tcp_states[s]) {
                    ds_put_format(ds, "\t  [%s]=%u\n", ct_tcp_state_name(s),
                                  tcp_states[s]);
                }
            }
        }
    }

    /* Not in OVS's report: commits refused at a limit, whose packets were
     * dropped.  Counted for the whole tracker, so only shown without a
     * zone filter, and only once something was refused. */
    struct ct_stats st;

    conntrack_get_stats(ct, &st);
    if (!zone && st.n_full) {
        ds_put_format(ds, "  Dropped at ct-set-maxconns limit (%" PRIu32
                      "): %" PRIu64 "\n", conntrack_get_maxconns(ct),
                      st.n_full);
    }
    if (!zone && st.n_zone_full) {
        ds_put_format(ds, "  Dropped at zone limits: %" PRIu64 "\n",
                      st.n_zone_full);
    }
}

static int
compare_zones(const void *a_, const void *b_)
{
    const uint16_t *a = a_;
    const uint16_t *b = b_;

    return (*a > *b) - (*a < *b);
}

void
conntrack_format_limits(struct conntrack *ct, const uint16_t *zones,
                        size_t n_zones, struct ds *ds)
{
    struct ct_zone_limit def, zl;
    uint16_t *limited = NULL;

    conntrack_get_zone_limit(ct, CT_ZONE_DEFAULT, &def);
    ds_put_format(ds, "default limit=%" PRIu32 "\n",
                  def.has_limit ? def.limit : 0);
    if (!n_zones) {
        limited = ct_limited_zones(ct, &n_zones);
        qsort(limited, n_zones, sizeof *limited, compare_zones);
        zones = limited;
    }
    for (size_t i = 0; i < n_zones; i++) {
        conntrack_get_zone_limit(ct, zones[i], &zl);
        ds_put_format(ds, "zone=%u,limit=%" PRIu32 ",count=%" PRIu32 "\n",
                      zones[i],
                      (zl.has_limit    ? zl.limit
                       : def.has_limit ? def.limit
                                       : 0),
                      zl.count);
    }
    free(limited);
}

/* Parses the decimal integer S (0..MAX) into *VALUE.  Returns false if S is
 * not one. */
static bool
parse_uint(const char *s, uint64_t max, uint64_t *value)
{
    return s[0] >= '0' && s[0] <= '9' && str_to_uint64(s, 10, max, value);
}

char *
ct_parse_maxconns(const char *s, uint32_t *maxconns)
{
    uint64_t value;

    if (!parse_uint(s, UINT32_MAX, &value)) {
        return xasprintf("invalid maximum number of connections \"%s\" "
                         "(expected an integer from 0 to 4294967295)",
                         s);
    }
    *maxconns = value;
    return NULL;
}

static char *
parse_limit(const char *s, uint32_t *limit)
{
    uint64_t value;

    if (!parse_uint(s, UINT32_MAX, &value)) {
        return xasprintf("invalid limit \"%s\" (expected an integer from 0 "
                         "to 4294967295)",
                         s);
    }
    *limit = value;
    return NULL;
}

static char *
parse_zone(const char *s, uint16_t *zone)
{
    uint64_t value;

    if (!parse_uint(s, UINT16_MAX, &value)) {
        return xasprintf("invalid zone \"%s\" (expected an integer from 0 "
                         "to 65535)",
                         s);
    }
    *zone = value;
    return NULL;
}

char *
ct_parse_zone_limit(const char *s, int32_t *zone, uint32_t *limit)
{
    const char *comma;
    uint16_t z = 0;
    char *error;

    if (str_has_prefix(s, "default=")) {
        uint32_t l = 0;

        error = parse_limit(s + strlen("default="), &l);
        if (!error) {
            *zone = CT_ZONE_DEFAULT;
            *limit = l;
        }
        return error;
    }
    comma = strchr(s, ',');
    if (!str_has_prefix(s, "zone=") || !comma ||
        !str_has_prefix(comma + 1, "limit=")) {
        return xasprintf("invalid zone limit \"%s\" (expected "
                         "zone=N,limit=L or default=L)",
                         s);
    }

    char *zone_s =
        xstrndup(s + strlen("zone="), comma - (s + strlen("zone=")));
    uint32_t l = 0;

    error = parse_zone(zone_s, &z);
    free(zone_s);
    if (!error) {
        error = parse_limit(comma + 1 + strlen("limit="), &l);
    }
    if (!error) {
        *zone = z;
        *limit = l;
    }
    return error;
}

char *
ct_parse_zone_list(const char *s, uint16_t **zonesp, size_t *n_zonesp)
{
    uint16_t *zones = NULL;
    size_t n = 0, allocated = 0;
    char *copy, *token, *save = NULL;
    char *error = NULL;

    if (!str_has_prefix(s, "zone=")) {
        return xasprintf("invalid zone list \"%s\" (expected "
                         "zone=N1[,N2]...)",
                         s);
    }
    copy = xstrdup(s + strlen("zone="));
    if (!*copy || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,")) {
        error = xasprintf("invalid zone list \"%s\" (empty zone)", s);
        goto out;
    }
    for (token = strtok_r(copy, ",", &save); token;
         token = strtok_r(NULL, ",", &save)) {
        if (n >= allocated) {
            zones = x2nrealloc(zones, &allocated, sizeof *zones);
        }
        error = parse_zone(token, &zones[n]);
        if (error) {
            goto out;
        }
        n++;
    }

out:
    free(copy);
    if (error) {
        free(zones);
        return error;
    }
    *zonesp = zones;
    *n_zonesp = n;
    return NULL;
}
