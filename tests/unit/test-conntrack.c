/*
 * Unit tests for src/conntrack.
 *
 * Expected verdicts and dump lines come from runs of real Open vSwitch 3.1
 * (netdev datapath, dummy ports, flows with ct(commit,zone=3,
 * exec(set_field:1->ct_mark)), packets injected with
 * netdev-dummy/receive), which is why many connections here carry mark=1
 * and live in zone 3.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "conntrack/conntrack-private.h"
#include "conntrack/conntrack.h"
#include "ct-frames.h"
#include "harness.h"
#include "lib/coverage.h"
#include "lib/ds.h"

#define A "10.1.1.1"
#define B "10.1.1.2"
#define R "10.1.1.254"
#define A6 "fc00::1"
#define B6 "fc00::2"
#define R6 "fc00::fe"

#define T0 1000000LL /* An arbitrary start time, in msec. */

/* Returns ct_state bits as OVS prints them, e.g. "+new+trk", in one of 8
 * rotating static buffers (not thread-safe). */
static const char *
state_str(uint8_t state)
{
    static const char *const names[] = {
        "new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat",
    };
    static char bufs[8][64];
    static int next;
    char *buf = bufs[next++ % 8];
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < 8; i++) {
        if (state & (1 << i)) {
            len += snprintf(buf + len, 64 - len, "+%s", names[i]);
        }
    }
    return buf[0] ? buf : "-";
}

/* Runs ct(zone=ZONE[,commit]) on F at NOW; returns the verdict string. */
static const char *
ct_run(struct conntrack *ct, struct ct_frame *f, uint16_t zone, bool commit,
       long long now)
{
    struct ct_exec args = {.zone = zone, .commit = commit};

    conntrack_execute(ct, &f->pkt, &f->flow, &args, now);
    return state_str(f->pkt.md.ct_state);
}

/* Runs ct(commit,zone=ZONE,exec(set_field:MARK->ct_mark)), as the oracle's
 * committing flows do. */
static const char *
ct_commit_mark(struct conntrack *ct, struct ct_frame *f, uint16_t zone,
               uint32_t mark, long long now)
{
    struct ct_exec args = {.zone = zone,
                           .commit = true,
                           .mark_value = mark,
                           .mark_mask = UINT32_MAX};

    conntrack_execute(ct, &f->pkt, &f->flow, &args, now);
    return state_str(f->pkt.md.ct_state);
}

/* Returns the dump (malloc'd). */
static char *
dump(struct conntrack *ct, bool verbose, bool stats, long long now)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    conntrack_dump(ct, NULL, verbose, stats, now, &ds);
    return ds_steal_cstr(&ds);
}

#define ASSERT_DUMP(CT, VERBOSE, STATS, NOW, EXPECTED)                        \
    do {                                                                      \
        char *d__ = dump(CT, VERBOSE, STATS, NOW);                            \
        ASSERT_STR_EQ(d__, EXPECTED);                                         \
        free(d__);                                                            \
    } while (0)

#define TCP_AB                                                                \
    "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1000,dport=80),"               \
    "reply=(src=10.1.1.2,dst=10.1.1.1,sport=80,dport=1000),id=0,zone=3,"      \
    "status=0,"

TEST(tcp_handshake_data_close)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;
    long long t = T0;

    /* Each step: packet at T, dump 500 ms later (as the oracle's). */
#define STEP(DIR, FLAGS, SEQ, ACK, LEN, COMMIT, VERDICT, PROTO)               \
    do {                                                                      \
        t += 1000;                                                            \
        if (DIR) {                                                            \
            ct_frame_tcp(&f, B, A, 80, 1000, FLAGS, SEQ, ACK, LEN);           \
        } else {                                                              \
            ct_frame_tcp(&f, A, B, 1000, 80, FLAGS, SEQ, ACK, LEN);           \
        }                                                                     \
        ASSERT_STR_EQ(COMMIT ? ct_commit_mark(ct, &f, 3, 1, t)                \
                             : ct_run(ct, &f, 3, false, t),                   \
                      VERDICT);                                               \
        ASSERT_DUMP(ct, true, true, t + 500, PROTO);                          \
    } while (0)

    STEP(0, TCP_SYN, 100, 0, 0, true, "+new+trk",
         TCP_AB "timeout=29,"
                "mark=1,protoinfo=(state_orig=SYN_SENT,state_reply=CLOSED,"
                "flags_orig=0,flags_reply=0)\n");
    ASSERT_EQ(f.pkt.md.ct_mark, 1);
    ASSERT_TRUE(f.pkt.md.ct_conn != NULL);
    STEP(0, TCP_SYN, 100, 0, 0, false, "+new+trk",
         TCP_AB "timeout=29,"
                "mark=1,protoinfo=(state_orig=SYN_SENT,state_reply=CLOSED,"
                "flags_orig=0,flags_reply=0)\n");
    STEP(1, TCP_SYN | TCP_ACK, 500, 101, 0, false, "+est+rpl+trk",
         TCP_AB "timeout=29,mark=1,protoinfo=(state_orig=ESTABLISHED,"
                "state_reply=SYN_SENT,flags_orig=0,flags_reply=0)\n");
    ASSERT_TRUE(f.pkt.md.ct_reply);
    ASSERT_EQ(f.pkt.md.ct_mark, 1);
    STEP(0, TCP_ACK, 101, 501, 0, false, "+est+trk",
         TCP_AB "timeout=86399,mark=1,protoinfo=(state_orig=ESTABLISHED,"
                "state_reply=ESTABLISHED,flags_orig=0,flags_reply=0)\n");
    STEP(0, TCP_ACK | TCP_PSH, 101, 501, 5, false, "+est+trk",
         TCP_AB "timeout=86399,mark=1,protoinfo=(state_orig=ESTABLISHED,"
                "state_reply=ESTABLISHED,flags_orig=0,flags_reply=0)\n");
    STEP(1, TCP_ACK | TCP_PSH, 501, 106, 6, false, "+est+rpl+trk",
         TCP_AB "timeout=86399,mark=1,protoinfo=(state_orig=ESTABLISHED,"
                "state_reply=ESTABLISHED,flags_orig=0,flags_reply=0)\n");
    /* Far outside the window: invalid, the entry is left alone. */
    STEP(0, TCP_ACK | TCP_PSH, 101 + 200000, 507, 1, false, "+inv+trk",
         TCP_AB "timeout=86398,mark=1,protoinfo=(state_orig=ESTABLISHED,"
                "state_reply=ESTABLISHED,flags_orig=0,flags_reply=0)\n");
    STEP(0, TCP_FIN | TCP_ACK, 106, 507, 0, false, "+est+trk",
         TCP_AB "timeout=899,mark=1,protoinfo=(state_orig=CLOSING,"
                "state_reply=ESTABLISHED,flags_orig=0,flags_reply=0)\n");
    STEP(1, TCP_ACK, 507, 107, 0, false, "+est+rpl+trk",
         TCP_AB "timeout=899,mark=1,protoinfo=(state_orig=FIN_WAIT_2,"
                "state_reply=ESTABLISHED,flags_orig=0,flags_reply=0)\n");
    STEP(1, TCP_FIN | TCP_ACK, 507, 107, 0, false, "+est+rpl+trk",
         TCP_AB "timeout=44,mark=1,protoinfo=(state_orig=FIN_WAIT_2,"
                "state_reply=CLOSING,flags_orig=0,flags_reply=0)\n");
    STEP(0, TCP_ACK, 107, 508, 0, false, "+est+trk",
         TCP_AB "timeout=29,mark=1,protoinfo=(state_orig=FIN_WAIT_2,"
                "state_reply=FIN_WAIT_2,flags_orig=0,flags_reply=0)\n");
    ASSERT_DUMP(ct, false, false, t,
                "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,"
                "sport=1000,dport=80),reply=(src=10.1.1.2,dst=10.1.1.1,"
                "sport=80,dport=1000),zone=3,mark=1,"
                "protoinfo=(state=TIME_WAIT)\n");
    /* A new SYN reuses the closed tuple: a new connection. */
    STEP(0, TCP_SYN, 9000, 0, 0, true, "+new+trk",
         TCP_AB "timeout=29,"
                "mark=1,protoinfo=(state_orig=SYN_SENT,state_reply=CLOSED,"
                "flags_orig=0,flags_reply=0)\n");
    ASSERT_EQ(conntrack_count(ct), 1);
#undef STEP
    conntrack_destroy(ct);
}

/* Replays tests/data/conntrack/tcp-ovs31.txt: random TCP segment sequences
 * (see gen-tcp-ovs.py there) with the verdict and TCP states that OVS 3.1
 * gave for each.  A committing packet goes through ct() twice, as in the
 * oracle's pipeline: ct(zone=3,table=1), then, unless +inv,
 * ct(commit,zone=3,exec(set_field:1->ct_mark)). */
TEST(tcp_matches_ovs_transcripts)
{
    char *path =
        xasprintf("%s/data/conntrack/tcp-ovs31.txt", harness_tests_dir());
    FILE *file = fopen(path, "r");
    struct conntrack *ct = NULL;
    int n_packets = 0, n_scenarios = 0;
    unsigned int sport = 0;
    char line[512];

    ASSERT_TRUE(file != NULL);
    while (fgets(line, sizeof line, file)) {
        unsigned int dir, commit, flags, len, win;
        char verdict[32], state[256], mark[16];
        long long seq, ack;
        int ws, n;
        struct ct_frame f;
        const char *got;
        char *d, *proto;

        if (sscanf(line, "scenario %*d sport %u", &sport) == 1) {
            conntrack_destroy(ct);
            ct = conntrack_create();
            n_scenarios++;
            continue;
        }
        mark[0] = '\0';
        n = sscanf(line, "%u %u %x %lld %lld %u %u %d => %31s %255s %15s",
                   &dir, &commit, &flags, &seq, &ack, &len, &win, &ws, verdict,
                   state, mark);
        ASSERT_GE(n, 10);
        ASSERT_TRUE(ct != NULL);

        uint8_t opts[4] = {1, 3, 3, ws};
        if (dir) {
            ct_frame_tcp_ex(&f, B, A, 80, sport, flags, seq, ack, win, opts,
                            ws >= 0 ? 4 : 0, len, NULL);
        } else {
            ct_frame_tcp_ex(&f, A, B, sport, 80, flags, seq, ack, win, opts,
                            ws >= 0 ? 4 : 0, len, NULL);
        }
        got = ct_run(ct, &f, 3, false, T0);
        if (commit && !strstr(got, "inv")) {
            ct_commit_mark(ct, &f, 3, 1, T0);
        }
        if (strcmp(got, verdict)) {
            harness_fail(__FILE__, __LINE__, "%s: verdict %s, OVS %s", line,
                         got, verdict);
        }

        d = dump(ct, true, false, T0);
        proto = strstr(d, "protoinfo=");
        if (proto) {
            proto += strlen("protoinfo=");
            proto[strcspn(proto, "\n")] = '\0';
        }
        if (strcmp(proto ? proto : "-", state)) {
            harness_fail(__FILE__, __LINE__, "%s: state %s, OVS %s", line,
                         proto ? proto : "-", state);
        }
        ASSERT_EQ(strstr(d, "mark=1") != NULL, !strcmp(mark, "mark=1"));
        free(d);
        n_packets++;
    }
    fclose(file);
    free(path);
    conntrack_destroy(ct);
    ASSERT_GT(n_scenarios, 100);
    ASSERT_GT(n_packets, 2000);
}

/* Replays a transcript with "scenario N" lines between independent runs,
 * and lines "CT HEX => VERDICT" for each packet: HEX an IPv4 or IPv6
 * datagram sent in an Ethernet frame through ct(zone=3) and, unless +inv,
 * for CT 1 ct(commit,zone=3,exec(set_field:1->ct_mark)), for CT 2
 * ct(commit,force,zone=3), as in the oracle's pipeline.  "dump LINE" lines
 * followed by "end" give the whole dpctl/dump-conntrack output (sorted)
 * after the scenario.  Returns the number of packets. */
static int
replay_hex_transcript(const char *name)
{
    char *path = xasprintf("%s/data/conntrack/%s", harness_tests_dir(), name);
    struct ds expected = DS_EMPTY_INITIALIZER;
    FILE *file = fopen(path, "r");
    struct conntrack *ct = NULL;
    static char line[8192];
    int n_packets = 0;

    ASSERT_TRUE(file != NULL);
    while (fgets(line, sizeof line, file)) {
        struct ct_exec force = {.zone = 3, .commit = true, .force = true};
        char hex[4096], verdict[32];
        struct ct_frame f;
        unsigned int how;
        const char *got;
        size_t len;

        if (str_has_prefix(line, "scenario")) {
            conntrack_destroy(ct);
            ct = conntrack_create();
            continue;
        } else if (str_has_prefix(line, "dump ")) {
            ds_put_cstr(&expected, line + strlen("dump "));
            continue;
        } else if (str_has_prefix(line, "end")) {
            char *d = dump(ct, false, false, T0);

            ASSERT_STR_EQ(d, ds_cstr(&expected));
            free(d);
            ds_clear(&expected);
            continue;
        }
        ASSERT_EQ(sscanf(line, "%u %4095s => %31s", &how, hex, verdict), 3);
        ASSERT_TRUE(ct != NULL);
        len = strlen(hex) / 2;
        ASSERT_LE(len, sizeof f.buf - 14);
        memset(&f, 0, sizeof f);
        for (size_t i = 0; i < len; i++) {
            unsigned int byte;

            sscanf(hex + 2 * i, "%2x", &byte);
            f.buf[14 + i] = byte;
        }
        f.len = 14 + len;
        f.pkt.base = f.buf;
        f.pkt.allocated = sizeof f.buf;
        f.pkt.size = f.len;
        f.pkt.layers.l3 = 14;
        f.flow.dl_type =
            htons(f.buf[14] >> 4 == 6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
        got = ct_run(ct, &f, 3, false, T0);
        if (how == 1 && !strstr(got, "inv")) {
            ct_commit_mark(ct, &f, 3, 1, T0);
        } else if (how == 2 && !strstr(got, "inv")) {
            conntrack_execute(ct, &f.pkt, &f.flow, &force, T0);
        }
        if (strcmp(got, verdict)) {
            harness_fail(__FILE__, __LINE__, "%s: verdict %s, OVS %s", line,
                         got, verdict);
        }
        n_packets++;
    }
    fclose(file);
    free(path);
    ds_destroy(&expected);
    conntrack_destroy(ct);
    return n_packets;
}

/* Random UDP, ICMP(v6) echo, GRE and TCP packets between a few hosts over
 * IPv4 and IPv6, some committed, some force-committed, with OVS 3.1's
 * verdicts and final tables (see gen-mix-ovs.py). */
TEST(mixed_traffic_matches_ovs_transcripts)
{
    ASSERT_GT(replay_hex_transcript("mix-ovs31.txt"), 1500);
}

/* ICMP errors embedding randomly mangled headers of committed UDP, TCP,
 * ICMP echo and GRE connections (and of unknown ones), with the verdicts of
 * OVS 3.1 (see gen-icmp-related-ovs.py). */
TEST(icmp_related_matches_ovs_transcripts)
{
    ASSERT_GT(replay_hex_transcript("icmp-related-ovs31.txt"), 1000);
}

TEST(tcp_rst)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;

    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 100, 0, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, true, T0), "+new+trk");
    ct_frame_tcp(&f, B, A, 80, 1000, TCP_SYN | TCP_ACK, 500, 101, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_ACK, 101, 501, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+trk");

    /* A RST must carry the expected sequence number. */
    ct_frame_tcp(&f, B, A, 80, 1000, TCP_RST, 99999, 0, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_tcp(&f, B, A, 80, 1000, TCP_RST, 501, 0, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ASSERT_DUMP(ct, true, true, T0 + 500,
                "tcp,orig=(src=10.1.1.1,"
                "dst=10.1.1.2,sport=1000,dport=80),reply=(src=10.1.1.2,"
                "dst=10.1.1.1,sport=80,dport=1000),id=0,zone=3,status=0,"
                "timeout=29,protoinfo=(state_orig=TIME_WAIT,"
                "state_reply=TIME_WAIT,flags_orig=0,flags_reply=0)\n");
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_ACK, 101, 501, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+trk");

    /* A SYN after the reset ends the old connection; uncommitted, nothing
     * is left once the sweeper has run. */
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 7000, 0, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    ASSERT_DUMP(ct, false, false, T0, "");
    ASSERT_EQ(conntrack_run(ct, T0), 1);
    ASSERT_EQ(conntrack_count(ct), 0);

    /* RST|ACK with a zero ack from the server answering a SYN. */
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 100, 0, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, true, T0), "+new+trk");
    ct_frame_tcp(&f, B, A, 80, 1000, TCP_RST | TCP_ACK, 0, 101, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    conntrack_destroy(ct);
}

TEST(tcp_flags_that_cannot_open)
{
    static const struct {
        uint16_t flags;
        const char *verdict;
    } cases[] = {
        {TCP_SYN | TCP_FIN, "+inv+trk"},
        {TCP_SYN | TCP_RST, "+inv+trk"},
        {0, "+inv+trk"},
        {TCP_FIN, "+inv+trk"},
        {TCP_PSH, "+inv+trk"},
        {TCP_URG, "+inv+trk"},
        {TCP_RST, "+new+trk"},
        {TCP_ACK, "+new+trk"},
        {TCP_SYN | TCP_ACK, "+inv+trk"},
        {TCP_FIN | TCP_ACK, "+new+trk"},
        {TCP_SYN | TCP_URG, "+inv+trk"},
        {TCP_SYN | TCP_PSH, "+inv+trk"},
        {TCP_RST | TCP_ACK, "+new+trk"},
        {TCP_SYN | TCP_ECE | TCP_CWR, "+new+trk"},
    };
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        ct_frame_tcp(&f, A, B, 2000, 80, cases[i].flags, 100, 0, 0);
        ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), cases[i].verdict);
    }
    ASSERT_EQ(conntrack_count(ct), 0);
    conntrack_destroy(ct);
}

TEST(tcp_midstream_pickup_and_window_scale)
{
    static const uint8_t ws7[] = {1, 3, 3, 7}, ws2[] = {1, 3, 3, 2};
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;

    /* A connection first seen after establishment. */
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_ACK, 100, 5000, 0);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    ct_frame_tcp(&f, B, A, 80, 1000, TCP_ACK, 5000, 100, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_ACK, 100, 5000, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+trk");
    ASSERT_DUMP(ct, true, false, T0,
                TCP_AB "mark=1,protoinfo=("
                       "state_orig=ESTABLISHED,state_reply=ESTABLISHED,"
                       "flags_orig=BE_LIBERAL,flags_reply=BE_LIBERAL)\n");
    conntrack_flush(ct, NULL);

    /* Window scaling negotiated by both ends. */
    ct_frame_tcp_ex(&f, A, B, 3000, 80, TCP_SYN, 100, 0, 65535, ws7, 4, 0,
                    NULL);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    ct_frame_tcp_ex(&f, B, A, 80, 3000, TCP_SYN | TCP_ACK, 500, 101, 65535,
                    ws2, 4, 0, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ASSERT_DUMP(ct, true, false, T0,
                "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,"
                "sport=3000,dport=80),reply=(src=10.1.1.2,dst=10.1.1.1,"
                "sport=80,dport=3000),id=0,zone=3,status=0,mark=1,"
                "protoinfo=(state_orig=ESTABLISHED,state_reply=SYN_SENT,"
                "wscale_orig=7,wscale_reply=2,flags_orig=WINDOW_SCALE,"
                "flags_reply=WINDOW_SCALE)\n");
    /* B's scaled window (65535 << 2) admits data 200000 bytes ahead,
     * which an unscaled connection rejects (tcp_handshake_data_close),
     * but not beyond it. */
    ct_frame_tcp(&f, A, B, 3000, 80, TCP_ACK, 101, 501, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+trk");
    ct_frame_tcp(&f, B, A, 80, 3000, TCP_ACK, 501, 101, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ct_frame_tcp(&f, A, B, 3000, 80, TCP_ACK, 101 + 270000, 501, 100);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_tcp(&f, A, B, 3000, 80, TCP_ACK, 101 + 200000, 501, 100);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+trk");
    conntrack_destroy(ct);
}

TEST(tcp_seq_check_can_be_disabled)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;

    ASSERT_TRUE(conntrack_get_tcp_seq_chk(ct));
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 100, 0, 0);
    ct_run(ct, &f, 0, true, T0);
    ct_frame_tcp(&f, B, A, 80, 1000, TCP_SYN | TCP_ACK, 500, 101, 0);
    ct_run(ct, &f, 0, false, T0);
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_ACK, 101 + 300000, 501, 10);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    conntrack_set_tcp_seq_chk(ct, false);
    ASSERT_FALSE(conntrack_get_tcp_seq_chk(ct));
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+est+trk");
    /* Flag checks stay. */
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN | TCP_FIN, 101, 501, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    conntrack_destroy(ct);
}

TEST(udp_first_multiple_bidir)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;
    const char *line = "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=5000,"
                       "dport=53),reply=(src=10.1.1.2,dst=10.1.1.1,sport=53,"
                       "dport=5000),zone=3,timeout=%d,mark=1\n";
    char expected[256];

    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 0);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    snprintf(expected, sizeof expected, line, 59);
    ASSERT_DUMP(ct, false, true, T0 + 500, expected);
    /* Until the other end answers, packets stay +new (udp_single). */
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0 + 1000), "+new+trk");
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0 + 2000), "+new+trk");
    ASSERT_DUMP(ct, false, true, T0 + 2500, expected);
    ct_frame_udp(&f, B, A, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0 + 3000), "+est+rpl+trk");
    snprintf(expected, sizeof expected, line, 29);
    ASSERT_DUMP(ct, false, true, T0 + 3500, expected);
    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0 + 4000), "+est+trk");
    conntrack_destroy(ct);
}

TEST(original_direction_tuple)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f, u;
    be32 a, b;

    inet_pton(AF_INET, A, &a);
    inet_pton(AF_INET, B, &b);

    /* Uncommitted +new: the packet's own tuple. */
    ct_frame_udp(&u, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &u, 0, false, T0), "+new+trk");
    ASSERT_EQ(u.pkt.md.ct_nw_proto, IPPROTO_UDP_);
    ASSERT_HEX_EQ(u.pkt.md.ct_nw_src, a);
    ASSERT_HEX_EQ(u.pkt.md.ct_nw_dst, b);
    ASSERT_EQ(ntohs(u.pkt.md.ct_tp_src), 5000);
    ASSERT_EQ(ntohs(u.pkt.md.ct_tp_dst), 53);
    ASSERT_FALSE(u.pkt.md.ct_orig_tuple_ipv6);

    /* A reply and a related error report the original direction. */
    ct_run(ct, &u, 0, true, T0);
    ct_frame_udp(&f, B, A, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+est+rpl+trk");
    ASSERT_HEX_EQ(f.pkt.md.ct_nw_src, a);
    ASSERT_EQ(ntohs(f.pkt.md.ct_tp_src), 5000);
    ct_frame_icmp_error(&f, R, A, 3, 3, &u, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+rel+rpl+trk");
    ASSERT_EQ(f.pkt.md.ct_nw_proto, IPPROTO_UDP_);
    ASSERT_HEX_EQ(f.pkt.md.ct_nw_dst, b);
    ASSERT_EQ(ntohs(f.pkt.md.ct_tp_dst), 53);

    /* ICMP: type and code in the port fields. */
    ct_frame_icmp(&f, B, A, 8, 0, 77);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+new+trk");
    ct_frame_icmp(&f, A, B, 0, 0, 77);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+est+rpl+trk");
    ASSERT_EQ(f.pkt.md.ct_nw_proto, IPPROTO_ICMP_);
    ASSERT_HEX_EQ(f.pkt.md.ct_nw_src, b);
    ASSERT_EQ(ntohs(f.pkt.md.ct_tp_src), 8);
    ASSERT_EQ(ntohs(f.pkt.md.ct_tp_dst), 0);

    /* IPv6: flagged, no IPv4 addresses. */
    ct_frame_udp(&f, A6, B6, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+new+trk");
    ASSERT_TRUE(f.pkt.md.ct_orig_tuple_ipv6);
    ASSERT_EQ(f.pkt.md.ct_nw_src, 0);
    ASSERT_EQ(ntohs(f.pkt.md.ct_tp_src), 5000);

    /* Invalid without a connection: all zero. */
    ct_frame_icmp(&f, A, B, 0, 0, 99);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    ASSERT_EQ(f.pkt.md.ct_nw_proto, 0);
    ASSERT_EQ(f.pkt.md.ct_nw_src, 0);
    ASSERT_EQ(f.pkt.md.ct_tp_src, 0);
    ASSERT_FALSE(f.pkt.md.ct_orig_tuple_ipv6);

    conntrack_clear(&u.pkt);
    ASSERT_EQ(u.pkt.md.ct_nw_src, 0);
    ASSERT_EQ(u.pkt.md.ct_tp_src, 0);
    conntrack_destroy(ct);
}

TEST(frames_extracted_by_the_packet_layer)
{
    struct conntrack *ct = conntrack_create();
    struct ct_exec commit = {.zone = 3, .commit = true};
    struct ct_exec lookup = {.zone = 3};
    struct ct_frame f;
    struct flow flow;
    struct pkt *p;

    /* A VLAN-tagged TCP SYN, extracted as the datapath would. */
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 100, 0, 0);
    p = pkt_new(f.len + 4);
    pkt_put(p, f.buf, 12);
    pkt_put(p, "\x81\x00\x00\x03", 4);
    pkt_put(p, f.buf + 12, f.len - 12);
    memset(&flow, 0, sizeof flow);
    pkt_extract(p, &flow);
    ASSERT_EQ(p->layers.l3, 18);
    conntrack_execute(ct, p, &flow, &commit, T0);
    ASSERT_STR_EQ(state_str(p->md.ct_state), "+new+trk");
    pkt_free(p);

    /* The untagged SYN-ACK, padded to the Ethernet minimum. */
    ct_frame_tcp(&f, B, A, 80, 1000, TCP_SYN | TCP_ACK, 500, 101, 0);
    p = pkt_new(ETH_TOTAL_MIN);
    pkt_put(p, f.buf, f.len);
    memset(pkt_put_uninit(p, ETH_TOTAL_MIN - f.len), 0, ETH_TOTAL_MIN - f.len);
    memset(&flow, 0, sizeof flow);
    pkt_extract(p, &flow);
    conntrack_execute(ct, p, &flow, &lookup, T0);
    ASSERT_STR_EQ(state_str(p->md.ct_state), "+est+rpl+trk");

    /* Metadata travels into the flow of the recirculated packet. */
    pkt_md_to_flow(&p->md, &flow);
    ASSERT_EQ(flow.ct_state, CS_TRACKED | CS_ESTABLISHED | CS_REPLY_DIR);
    ASSERT_EQ(flow.ct_zone, 3);
    ASSERT_EQ(flow.ct_nw_proto, IPPROTO_TCP_);
    ASSERT_EQ(ntohs(flow.ct_tp_src), 1000);
    pkt_free(p);
    conntrack_destroy(ct);
}

TEST(udp_checksums_ports_lengths)
{
    struct conntrack *ct = conntrack_create();
    struct ct_ip_opts bad = {.bad_l4_csum = true};
    struct ct_frame f;

    ct_frame_udp_ex(&f, A, B, 5000, 53, 1, &bad);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    /* A zero checksum means "none" over IPv4, not over IPv6. */
    ct_frame_udp(&f, A, B, 5001, 53);
    f.buf[14 + 20 + 6] = f.buf[14 + 20 + 7] = 0;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+new+trk");
    ct_frame_udp(&f, A6, B6, 5001, 53);
    f.buf[14 + 40 + 6] = f.buf[14 + 40 + 7] = 0;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    ct_frame_udp(&f, A, B, 0, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    ct_frame_udp(&f, A, B, 53, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    /* UDP length below the header or beyond the datagram. */
    ct_frame_udp(&f, A, B, 5000, 53);
    f.buf[14 + 20 + 5] = 4;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    ct_frame_udp(&f, A, B, 5000, 53);
    f.buf[14 + 20 + 5] = 200;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+inv+trk");
    ASSERT_EQ(conntrack_count(ct), 0);
    conntrack_destroy(ct);
}

TEST(icmp_echo)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;

    ct_frame_icmp(&f, "192.168.101.85", "192.168.101.1", 8, 0, 5);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    /* A second request before any reply is still +new. */
    ct_frame_icmp_ex(&f, "192.168.101.85", "192.168.101.1", 8, 0, 5, 2, NULL,
                     0, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    ASSERT_DUMP(ct, false, true, T0 + 500,
                "icmp,orig=(src=192.168.101.85,dst=192.168.101.1,id=5,"
                "type=8,code=0),reply=(src=192.168.101.1,dst=192.168.101.85,"
                "id=5,type=0,code=0),zone=3,timeout=59,mark=1\n");
    ct_frame_icmp(&f, "192.168.101.1", "192.168.101.85", 0, 0, 5);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ct_frame_icmp(&f, "192.168.101.85", "192.168.101.1", 8, 0, 5);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+trk");
    ASSERT_DUMP(ct, false, true, T0 + 500,
                "icmp,orig=(src=192.168.101.85,dst=192.168.101.1,id=5,"
                "type=8,code=0),reply=(src=192.168.101.1,dst=192.168.101.85,"
                "id=5,type=0,code=0),zone=3,timeout=29,mark=1\n");

    /* Replies cannot open connections; requests with a code are bogus. */
    ct_frame_icmp(&f, "192.168.101.1", "192.168.101.85", 0, 0, 6);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, true, T0), "+inv+trk");
    ct_frame_icmp(&f, A, B, 8, 1, 7);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, true, T0), "+inv+trk");
    ct_frame_icmp_ex(&f, A, B, 13, 0, 8, 1,
                     (const uint8_t *)"\0\0\0\0\0"
                                      "\0\0\0\0\0\0\0",
                     12, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    ct_frame_icmp_ex(&f, A, B, 14, 0, 8, 1,
                     (const uint8_t *)"\0\0\0\0\0"
                                      "\0\0\0\0\0\0\0",
                     12, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_icmp(&f, A, B, 15, 0, 8);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    ct_frame_icmp(&f, A, B, 9, 0, 8); /* Router advertisement. */
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ASSERT_EQ(conntrack_count(ct), 1);
    conntrack_destroy(ct);
}

/* Commits UDP A:5000 -> B:53 in zone 3 and returns its frame in *U. */
static void
commit_udp(struct conntrack *ct, struct ct_frame *u)
{
    ct_frame_udp(u, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, u, 3, true, T0), "+new+trk");
}

TEST(icmp_related_valid)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame u, t, e, g, f, inner;

    commit_udp(ct, &u);
    ct_frame_icmp_error(&f, B, A, 3, 3, &u, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    ASSERT_EQ(f.pkt.md.ct_conn != NULL, true);
    ct_frame_icmp_error(&f, R, A, 3, 3, &u, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    ct_frame_icmp_error(&f, B, A, 3, 3, &u, ct_frame_ip_len(&u));
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    /* An error about a reply, travelling in the original direction. */
    ct_frame_udp(&inner, B, A, 53, 5000);
    ct_frame_icmp_error(&f, A, B, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+trk");
    ASSERT_FALSE(f.pkt.md.ct_reply);
    /* Other error types. */
    static const uint8_t types[] = {11, 5, 12, 4};
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        ct_frame_icmp_error(&f, R, A, types[i], 0, &u, 28);
        ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    }
    /* The embedded header's own checksums are not checked. */
    inner = u;
    inner.buf[14 + 10] ^= 0xff;
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    inner = u;
    inner.buf[14 + 27] ^= 0xff;
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");

    /* Errors about ICMP echo, TCP and other protocols. */
    ct_frame_icmp(&e, A, B, 8, 0, 9);
    ASSERT_STR_EQ(ct_run(ct, &e, 3, true, T0), "+new+trk");
    ct_frame_icmp_error(&f, R, A, 3, 1, &e, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    ct_frame_tcp(&t, A, B, 1234, 80, TCP_SYN, 1, 0, 0);
    ASSERT_STR_EQ(ct_run(ct, &t, 3, true, T0), "+new+trk");
    ct_frame_icmp_error(&f, R, A, 3, 1, &t, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    ct_frame_other(&g, A, B, 47, 8);
    ASSERT_STR_EQ(ct_run(ct, &g, 3, true, T0), "+new+trk");
    ct_frame_icmp_error(&f, R, A, 3, 1, &g, 20);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");

    /* Related packets neither refresh nor advance the connection. */
    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    conntrack_destroy(ct);
}

TEST(icmp_related_bogus_embedded_header)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame u, t, f, inner;
    struct ct_ip_opts frag = {.frag = IP_MORE_FRAGMENTS};

    commit_udp(ct, &u);
    ct_frame_tcp(&t, A, B, 1234, 80, TCP_SYN, 1, 0, 0);
    ASSERT_STR_EQ(ct_run(ct, &t, 3, true, T0), "+new+trk");

    /* Too little of the transport header. */
    ct_frame_icmp_error(&f, B, A, 3, 3, &u, 24);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_icmp_error(&f, B, A, 3, 3, &u, 20);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_icmp_error(&f, R, A, 3, 1, &t, 24);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_icmp_error(&f, B, A, 3, 3, &u, 12);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    /* The embedded packet was not sent to the error's destination. */
    ct_frame_udp(&inner, R, B, 5000, 53);
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    /* No such connection. */
    ct_frame_udp(&inner, A, B, 5001, 53);
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, true, T0), "+inv+trk");
    /* Bad IHL, a fragment.  (OVS ignores the version nibble.) */
    inner = u;
    inner.buf[14] = 0x43;
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    inner = u;
    inner.buf[14] = 0x4f;
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    inner = u;
    inner.buf[14] = 0x65;
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    ct_frame_udp_ex(&inner, A, B, 5000, 53, 1, &frag);
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    /* Errors about errors, and about echo replies (not queries we
     * track in that direction). */
    ct_frame_icmp_error(&inner, A, B, 3, 1, &u, 28);
    ct_frame_icmp_error(&f, B, A, 3, 3, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_icmp(&inner, A, B, 0, 0, 5);
    ct_frame_icmp_error(&f, R, A, 3, 1, &inner, 28);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    /* A bad checksum on the error itself. */
    ct_frame_icmp_error(&f, B, A, 3, 3, &u, 28);
    f.buf[14 + 20 + 2] ^= 0x40;
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ASSERT_EQ(conntrack_count(ct), 2);
    conntrack_destroy(ct);
}

TEST(icmpv6_echo_and_related)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f, u;
    uint8_t target[20] = {0};

    ct_frame_icmp(&f, A6, B6, 128, 0, 7);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    ct_frame_icmp(&f, B6, A6, 129, 0, 7);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ct_frame_udp(&u, A6, B6, 5000, 53);
    ASSERT_STR_EQ(ct_commit_mark(ct, &u, 3, 1, T0), "+new+trk");
    ct_frame_udp(&f, B6, A6, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");

    ct_frame_icmp_ex(&f, R6, A6, 2, 0, 0, 1280, u.buf + 14, 48, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    ct_frame_icmp_error(&f, B6, A6, 1, 0, &u, 48);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+rel+rpl+trk");
    ct_frame_icmp_error(&f, B6, A6, 1, 0, &u, 44);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    /* Neighbour discovery and MLD are not tracked. */
    ct_frame_icmp_ex(&f, A6, B6, 135, 0, 0, 0, target, 16, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ct_frame_icmp_ex(&f, A6, B6, 130, 0, 0, 0, target, 20, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ASSERT_DUMP(ct, false, true, T0 + 500,
                "icmpv6,orig=(src=fc00::1,dst=fc00::2,id=7,type=128,"
                "code=0),reply=(src=fc00::2,dst=fc00::1,id=7,type=129,"
                "code=0),zone=3,timeout=29,mark=1\n"
                "udp,orig=(src=fc00::1,dst=fc00::2,sport=5000,dport=53),"
                "reply=(src=fc00::2,dst=fc00::1,sport=53,dport=5000),"
                "zone=3,timeout=29,mark=1\n");
    conntrack_destroy(ct);
}

TEST(ipv6_extension_headers_and_fragments)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f, u;
    uint8_t l4[64];
    size_t udp_len;

    /* Hop-by-hop options (8 bytes) in front of a UDP datagram. */
    ct_frame_udp(&u, A6, B6, 5000, 53);
    udp_len = u.len - 14 - 40;
    memset(l4, 0, sizeof l4);
    l4[0] = IPPROTO_UDP_;
    memcpy(l4 + 8, u.buf + 14 + 40, udp_len);
    ct_frame_ip(&f, A6, B6, 0, l4, 8 + udp_len, -1, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+new+trk");
    ASSERT_DUMP(ct, false, false, T0,
                "udp,orig=(src=fc00::1,dst=fc00::2,"
                "sport=5000,dport=53),reply=(src=fc00::2,dst=fc00::1,"
                "sport=53,dport=5000)\n");
    /* The reply without the option matches it. */
    ct_frame_udp(&u, B6, A6, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &u, 0, false, T0), "+est+rpl+trk");

    /* A fragment header. */
    l4[0] = 44;
    ct_frame_ip(&f, A6, B6, 0, l4, 8 + 8 + udp_len, -1, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    /* An extension header running past the datagram. */
    l4[0] = IPPROTO_UDP_;
    l4[1] = 200;
    ct_frame_ip(&f, A6, B6, 0, l4, 8 + udp_len, -1, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    /* A chain of 17 destination-options headers. */
    uint8_t chain[17 * 8 + 8];
    memset(chain, 0, sizeof chain);
    for (int i = 0; i < 17; i++) {
        chain[i * 8] = 60;
    }
    ct_frame_ip(&f, A6, B6, 60, chain, sizeof chain, -1, NULL);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    conntrack_destroy(ct);
}

TEST(zones_isolate)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;
    uint16_t zone = 1;

    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 1, true, T0), "+new+trk");
    ASSERT_EQ(f.pkt.md.ct_zone, 1);
    ct_frame_udp(&f, B, A, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &f, 2, false, T0), "+new+trk");
    ASSERT_EQ(f.pkt.md.ct_zone, 2);
    ASSERT_STR_EQ(ct_run(ct, &f, 1, false, T0), "+est+rpl+trk");
    ASSERT_STR_EQ(ct_run(ct, &f, 2, true, T0), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 2);
    ASSERT_DUMP(ct, false, false, T0,
                "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=5000,dport=53),"
                "reply=(src=10.1.1.2,dst=10.1.1.1,sport=53,dport=5000),"
                "zone=1\n"
                "udp,orig=(src=10.1.1.2,dst=10.1.1.1,sport=53,dport=5000),"
                "reply=(src=10.1.1.1,dst=10.1.1.2,sport=5000,dport=53),"
                "zone=2\n");

    struct ds ds = DS_EMPTY_INITIALIZER;
    conntrack_dump(ct, &zone, false, false, T0, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds),
                  "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=5000,dport=53),"
                  "reply=(src=10.1.1.2,dst=10.1.1.1,sport=53,dport=5000),"
                  "zone=1\n");
    ds_destroy(&ds);
    conntrack_destroy(ct);
}

TEST(mark_and_label_only_with_commit)
{
    struct conntrack *ct = conntrack_create();
    struct ct_exec args = {
        .zone = 0,
        .commit = false,
        .mark_value = 7,
        .mark_mask = UINT32_MAX,
        .label_value = {0x1234, 0},
        .label_mask = {UINT64_MAX, 0},
    };
    struct ct_frame f;

    ct_frame_udp(&f, A, B, 5000, 53);
    /* Without commit nothing is stored, so there is nothing to mark. */
    conntrack_execute(ct, &f.pkt, &f.flow, &args, T0);
    ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+new+trk");
    ASSERT_EQ(f.pkt.md.ct_mark, 0);
    ASSERT_EQ(f.pkt.md.ct_label[0], 0);

    args.commit = true;
    conntrack_execute(ct, &f.pkt, &f.flow, &args, T0);
    ASSERT_EQ(f.pkt.md.ct_mark, 7);
    ASSERT_HEX_EQ(f.pkt.md.ct_label[0], 0x1234);
    ASSERT_DUMP(ct, false, false, T0,
                "udp,orig=(src=10.1.1.1,dst=10.1.1.2,"
                "sport=5000,dport=53),reply=(src=10.1.1.2,dst=10.1.1.1,"
                "sport=53,dport=5000),mark=7,labels=0x1234\n");

    /* Uncommitted ct() on the connection reports but does not change. */
    args.commit = false;
    args.mark_value = 9;
    ct_frame_udp(&f, B, A, 53, 5000);
    conntrack_execute(ct, &f.pkt, &f.flow, &args, T0);
    ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+est+rpl+trk");
    ASSERT_EQ(f.pkt.md.ct_mark, 7);

    /* A committing ct() updates only the masked bits. */
    args.commit = true;
    args.mark_value = 0x100;
    args.mark_mask = 0xf00;
    args.label_value[0] = 0;
    args.label_value[1] = 1;
    args.label_mask[0] = 0;
    args.label_mask[1] = 1;
    conntrack_execute(ct, &f.pkt, &f.flow, &args, T0);
    ASSERT_HEX_EQ(f.pkt.md.ct_mark, 0x107);
    ASSERT_HEX_EQ(f.pkt.md.ct_label[0], 0x1234);
    ASSERT_HEX_EQ(f.pkt.md.ct_label[1], 1);
    ASSERT_DUMP(ct, false, false, T0,
                "udp,orig=(src=10.1.1.1,dst=10.1.1.2,"
                "sport=5000,dport=53),reply=(src=10.1.1.2,dst=10.1.1.1,"
                "sport=53,dport=5000),mark=263,"
                "labels=0x10000000000001234\n");
    conntrack_destroy(ct);
}

TEST(label_formats)
{
    static const struct {
        uint64_t label[2];
        const char *text;
    } cases[] = {
        {{0x1234, 0}, "labels=0x1234"},
        {{0xfedcba9876543210ULL, 0xfedcba9876543210ULL},
         "labels=0xfedcba9876543210fedcba9876543210"},
        {{0, 1}, "labels=0x10000000000000000"},
        {{1, 0}, "labels=0x1"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct conntrack *ct = conntrack_create();
        struct ct_exec args = {
            .zone = 9,
            .commit = true,
            .label_value = {cases[i].label[0], cases[i].label[1]},
            .label_mask = {UINT64_MAX, UINT64_MAX},
        };
        struct ct_frame f;
        char *d;

        ct_frame_udp(&f, A, B, 5000, 53);
        conntrack_execute(ct, &f.pkt, &f.flow, &args, T0);
        d = dump(ct, false, false, T0);
        ASSERT_STR_CONTAINS(d, cases[i].text);
        ASSERT_STR_CONTAINS(d, "zone=9,labels=");
        free(d);
        conntrack_destroy(ct);
    }
}

TEST(force_commit_reverses_connection)
{
    struct conntrack *ct = conntrack_create();
    struct ct_exec force = {.zone = 3, .commit = true, .force = true};
    struct ct_frame f;

    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    /* Forced in the original direction: nothing special. */
    conntrack_execute(ct, &f.pkt, &f.flow, &force, T0);
    ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+new+trk");
    ASSERT_EQ(f.pkt.md.ct_mark, 1);

    ct_frame_udp(&f, B, A, 53, 5000);
    conntrack_execute(ct, &f.pkt, &f.flow, &force, T0);
    ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+new+trk");
    ASSERT_EQ(f.pkt.md.ct_mark, 0);
    ASSERT_EQ(conntrack_count(ct), 1);
    ASSERT_DUMP(ct, false, false, T0,
                "udp,orig=(src=10.1.1.2,dst=10.1.1.1,"
                "sport=53,dport=5000),reply=(src=10.1.1.1,dst=10.1.1.2,"
                "sport=5000,dport=53),zone=3\n");
    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    conntrack_destroy(ct);
}

TEST(other_protocols)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;

    ct_frame_other(&f, A, B, 47, 8);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+new+trk");
    ct_frame_other(&f, B, A, 47, 8);
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+est+rpl+trk");
    ct_frame_other(&f, A, B, 132, 16);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    ct_frame_other(&f, A, B, 0, 16);
    ASSERT_STR_EQ(ct_commit_mark(ct, &f, 3, 1, T0), "+new+trk");
    ASSERT_DUMP(ct, false, true, T0 + 500,
                "0,orig=(src=10.1.1.1,dst=10.1.1.2,sport=0,dport=0),"
                "reply=(src=10.1.1.2,dst=10.1.1.1,sport=0,dport=0),zone=3,"
                "timeout=59,mark=1\n"
                "47,orig=(src=10.1.1.1,dst=10.1.1.2,sport=0,dport=0),"
                "reply=(src=10.1.1.2,dst=10.1.1.1,sport=0,dport=0),zone=3,"
                "timeout=29,mark=1\n"
                "sctp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=0,dport=0),"
                "reply=(src=10.1.1.2,dst=10.1.1.1,sport=0,dport=0),zone=3,"
                "timeout=59,mark=1\n");
    conntrack_destroy(ct);
}

TEST(expiry_follows_time)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f, t;

    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+new+trk");
    ASSERT_EQ(conntrack_run(ct, T0 + 59999), 0);
    ct_frame_udp(&f, B, A, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0 + 59999), "+est+rpl+trk");
    /* Now bidirectional: 30 s from the reply. */
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0 + 59999 + 30000), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 1);
    ASSERT_DUMP(ct, false, false, T0 + 59999 + 30000, "");
    ASSERT_EQ(conntrack_run(ct, T0 + 59999 + 29999), 0);
    ASSERT_EQ(conntrack_run(ct, T0 + 59999 + 30000), 1);
    ASSERT_EQ(conntrack_count(ct), 0);

    /* An established TCP connection lasts a day without traffic. */
    ct_frame_tcp(&t, A, B, 1000, 80, TCP_SYN, 100, 0, 0);
    ct_run(ct, &t, 0, true, T0);
    ct_frame_tcp(&t, B, A, 80, 1000, TCP_SYN | TCP_ACK, 500, 101, 0);
    ct_run(ct, &t, 0, false, T0);
    ct_frame_tcp(&t, A, B, 1000, 80, TCP_ACK, 101, 501, 0);
    ASSERT_STR_EQ(ct_run(ct, &t, 0, false, T0), "+est+trk");
    ASSERT_EQ(conntrack_run(ct, T0 + 86399999), 0);
    ASSERT_STR_EQ(ct_run(ct, &t, 0, false, T0 + 86399999), "+est+trk");
    ASSERT_EQ(conntrack_run(ct, 2 * 86400000LL + T0), 1);

    /* A half-open one, 30 seconds. */
    ct_frame_tcp(&t, A, B, 1000, 80, TCP_SYN, 100, 0, 0);
    ct_run(ct, &t, 0, true, T0);
    ASSERT_EQ(conntrack_run(ct, T0 + 30000), 1);

    struct ct_stats stats;
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_expired, 3);
    ASSERT_EQ(stats.n_created, 3);
    conntrack_destroy(ct);
}

TEST(global_limit)
{
    struct conntrack *ct = conntrack_create();
    uint64_t full_before = coverage_read("conntrack_full");
    struct ct_stats stats;
    struct ct_frame f;

    ASSERT_EQ(conntrack_get_maxconns(ct), CT_DEFAULT_MAXCONNS);
    ASSERT_EQ(CT_DEFAULT_MAXCONNS, 262144);
    conntrack_set_maxconns(ct, 10);
    ASSERT_EQ(conntrack_get_maxconns(ct), 10);
    for (int i = 0; i < 11; i++) {
        struct ct_exec commit = {.zone = i % 3, .commit = true};

        ct_frame_udp(&f, A, B, 5000 + i, 53);
        /* The 11th commit is refused: its packet is to be dropped. */
        ASSERT_EQ(conntrack_execute(ct, &f.pkt, &f.flow, &commit, T0),
                  i < 10);
        ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+new+trk");
        ASSERT_EQ(f.pkt.md.ct_conn != NULL, i < 10);
    }
    ASSERT_EQ(conntrack_count(ct), 10);
    ASSERT_EQ(coverage_read("conntrack_full") - full_before, 1);
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_full, 1);
    ASSERT_EQ(stats.n_created, 10);

    /* Existing connections keep working at the limit, committing or not;
     * a lookup without commit is never refused. */
    ct_frame_udp(&f, B, A, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+est+rpl+trk");
    ct_frame_udp(&f, A, B, 5001, 53);
    ASSERT_TRUE(conntrack_execute(ct, &f.pkt, &f.flow,
                                  &(struct ct_exec){.zone = 1,
                                                    .commit = true}, T0));
    /* (A UDP connection is +new until its first reply.) */
    ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+new+trk");
    ASSERT_TRUE(f.pkt.md.ct_conn != NULL);
    ct_frame_udp(&f, B, A, 53, 5010);
    ASSERT_TRUE(conntrack_execute(ct, &f.pkt, &f.flow,
                                  &(struct ct_exec){.zone = 1}, T0));
    ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+new+trk");
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_full, 1);

    /* ct-stats-show reports the drops, with the limit. */
    struct ds ds = DS_EMPTY_INITIALIZER;
    conntrack_format_stats(ct, NULL, false, T0, &ds);
    ASSERT_STR_CONTAINS(ds_cstr(&ds),
                        "  Dropped at ct-set-maxconns limit (10): 1\n");
    ds_clear(&ds);
    conntrack_format_stats(ct, &(uint16_t){1}, false, T0, &ds);
    ASSERT_FALSE(strstr(ds_cstr(&ds), "Dropped") != NULL);
    ds_destroy(&ds);

    /* Raising the limit at run time admits the 11th. */
    conntrack_set_maxconns(ct, 11);
    ct_frame_udp(&f, A, B, 5010, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 1, true, T0), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 11);
    ASSERT_EQ(conntrack_flush(ct, NULL), 11);
    ASSERT_EQ(conntrack_count(ct), 0);
    conntrack_set_maxconns(ct, 0);
    ASSERT_STR_EQ(ct_run(ct, &f, 1, true, T0), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 0);
    conntrack_destroy(ct);
}

TEST(full_table_reclaims_expired_entries)
{
    struct conntrack *ct = conntrack_create();
    struct ct_stats stats;
    struct ct_frame f;
    int i;

    conntrack_set_maxconns(ct, 1);
    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+new+trk");
    /* Not yet expired: nothing is admitted. */
    ct_frame_udp(&f, A, B, 5001, 53);
    ct_run(ct, &f, 0, true, T0 + 59999);
    ASSERT_TRUE(f.pkt.md.ct_conn == NULL);

    /* Expired but not swept: a commit that lands in the same stripe
     * reclaims it (one of 256 stripes: 5000 tries miss with probability
     * 3e-9). */
    for (i = 0; i < 5000; i++) {
        ct_frame_udp(&f, A, B, 6000 + i, 53);
        ct_run(ct, &f, 0, true, T0 + 60000);
        if (f.pkt.md.ct_conn) {
            break;
        }
    }
    ASSERT_LT(i, 5000);
    ASSERT_EQ(conntrack_count(ct), 1);
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_expired, 1);
    ASSERT_EQ(stats.n_full, i + 1);
    conntrack_destroy(ct);
}

TEST(zone_limits)
{
    struct conntrack *ct = conntrack_create();
    struct ct_zone_limit zl;
    struct ct_stats stats;
    struct ct_frame f;
    struct ds ds = DS_EMPTY_INITIALIZER;

    ASSERT_OK(conntrack_set_zone_limit(ct, 5, 0));
    ASSERT_OK(conntrack_set_zone_limit(ct, 6, 2));
    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_FALSE(conntrack_execute(ct, &f.pkt, &f.flow,
                                   &(struct ct_exec){.zone = 5,
                                                     .commit = true}, T0));
    ASSERT_STR_EQ(state_str(f.pkt.md.ct_state), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 0);
    for (int i = 0; i < 4; i++) {
        ct_frame_udp(&f, A, B, 5000 + i, 53);
        ct_run(ct, &f, 6, true, T0);
        ct_run(ct, &f, 7, true, T0);
    }
    ASSERT_EQ(conntrack_count(ct), 6);
    ASSERT_OK(conntrack_get_zone_limit(ct, 6, &zl));
    ASSERT_TRUE(zl.has_limit);
    ASSERT_EQ(zl.limit, 2);
    ASSERT_EQ(zl.count, 2);
    ASSERT_OK(conntrack_get_zone_limit(ct, 7, &zl));
    ASSERT_FALSE(zl.has_limit);
    ASSERT_EQ(zl.count, 4);
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_zone_full, 3);

    conntrack_format_limits(ct, NULL, 0, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "default limit=0\n"
                                "zone=5,limit=0,count=0\n"
                                "zone=6,limit=2,count=2\n");
    ds_clear(&ds);

    /* A default limit applies to zones without their own. */
    ASSERT_OK(conntrack_set_zone_limit(ct, CT_ZONE_DEFAULT, 4));
    ct_frame_udp(&f, A, B, 6000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 7, true, T0), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 6);
    ASSERT_STR_EQ(ct_run(ct, &f, 8, true, T0), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 7);
    uint16_t query[] = {7, 6};
    conntrack_format_limits(ct, query, 2, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "default limit=4\n"
                                "zone=7,limit=4,count=4\n"
                                "zone=6,limit=2,count=2\n");
    ds_destroy(&ds);

    ASSERT_OK(conntrack_del_zone_limit(ct, 5));
    ASSERT_EQ(conntrack_del_zone_limit(ct, 5), ENOENT);
    ASSERT_OK(conntrack_del_zone_limit(ct, CT_ZONE_DEFAULT));
    ASSERT_EQ(conntrack_del_zone_limit(ct, CT_ZONE_DEFAULT), ENOENT);
    ASSERT_EQ(conntrack_set_zone_limit(ct, 65536, 1), EINVAL);
    ASSERT_EQ(conntrack_set_zone_limit(ct, -2, 1), EINVAL);
    ASSERT_EQ(conntrack_get_zone_limit(ct, 70000, &zl), EINVAL);
    ct_frame_udp(&f, A, B, 5000, 53);
    ASSERT_STR_EQ(ct_run(ct, &f, 5, true, T0), "+new+trk");
    ASSERT_EQ(conntrack_count(ct), 8);

    /* Flushing a zone frees its share of the limit. */
    ASSERT_EQ(conntrack_flush(ct, &(uint16_t){6}), 2);
    ASSERT_OK(conntrack_get_zone_limit(ct, 6, &zl));
    ASSERT_EQ(zl.count, 0);
    ASSERT_EQ(conntrack_count(ct), 6);
    conntrack_destroy(ct);
}

TEST(parse_bad_limit_values)
{
    uint32_t maxconns = 77, limit = 88;
    int32_t zone = 99;
    uint16_t *zones = NULL;
    size_t n_zones = 5;

    ASSERT_NO_ERROR(ct_parse_maxconns("10", &maxconns));
    ASSERT_EQ(maxconns, 10);
    ASSERT_NO_ERROR(ct_parse_maxconns("4294967295", &maxconns));
    ASSERT_UEQ(maxconns, UINT32_MAX);
    maxconns = 77;
    ASSERT_ERROR(ct_parse_maxconns("-1", &maxconns), "\"-1\"");
    ASSERT_ERROR(ct_parse_maxconns("4294967296", &maxconns), "4294967295");
    ASSERT_ERROR(ct_parse_maxconns("abc", &maxconns), "\"abc\"");
    ASSERT_ERROR(ct_parse_maxconns("", &maxconns), "maximum number");
    ASSERT_ERROR(ct_parse_maxconns(" 5", &maxconns), "\" 5\"");
    ASSERT_ERROR(ct_parse_maxconns("0x10", &maxconns), "\"0x10\"");
    ASSERT_EQ(maxconns, 77);

    ASSERT_NO_ERROR(ct_parse_zone_limit("zone=3,limit=0", &zone, &limit));
    ASSERT_EQ(zone, 3);
    ASSERT_EQ(limit, 0);
    ASSERT_NO_ERROR(ct_parse_zone_limit("default=12", &zone, &limit));
    ASSERT_EQ(zone, CT_ZONE_DEFAULT);
    ASSERT_EQ(limit, 12);
    zone = 99;
    limit = 88;
    ASSERT_ERROR(ct_parse_zone_limit("zone=3,limit=-1", &zone, &limit),
                 "invalid limit \"-1\"");
    ASSERT_ERROR(ct_parse_zone_limit("zone=3,limit=4294967296", &zone, &limit),
                 "invalid limit");
    ASSERT_ERROR(ct_parse_zone_limit("zone=70000,limit=4", &zone, &limit),
                 "invalid zone \"70000\"");
    ASSERT_ERROR(ct_parse_zone_limit("zone=-1,limit=4", &zone, &limit),
                 "invalid zone \"-1\"");
    ASSERT_ERROR(ct_parse_zone_limit("zone=,limit=4", &zone, &limit),
                 "invalid zone \"\"");
    ASSERT_ERROR(ct_parse_zone_limit("default=x", &zone, &limit),
                 "invalid limit \"x\"");
    ASSERT_ERROR(ct_parse_zone_limit("zone=3", &zone, &limit),
                 "expected zone=N,limit=L or default=L");
    ASSERT_ERROR(ct_parse_zone_limit("limit=3,zone=4", &zone, &limit),
                 "expected zone=N,limit=L");
    ASSERT_ERROR(ct_parse_zone_limit("zone=3,limit=4,x", &zone, &limit),
                 "invalid limit \"4,x\"");
    ASSERT_EQ(zone, 99);
    ASSERT_EQ(limit, 88);

    ASSERT_NO_ERROR(ct_parse_zone_list("zone=3,4,65535", &zones, &n_zones));
    ASSERT_EQ(n_zones, 3);
    ASSERT_EQ(zones[2], 65535);
    free(zones);
    zones = NULL;
    n_zones = 5;
    ASSERT_ERROR(ct_parse_zone_list("zone=3,65536", &zones, &n_zones),
                 "invalid zone \"65536\"");
    ASSERT_ERROR(ct_parse_zone_list("zone=", &zones, &n_zones), "empty");
    ASSERT_ERROR(ct_parse_zone_list("zone=1,,2", &zones, &n_zones), "empty");
    ASSERT_ERROR(ct_parse_zone_list("zone=1,", &zones, &n_zones), "empty");
    ASSERT_ERROR(ct_parse_zone_list("zones=1", &zones, &n_zones),
                 "expected zone=N1");
    ASSERT_TRUE(zones == NULL);
    ASSERT_EQ(n_zones, 5);
}

TEST(flush_by_zone_and_all)
{
    struct conntrack *ct = conntrack_create();
    struct ct_stats stats;
    struct ct_frame f;

    for (int i = 0; i < 30; i++) {
        ct_frame_udp(&f, A, B, 5000 + i, 53);
        ct_run(ct, &f, i % 3, true, T0);
    }
    ASSERT_EQ(conntrack_count(ct), 30);
    ASSERT_EQ(conntrack_flush(ct, &(uint16_t){1}), 10);
    ASSERT_EQ(conntrack_flush(ct, &(uint16_t){1}), 0);
    ASSERT_EQ(conntrack_flush(ct, &(uint16_t){9}), 0);
    ASSERT_EQ(conntrack_count(ct), 20);
    ct_frame_udp(&f, B, A, 53, 5001);
    ASSERT_STR_EQ(ct_run(ct, &f, 1, false, T0), "+new+trk");
    ct_frame_udp(&f, B, A, 53, 5002);
    ASSERT_STR_EQ(ct_run(ct, &f, 2, false, T0), "+est+rpl+trk");
    ASSERT_EQ(conntrack_flush(ct, NULL), 20);
    ASSERT_EQ(conntrack_count(ct), 0);
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_flushed, 30);
    ASSERT_DUMP(ct, false, false, T0, "");
    conntrack_destroy(ct);
}

TEST(bad_checksums_are_invalid)
{
    struct conntrack *ct = conntrack_create();
    struct ct_ip_opts bad_ip = {.bad_ip_csum = true};
    struct ct_ip_opts bad_l4 = {.bad_l4_csum = true};
    uint64_t l3_before = coverage_read("conntrack_l3csum_err");
    uint64_t l4_before = coverage_read("conntrack_l4csum_err");
    struct ct_stats stats;
    struct ct_frame f;

    ct_frame_icmp_ex(&f, A, B, 8, 0, 7, 1, NULL, 0, &bad_ip);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ct_frame_tcp_ex(&f, A, B, 1000, 80, TCP_SYN, 1, 0, 65535, NULL, 0, 0,
                    &bad_l4);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ct_frame_icmp_ex(&f, A, B, 8, 0, 7, 1, NULL, 0, &bad_l4);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ct_frame_icmp_ex(&f, A6, B6, 128, 0, 7, 1, NULL, 0, &bad_l4);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ct_frame_udp_ex(&f, A6, B6, 5000, 53, 3, &bad_l4);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ASSERT_EQ(conntrack_count(ct), 0);
    ASSERT_EQ(coverage_read("conntrack_l3csum_err") - l3_before, 1);
    ASSERT_EQ(coverage_read("conntrack_l4csum_err") - l4_before, 4);
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_l3csum_err, 1);
    ASSERT_EQ(stats.n_l4csum_err, 4);
    ASSERT_EQ(stats.n_invalid, 5);

    /* A partial checksum (offloaded) is not validated; the IPv4 header
     * checksum still is. */
    ct_frame_tcp_ex(&f, A, B, 1000, 80, TCP_SYN, 1, 0, 65535, NULL, 0, 0,
                    &bad_l4);
    f.pkt.ol.csum_partial = true;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+new+trk");
    ct_frame_tcp_ex(&f, A, B, 1001, 80, TCP_SYN, 1, 0, 65535, NULL, 0, 0,
                    &bad_ip);
    f.pkt.ol.csum_partial = true;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ASSERT_EQ(conntrack_count(ct), 1);
    conntrack_destroy(ct);
}

/* Runs F through the oracle's committing pipeline: ct(zone) and, unless
 * +inv, ct(commit,zone,exec(set_field:1->ct_mark)).  Returns the first
 * verdict. */
static const char *
ct_pipeline(struct conntrack *ct, struct ct_frame *f, uint16_t zone,
            long long now)
{
    const char *verdict = ct_run(ct, f, zone, false, now);

    if (!strstr(verdict, "inv")) {
        ct_commit_mark(ct, f, zone, 1, now);
    }
    return verdict;
}

TEST(fragments_in_order)
{
    static uint8_t payload[2992];
    struct conntrack *ct = conntrack_create();
    struct ct_frame whole, frags[4];
    struct ct_stats stats;
    size_t n;

    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = i;
    }
    /* A 3000-byte echo request in 1480-byte pieces, as OVS's sandbox saw
     * it: every fragment gets the datagram's verdict. */
    ct_frame_icmp_ex(&whole, A, B, 8, 0, 17, 1, payload, sizeof payload, NULL);
    n = ct_frame_fragment(&whole, 1480, 0x1234, frags, 4);
    ASSERT_EQ(n, 3);
    ASSERT_EQ(frags[0].len, 14 + 1500);
    for (size_t i = 0; i < n; i++) {
        ASSERT_STR_EQ(ct_pipeline(ct, &frags[i], 3, T0), "+new+trk");
        ASSERT_EQ(frags[i].pkt.md.ct_mark, 1);
        ASSERT_EQ(frags[i].pkt.md.ct_zone, 3);
        ASSERT_EQ(frags[i].pkt.md.ct_nw_proto, IPPROTO_ICMP_);
        ASSERT_EQ(ntohs(frags[i].pkt.md.ct_tp_src), 8);
    }
    ASSERT_EQ(conntrack_count(ct), 1);
    ASSERT_DUMP(ct, false, false, T0,
                "icmp,orig=(src=10.1.1.1,dst=10.1.1.2,"
                "id=17,type=8,code=0),reply=(src=10.1.1.2,dst=10.1.1.1,id=17,"
                "type=0,code=0),zone=3,mark=1\n");
    ct_frame_icmp_ex(&whole, B, A, 0, 0, 17, 1, payload, sizeof payload, NULL);
    n = ct_frame_fragment(&whole, 1480, 0x9999, frags, 4);
    for (size_t i = 0; i < n; i++) {
        ASSERT_STR_EQ(ct_run(ct, &frags[i], 3, false, T0), "+est+rpl+trk");
        ASSERT_TRUE(frags[i].pkt.md.ct_reply);
    }
    /* The same identification in another zone is another datagram. */
    ASSERT_STR_EQ(ct_run(ct, &frags[1], 4, false, T0), "+inv+trk");

    /* Fragmented UDP over IPv6. */
    ct_frame_udp_ex(&whole, A6, B6, 5000, 53, 2000, NULL);
    n = ct_frame_fragment(&whole, 1432, 7, frags, 4);
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[0], 3, T0), "+new+trk");
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[1], 3, T0), "+new+trk");
    ct_frame_udp(&whole, B6, A6, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &whole, 3, false, T0), "+est+rpl+trk");

    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_fragments, 3 * 2 + 3 + 1 + 2 * 2);
    ASSERT_EQ(stats.n_invalid, 1);
    conntrack_destroy(ct);
}

TEST(fragments_out_of_order_small_overlapping_expired)
{
    static uint8_t payload[2992];
    struct conntrack *ct = conntrack_create();
    struct ct_frame whole, frags[4], f;
    uint64_t unknown = coverage_read("conntrack_frag_unknown");
    uint64_t small = coverage_read("conntrack_frag_too_small");
    uint64_t overlap = coverage_read("conntrack_frag_overlap");
    struct ct_ip_opts first = {.frag = IP_MORE_FRAGMENTS};
    struct ct_ip_opts later = {.frag = 2};
    size_t n;

    /* A later fragment before the first cannot be judged. */
    ct_frame_icmp_ex(&whole, A, B, 8, 0, 18, 1, payload, sizeof payload, NULL);
    n = ct_frame_fragment(&whole, 1480, 1, frags, 4);
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[1], 3, T0), "+inv+trk");
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[0], 3, T0), "+new+trk");
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[2], 3, T0), "+new+trk");
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[1], 3, T0), "+new+trk");
    ASSERT_EQ(n, 3);

    /* Small non-last fragments are refused, as by OVS. */
    ct_frame_udp_ex(&f, A, B, 5000, 53, 16, &first);
    ASSERT_STR_EQ(ct_pipeline(ct, &f, 3, T0), "+inv+trk");
    ct_frame_udp_ex(&f, A, B, 5000, 53, 16, &later);
    ASSERT_STR_EQ(ct_pipeline(ct, &f, 3, T0), "+inv+trk");
    ASSERT_EQ(coverage_read("conntrack_frag_too_small") - small, 1);

    /* A later fragment that would rewrite the TCP header. */
    ct_frame_tcp(&whole, A, B, 1000, 80, TCP_SYN, 1, 0, 2000);
    n = ct_frame_fragment(&whole, 1480, 2, frags, 4);
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[0], 3, T0), "+new+trk");
    f = frags[1];
    f.pkt.base = f.buf;
    f.buf[14 + 6] = 0;
    f.buf[14 + 7] = 1; /* Offset 8: inside the TCP header. */
    f.buf[14 + 10] = f.buf[14 + 11] = 0;
    uint16_t c = ct_frame_csum2(f.buf + 14, 20, NULL, 0);
    f.buf[14 + 10] = c >> 8;
    f.buf[14 + 11] = c;
    ASSERT_STR_EQ(ct_run(ct, &f, 3, false, T0), "+inv+trk");
    ASSERT_EQ(coverage_read("conntrack_frag_overlap") - overlap, 1);
    ASSERT_STR_EQ(ct_run(ct, &frags[1], 3, false, T0), "+new+trk");

    /* A first fragment too short for its transport header. */
    ct_frame_tcp(&whole, A, B, 1001, 80, TCP_SYN, 1, 0, 2000);
    ct_frame_fragment(&whole, 1480, 3, frags, 4);
    frags[0].pkt.size = frags[0].len = 14 + 20 + 16;
    frags[0].buf[14 + 3] = 36;
    frags[0].buf[14 + 10] = frags[0].buf[14 + 11] = 0;
    c = ct_frame_csum2(frags[0].buf + 14, 20, NULL, 0);
    frags[0].buf[14 + 10] = c >> 8;
    frags[0].buf[14 + 11] = c;
    ASSERT_STR_EQ(ct_run(ct, &frags[0], 3, false, T0), "+inv+trk");

    /* 15 seconds after the first fragment, later ones are unknown. */
    ct_frame_icmp_ex(&whole, A, B, 8, 0, 19, 1, payload, sizeof payload, NULL);
    ct_frame_fragment(&whole, 1480, 4, frags, 4);
    ASSERT_STR_EQ(ct_pipeline(ct, &frags[0], 3, T0), "+new+trk");
    ASSERT_STR_EQ(ct_run(ct, &frags[1], 3, false, T0 + 14999), "+new+trk");
    ASSERT_STR_EQ(ct_run(ct, &frags[2], 3, false, T0 + 15000), "+inv+trk");
    /* Out of order, the small last fragment, and this one. */
    ASSERT_EQ(coverage_read("conntrack_frag_unknown") - unknown, 3);
    conntrack_run(ct, T0 + 15000);
    conntrack_destroy(ct);
}

TEST(fragment_table_is_bounded)
{
    static uint8_t payload[2000];
    struct conntrack *ct = conntrack_create();
    struct ct_frame whole, frags[2];
    int i;

    ct_frame_icmp_ex(&whole, A, B, 8, 0, 20, 1, payload, sizeof payload, NULL);
    for (i = 0; i < 1000; i++) {
        ct_frame_fragment(&whole, 1480, i, frags, 2);
        ASSERT_STR_EQ(ct_run(ct, &frags[0], 3, false, T0), "+new+trk");
    }
    ct_frame_fragment(&whole, 1480, i, frags, 2);
    ASSERT_STR_EQ(ct_run(ct, &frags[0], 3, false, T0), "+inv+trk");
    ASSERT_STR_EQ(ct_run(ct, &frags[1], 3, false, T0), "+inv+trk");
    /* Once the others expire there is room again. */
    ASSERT_STR_EQ(ct_run(ct, &frags[0], 3, false, T0 + 15000), "+new+trk");
    ASSERT_STR_EQ(ct_run(ct, &frags[1], 3, false, T0 + 15000), "+new+trk");
    conntrack_destroy(ct);
}

TEST(ipv6_atomic_fragment_is_a_whole_packet)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame whole, frag[1];

    /* Offset 0 and no more fragments: "fragmented" into one piece. */
    ct_frame_udp(&whole, A6, B6, 5000, 53);
    ASSERT_EQ(ct_frame_fragment(&whole, 1432, 9, frag, 1), 1);
    ASSERT_STR_EQ(ct_run(ct, &frag[0], 0, true, T0), "+new+trk");
    ASSERT_TRUE(frag[0].pkt.md.ct_conn != NULL);
    ct_frame_udp(&whole, B6, A6, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &whole, 0, false, T0), "+est+rpl+trk");
    conntrack_destroy(ct);
}

/* Runs ct() with commit on a heap copy of exactly LEN bytes of F, so that
 * ASan catches any read past the end.  Returns the verdict. */
static const char *
run_exact(struct conntrack *ct, const struct ct_frame *f, size_t len)
{
    struct ct_exec args = {.zone = 0, .commit = true};
    uint8_t *copy = xmalloc(len ? len : 1);
    struct pkt pkt = f->pkt;
    const char *s;

    memcpy(copy, f->buf, len);
    pkt.base = copy;
    pkt.allocated = len;
    pkt.size = len;
    conntrack_execute(ct, &pkt, &f->flow, &args, T0);
    s = state_str(pkt.md.ct_state);
    free(copy);
    return s;
}

TEST(truncated_and_malformed_headers)
{
    struct conntrack *ct = conntrack_create();
    struct ct_ip_opts longer = {.tot_len_delta = 1};
    struct ct_ip_opts shorter = {.tot_len_delta = -30};
    struct ct_frame frames[8], f;
    size_t n = 0;

    ct_frame_tcp(&frames[n++], A, B, 1000, 80, TCP_SYN, 1, 0, 10);
    ct_frame_udp(&frames[n++], A, B, 5000, 53);
    ct_frame_icmp(&frames[n++], A, B, 8, 0, 3);
    ct_frame_tcp(&frames[n++], A6, B6, 1000, 80, TCP_SYN, 1, 0, 10);
    ct_frame_icmp(&frames[n++], A6, B6, 128, 0, 3);
    ct_frame_udp(&f, A, B, 5000, 53);
    ct_frame_icmp_error(&frames[n++], B, A, 3, 3, &f, 28);

    /* Every truncation of every frame, in an exact-size buffer. */
    for (size_t i = 0; i < n; i++) {
        for (size_t len = 0; len < frames[i].len; len++) {
            ASSERT_STR_EQ(run_exact(ct, &frames[i], len), "+inv+trk");
        }
        ASSERT_STR_CONTAINS(run_exact(ct, &frames[i], frames[i].len), "+trk");
        ASSERT_STR_EQ(strstr(run_exact(ct, &frames[i], frames[i].len), "inv"),
                      NULL);
    }

    /* IP length beyond the frame, or shorter than the headers. */
    ct_frame_tcp_ex(&f, A, B, 1000, 80, TCP_SYN, 1, 0, 65535, NULL, 0, 0,
                    &longer);
    ASSERT_STR_EQ(run_exact(ct, &f, f.len), "+inv+trk");
    ct_frame_tcp_ex(&f, A, B, 1000, 80, TCP_SYN, 1, 0, 65535, NULL, 0, 0,
                    &shorter);
    ASSERT_STR_EQ(run_exact(ct, &f, f.len), "+inv+trk");
    /* TCP data offset below 5 or beyond the segment. */
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 1, 0, 0);
    f.buf[14 + 20 + 12] = 0x40;
    ASSERT_STR_EQ(run_exact(ct, &f, f.len), "+inv+trk");
    f.buf[14 + 20 + 12] = 0xf0;
    ASSERT_STR_EQ(run_exact(ct, &f, f.len), "+inv+trk");
    /* IPv4 IHL below 5 or beyond the datagram. */
    ct_frame_udp(&f, A, B, 5000, 53);
    f.buf[14] = 0x44;
    ASSERT_STR_EQ(run_exact(ct, &f, f.len), "+inv+trk");
    f.buf[14] = 0x4f;
    ASSERT_STR_EQ(run_exact(ct, &f, f.len), "+inv+trk");
    /* No L3 offset; a dl_type conntrack does not know. */
    ct_frame_udp(&f, A, B, 5000, 53);
    f.pkt.layers.l3 = PKT_LAYER_NONE;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ct_frame_udp(&f, A, B, 5000, 53);
    f.flow.dl_type = htons(ETH_TYPE_ARP);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    ct_frame_udp(&f, A, B, 5000, 53);
    f.pkt.layers.l3 = f.len + 1;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+inv+trk");
    conntrack_destroy(ct);
}

TEST(ethernet_padding_is_ignored)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;

    ct_frame_udp(&f, A, B, 5000, 53);
    memset(f.buf + f.len, 0xa5, 30);
    f.pkt.size = f.len + 30;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+new+trk");
    ct_frame_udp(&f, B, A, 53, 5000);
    ASSERT_STR_EQ(ct_run(ct, &f, 0, false, T0), "+est+rpl+trk");
    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 1, 0, 0);
    memset(f.buf + f.len, 0xa5, 6);
    f.pkt.size = f.len + 6;
    ASSERT_STR_EQ(ct_run(ct, &f, 0, true, T0), "+new+trk");
    conntrack_destroy(ct);
}

TEST(dump_and_stats_formats)
{
    struct conntrack *ct = conntrack_create();
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct ct_frame f;

    ct_frame_tcp(&f, A, B, 1000, 80, TCP_SYN, 100, 0, 0);
    ct_commit_mark(ct, &f, 3, 1, T0);
    ct_frame_tcp(&f, A, B, 1001, 80, TCP_SYN, 100, 0, 0);
    ct_commit_mark(ct, &f, 3, 1, T0);
    ct_frame_tcp(&f, B, A, 80, 1001, TCP_SYN | TCP_ACK, 500, 101, 0);
    ct_run(ct, &f, 3, false, T0);
    ct_frame_icmp(&f, A, B, 8, 0, 5);
    ct_commit_mark(ct, &f, 3, 1, T0);
    ct_frame_udp(&f, A, B, 5000, 53);
    ct_commit_mark(ct, &f, 3, 1, T0);
    ct_frame_other(&f, A, B, 47, 8);
    ct_commit_mark(ct, &f, 3, 1, T0);
    ct_frame_icmp(&f, A6, B6, 128, 0, 5);
    ct_commit_mark(ct, &f, 3, 1, T0);

    conntrack_format_stats(ct, NULL, false, T0, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "Connections Stats:\n    Total: 6\n"
                                "  TCP: 2\n  UDP: 1\n  ICMP: 1\n  Other: 1\n");
    ds_clear(&ds);
    conntrack_format_stats(ct, &(uint16_t){3}, true, T0, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "Connections Stats:\n    Total: 6\n"
                                "  TCP: 2\n    Conn per TCP states:\n"
                                "\t  [SYN_SENT]=1\n\t  [ESTABLISHED]=1\n"
                                "  UDP: 1\n  ICMP: 1\n  Other: 1\n");
    ds_clear(&ds);
    conntrack_format_stats(ct, &(uint16_t){4}, false, T0, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "Connections Stats:\n    Total: 0\n");
    ds_clear(&ds);

    conntrack_dump(ct, NULL, false, false, T0, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds),
                  "47,orig=(src=10.1.1.1,dst=10.1.1.2,sport=0,dport=0),"
                  "reply=(src=10.1.1.2,dst=10.1.1.1,sport=0,dport=0),zone=3,"
                  "mark=1\n"
                  "icmp,orig=(src=10.1.1.1,dst=10.1.1.2,id=5,type=8,code=0),"
                  "reply=(src=10.1.1.2,dst=10.1.1.1,id=5,type=0,code=0),"
                  "zone=3,mark=1\n"
                  "icmpv6,orig=(src=fc00::1,dst=fc00::2,id=5,type=128,"
                  "code=0),reply=(src=fc00::2,dst=fc00::1,id=5,type=129,"
                  "code=0),zone=3,mark=1\n"
                  "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1000,dport=80),"
                  "reply=(src=10.1.1.2,dst=10.1.1.1,sport=80,dport=1000),"
                  "zone=3,mark=1,protoinfo=(state=SYN_SENT)\n"
                  "tcp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=1001,dport=80),"
                  "reply=(src=10.1.1.2,dst=10.1.1.1,sport=80,dport=1001),"
                  "zone=3,mark=1,protoinfo=(state=ESTABLISHED)\n"
                  "udp,orig=(src=10.1.1.1,dst=10.1.1.2,sport=5000,dport=53),"
                  "reply=(src=10.1.1.2,dst=10.1.1.1,sport=53,dport=5000),"
                  "zone=3,mark=1\n");
    ds_clear(&ds);
    /* Past its deadline an entry disappears from views; the timeout never
     * goes negative before that. */
    conntrack_dump(ct, &(uint16_t){3}, false, true, T0 + 29999, &ds);
    ASSERT_STR_CONTAINS(ds_cstr(&ds), "sport=80,dport=1000),zone=3,"
                                      "timeout=0,mark=1");
    ds_clear(&ds);
    conntrack_dump(ct, NULL, false, false, T0 + 60000, &ds);
    ASSERT_STR_EQ(ds_cstr(&ds), "");
    ds_destroy(&ds);
    conntrack_destroy(ct);
}

TEST(batch_and_clear)
{
    struct conntrack *ct = conntrack_create();
    struct ct_exec args = {.zone = 4, .commit = true};
    struct ct_frame f[3];
    struct pkt_batch batch;

    pkt_batch_init(&batch);
    for (int i = 0; i < 3; i++) {
        ct_frame_udp(&f[i], A, B, 5000 + i, 53);
        pkt_batch_add(&batch, &f[i].pkt);
    }
    conntrack_execute_batch(ct, &batch, htons(ETH_TYPE_IP), &args, T0);
    for (int i = 0; i < 3; i++) {
        ASSERT_STR_EQ(state_str(f[i].pkt.md.ct_state), "+new+trk");
        ASSERT_EQ(f[i].pkt.md.ct_zone, 4);
    }
    ASSERT_EQ(conntrack_count(ct), 3);
    ASSERT_TRUE(f[0].pkt.md.ct_conn != f[1].pkt.md.ct_conn);
    conntrack_clear(&f[0].pkt);
    ASSERT_EQ(f[0].pkt.md.ct_state, 0);
    ASSERT_EQ(f[0].pkt.md.ct_zone, 0);
    ASSERT_TRUE(f[0].pkt.md.ct_conn == NULL);
    ASSERT_GE(conntrack_conn_bytes(), sizeof(struct ct_conn));
    conntrack_destroy(ct);
    conntrack_destroy(NULL);
}

TEST(batch_drops_packets_refused_at_the_limit)
{
    struct conntrack *ct = conntrack_create();
    struct ct_exec args = {.zone = 4, .commit = true};
    struct pkt *pkts[5];
    struct pkt_batch batch;
    struct ct_stats stats;
    struct ct_frame f;

    /* Two connections fit: of five new ones, the 3rd to 5th are dropped,
     * and the two admitted packets keep their order. */
    conntrack_set_maxconns(ct, 2);
    pkt_batch_init(&batch);
    for (int i = 0; i < 5; i++) {
        ct_frame_udp(&f, A, B, 5000 + i, 53);
        pkts[i] = pkt_clone(&f.pkt);
        pkt_batch_add(&batch, pkts[i]);
    }
    ASSERT_EQ(conntrack_execute_batch(ct, &batch, htons(ETH_TYPE_IP), &args,
                                      T0), 3);
    ASSERT_EQ(batch.count, 2);
    ASSERT_TRUE(batch.pkts[0] == pkts[0]);
    ASSERT_TRUE(batch.pkts[1] == pkts[1]);
    ASSERT_EQ(conntrack_count(ct), 2);
    conntrack_get_stats(ct, &stats);
    ASSERT_EQ(stats.n_full, 3);
    pkt_batch_free(&batch);

    /* The admitted connections' packets still pass, in a full table. */
    pkt_batch_init(&batch);
    for (int i = 0; i < 2; i++) {
        ct_frame_udp(&f, B, A, 53, 5000 + i);
        pkt_batch_add(&batch, pkt_clone(&f.pkt));
    }
    ASSERT_EQ(conntrack_execute_batch(ct, &batch, htons(ETH_TYPE_IP), &args,
                                      T0), 0);
    ASSERT_EQ(batch.count, 2);
    ASSERT_STR_EQ(state_str(batch.pkts[1]->md.ct_state), "+est+rpl+trk");
    pkt_batch_free(&batch);
    conntrack_destroy(ct);
}

TEST(sweep_is_incremental)
{
    struct conntrack *ct = conntrack_create();
    struct ct_frame f;
    size_t n = 80000, swept, runs = 0;

    conntrack_set_maxconns(ct, n);
    for (size_t i = 0; i < n; i++) {
        char src[32];

        snprintf(src, sizeof src, "10.%zu.%zu.%zu", i >> 16, (i >> 8) & 255,
                 i & 255);
        ct_frame_udp(&f, src, B, 5000, 53);
        ct_run(ct, &f, 0, true, T0);
    }
    ASSERT_EQ(conntrack_count(ct), n);
    ASSERT_EQ(conntrack_run(ct, T0 + 1000), 0);
    swept = conntrack_run(ct, T0 + 60000);
    ASSERT_GT(swept, 0);
    ASSERT_LT(swept, n);
    while (conntrack_count(ct) && runs++ < 10) {
        swept += conntrack_run(ct, T0 + 60000);
    }
    ASSERT_EQ(swept, n);
    ASSERT_EQ(conntrack_count(ct), 0);
    conntrack_destroy(ct);
}

/* A trivially correct model of UDP tracking: a list of connections. */
struct model_conn {
    uint16_t zone;        /* Zone. */
    int src, dst;         /* Original direction: host indexes. */
    int state;            /* 0 first, 1 multiple, 2 bidir. */
    long long expiration; /* Msec. */
};

TEST(udp_oracle_random_traffic)
{
    static const char *hosts[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
    static const long long timeouts[] = {60000, 60000, 30000};
    struct model_conn model[64];
    size_t n_model = 0;
    struct conntrack *ct = conntrack_create();
    unsigned int seed = 12345;
    long long now = T0;

    conntrack_set_maxconns(ct, 16);
    for (int step = 0; step < 20000; step++) {
        int src = rand_r(&seed) % 3;
        int dst = (src + 1 + rand_r(&seed) % 2) % 3;
        uint16_t zone = rand_r(&seed) % 2;
        bool commit = rand_r(&seed) % 3 == 0;
        const char *expected = "+new+trk";
        struct model_conn *mc = NULL;
        bool reply = false;
        struct ct_frame f;

        now += rand_r(&seed) % 5000;
        if (rand_r(&seed) % 50 == 0) {
            size_t j = 0;

            conntrack_run(ct, now);
            for (size_t i = 0; i < n_model; i++) {
                if (now < model[i].expiration) {
                    model[j++] = model[i];
                }
            }
            n_model = j;
            ASSERT_EQ(conntrack_count(ct), n_model);
        }
        for (size_t i = 0; i < n_model; i++) {
            struct model_conn *m = &model[i];

            if (m->zone == zone && now < m->expiration &&
                ((m->src == src && m->dst == dst) ||
                 (m->src == dst && m->dst == src))) {
                mc = m;
                reply = m->src != src;
                break;
            }
        }
        if (mc) {
            if (reply) {
                mc->state = 2;
                expected = "+est+rpl+trk";
            } else if (mc->state != 2) {
                mc->state = 1;
            } else {
                expected = "+est+trk";
            }
            mc->expiration = now + timeouts[mc->state];
        } else if (commit) {
            /* Expired entries with this key are replaced, others count
             * toward the limit of 16. */
            size_t live = 0, j = 0;

            for (size_t i = 0; i < n_model; i++) {
                struct model_conn *m = &model[i];
                bool same =
                    (m->zone == zone && ((m->src == src && m->dst == dst) ||
                                         (m->src == dst && m->dst == src)));

                if (!same) {
                    model[j++] = *m;
                    live++;
                }
            }
            n_model = j;
            if (live < 16) {
                model[n_model++] = (struct model_conn){
                    zone, src, dst, 0, now + timeouts[0],
                };
            }
        }
        ct_frame_udp(&f, hosts[src], hosts[dst], 1000, 1000);
        ASSERT_STR_EQ(ct_run(ct, &f, zone, commit, now), expected);
        ASSERT_LE(conntrack_count(ct), 16);
    }
    conntrack_destroy(ct);
}

struct thread_arg {
    struct conntrack *ct; /* Shared tracker. */
    int id;               /* Thread number. */
    int n_est;            /* Established verdicts seen. */
};

static void *
traffic_thread(void *arg_)
{
    struct thread_arg *arg = arg_;
    struct ct_exec commit = {.zone = arg->id % 2, .commit = true};
    struct ct_exec no_commit = {.zone = arg->id % 2};
    char src[32];
    struct ct_frame f;

    /* state_str() is not thread-safe: compare bits here. */
    snprintf(src, sizeof src, "10.9.0.%d", arg->id + 1);
    for (int i = 0; i < 20000; i++) {
        uint16_t port = 1000 + i % 50;

        ct_frame_udp(&f, src, B, port, 53);
        conntrack_execute(arg->ct, &f.pkt, &f.flow, &commit, T0 + i);
        ct_frame_udp(&f, B, src, 53, port);
        conntrack_execute(arg->ct, &f.pkt, &f.flow, &no_commit, T0 + i);
        if (f.pkt.md.ct_state ==
            (CS_TRACKED | CS_ESTABLISHED | CS_REPLY_DIR)) {
            arg->n_est++;
        }
    }
    return NULL;
}

static void *
control_thread(void *arg_)
{
    struct thread_arg *arg = arg_;

    for (int i = 0; i < 200; i++) {
        struct ds ds = DS_EMPTY_INITIALIZER;

        conntrack_run(arg->ct, T0 + i * 100);
        conntrack_dump(arg->ct, NULL, true, true, T0, &ds);
        ds_destroy(&ds);
        if (i % 50 == 49) {
            conntrack_flush(arg->ct, &(uint16_t){1});
        }
    }
    return NULL;
}

TEST(threads_share_the_table)
{
    struct conntrack *ct = conntrack_create();
    struct thread_arg args[5];
    pthread_t threads[5];

    for (int i = 0; i < 5; i++) {
        args[i] = (struct thread_arg){ct, i, 0};
        pthread_create(&threads[i], NULL,
                       i < 4 ? traffic_thread : control_thread, &args[i]);
    }
    for (int i = 0; i < 5; i++) {
        pthread_join(threads[i], NULL);
    }
    /* Threads 0 and 2 (zone 0) were never flushed: every reply found its
     * connection. */
    ASSERT_EQ(args[0].n_est, 20000);
    ASSERT_EQ(args[2].n_est, 20000);
    ASSERT_LE(conntrack_count(ct), 4 * 50);
    conntrack_flush(ct, NULL);
    ASSERT_EQ(conntrack_count(ct), 0);
    conntrack_destroy(ct);
}

struct churn_arg {
    struct conntrack *ct; /* Shared tracker. */
    _Atomic bool done;    /* The writer has finished. */
    int id;               /* Reader number. */
    long n_lookups;       /* Lookups a reader made. */
    long n_misses;        /* Lookups that did not find the entry. */
};

static void *
churn_reader(void *arg_)
{
    struct churn_arg *arg = arg_;
    struct ct_exec lookup = {.zone = 0};
    struct ct_frame f;
    char src[32];

    while (!atomic_load(&arg->done)) {
        for (int i = 0; i < 10; i++) {
            snprintf(src, sizeof src, "10.7.%d.%d", arg->id, i);
            ct_frame_udp(&f, B, src, 53, 1000);
            conntrack_execute(arg->ct, &f.pkt, &f.flow, &lookup, T0);
            arg->n_lookups++;
            if (f.pkt.md.ct_state !=
                (CS_TRACKED | CS_ESTABLISHED | CS_REPLY_DIR)) {
                arg->n_misses++;
            }
        }
    }
    return NULL;
}

/* Readers of established connections must never miss them while another
 * thread makes the table grow (moving every entry) and recycles entries
 * by the tens of thousands. */
TEST(lookups_survive_resizes_and_recycling)
{
    struct conntrack *ct = conntrack_create();
    struct ct_exec commit = {.zone = 0, .commit = true};
    struct ct_exec churn = {.zone = 1, .commit = true};
    struct churn_arg args[2];
    pthread_t readers[2];
    struct ct_frame f;
    char src[32];

    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 10; i++) {
            snprintf(src, sizeof src, "10.7.%d.%d", r, i);
            ct_frame_udp(&f, src, B, 1000, 53);
            conntrack_execute(ct, &f.pkt, &f.flow, &commit, T0);
        }
        args[r] = (struct churn_arg){.ct = ct, .id = r};
        atomic_init(&args[r].done, false);
        pthread_create(&readers[r], NULL, churn_reader, &args[r]);
    }
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 30000; i++) {
            snprintf(src, sizeof src, "10.%d.%d.%d", 100 + round, i >> 8,
                     i & 255);
            ct_frame_udp(&f, src, B, 2000, 53);
            conntrack_execute(ct, &f.pkt, &f.flow, &churn, T0);
        }
        ASSERT_EQ(conntrack_flush(ct, &(uint16_t){1}), 30000);
    }
    for (int r = 0; r < 2; r++) {
        atomic_store(&args[r].done, true);
        pthread_join(readers[r], NULL);
        ASSERT_GT(args[r].n_lookups, 0);
        ASSERT_EQ(args[r].n_misses, 0);
    }
    ASSERT_EQ(conntrack_count(ct), 20);
    ASSERT_GT(conntrack_memory(ct), 30000 * sizeof(struct ct_conn));
    conntrack_destroy(ct);
}

struct recycle_arg {
    struct ct_table *table;   /* Shared table. */
    const struct ct_key *key; /* Key to look up. */
    uint32_t hash;            /* Its hash. */
    _Atomic bool done;        /* The writer has finished. */
    long n_lookups;           /* Lookups made. */
    long n_misses;            /* Lookups that did not find the key. */
};

static void *
recycle_reader(void *arg_)
{
    struct recycle_arg *arg = arg_;

    while (!atomic_load(&arg->done)) {
        struct ct_conn *c;
        bool reply;

        c = ct_table_lookup(arg->table, arg->key, arg->hash, T0, &reply);
        arg->n_lookups++;
        if (c) {
            pthread_spin_unlock(&c->lock);
        } else {
            arg->n_misses++;
        }
    }
    return NULL;
}

/* Fills the locked fresh entry C as a connection with KEY, live until far
 * in the future, and unlocks it. */
static void
fill_entry(struct ct_conn *c, const struct ct_key *key)
{
    c->key = *key;
    c->rev_key = *key;
    ct_key_reverse(&c->rev_key);
    atomic_store(&c->expiration, LLONG_MAX);
    pthread_spin_unlock(&c->lock);
}

/* The reader's key sits at the end of a chain of entries that the writer
 * keeps moving to another chain of the same stripe (remove, reuse for
 * another key, insert): a reader standing on one of them is led into the
 * other chain, and must notice and walk again rather than miss. */
TEST(table_lookup_never_misses_under_recycling)
{
    enum { N_CHURN = 30 };
    struct ct_table *t = ct_table_create();
    /* One stripe (high bits); with 16 buckets, hash_k and hash_b1 share a
     * bucket and hash_b2 is another. */
    uint32_t hash_k = 0x5a000003, hash_b1 = 0x5a000103;
    uint32_t hash_b2 = 0x5a000007;
    unsigned int stripe = ct_table_stripe(hash_k);
    struct ct_key key = {.dl_type = htons(ETH_TYPE_IP), .nw_proto = 17};
    struct ct_key junk = key;
    struct recycle_arg arg = {.table = t, .key = &key, .hash = hash_k};
    struct ct_conn *k, *churn[N_CHURN];
    pthread_t reader;

    ASSERT_EQ(ct_table_stripe(hash_b1), stripe);
    ASSERT_EQ(ct_table_stripe(hash_b2), stripe);
    key.src.port = htons(1);
    key.dst.port = htons(2);
    k = ct_table_alloc(t);
    fill_entry(k, &key);
    ct_table_lock_stripe(t, stripe);
    ct_table_insert(t, k, hash_k);
    for (int i = 0; i < N_CHURN; i++) {
        churn[i] = ct_table_alloc(t);
        junk.src.port = htons(100 + i);
        fill_entry(churn[i], &junk);
        ct_table_insert(t, churn[i], hash_b1);
    }
    ct_table_unlock_stripe(t, stripe);

    atomic_init(&arg.done, false);
    pthread_create(&reader, NULL, recycle_reader, &arg);
    for (int i = 0; i < 1000000; i++) {
        int j = i % N_CHURN;

        ct_table_lock_stripe(t, stripe);
        ASSERT_TRUE(ct_table_remove(t, churn[j], false, T0));
        churn[j] = ct_table_alloc(t);
        junk.src.port = htons(1000 + i % 50000);
        fill_entry(churn[j], &junk);
        ct_table_insert(t, churn[j], (i / N_CHURN) % 2 ? hash_b1 : hash_b2);
        ct_table_unlock_stripe(t, stripe);
    }
    atomic_store(&arg.done, true);
    pthread_join(reader, NULL);
    ASSERT_GT(arg.n_lookups, 1000);
    ASSERT_EQ(arg.n_misses, 0);
    ct_table_destroy(t);
}
