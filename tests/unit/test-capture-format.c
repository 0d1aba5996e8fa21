/* Tests of daemon/capture-format.c: the text lines of `vxstack capture`.
 *
 * The oracle is tcpdump: for golden packets of the kinds a capture sees
 * every day, the frame summary must be what `tcpdump -n -e -S -r` prints
 * for the same frame (skipped without tcpdump).  Truncated and malformed
 * frames must format without reading past their end, which ASan checks
 * over the whole golden set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/capture-format.h"
#include "datapath/pcap.h"
#include "harness.h"
#include "lib/ds.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet-util.h"

/* Golden packets whose summary is exactly tcpdump's (not the UDP ones:
 * tcpdump decodes DNS and DHCP, which a capture line does not; nor
 * unknown ethertypes, whose payload tcpdump dumps in hex). */
static const char *const same_as_tcpdump[] = {
    "arp_request", "arp_reply", "ipv4_icmp_echo", "ipv4_icmp_reply",
    "ipv4_icmp_frag_needed", "ipv4_tcp_syn", "ipv4_tcp_ack_psh",
    "ipv4_frag_later", "vlan_arp", "qinq_ipv4_tcp", "ipv6_icmp6_echo",
    "ipv6_tcp", "vxlan_outer",
};

/* Returns what `tcpdump -n -e -S` prints for the SIZE-byte frame at DATA,
 * without its timestamp, its lines joined by ": " (tcpdump prints the
 * inner frame of a VXLAN packet on a line of its own), or NULL if tcpdump
 * printed nothing.  Caller frees. */
static char *
tcpdump_line(const uint8_t *data, size_t size)
{
    char *path = xasprintf("%s/one.pcap", harness_tmpdir());
    struct ds out = DS_EMPTY_INITIALIZER;
    struct pcap_writer *w;
    char *cmd, line[4096];
    FILE *f;

    ASSERT_OK(pcap_writer_open(path, &w));
    ASSERT_OK(pcap_write(w, data, size, 0));
    ASSERT_OK(pcap_writer_close(w));
    cmd = xasprintf("tcpdump -n -e -S -r '%s' 2>/dev/null", path);
    f = popen(cmd, "r");
    free(cmd);
    free(path);
    ASSERT_TRUE(f != NULL);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!out.length) {
            /* Skip "HH:MM:SS.uuuuuu ". */
            ds_put_cstr(&out, strchr(line, ' ') + 1);
        } else {
            ds_put_format(&out, ": %s", line);
        }
    }
    pclose(f);
    if (!out.length) {
        ds_destroy(&out);
        return NULL;
    }
    return ds_steal_cstr(&out);
}

TEST(frames_read_like_tcpdump)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    int n_bad = 0;

    if (system("tcpdump --version >/dev/null 2>&1")) {
        golden_free(pkts, n);
        SKIP("tcpdump is not installed");
    }
    for (size_t i = 0; i < ARRAY_SIZE(same_as_tcpdump); i++) {
        const struct golden_pkt *g = golden_find(pkts, n,
                                                 same_as_tcpdump[i]);
        struct ds s = DS_EMPTY_INITIALIZER;
        char *expected = tcpdump_line(g->data, g->size);

        ASSERT_TRUE(expected != NULL);
        capture_format_frame(&s, g->data, g->size);
        if (strcmp(ds_cstr(&s), expected)) {
            printf("%s:\n  got      %s\n  expected %s\n", g->name,
                   ds_cstr(&s), expected);
            n_bad++;
        }
        free(expected);
        ds_destroy(&s);
    }
    golden_free(pkts, n);
    ASSERT_EQ(n_bad, 0);
}

TEST(every_truncation_formats)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);

    for (size_t i = 0; i < n; i++) {
        for (size_t len = 0; len <= pkts[i].size; len++) {
            /* A copy of exactly LEN bytes, so that ASan sees any read
             * past the end. */
            uint8_t *copy = xmemdup(pkts[i].data, len ? len : 1);
            struct ds s = DS_EMPTY_INITIALIZER;

            capture_format_frame(&s, copy, len);
            ASSERT_TRUE(s.length > 0);
            ds_destroy(&s);
            free(copy);
        }
    }
    golden_free(pkts, n);
}

TEST(line_has_direction_and_tunnel)
{
    static const uint8_t arp[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   /* dst */
        0xfa, 0x16, 0x3e, 0x61, 0x21, 0xc6,   /* src */
        0x08, 0x06,
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
        0xfa, 0x16, 0x3e, 0x61, 0x21, 0xc6, 192, 168, 101, 85,
        0, 0, 0, 0, 0, 0, 192, 168, 101, 1,
    };
    struct flow_tnl tnl = {
        .tun_id = htonll(0xef),
        .ip_src = htonl(0xac10001f),
        .ip_dst = htonl(0xac10000b),
        .ip_ttl = 64,
        .tp_src = htons(44874),
        .tp_dst = htons(4789),
        .flags = FLOW_TNL_F_DONT_FRAGMENT | FLOW_TNL_F_KEY,
    };
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *line;

    capture_format_line(&s, 1234567, true, &tnl, arp, sizeof arp);
    line = ds_cstr(&s);
    /* The time of day depends on the time zone; the rest does not. */
    ASSERT_TRUE(strlen(line) > 16);
    ASSERT_STR_EQ(line + 8, ".234567 Out tunnel(tun_id=0xef,src=172.16.0.31,"
                  "dst=172.16.0.11,ttl=64,tp_src=44874,tp_dst=4789,"
                  "flags(df|key)) fa:16:3e:61:21:c6 > ff:ff:ff:ff:ff:ff, "
                  "ethertype ARP (0x0806), length 42: Request who-has "
                  "192.168.101.1 tell 192.168.101.85, length 28\n");

    ds_clear(&s);
    memset(&tnl, 0, sizeof tnl);
    capture_format_line(&s, 0, false, &tnl, arp, 13);
    ASSERT_STR_EQ(ds_cstr(&s) + 8, ".000000 In [|ether]\n");
    ds_destroy(&s);
}
