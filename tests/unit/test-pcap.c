/* Unit tests for src/datapath/pcap.c: round trips, real tcpdump reading
 * what we write, both byte orders and timestamp resolutions, snaplen
 * truncation, and bad capture files. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "datapath/pcap.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "packet-util.h"
#include "packet/pkt.h"

/* Returns a path in the test's temporary directory (static buffer). */
static const char *
tmp_path(const char *name)
{
    static char path[512];

    snprintf(path, sizeof path, "%s/%s", harness_tmpdir(), name);
    return path;
}

/* Runs tcpdump -nn -e -r PATH and returns its standard output (caller
 * frees), or SKIPs when tcpdump is not installed. */
static char *
run_tcpdump(const char *path, int *n_lines)
{
    struct ds cmd = DS_EMPTY_INITIALIZER, out = DS_EMPTY_INITIALIZER;
    char buf[4096];
    size_t n;
    FILE *f;
    int status;

    if (system("command -v tcpdump >/dev/null 2>&1")) {
        SKIP("tcpdump is not installed");
    }
    ds_put_format(&cmd, "tcpdump -nn -e -r '%s' 2>/dev/null", path);
    f = popen(ds_cstr(&cmd), "r");
    ASSERT_TRUE(f != NULL);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        ds_put_buffer(&out, buf, n);
    }
    status = pclose(f);
    ASSERT_EQ(status, 0);
    *n_lines = 0;
    for (const char *s = ds_cstr(&out); *s; s++) {
        *n_lines += *s == '\n';
    }
    ds_destroy(&cmd);
    return ds_steal_cstr(&out);
}

TEST(write_read_round_trip)
{
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    long long int t0 = 1700000000123456LL;
    struct pcap_writer *w;
    struct pcap_reader *r;
    struct pcap_record_info rec;
    struct pkt *p;

    ASSERT_OK(pcap_writer_open(tmp_path("rt.pcap"), &w));
    for (size_t i = 0; i < n; i++) {
        ASSERT_OK(pcap_write(w, pkts[i].data, pkts[i].size, t0 + i * 999));
    }
    ASSERT_OK(pcap_writer_close(w));

    ASSERT_NO_ERROR(pcap_reader_open(tmp_path("rt.pcap"), &r));
    ASSERT_FALSE(pcap_reader_info(r)->nsec);
    ASSERT_EQ(pcap_reader_info(r)->snaplen, PCAP_SNAPLEN);
    for (size_t i = 0; i < n; i++) {
        ASSERT_NO_ERROR(pcap_read(r, &p, &rec));
        ASSERT_TRUE(p != NULL);
        ASSERT_EQ(pkt_size(p), pkts[i].size);
        ASSERT_MEM_EQ(pkt_data(p), pkts[i].data, pkts[i].size);
        ASSERT_EQ(rec.usec, t0 + (long long int) i * 999);
        ASSERT_EQ(rec.incl_len, pkts[i].size);
        ASSERT_EQ(rec.orig_len, pkts[i].size);
        pkt_free(p);
    }
    ASSERT_NO_ERROR(pcap_read(r, &p, &rec));
    ASSERT_TRUE(p == NULL);
    pcap_reader_close(r);
    golden_free(pkts, n);
}

TEST(tcpdump_reads_our_captures)
{
    static const struct {
        const char *name;
        const char *expect;
    } cases[] = {
        { "ipv4_tcp_syn", "fa:16:3e:61:21:c6 > fa:16:3e:e9:26:5b, ethertype "
          "IPv4 (0x0800), length 54: 192.168.101.85.44874 > "
          "192.168.101.1.22: Flags [S]" },
        { "arp_request", "Request who-has 192.168.101.1 tell "
          "192.168.101.85" },
        { "vxlan_outer", "172.16.0.31.44874 > 172.16.0.11.4789: VXLAN, "
          "flags [I] (0x08), vni 239" },
        { "vlan_ipv4_udp", "vlan 3, p 5" },
        { "nd_ns_sll", "neighbor solicitation, who has "
          "fe80::f816:3eff:fee9:265b" },
        { "ipv4_icmp_echo", "ICMP echo request" },
    };
    struct golden_pkt *pkts;
    size_t n = golden_load(&pkts);
    struct pcap_writer *w;
    int n_lines;
    char *out;

    ASSERT_OK(pcap_writer_open(tmp_path("td.pcap"), &w));
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct golden_pkt *g = golden_find(pkts, n, cases[i].name);

        ASSERT_OK(pcap_write(w, g->data, g->size, pcap_now_usec()));
    }
    ASSERT_OK(pcap_writer_close(w));

    /* tcpdump prints the frame inside the VXLAN packet on a line of its
     * own. */
    out = run_tcpdump(tmp_path("td.pcap"), &n_lines);
    ASSERT_EQ(n_lines, (int) ARRAY_SIZE(cases) + 1);
    ASSERT_STR_CONTAINS(out, "vni 239\nfa:16:3e:61:21:c6 > fa:16:3e:e9:26:5b, "
                        "ethertype IPv4 (0x0800), length 98: 192.168.101.85 > "
                        "192.168.101.1: ICMP echo request");
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        ASSERT_STR_CONTAINS(out, cases[i].expect);
    }
    free(out);
    golden_free(pkts, n);
}

TEST(snaplen_truncates_long_frames)
{
    size_t big = PCAP_SNAPLEN + 40000;
    uint8_t *frame = xzalloc(big);
    struct pcap_writer *w;
    struct pcap_reader *r;
    struct pcap_record_info rec;
    struct pkt *p;

    /* (tcpdump flags wire lengths over 262144 as invalid headers, so only
     * our reader checks this file; real frames stay under 64 KiB.) */
    memset(frame, 0xff, 12);
    frame[12] = 0x88;
    frame[13] = 0xb5;
    ASSERT_OK(pcap_writer_open(tmp_path("big.pcap"), &w));
    ASSERT_OK(pcap_write(w, frame, big, 1));
    ASSERT_OK(pcap_writer_close(w));

    ASSERT_NO_ERROR(pcap_reader_open(tmp_path("big.pcap"), &r));
    ASSERT_NO_ERROR(pcap_read(r, &p, &rec));
    ASSERT_EQ(pkt_size(p), PCAP_SNAPLEN);
    ASSERT_EQ(rec.incl_len, PCAP_SNAPLEN);
    ASSERT_EQ(rec.orig_len, big);
    ASSERT_EQ(rec.usec, 1);
    pkt_free(p);
    pcap_reader_close(r);
    free(frame);
}

/* Appends to DS a 32-bit / 16-bit value in big-endian order when BE, else
 * little-endian. */
static void
put32(struct ds *ds, uint32_t x, bool be)
{
    for (int i = 0; i < 4; i++) {
        ds_put_char(ds, (char) (x >> (be ? 24 - 8 * i : 8 * i)));
    }
}

static void
put16(struct ds *ds, uint16_t x, bool be)
{
    for (int i = 0; i < 2; i++) {
        ds_put_char(ds, (char) (x >> (be ? 8 - 8 * i : 8 * i)));
    }
}

/* Builds a capture file in DS: header with MAGIC, VERSION and LINKTYPE. */
static void
put_file_header(struct ds *ds, bool be, uint32_t magic, uint16_t major,
                uint32_t linktype)
{
    put32(ds, magic, be);
    put16(ds, major, be);
    put16(ds, 4, be);
    put32(ds, 0, be);
    put32(ds, 0, be);
    put32(ds, 65535, be);
    put32(ds, linktype, be);
}

static void
put_record(struct ds *ds, bool be, uint32_t sec, uint32_t frac,
           uint32_t incl, uint32_t orig, size_t n_data)
{
    put32(ds, sec, be);
    put32(ds, frac, be);
    put32(ds, incl, be);
    put32(ds, orig, be);
    for (size_t i = 0; i < n_data; i++) {
        ds_put_char(ds, (char) i);
    }
}

/* Opens a reader over the bytes of DS (kept alive by the caller). */
static char *
open_mem(struct ds *ds, struct pcap_reader **r)
{
    FILE *f = fmemopen(ds->string ? ds->string : (char *) "", ds->length,
                       "rb");

    ASSERT_TRUE(f != NULL);
    return pcap_reader_stream(f, true, r);
}

TEST(reads_both_byte_orders_and_nanoseconds)
{
    for (int be = 0; be < 2; be++) {
        for (int nsec = 0; nsec < 2; nsec++) {
            struct ds file = DS_EMPTY_INITIALIZER;
            struct pcap_record_info rec;
            struct pcap_reader *r;
            struct pkt *p;

            put_file_header(&file, be, nsec ? 0xa1b23c4d : 0xa1b2c3d4, 2, 1);
            put_record(&file, be, 1700000000, nsec ? 123456789 : 123456, 60,
                       1514, 60);
            ASSERT_NO_ERROR(open_mem(&file, &r));
            ASSERT_EQ(pcap_reader_info(r)->nsec, nsec);
            ASSERT_EQ(pcap_reader_info(r)->snaplen, 65535);
            ASSERT_NO_ERROR(pcap_read(r, &p, &rec));
            ASSERT_EQ(rec.usec, 1700000000123456LL);
            ASSERT_EQ(rec.orig_len, 1514);
            ASSERT_EQ(pkt_size(p), 60);
            ASSERT_EQ(pkt_data(p)[59], 59);
            pkt_free(p);
            ASSERT_NO_ERROR(pcap_read(r, &p, NULL));
            ASSERT_TRUE(p == NULL);
            pcap_reader_close(r);
            ds_destroy(&file);
        }
    }
}

TEST(bad_capture_files)
{
    static const struct {
        const char *what;
        int build;
        const char *error;
    } cases[] = {
        { "empty", 0, "file header truncated (0 of 24 bytes)" },
        { "short header", 1, "file header truncated (10 of 24 bytes)" },
        { "bad magic", 2, "not a pcap file (magic number 0x0a0d0d0a)" },
        { "version 3", 3, "unsupported pcap version 3.4" },
        { "link type", 4, "unsupported pcap link type 113" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ds file = DS_EMPTY_INITIALIZER;
        struct pcap_reader *r = (struct pcap_reader *) &file;

        switch (cases[i].build) {
        case 1:
            put_file_header(&file, false, 0xa1b2c3d4, 2, 1);
            ds_truncate(&file, 10);
            break;
        case 2:
            put_file_header(&file, false, 0x0a0d0d0a, 2, 1);
            break;
        case 3:
            put_file_header(&file, false, 0xa1b2c3d4, 3, 1);
            break;
        case 4:
            put_file_header(&file, true, 0xa1b2c3d4, 2, 113);
            break;
        default:
            break;
        }
        ASSERT_ERROR(open_mem(&file, &r), cases[i].error);
        ASSERT_TRUE(r == NULL);
        ds_destroy(&file);
    }
}

TEST(bad_records)
{
    static const struct {
        int build;
        const char *error;
    } cases[] = {
        { 0, "record 2: header truncated (7 of 16 bytes)" },
        { 1, "record 2: data truncated (50 of 100 bytes)" },
        { 2, "record 2: captured length 262145 exceeds the maximum 262144" },
        { 3, "record 2: bad timestamp fraction 1000000" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct ds file = DS_EMPTY_INITIALIZER;
        struct pcap_reader *r;
        struct pkt *p;

        put_file_header(&file, false, 0xa1b2c3d4, 2, 1);
        put_record(&file, false, 1, 2, 20, 20, 20);
        switch (cases[i].build) {
        case 0:
            put_record(&file, false, 1, 2, 20, 20, 0);
            ds_truncate(&file, file.length - 9);
            break;
        case 1:
            put_record(&file, false, 1, 2, 100, 100, 50);
            break;
        case 2:
            put_record(&file, false, 1, 2, PCAP_SNAPLEN + 1, 1, 0);
            break;
        default:
            put_record(&file, false, 1, 1000000, 20, 20, 20);
            break;
        }
        ASSERT_NO_ERROR(open_mem(&file, &r));
        ASSERT_NO_ERROR(pcap_read(r, &p, NULL));
        pkt_free(p);
        p = (struct pkt *) &file;
        ASSERT_ERROR(pcap_read(r, &p, NULL), cases[i].error);
        ASSERT_TRUE(p == NULL);
        pcap_reader_close(r);
        ds_destroy(&file);
    }

    struct pcap_reader *r;
    ASSERT_ERROR(pcap_reader_open(tmp_path("missing.pcap"), &r),
                 "missing.pcap: No such file or directory");
}

TEST(writer_errors)
{
    struct pcap_writer *w = (struct pcap_writer *) &w;
    uint8_t frame[64] = { 0 };
    FILE *full;
    int error;

    ASSERT_EQ(pcap_writer_open("/nonexistent-dir/x.pcap", &w), ENOENT);
    ASSERT_TRUE(w == NULL);

    full = fopen("/dev/full", "wb");
    if (!full) {
        SKIP("/dev/full is not available");
    }
    /* The header may sit in the stdio buffer: the error shows at the
     * latest when flushing, and sticks. */
    error = pcap_writer_stream(full, true, &w);
    if (!error) {
        for (int i = 0; i < 1000 && !error; i++) {
            error = pcap_write(w, frame, sizeof frame, 0);
        }
        if (!error) {
            error = pcap_writer_flush(w);
        }
        ASSERT_EQ(error, ENOSPC);
        ASSERT_EQ(pcap_write(w, frame, sizeof frame, 0), ENOSPC);
        ASSERT_EQ(pcap_writer_close(w), ENOSPC);
    } else {
        ASSERT_EQ(error, ENOSPC);
    }
}

struct writer_thread_arg {
    struct pcap_writer *w;   /* Shared writer. */
    uint8_t fill;            /* Byte to fill frames with. */
};

static void *
writer_thread(void *arg_)
{
    struct writer_thread_arg *arg = arg_;
    uint8_t frame[100];

    memset(frame, arg->fill, sizeof frame);
    for (int i = 0; i < 2000; i++) {
        pcap_write(arg->w, frame, 60 + i % 40, i);
    }
    return NULL;
}

TEST(writer_shared_by_threads)
{
    struct writer_thread_arg args[2];
    pthread_t threads[2];
    struct pcap_reader *r;
    struct pkt *p;
    int count[2] = { 0, 0 };

    ASSERT_OK(pcap_writer_open(tmp_path("mt.pcap"), &args[0].w));
    args[1].w = args[0].w;
    for (int i = 0; i < 2; i++) {
        args[i].fill = (uint8_t) (0x11 * (i + 1));
        pthread_create(&threads[i], NULL, writer_thread, &args[i]);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(threads[i], NULL);
    }
    ASSERT_OK(pcap_writer_close(args[0].w));

    ASSERT_NO_ERROR(pcap_reader_open(tmp_path("mt.pcap"), &r));
    for (;;) {
        ASSERT_NO_ERROR(pcap_read(r, &p, NULL));
        if (!p) {
            break;
        }
        /* Records are never interleaved: every byte is the same. */
        uint8_t b = pkt_data(p)[0];
        for (size_t i = 0; i < pkt_size(p); i++) {
            ASSERT_EQ(pkt_data(p)[i], b);
        }
        count[b == 0x22]++;
        pkt_free(p);
    }
    pcap_reader_close(r);
    ASSERT_EQ(count[0], 2000);
    ASSERT_EQ(count[1], 2000);
}
