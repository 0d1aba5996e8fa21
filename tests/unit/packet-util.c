/* packet-util.c: see packet-util.h. */
#include "packet-util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"

size_t
hex_decode(const char *hex, uint8_t **datap)
{
    size_t len = strlen(hex);
    uint8_t *data;

    if (len % 2) {
        harness_fail(__FILE__, __LINE__, "odd-length hex string");
    }
    /* Exactly sized, so that ASan catches any read past the frame. */
    data = xmalloc(len / 2);
    for (size_t i = 0; i < len / 2; i++) {
        char byte[3] = { hex[2 * i], hex[2 * i + 1], '\0' };
        char *end;

        data[i] = (uint8_t) strtoul(byte, &end, 16);
        if (*end) {
            harness_fail(__FILE__, __LINE__, "bad hex digit in \"%s\"", byte);
        }
    }
    *datap = data;
    return len / 2;
}

size_t
golden_load(struct golden_pkt **pktsp)
{
    char path[512];
    struct golden_pkt *pkts = NULL;
    size_t n = 0, allocated = 0;
    struct ds line = DS_EMPTY_INITIALIZER;
    FILE *f;

    snprintf(path, sizeof path, "%s/data/packets/golden.txt",
             harness_tests_dir());
    f = fopen(path, "r");
    if (!f) {
        harness_fail(__FILE__, __LINE__, "%s: cannot open", path);
    }
    while (!ds_get_line(&line, f)) {
        char *s = ds_cstr(&line), *save = NULL;
        char *name, *hex, *fields;

        if (s[0] == '#' || !s[0]) {
            continue;
        }
        name = strtok_r(s, " ", &save);
        hex = strtok_r(NULL, " ", &save);
        fields = strtok_r(NULL, " ", &save);
        if (!name || !hex || !fields) {
            harness_fail(__FILE__, __LINE__, "%s: bad line", path);
        }
        if (n >= allocated) {
            pkts = x2nrealloc(pkts, &allocated, sizeof *pkts);
        }
        pkts[n].name = xstrdup(name);
        pkts[n].size = hex_decode(hex, &pkts[n].data);
        pkts[n].fields = xstrdup(fields);
        n++;
    }
    fclose(f);
    ds_destroy(&line);
    if (n < 100) {
        harness_fail(__FILE__, __LINE__, "%s: only %zu packets", path, n);
    }
    *pktsp = pkts;
    return n;
}

void
golden_free(struct golden_pkt *pkts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(pkts[i].name);
        free(pkts[i].data);
        free(pkts[i].fields);
    }
    free(pkts);
}

const struct golden_pkt *
golden_find(const struct golden_pkt *pkts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(pkts[i].name, name)) {
            return &pkts[i];
        }
    }
    harness_fail(__FILE__, __LINE__, "no golden packet %s", name);
}

static void
put_in6(struct ds *ds, const char *name, const struct in6_addr *a)
{
    ds_put_format(ds, "%s=", name);
    ds_put_hex(ds, a, sizeof *a);
    ds_put_char(ds, ',');
}

void
flow_format_canonical(const struct flow *flow, struct ds *ds)
{
    ds_put_format(ds, "dl_dst="ETH_ADDR_FMT",dl_src="ETH_ADDR_FMT
                  ",dl_type=0x%04x,", ETH_ADDR_ARGS(flow->dl_dst),
                  ETH_ADDR_ARGS(flow->dl_src), ntohs(flow->dl_type));
    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        ds_put_format(ds, "vlan%d=%04x:%04x,", i,
                      ntohs(flow->vlans[i].tpid), ntohs(flow->vlans[i].tci));
    }
    ds_put_format(ds, "nw_src="IP_FMT",nw_dst="IP_FMT",",
                  IP_ARGS(flow->nw_src), IP_ARGS(flow->nw_dst));
    put_in6(ds, "ipv6_src", &flow->ipv6_src);
    put_in6(ds, "ipv6_dst", &flow->ipv6_dst);
    put_in6(ds, "nd_target", &flow->nd_target);
    ds_put_format(ds, "ipv6_label=0x%05x,nw_frag=%u,nw_tos=%u,nw_ttl=%u,"
                  "nw_proto=%u,", ntohl(flow->ipv6_label), flow->nw_frag,
                  flow->nw_tos, flow->nw_ttl, flow->nw_proto);
    ds_put_format(ds, "arp_sha="ETH_ADDR_FMT",arp_tha="ETH_ADDR_FMT",",
                  ETH_ADDR_ARGS(flow->arp_sha), ETH_ADDR_ARGS(flow->arp_tha));
    ds_put_format(ds, "tcp_flags=0x%03x,tp_src=%u,tp_dst=%u",
                  ntohs(flow->tcp_flags), ntohs(flow->tp_src),
                  ntohs(flow->tp_dst));
}

char *
extract_canonical(const uint8_t *data, size_t size)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct flow flow;

    memset(&flow, 0, sizeof flow);
    pkt_flow_extract(data, size, &flow, NULL);
    flow_format_canonical(&flow, &ds);
    return ds_steal_cstr(&ds);
}

uint64_t
test_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dULL;
}
