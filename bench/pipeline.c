/*
 * bench/pipeline.c: vxstack's half of bench/pipeline, the datapath
 * pipeline in-process: no system calls, one thread, 64-byte frames.
 *
 * Each scenario builds switches in this process (datapath, bridges,
 * OpenFlow tables; see pipeline-traffic.h for the traffic), then pushes
 * prebuilt frames through dp_input_batch() in batches of 32, round-robin
 * over the input ports, as a poll-mode thread receives them.  Buffers
 * come from a pkt_pool; copying a frame into one is the "receive" cost
 * (as a DPDK driver copies into an mbuf).  Output ports are dummy devices
 * that keep no copies (transmit queue length 0), so a send only counts.
 *
 * Figures (median of --runs runs of --seconds each, after a warm-up;
 * rates per second of the thread's CPU time):
 *   vxstack_l2_normal_mpps      one bridge, NORMAL, 1k learned MACs.
 *   vxstack_seed_fw_mpps        the seed's br-int firewall and br-tun,
 *                               1k established TCP/ICMP connections, half
 *                               the frames from the instance, half over
 *                               the tunnel.
 *   vxstack_seed_fw_miss_kups   thousands of frames per second when every
 *                               frame opens a new connection (the
 *                               megaflows cover them: no upcalls).
 *   vxstack_seed_fw_upcall_kups the same traffic with megaflows disabled
 *                               (dp_set_megaflows(dp, false): exact-match
 *                               flows, as OVS's upcall/disable-megaflows),
 *                               so every datapath pass is an upcall:
 *                               thousands of UPCALLS per second.
 * with, per scenario, _ns_per_pkt and _cycles_per_pkt (CPU time, in TSC
 * cycles), _wall_mpps/_wall_kups (per wall-clock second), _cpu_pct (the
 * share of the wall-clock time the thread ran: below 100 when other
 * processes took the CPU), _cache_hit_pct (exact-match cache hits per
 * datapath pass), _passes_per_pkt, _upcalls_per_pkt, _runs (every run's
 * rate) and _status (ok, or what went wrong: then no rate is printed).
 * seed_fw_upcall prints _ns_per_upcall and _cycles_per_upcall instead of
 * the per-packet ones, _frames_kpps (frames per second of CPU time) and
 * _flow_limit_pct (upcalls that installed no flow because the datapath
 * held its limit of flows).  vxstack_cache_hit_pct repeats seed_fw's.
 *
 * Every run checks that the frames went where the tables send them: the
 * transmit counters of the output ports grew by exactly the number of
 * frames sent towards them, conntrack holds exactly the connections it
 * should (all TCP ones ESTABLISHED after the setup), and no frame was
 * invalid; in seed_fw_upcall every datapath pass was an upcall.  A
 * scenario that fails a check prints its status and no
 * rate, and the program exits with status 1.
 *
 * --write-ovs=DIR writes the same traffic for the Open vSwitch anchor
 * (pcap files, ovs-ofctl bundle files of packet-outs, a "params" file)
 * and measures nothing.  tsc_mhz (the TSC's measured frequency, which
 * turns Open vSwitch's cycle counts into rates) is printed in both
 * modes.
 *
 * Usage: bench-pipeline [--seconds=S] [--warmup=S] [--runs=N]
 *        [--ports=N] [--macs=N] [--conns=N] [--miss-conns=N]
 *        [--write-ovs=DIR] [SCENARIO...]
 * where SCENARIO is l2_normal, seed_fw, seed_fw_miss or seed_fw_upcall
 * (default: all).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "conntrack/conntrack.h"
#include "datapath/dpif.h"
#include "datapath/netdev-dummy.h"
#include "datapath/netdev.h"
#include "flow/ofp-parse.h"
#include "lib/coverage.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "ofproto/ofproto.h"
#include "packet/pkt.h"
#include "pipeline-traffic.h"
#include "seed-switch.h"

/* Open vSwitch's default conntrack limit (ct-set-maxconns), so that
 * seed_fw_miss runs against the same limit in both switches. */
#define BENCH_MAXCONNS 3000000

/* Most l2_normal ports. */
#define BENCH_MAX_PORTS 64

/* Command-line options. */
struct bench_opts {
    double seconds;          /* Length of one measured run. */
    double warmup;           /* Warm-up before the measured runs. */
    int runs;                /* Measured runs (the median is printed). */
    size_t ports;            /* l2_normal ports. */
    size_t macs;             /* l2_normal MACs. */
    size_t conns;            /* seed_fw connections. */
    size_t miss_conns;       /* seed_fw_miss and seed_fw_upcall
                              * connections per run and side. */
    const char *write_dir;   /* --write-ovs directory, or NULL. */
    char **scenarios;        /* Selected scenario prefixes. */
    int n_scenarios;         /* Number of 'scenarios' (0: all). */
};

/* Packet buffers for every frame pushed. */
static struct pkt_pool *bench_pool;

/* TSC ticks per second (0 where there is no TSC). */
static double bench_tsc_hz;

/* Set when a scenario fails a check. */
static bool bench_failed;

static double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Returns the CPU time this thread has used, in seconds. */
static double
bench_cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t
bench_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return 0;
#endif
}

/* Measures the TSC frequency against the monotonic clock. */
static double
bench_calibrate_tsc(void)
{
    struct timespec pause = { 0, 200 * 1000 * 1000 };
    double t0 = bench_now();
    uint64_t c0 = bench_cycles();

    nanosleep(&pause, NULL);
    return (bench_cycles() - c0) / (bench_now() - t0);
}

/* A source of frames: they arrive on one datapath port, in order. */
struct bench_stream {
    uint32_t port_no;               /* Input port. */
    const struct pt_frames *frames; /* The frames. */
    bool tunnel;                    /* They carry tunnel metadata. */
    size_t next;                    /* Next frame to push. */
    uint64_t sent;                  /* Frames pushed so far. */
};

static void
bench_stream_init(struct bench_stream *s, uint32_t port_no,
                  const struct pt_frames *frames, bool tunnel)
{
    memset(s, 0, sizeof *s);
    s->port_no = port_no;
    s->frames = frames;
    s->tunnel = tunnel;
}

/* Pushes one batch of up to 32 frames of S into DP.  With WRAP the frames
 * repeat forever; without, S ends after its last frame.  Returns the
 * number of frames pushed. */
static size_t
bench_push(struct dp *dp, struct bench_stream *s, bool wrap)
{
    struct pkt_batch batch;

    pkt_batch_init(&batch);
    while (!pkt_batch_is_full(&batch)) {
        const struct pf_frame *f;
        struct pkt *p;

        if (s->next == s->frames->n) {
            if (!wrap) {
                break;
            }
            s->next = 0;
        }
        f = &s->frames->f[s->next++];
        p = pkt_pool_get(bench_pool);
        if (!p) {
            vx_fatal("packet pool exhausted: the datapath keeps packets");
        }
        pkt_put(p, f->data, f->len);
        if (s->tunnel) {
            p->md.tunnel = f->tnl;
        }
        pkt_batch_add(&batch, p);
    }
    s->sent += batch.count;
    if (batch.count) {
        size_t n = batch.count;

        dp_input_batch(dp, &batch, s->port_no);
        return n;
    }
    return 0;
}

/* Pushes every frame of FRAMES once, arriving on PORT_NO. */
static void
bench_send_all(struct dp *dp, uint32_t port_no,
               const struct pt_frames *frames, bool tunnel)
{
    struct bench_stream s;

    bench_stream_init(&s, port_no, frames, tunnel);
    while (bench_push(dp, &s, false)) {
        continue;
    }
}

/* What one run measured. */
struct bench_run {
    uint64_t packets;        /* Frames pushed. */
    double seconds;          /* Wall-clock time. */
    double cpu_seconds;      /* CPU time of this thread. */
    struct dp_stats before;  /* Datapath counters before the run. */
    struct dp_stats after;   /* ... and after. */
    uint64_t limit_hits;     /* Upcalls that installed no flow because the
                              * datapath held its limit of flows. */
    bool per_upcall;         /* The rate counts upcalls, not frames. */
};

/* Returns the number of upcalls of run R. */
static uint64_t
bench_upcalls(const struct bench_run *r)
{
    return r->after.n_missed - r->before.n_missed;
}

/* Pushes batches from the N streams at STREAMS, one batch from each in
 * turn, for SECONDS; without WRAP, stops earlier when every stream has
 * ended.  Fills *R. */
static void
bench_run_streams(struct dp *dp, struct bench_stream *streams, size_t n,
                  double seconds, bool wrap, struct bench_run *r)
{
    uint64_t sent0 = 0, sent1 = 0;
    double t0, cpu0;

    for (size_t i = 0; i < n; i++) {
        sent0 += streams[i].sent;
    }
    dp_get_stats(dp, &r->before);
    r->limit_hits = coverage_read("dp_flow_limit_hit");
    t0 = bench_now();
    cpu0 = bench_cpu_now();
    for (;;) {
        size_t pushed = 0;

        /* Look at the clock every 16 rounds only. */
        for (int k = 0; k < 16; k++) {
            for (size_t i = 0; i < n; i++) {
                pushed += bench_push(dp, &streams[i], wrap);
            }
        }
        r->seconds = bench_now() - t0;
        if (!pushed || r->seconds >= seconds) {
            break;
        }
    }
    r->cpu_seconds = bench_cpu_now() - cpu0;
    dp_get_stats(dp, &r->after);
    r->limit_hits = coverage_read("dp_flow_limit_hit") - r->limit_hits;
    for (size_t i = 0; i < n; i++) {
        sent1 += streams[i].sent;
    }
    r->packets = sent1 - sent0;
}

/* Returns the number of packets port PORT_NO of DP has sent. */
static uint64_t
bench_tx(const struct dp *dp, uint32_t port_no)
{
    struct netdev_stats st;

    netdev_get_stats(dp_port_netdev(dp, port_no), &st);
    return st.tx_packets;
}

static void
bench_quiet_port(uint32_t port_no, const char *name, const char *type,
                 struct netdev *netdev, void *aux)
{
    (void) port_no;
    (void) name;
    (void) type;
    (void) aux;
    if (netdev_is_dummy(netdev)) {
        netdev_dummy_set_tx_queue_len(netdev, 0);
    }
}

/* Makes every dummy port of DP keep no copies of what it sends. */
static void
bench_quiet_ports(struct dp *dp)
{
    dp_port_for_each(dp, bench_quiet_port, NULL);
}

/* The figures of one scenario. */
struct bench_result {
    const char *name;          /* "l2_normal"... */
    bool kilo;                 /* Rate in thousands (kups), not millions
                                * (mpps). */
    bool per_upcall;           /* The rate counts upcalls, not frames. */
    struct bench_run *runs;    /* Measured runs. */
    int n_runs;                /* Runs measured so far. */
    char *error;               /* First failed check, or NULL. */
};

static void
bench_fail(struct bench_result *res, char *error)
{
    if (!res->error) {
        res->error = error;
    } else {
        free(error);
    }
}

/* Packets (or upcalls) per second of CPU time: other processes that take
 * the CPU from the benchmark do not count (their cache pollution does). */
static double
bench_rate(const struct bench_run *r)
{
    uint64_t n = r->per_upcall ? bench_upcalls(r) : r->packets;

    return r->cpu_seconds > 0 ? n / r->cpu_seconds : 0;
}

static int
bench_compare_runs(const void *a_, const void *b_)
{
    double a = bench_rate(a_), b = bench_rate(b_);

    return a < b ? -1 : a > b;
}

/* Prints RES's figures, from its median run, and returns the median
 * run's cache hit percentage. */
static double
bench_report(struct bench_result *res)
{
    const char *unit = res->kilo ? "kups" : "mpps";
    double scale = res->kilo ? 1e-3 : 1e-6;
    struct ds runs = DS_EMPTY_INITIALIZER;
    const char *per = res->per_upcall ? "upcall" : "pkt";
    const struct bench_run *m;
    uint64_t lookups, misses, n;
    double hit_pct;

    if (res->error || !res->n_runs) {
        printf("vxstack_%s_status=failed: %s\n", res->name,
               res->error ? res->error : "no run");
        bench_failed = true;
        return 0;
    }
    for (int i = 0; i < res->n_runs; i++) {
        ds_put_format(&runs, "%s%.3f", i ? "," : "",
                      bench_rate(&res->runs[i]) * scale);
    }
    qsort(res->runs, res->n_runs, sizeof *res->runs, bench_compare_runs);
    m = &res->runs[res->n_runs / 2];
    lookups = (m->after.n_hit - m->before.n_hit)
              + (m->after.n_missed - m->before.n_missed)
              + (m->after.n_lost - m->before.n_lost);
    misses = bench_upcalls(m);
    n = res->per_upcall ? misses : m->packets;
    hit_pct = lookups ? 100.0 * (m->after.n_cache_hit
                                 - m->before.n_cache_hit) / lookups : 0;
    printf("vxstack_%s_%s=%.3f\n", res->name, unit, bench_rate(m) * scale);
    printf("vxstack_%s_ns_per_%s=%.1f\n", res->name, per,
           m->cpu_seconds * 1e9 / n);
    if (bench_tsc_hz) {
        printf("vxstack_%s_cycles_per_%s=%.0f\n", res->name, per,
               m->cpu_seconds * bench_tsc_hz / n);
    }
    printf("vxstack_%s_wall_%s=%.3f\n", res->name, unit,
           n / m->seconds * scale);
    if (res->per_upcall) {
        printf("vxstack_%s_frames_kpps=%.3f\n", res->name,
               m->packets / m->cpu_seconds * 1e-3);
        printf("vxstack_%s_flow_limit_pct=%.1f\n", res->name,
               misses ? 100.0 * m->limit_hits / misses : 0);
    }
    printf("vxstack_%s_cpu_pct=%.1f\n", res->name,
           100 * m->cpu_seconds / m->seconds);
    printf("vxstack_%s_cache_hit_pct=%.1f\n", res->name, hit_pct);
    printf("vxstack_%s_passes_per_pkt=%.2f\n", res->name,
           (double) lookups / m->packets);
    printf("vxstack_%s_upcalls_per_pkt=%.3f\n", res->name,
           (double) misses / m->packets);
    printf("vxstack_%s_runs=%s\n", res->name, ds_cstr(&runs));
    printf("vxstack_%s_status=ok\n", res->name);
    fflush(stdout);
    ds_destroy(&runs);
    return hit_pct;
}

static void
bench_result_init(struct bench_result *res, const char *name, bool kilo,
                  int runs)
{
    memset(res, 0, sizeof *res);
    res->name = name;
    res->kilo = kilo;
    res->runs = xcalloc(runs, sizeof *res->runs);
}

/* Marks every run of RES as counting upcalls, before they run. */
static void
bench_result_per_upcall(struct bench_result *res, int runs)
{
    res->per_upcall = true;
    for (int i = 0; i < runs; i++) {
        res->runs[i].per_upcall = true;
    }
}

static void
bench_result_destroy(struct bench_result *res)
{
    free(res->runs);
    free(res->error);
}

/* Adds the flow FLOW to BR, aborting on error. */
static void
bench_add_flow(struct ofproto *br, const char *flow)
{
    struct ofp_flow_mod fm;
    char *error = ofp_parse_flow_mod(&fm, flow, ofproto_port_map(br),
                                     OFPFC_ADD);

    if (!error) {
        error = ofproto_flow_mod(br, &fm);
        ofp_flow_mod_uninit(&fm);
    }
    if (error) {
        vx_fatal("%s: %s", flow, error);
    }
}

/* Adds port NAME of TYPE to DP and to BR as OpenFlow port OFP_PORT (0:
 * the bridge's choice); returns its datapath port number. */
static uint32_t
bench_add_port(struct dp *dp, struct ofproto *br, const char *name,
               const char *type, uint32_t ofp_port)
{
    struct ofproto_port_spec spec;
    uint32_t odp, ofp;
    int error;

    error = dp_port_add(dp, name, type, 0, &odp);
    if (error) {
        vx_fatal("adding %s: %s", name, vx_strerror(error));
    }
    memset(&spec, 0, sizeof spec);
    spec.name = name;
    spec.type = type;
    spec.ofp_request = ofp_port;
    spec.odp_port = odp;
    spec.tag = -1;
    spec.vlan_mode = PORT_VLAN_TRUNK;
    error = ofproto_port_add(br, &spec, &ofp);
    if (error) {
        vx_fatal("adding %s to %s: %s", name, ofproto_name(br),
                 vx_strerror(error));
    }
    return odp;
}

/* l2_normal: one bridge whose only flow is NORMAL, o->ports ports. */
static void
bench_l2(const struct bench_opts *o)
{
    struct pt_frames frames[BENCH_MAX_PORTS];
    struct bench_stream streams[BENCH_MAX_PORTS];
    uint32_t ports[BENCH_MAX_PORTS];
    uint64_t tx0[BENCH_MAX_PORTS];
    struct bench_result res;
    struct bench_run warm;
    struct ofproto *br;
    struct dp *dp;
    size_t n = o->ports;

    bench_result_init(&res, "l2_normal", false, o->runs);
    dp = dp_create();
    br = ofproto_create("br0");
    bench_add_port(dp, br, "br0", "internal", 0);
    ofproto_set_fail_mode(br, OFPROTO_FAIL_SECURE);
    memset(frames, 0, sizeof frames);
    for (size_t i = 0; i < n; i++) {
        char name[16];

        snprintf(name, sizeof name, "p%zu", i + 1);
        ports[i] = bench_add_port(dp, br, name, "dummy", (uint32_t) i + 1);
    }
    bench_add_flow(br, "priority=0,actions=NORMAL");
    bench_quiet_ports(dp);

    pt_l2_build(n, o->macs, frames);
    for (size_t i = 0; i < n; i++) {
        bench_stream_init(&streams[i], ports[i], &frames[i], false);
    }
    /* Learn every MAC (the first frames are flooded), then warm up. */
    for (size_t i = 0; i < n; i++) {
        bench_send_all(dp, ports[i], &frames[i], false);
    }
    bench_run_streams(dp, streams, n, o->warmup, true, &warm);

    for (int r = 0; r < o->runs; r++) {
        struct bench_run *run = &res.runs[r];

        for (size_t i = 0; i < n; i++) {
            tx0[i] = bench_tx(dp, ports[i]);
            streams[i].sent = 0;
        }
        bench_run_streams(dp, streams, n, o->seconds, true, run);
        res.n_runs++;
        /* Port i's frames all go to port i + 1. */
        for (size_t i = 0; i < n; i++) {
            size_t next = (i + 1) % n;
            uint64_t got = bench_tx(dp, ports[next]) - tx0[next];

            if (got != streams[i].sent) {
                bench_fail(&res, xasprintf("port p%zu sent %"PRIu64
                                           " packets, expected %"PRIu64,
                                           next + 1, got, streams[i].sent));
            }
        }
    }
    bench_report(&res);

    bench_result_destroy(&res);
    for (size_t i = 0; i < n; i++) {
        pt_frames_destroy(&frames[i]);
    }
    ofproto_destroy(br);
    dp_destroy(dp);
}

/* The seed's switch with the datapath ports the traffic uses. */
struct bench_seed {
    struct dp *dp;           /* The switch. */
    struct conntrack *ct;    /* Its conntrack. */
    uint32_t tap;            /* The instance's datapath port. */
    uint32_t tun;            /* The tunnel's datapath port. */
};

static void
bench_seed_build(struct bench_seed *sw)
{
    sw->dp = seed_switch_build(false);
    sw->ct = dp_conntrack(sw->dp);
    conntrack_set_maxconns(sw->ct, BENCH_MAXCONNS);
    sw->tap = dp_port_by_name(sw->dp, PT_SEED_TAP);
    sw->tun = dp_port_by_name(sw->dp, PT_SEED_TUNNEL_PORT);
    if (sw->tap == ODPP_NONE || sw->tun == ODPP_NONE) {
        vx_fatal("the seed switch lacks %s or %s", PT_SEED_TAP,
                 PT_SEED_TUNNEL_PORT);
    }
    bench_quiet_ports(sw->dp);
}

/* Pushes the frames of seed_fw phase PHASE of S. */
static void
bench_seed_phase(struct bench_seed *sw, const struct pt_seed *s, int phase)
{
    bool tunnel = pt_phase_from_tunnel(phase);

    bench_send_all(sw->dp, tunnel ? sw->tun : sw->tap, &s->phase[phase],
                   tunnel);
}

/* Returns the number of connections of CT in TCP state ESTABLISHED. */
static size_t
bench_ct_established(struct conntrack *ct)
{
    struct ds dump = DS_EMPTY_INITIALIZER;
    const char *p = "";
    size_t n = 0;

    conntrack_dump(ct, NULL, false, false, 0, &dump);
    for (p = ds_cstr(&dump); (p = strstr(p, "state=ESTABLISHED")); p++) {
        n++;
    }
    ds_destroy(&dump);
    return n;
}

/* Checks the transmit counters of the seed's tap and tunnel ports against
 * the frames sent towards them. */
static void
bench_seed_check_tx(struct bench_seed *sw, struct bench_result *res,
                    const char *when, uint64_t tap0, uint64_t tun0,
                    uint64_t to_tap, uint64_t to_tun)
{
    uint64_t tap = bench_tx(sw->dp, sw->tap) - tap0;
    uint64_t tun = bench_tx(sw->dp, sw->tun) - tun0;

    if (tap != to_tap || tun != to_tun) {
        bench_fail(res, xasprintf("%s: the instance's port sent %"PRIu64
                                  " packets (expected %"PRIu64"), the "
                                  "tunnel %"PRIu64" (expected %"PRIu64")",
                                  when, tap, to_tap, tun, to_tun));
    }
}

/* seed_fw: established connections through the seed's firewall. */
static double
bench_seed_fw(const struct bench_opts *o)
{
    struct bench_stream streams[2];
    struct bench_result res;
    struct ct_stats cs0, cs1;
    struct bench_seed sw;
    struct bench_run warm;
    struct pt_seed s;
    uint64_t tap0, tun0, to_tap = 0, to_tun = 0;
    size_t n_tcp;
    double hit_pct;

    bench_result_init(&res, "seed_fw", false, o->runs);
    bench_seed_build(&sw);
    memset(&s, 0, sizeof s);
    pt_seed_build(o->conns, &s);

    /* Setup: the ARP is flooded to the instance too; every other frame
     * goes to the other side. */
    tap0 = bench_tx(sw.dp, sw.tap);
    tun0 = bench_tx(sw.dp, sw.tun);
    for (int phase = 0; phase < PT_N_PHASES; phase++) {
        bench_seed_phase(&sw, &s, phase);
        *(pt_phase_from_tunnel(phase) ? &to_tap : &to_tun)
            += s.phase[phase].n;
    }
    bench_seed_check_tx(&sw, &res, "setup", tap0, tun0, to_tap, to_tun);
    n_tcp = (o->conns + 3) / 4 + (o->conns + 2) / 4;
    if (conntrack_count(sw.ct) != o->conns
        || bench_ct_established(sw.ct) != n_tcp) {
        bench_fail(&res, xasprintf("setup: %zu connections, %zu "
                                   "ESTABLISHED (expected %zu, %zu)",
                                   conntrack_count(sw.ct),
                                   bench_ct_established(sw.ct), o->conns,
                                   n_tcp));
    }

    bench_stream_init(&streams[0], sw.tap, &s.tap, false);
    bench_stream_init(&streams[1], sw.tun, &s.tun, true);
    bench_run_streams(sw.dp, streams, 2, o->warmup, true, &warm);
    for (int r = 0; r < o->runs && !res.error; r++) {
        tap0 = bench_tx(sw.dp, sw.tap);
        tun0 = bench_tx(sw.dp, sw.tun);
        streams[0].sent = streams[1].sent = 0;
        conntrack_get_stats(sw.ct, &cs0);
        bench_run_streams(sw.dp, streams, 2, o->seconds, true,
                          &res.runs[r]);
        res.n_runs++;
        conntrack_get_stats(sw.ct, &cs1);
        bench_seed_check_tx(&sw, &res, "steady state", tap0, tun0,
                            streams[1].sent, streams[0].sent);
        if (cs1.n_created != cs0.n_created || cs1.n_invalid != cs0.n_invalid
            || conntrack_count(sw.ct) != o->conns) {
            bench_fail(&res, xasprintf("steady state: %"PRIu64" new and %"
                                       PRIu64" invalid connections, %zu in "
                                       "all", cs1.n_created - cs0.n_created,
                                       cs1.n_invalid - cs0.n_invalid,
                                       conntrack_count(sw.ct)));
        }
    }
    hit_pct = bench_report(&res);

    bench_result_destroy(&res);
    pt_seed_destroy(&s);
    seed_switch_destroy(sw.dp);
    return hit_pct;
}

/* seed_fw_miss: every frame a new connection.  With UPCALL
 * (seed_fw_upcall), megaflows are disabled, so that every datapath pass of
 * every frame is an upcall, and the rate counts upcalls. */
static void
bench_seed_fw_miss(const struct bench_opts *o, bool upcall)
{
    struct pt_frames tap = { NULL, 0, 0 }, tun = { NULL, 0, 0 };
    struct bench_stream streams[2];
    struct pt_seed setup;
    struct bench_result res;
    struct bench_seed sw;

    bench_result_init(&res, upcall ? "seed_fw_upcall" : "seed_fw_miss",
                      true, o->runs);
    bench_seed_build(&sw);
    if (upcall) {
        bench_result_per_upcall(&res, o->runs);
        dp_set_megaflows(sw.dp, false);
    }
    memset(&setup, 0, sizeof setup);
    pt_seed_build(0, &setup);
    bench_seed_phase(&sw, &setup, 0);
    pt_miss_build(o->miss_conns, upcall, &tap, &tun);

    /* Run 0 warms up.  Every run starts with an empty conntrack (and, for
     * upcalls, no datapath flows) and pushes the frames from the first,
     * until the time is up or both streams have ended. */
    for (int r = -1; r < o->runs && !res.error; r++) {
        struct bench_run warm = { .per_upcall = upcall };
        struct bench_run *run = r < 0 ? &warm : &res.runs[r];
        uint64_t tap0 = bench_tx(sw.dp, sw.tap);
        uint64_t tun0 = bench_tx(sw.dp, sw.tun);
        struct ct_stats cs0, cs1;

        conntrack_flush(sw.ct, NULL);
        if (upcall) {
            dp_flows_flush(sw.dp);
        }
        bench_stream_init(&streams[0], sw.tap, &tap, false);
        bench_stream_init(&streams[1], sw.tun, &tun, true);
        conntrack_get_stats(sw.ct, &cs0);
        bench_run_streams(sw.dp, streams, 2, r < 0 ? o->warmup : o->seconds,
                          false, run);
        conntrack_get_stats(sw.ct, &cs1);
        if (r >= 0) {
            res.n_runs++;
        }
        bench_seed_check_tx(&sw, &res, "new connections", tap0, tun0,
                            streams[1].sent, streams[0].sent);
        if (cs1.n_created - cs0.n_created != run->packets
            || conntrack_count(sw.ct) != run->packets) {
            bench_fail(&res, xasprintf("%"PRIu64" packets created %"PRIu64
                                       " connections (%zu in all)",
                                       run->packets,
                                       cs1.n_created - cs0.n_created,
                                       conntrack_count(sw.ct)));
        }
        if (upcall && (run->after.n_hit != run->before.n_hit
                       || run->after.n_lost != run->before.n_lost
                       || bench_upcalls(run) < 2 * run->packets)) {
            bench_fail(&res, xasprintf("%"PRIu64" packets made %"PRIu64
                                       " upcalls, %"PRIu64" flow hits and %"
                                       PRIu64" lost: not every pass was an "
                                       "upcall", run->packets,
                                       bench_upcalls(run),
                                       run->after.n_hit - run->before.n_hit,
                                       run->after.n_lost
                                       - run->before.n_lost));
        }
    }
    conntrack_flush(sw.ct, NULL);
    bench_report(&res);

    bench_result_destroy(&res);
    pt_frames_destroy(&tap);
    pt_frames_destroy(&tun);
    pt_seed_destroy(&setup);
    seed_switch_destroy(sw.dp);
}

/* Writes FS to DIR/NAME as a pcap file; aborts on error. */
static void
bench_write_pcap(const char *dir, const char *name,
                 const struct pt_frames *fs)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *error = pf_write_pcap(path, fs->f, fs->n);

    if (error) {
        vx_fatal("%s", error);
    }
    free(path);
}

/* Writes the traffic of every scenario to O->write_dir for the anchor. */
static void
bench_write_ovs(const struct bench_opts *o)
{
    const char *dir = o->write_dir;
    struct pt_frames l2[BENCH_MAX_PORTS];
    struct pt_frames tap = { NULL, 0, 0 }, tun = { NULL, 0, 0 };
    struct pt_frames ul = { NULL, 0, 0 };
    const struct pf_underlay *u = pt_underlay();
    struct pt_seed s;
    char *path;
    FILE *f;

    if (mkdir(dir, 0777) && errno != EEXIST) {
        vx_fatal("%s: %s", dir, vx_strerror(errno));
    }

    memset(l2, 0, sizeof l2);
    pt_l2_build(o->ports, o->macs, l2);
    for (size_t i = 0; i < o->ports; i++) {
        char name[32];

        snprintf(name, sizeof name, "l2_p%zu.pcap", i + 1);
        bench_write_pcap(dir, name, &l2[i]);
        pt_frames_destroy(&l2[i]);
    }

    memset(&s, 0, sizeof s);
    pt_seed_build(o->conns, &s);
    for (int phase = 0; phase < PT_N_PHASES; phase++) {
        bool tunnel = pt_phase_from_tunnel(phase);
        char *error;

        path = xasprintf("%s/seed_phase%d.txt", dir, phase);
        remove(path);
        error = pf_write_packet_outs(path, tunnel ? PT_SEED_VXLAN_OFPORT
                                              : PT_SEED_TAP_OFPORT,
                                     s.phase[phase].f, s.phase[phase].n);
        if (error) {
            vx_fatal("%s", error);
        }
        free(path);
    }
    bench_write_pcap(dir, "seed_tap.pcap", &s.tap);
    pt_encap(&s.tun, &ul);
    bench_write_pcap(dir, "seed_ul.pcap", &ul);
    pt_frames_destroy(&ul);

    pt_miss_build(o->miss_conns, false, &tap, &tun);
    bench_write_pcap(dir, "miss_tap.pcap", &tap);
    bench_write_pcap(dir, "empty.pcap", &ul);
    pt_encap(&tun, &ul);
    bench_write_pcap(dir, "miss_ul.pcap", &ul);
    pt_frames_destroy(&tap);
    pt_frames_destroy(&tun);
    pt_frames_destroy(&ul);

    pt_miss_build(o->miss_conns, true, &tap, &tun);
    bench_write_pcap(dir, "upcall_tap.pcap", &tap);
    pt_encap(&tun, &ul);
    bench_write_pcap(dir, "upcall_ul.pcap", &ul);

    path = xasprintf("%s/params", dir);
    f = fopen(path, "w");
    if (!f) {
        vx_fatal("%s: %s", path, vx_strerror(errno));
    }
    fprintf(f, "l2_ports=%zu\nl2_macs=%zu\n", o->ports, o->macs);
    fprintf(f, "seed_conns=%zu\nseed_tcp_conns=%zu\n", o->conns,
            (o->conns + 3) / 4 + (o->conns + 2) / 4);
    fprintf(f, "seed_tap_frames=%zu\nseed_tun_frames=%zu\n", s.tap.n,
            s.tun.n);
    fprintf(f, "seed_setup_to_tap=%zu\nseed_setup_to_tun=%zu\n",
            s.phase[0].n + s.phase[2].n + s.phase[4].n,
            s.phase[1].n + s.phase[3].n);
    fprintf(f, "miss_conns=%zu\n", o->miss_conns);
    fprintf(f, "ul_local_ip="IP_FMT"\nul_remote_ip="IP_FMT"\n",
            IP_ARGS(u->ip_dst), IP_ARGS(u->ip_src));
    fprintf(f, "ul_local_mac="ETH_ADDR_FMT"\nul_remote_mac="ETH_ADDR_FMT
            "\n", ETH_ADDR_ARGS(u->dl_dst), ETH_ADDR_ARGS(u->dl_src));
    if (fclose(f)) {
        vx_fatal("%s: %s", path, vx_strerror(errno));
    }
    free(path);

    pt_seed_destroy(&s);
    pt_frames_destroy(&tap);
    pt_frames_destroy(&tun);
    pt_frames_destroy(&ul);
}

/* Returns true if scenario NAME is selected. */
static bool
bench_selected(const struct bench_opts *o, const char *name)
{
    if (!o->n_scenarios) {
        return true;
    }
    for (int i = 0; i < o->n_scenarios; i++) {
        if (!strcmp(name, o->scenarios[i])) {
            return true;
        }
    }
    return false;
}

/* Parses the value of option ARG (after PREFIX) into *VALUE as a positive
 * number no larger than MAX.  Returns false if ARG is not that option. */
static bool
bench_opt(const char *arg, const char *prefix, double max, double *value)
{
    char *end;

    if (!str_has_prefix(arg, prefix)) {
        return false;
    }
    *value = strtod(arg + strlen(prefix), &end);
    if (*end || !(*value > 0) || *value > max) {
        vx_fatal("%s: bad value (at most %g)", arg, max);
    }
    return true;
}

static void
bench_parse_args(int argc, char *argv[], struct bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seconds = 3;
    o->warmup = 1;
    o->runs = 3;
    o->ports = 4;
    o->macs = 1000;
    o->conns = 1000;
    o->miss_conns = 300000;
    o->scenarios = xcalloc(argc, sizeof *o->scenarios);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v;

        if (bench_opt(a, "--seconds=", 3600, &o->seconds)
            || bench_opt(a, "--warmup=", 3600, &o->warmup)) {
            continue;
        } else if (bench_opt(a, "--runs=", 99, &v)) {
            o->runs = (int) v;
        } else if (bench_opt(a, "--ports=", BENCH_MAX_PORTS, &v)) {
            o->ports = (size_t) v;
        } else if (bench_opt(a, "--macs=", 65536, &v)) {
            o->macs = (size_t) v;
        } else if (bench_opt(a, "--conns=", 65536, &v)) {
            o->conns = (size_t) v;
        } else if (bench_opt(a, "--miss-conns=", PT_UPCALL_MAX, &v)) {
            o->miss_conns = (size_t) v;
        } else if (str_has_prefix(a, "--write-ovs=")) {
            o->write_dir = a + strlen("--write-ovs=");
        } else if (a[0] == '-') {
            vx_fatal("unknown option %s (see bench/pipeline.c)", a);
        } else {
            o->scenarios[o->n_scenarios++] = argv[i];
        }
    }
    if (o->ports < 2 || o->macs < o->ports) {
        vx_fatal("l2_normal needs at least 2 ports and a MAC per port");
    }
}

int
main(int argc, char *argv[])
{
    struct bench_opts o;
    double hit_pct = -1;

    bench_parse_args(argc, argv, &o);
    bench_tsc_hz = bench_calibrate_tsc();
    if (bench_tsc_hz) {
        printf("tsc_mhz=%.1f\n", bench_tsc_hz / 1e6);
    }
    if (o.write_dir) {
        bench_write_ovs(&o);
        free(o.scenarios);
        return 0;
    }

    bench_pool = pkt_pool_create(1024, PKT_DEFAULT_SIZE);
    if (bench_selected(&o, "l2_normal")) {
        bench_l2(&o);
    }
    if (bench_selected(&o, "seed_fw")) {
        hit_pct = bench_seed_fw(&o);
    }
    if (bench_selected(&o, "seed_fw_miss")) {
        bench_seed_fw_miss(&o, false);
    }
    if (bench_selected(&o, "seed_fw_upcall")) {
        bench_seed_fw_miss(&o, true);
    }
    if (hit_pct >= 0 && !bench_failed) {
        printf("vxstack_cache_hit_pct=%.1f\n", hit_pct);
    }
    pkt_pool_destroy(bench_pool);
    free(o.scenarios);
    return bench_failed ? 1 : 0;
}
