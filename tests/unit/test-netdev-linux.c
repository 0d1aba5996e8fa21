/*
 * Tests of src/datapath/netdev-linux.c with real kernel devices: TAP
 * devices ("tap", "internal") and AF_PACKET sockets on veths ("system").
 *
 * Each test runs in its own process (the harness forks) which first moves
 * into a private network namespace (unshare(CLONE_NEWNET)), so that every
 * device it makes is invisible to the host and vanishes when it exits.
 * The "instances" that talk TCP through two taps are child processes in
 * namespaces of their own (unshare again), into which the test moves the
 * taps by pid: no named namespace is left behind, even on failure.
 *
 * Needs root and ip(8); ethtool(8) for the TSO-off veth.  Skips with the
 * reason otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "datapath/netdev-dummy.h"
#include "datapath/netdev-linux.h"
#include "datapath/netdev.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "packet/packets.h"
#include "packet/pkt-gso.h"
#include "packet/pkt.h"

/* Moves the test into a private network namespace with the real device
 * types registered, or skips. */
static void
setup(void)
{
    if (geteuid() != 0) {
        SKIP("needs root (TAP devices, network namespaces)");
    }
    if (system("ip -V >/dev/null 2>&1") != 0) {
        SKIP("needs ip(8)");
    }
    if (unshare(CLONE_NEWNET) < 0) {
        SKIP("unshare(CLONE_NEWNET) failed");
    }
    if (access("/dev/net/tun", R_OK | W_OK) < 0) {
        SKIP("needs /dev/net/tun");
    }
    ASSERT_OK(netdev_linux_register());
    ASSERT_EQ(system("ip link set lo up"), 0);
}

/* Returns the kernel's MTU of device NAME (or -1). */
static int
kernel_mtu(const char *name)
{
    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    int mtu = -1;

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (!ioctl(sock, SIOCGIFMTU, &ifr)) {
        mtu = ifr.ifr_mtu;
    }
    close(sock);
    return mtu;
}

/* Returns the kernel's Ethernet address of device NAME. */
static struct eth_addr
kernel_mac(const char *name)
{
    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    struct eth_addr mac;
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    memset(&mac, 0, sizeof mac);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (!ioctl(sock, SIOCGIFHWADDR, &ifr)) {
        memcpy(mac.ea, ifr.ifr_hwaddr.sa_data, ETH_ADDR_LEN);
    }
    close(sock);
    return mac;
}

/* Receives from RXQ for up to MS milliseconds until a packet arrives for
 * which MATCH (if nonnull) returns true; returns it (owned) or NULL.
 * Other packets are freed; packets received after the match wait for the
 * next call (one receive queue at a time). */
static struct pkt *
recv_match(struct netdev_rxq *rxq, int ms, bool (*match)(const struct pkt *))
{
    static struct pkt_batch batch;
    static size_t next;
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        while (next < batch.count) {
            struct pkt *p = batch.pkts[next++];

            if (!match || match(p)) {
                return p;
            }
            pkt_free(p);
        }
        pkt_batch_init(&batch);
        next = 0;
        if (!netdev_rxq_recv(rxq, &batch)) {
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1000
            + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms) {
            return NULL;
        }
        usleep(1000);
    }
}

static bool
is_arp(const struct pkt *p)
{
    return pkt_size(p) >= 14 && pkt_data(p)[12] == 0x08
           && pkt_data(p)[13] == 0x06;
}

TEST(tap_create_attributes_and_close)
{
    struct netdev *netdev, *again;
    struct eth_addr mac = {{ 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 }};
    struct ds s = DS_EMPTY_INITIALIZER;

    setup();
    ASSERT_OK(netdev_open("vxt-tap0", "tap", &netdev));
    ASSERT_TRUE(if_nametoindex("vxt-tap0") > 0);
    ASSERT_TRUE(netdev_get_flags(netdev) & NETDEV_UP);
    ASSERT_EQ(netdev_get_mtu(netdev), 1500);
    ASSERT_MEM_EQ(netdev_get_etheraddr(netdev).ea, kernel_mac("vxt-tap0").ea,
                  ETH_ADDR_LEN);
    ASSERT_EQ(netdev_get_ol_caps(netdev) & (NETDEV_OL_CSUM | NETDEV_OL_TSO4
                                            | NETDEV_OL_TSO6),
              NETDEV_OL_CSUM | NETDEV_OL_TSO4 | NETDEV_OL_TSO6);
    ASSERT_EQ(netdev_get_error(netdev), 0);

    /* MTU and MAC go to the kernel device. */
    ASSERT_OK(netdev_set_mtu(netdev, 1450));
    ASSERT_EQ(kernel_mtu("vxt-tap0"), 1450);
    ASSERT_EQ(netdev_get_mtu(netdev), 1450);
    ASSERT_OK(netdev_set_etheraddr(netdev, mac));
    ASSERT_MEM_EQ(kernel_mac("vxt-tap0").ea, mac.ea, ETH_ADDR_LEN);
    ASSERT_OK(netdev_update_flags(netdev, NETDEV_UP, 0, NULL));
    ASSERT_FALSE(netdev_get_flags(netdev) & NETDEV_UP);
    ASSERT_OK(netdev_update_flags(netdev, 0, NETDEV_UP, NULL));

    netdev_get_status(netdev, &s);
    ASSERT_STR_CONTAINS(ds_cstr(&s), "driver_name=tun");
    ds_destroy(&s);

    ASSERT_OK(netdev_open("vxt-tap0", "tap", &again));
    ASSERT_TRUE(again == netdev);
    netdev_close(again);
    netdev_close(netdev);
    /* The daemon's TAP device goes with it. */
    ASSERT_EQ(if_nametoindex("vxt-tap0"), 0);
}

TEST(tap_opens_a_persistent_device_and_internal_is_a_tap)
{
    struct netdev *netdev;

    setup();
    harness_run("ip tuntap add dev vxt-ptap mode tap");
    ASSERT_OK(netdev_open("vxt-ptap", "tap", &netdev));
    netdev_close(netdev);
    /* It was not ours to delete. */
    ASSERT_TRUE(if_nametoindex("vxt-ptap") > 0);

    ASSERT_OK(netdev_open("br-vxt", "internal", &netdev));
    ASSERT_TRUE(if_nametoindex("br-vxt") > 0);
    ASSERT_STR_EQ(netdev_get_type(netdev), "internal");
    netdev_close(netdev);

    /* A name that is a device of another kind cannot be a tap. */
    harness_run("ip link add vxt-dum type veth peer name vxt-dum1");
    ASSERT_NE(netdev_open("vxt-dum", "tap", &netdev), 0);
    ASSERT_TRUE(netdev == NULL);
}

/* The UDP datagram the kernel should get in tap_send_and_receive. */
static bool
is_arp_request_for_peer(const struct pkt *p)
{
    static const uint8_t peer[4] = { 10, 199, 1, 2 };

    return is_arp(p) && pkt_size(p) >= 42
           && !memcmp(pkt_data(p) + 38, peer, 4);
}

TEST(tap_send_and_receive_through_the_kernel)
{
    struct sockaddr_in sin;
    struct netdev_rxq *rxq;
    struct netdev *netdev;
    struct pkt_batch batch;
    struct eth_addr mac;
    uint8_t frame[128], got[64];
    struct pkt *p;
    int sock;
    ssize_t n;

    setup();
    ASSERT_OK(netdev_open("vxt-tap1", "tap", &netdev));
    ASSERT_OK(netdev_rxq_open(netdev, 0, &rxq));
    harness_run("ip addr add 10.199.1.1/24 dev vxt-tap1");

    /* Kernel to us: a datagram to 10.199.1.2 starts with an ARP request. */
    sock = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(4000);
    sin.sin_addr.s_addr = htonl(0x0ac70101);
    ASSERT_EQ(bind(sock, (struct sockaddr *) &sin, sizeof sin), 0);
    sin.sin_addr.s_addr = htonl(0x0ac70102);
    ASSERT_EQ(sendto(sock, "x", 1, 0, (struct sockaddr *) &sin, sizeof sin),
              1);
    p = recv_match(rxq, 3000, is_arp_request_for_peer);
    ASSERT_TRUE(p != NULL);
    ASSERT_TRUE(p->from_pool);
    pkt_free(p);

    /* Us to the kernel: a UDP datagram from 10.199.1.2 to the socket. */
    mac = netdev_get_etheraddr(netdev);
    memset(frame, 0, sizeof frame);
    memcpy(frame, mac.ea, 6);
    memcpy(frame + 6, "\x02\x00\x00\x00\x00\x02\x08\x00", 8);
    frame[14] = 0x45;
    frame[17] = 20 + 8 + 5;
    frame[22] = 64;
    frame[23] = 17;
    memcpy(frame + 26, "\x0a\xc7\x01\x02\x0a\xc7\x01\x01", 8);
    {
        be16 c = csum(frame + 14, 20);

        memcpy(frame + 24, &c, 2);
    }
    frame[34] = 0x30;
    frame[35] = 0x39;
    frame[36] = 4000 >> 8;
    frame[37] = 4000 & 0xff;
    frame[39] = 8 + 5;
    memcpy(frame + 42, "hello", 5);
    p = pkt_clone_data(frame, 47);
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, p);
    ASSERT_OK(netdev_send(netdev, 0, &batch, true));
    ASSERT_EQ(batch.count, 0);
    {
        struct pollfd pfd = { .fd = sock, .events = POLLIN };

        ASSERT_EQ(poll(&pfd, 1, 3000), 1);
    }
    n = recv(sock, got, sizeof got, 0);
    ASSERT_EQ(n, 5);
    ASSERT_MEM_EQ(got, "hello", 5);
    close(sock);

    {
        struct netdev_stats st;

        netdev_get_stats(netdev, &st);
        ASSERT_UEQ(st.tx_packets, 1);
        ASSERT_TRUE(st.rx_packets >= 1);
    }
    netdev_rxq_close(rxq);
    netdev_close(netdev);
}

/* A child process in a network namespace of its own. */
struct child {
    pid_t pid;
    int go[2];        /* Parent writes a byte once the tap is moved. */
    int ready[2];     /* Child writes a byte once it has its namespace. */
};

/* Starts a child that takes a namespace of its own and, once told, runs
 * FN(ARG) there and exits with its result. */
static void
child_start(struct child *c, int (*fn)(const void *), const void *arg)
{
    char byte;

    ASSERT_EQ(pipe(c->go), 0);
    ASSERT_EQ(pipe(c->ready), 0);
    c->pid = fork();
    ASSERT_TRUE(c->pid >= 0);
    if (!c->pid) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(60);
        if (unshare(CLONE_NEWNET) < 0) {
            _exit(99);
        }
        if (write(c->ready[1], "r", 1) != 1
            || read(c->go[0], &byte, 1) != 1) {
            _exit(98);
        }
        _exit(fn(arg));
    }
    ASSERT_EQ(read(c->ready[0], &byte, 1), 1);
}

static void
child_go(struct child *c)
{
    ASSERT_EQ(write(c->go[1], "g", 1), 1);
}

/* Returns the child's exit status if it exited, else -1. */
static int
child_poll(struct child *c)
{
    int status;

    if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
        c->pid = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
    }
    return -1;
}

#define TCP_BYTES (8 * 1024 * 1024)

/* Configures tap NAME (moved into this namespace) with ADDR/24. */
static int
child_config(const char *name, const char *addr)
{
    char cmd[256];

    snprintf(cmd, sizeof cmd, "ip link set lo up && ip link set %s up && "
             "ip addr add %s/24 dev %s", name, addr, name);
    return system(cmd) ? 1 : 0;
}

/* The TCP server instance: receives TCP_BYTES, answers "ok". */
static int
tcp_server(const void *name)
{
    struct sockaddr_in sin;
    size_t total = 0;
    static char buf[65536];
    int ls, s, one = 1;

    if (child_config(name, "10.199.2.1")) {
        return 2;
    }
    ls = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(5001);
    if (bind(ls, (struct sockaddr *) &sin, sizeof sin) || listen(ls, 1)) {
        return 3;
    }
    s = accept(ls, NULL, NULL);
    if (s < 0) {
        return 4;
    }
    while (total < TCP_BYTES) {
        ssize_t n = read(s, buf, sizeof buf);

        if (n <= 0) {
            return 5;
        }
        for (ssize_t i = 0; i < n; i++) {
            if ((uint8_t) buf[i] != (uint8_t) ((total + (size_t) i) % 251)) {
                return 6;
            }
        }
        total += (size_t) n;
    }
    return write(s, "ok", 2) == 2 ? 0 : 7;
}

/* The TCP client instance: sends TCP_BYTES to the server, waits for
 * "ok". */
static int
tcp_client(const void *name)
{
    struct sockaddr_in sin;
    static char buf[65536];
    size_t sent = 0;
    char ok[2];
    int s;

    if (child_config(name, "10.199.2.2")) {
        return 2;
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(5001);
    sin.sin_addr.s_addr = htonl(0x0ac70201);
    for (int i = 0; connect(s, (struct sockaddr *) &sin, sizeof sin); i++) {
        if (i > 100) {
            return 3;
        }
        close(s);
        s = socket(AF_INET, SOCK_STREAM, 0);
        usleep(50 * 1000);
    }
    while (sent < TCP_BYTES) {
        size_t n = MIN(sizeof buf, TCP_BYTES - sent);
        ssize_t w;

        for (size_t i = 0; i < n; i++) {
            buf[i] = (char) ((sent + i) % 251);
        }
        w = write(s, buf, n);
        if (w <= 0) {
            return 4;
        }
        sent += (size_t) w;
    }
    return read(s, ok, 2) == 2 && !memcmp(ok, "ok", 2) ? 0 : 5;
}

/* Checks that segment P (software-segmented for a device with MTU) is a
 * complete TCP/IPv4 frame: within the MTU, valid IPv4 and TCP checksums. */
static void
check_tcp4_segment(const struct pkt *p, int mtu)
{
    const uint8_t *d = pkt_data(p);
    const struct ip_header *ip = (const struct ip_header *) (d + 14);
    size_t l4_len;

    ASSERT_TRUE(pkt_size(p) <= (size_t) mtu + 14);
    ASSERT_FALSE(pkt_has_offload(p));
    ASSERT_EQ(d[12], 0x08);
    ASSERT_EQ(d[13], 0x00);
    ASSERT_EQ(ntohs(ip->ip_tot_len), pkt_size(p) - 14);
    ASSERT_EQ(csum(ip, 20), 0);
    l4_len = pkt_size(p) - 34;
    ASSERT_EQ(csum_finish(csum_continue(packet_csum_pseudoheader(ip),
                                        d + 34, l4_len)), 0);
}

TEST(tcp_between_namespaces_keeps_64k_gso_frames_whole)
{
    struct netdev *a, *b, *dummy;
    struct netdev_rxq *rxa, *rxb;
    struct child server, client;
    int st_server = -1, st_client = -1;
    size_t n_gso = 0, max_frame = 0, n_segs = 0, n_dummy_sent = 0;
    struct netdev_stats stb;
    struct timespec t0, t;

    setup();
    ASSERT_OK(netdev_open("vxt-ta", "tap", &a));
    ASSERT_OK(netdev_open("vxt-tb", "tap", &b));
    ASSERT_OK(netdev_open("vxt-dum0", "dummy", &dummy));
    ASSERT_OK(netdev_rxq_open(a, 0, &rxa));
    ASSERT_OK(netdev_rxq_open(b, 0, &rxb));
    ASSERT_EQ(netdev_get_ol_caps(dummy), 0);
    netdev_dummy_set_tx_queue_len(dummy, 1024);

    child_start(&server, tcp_server, "vxt-ta");
    child_start(&client, tcp_client, "vxt-tb");
    harness_run("ip link set vxt-ta netns %ld", (long) server.pid);
    harness_run("ip link set vxt-tb netns %ld", (long) client.pid);
    child_go(&server);
    child_go(&client);

    /* Forward between the taps until both instances are done; the first
     * few GSO frames from the client are also sent to a dummy device,
     * which takes no offload. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (st_server < 0 || st_client < 0) {
        struct netdev_rxq *rxqs[2] = { rxa, rxb };
        struct netdev *outs[2] = { b, a };
        bool worked = false;

        for (int i = 0; i < 2; i++) {
            struct pkt_batch batch;

            pkt_batch_init(&batch);
            if (netdev_rxq_recv(rxqs[i], &batch)) {
                continue;
            }
            worked = true;
            for (size_t j = 0; j < batch.count; j++) {
                struct pkt *p = batch.pkts[j];

                max_frame = MAX(max_frame, pkt_size(p));
                if (p->ol.gso_size && pkt_size(p) > 1514) {
                    n_gso++;
                    if (i == 1 && n_dummy_sent < 4) {
                        struct pkt_batch one;
                        struct pkt_gso gso;

                        ASSERT_OK(pkt_gso_start(&gso, p));
                        n_segs += pkt_gso_n_segs(&gso);
                        pkt_batch_init(&one);
                        pkt_batch_add(&one, p);
                        /* Left to us: the frame goes on to the tap. */
                        ASSERT_OK(netdev_send(dummy, 0, &one, false));
                        n_dummy_sent++;
                    }
                }
            }
            /* Until the instance sets its tap up, sends fail (EIO). */
            netdev_send(outs[i], 0, &batch, true);
        }
        if (st_server < 0) {
            st_server = child_poll(&server);
        }
        if (st_client < 0) {
            st_client = child_poll(&client);
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        ASSERT_TRUE(t.tv_sec - t0.tv_sec < 45);
        if (!worked) {
            usleep(200);
        }
    }
    ASSERT_EQ(st_server, 0);
    ASSERT_EQ(st_client, 0);

    /* The instance's 64 KiB segments went through whole. */
    ASSERT_TRUE(n_gso > 0);
    ASSERT_TRUE(max_frame > 1514);
    netdev_get_stats(a, &stb);
    ASSERT_TRUE(stb.tx_bytes / stb.tx_packets > 1514);

    /* The dummy got them cut to its MTU, with complete checksums. */
    ASSERT_TRUE(n_dummy_sent > 0);
    for (size_t i = 0; i < n_segs; i++) {
        struct pkt *seg = netdev_dummy_pop_tx(dummy);

        ASSERT_TRUE(seg != NULL);
        check_tcp4_segment(seg, 1500);
        pkt_free(seg);
    }
    ASSERT_TRUE(netdev_dummy_pop_tx(dummy) == NULL);

    netdev_rxq_close(rxa);
    netdev_rxq_close(rxb);
    netdev_close(a);
    netdev_close(b);
    netdev_close(dummy);
}

/* Returns true for a TCP/IPv4 frame. */
static bool
is_tcp4(const struct pkt *p)
{
    return pkt_size(p) >= 54 && pkt_data(p)[12] == 0x08
           && pkt_data(p)[13] == 0x00 && pkt_data(p)[23] == 6;
}

/* Makes a GSO TCP/IPv4 frame of PAYLOAD bytes with MSS 1448 (checksum
 * partial, as a guest hands it over), from POOL. */
static struct pkt *
make_gso_frame(struct pkt_pool *pool, size_t payload)
{
    struct pkt *p = pkt_pool_get_large(pool);
    uint8_t *d;
    struct ip_header *ip;
    be16 c;

    ASSERT_TRUE(p != NULL);
    d = pkt_put_uninit(p, 54 + payload);
    memset(d, 0, 54);
    memcpy(d, "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x08\x00", 14);
    ip = (struct ip_header *) (d + 14);
    ip->ip_ihl_ver = 0x45;
    ip->ip_tot_len = htons((uint16_t) (40 + payload));
    ip->ip_ttl = 64;
    ip->ip_proto = 6;
    memcpy(d + 26, "\x0a\xc7\x03\x01\x0a\xc7\x03\x02", 8);
    ip->ip_csum = csum(ip, 20);
    d[34] = 0x9c;
    d[36] = 0x13;
    d[37] = 0x89;
    d[46] = 0x50;
    d[47] = TCP_ACK | TCP_PSH;
    d[48] = 0xff;
    for (size_t i = 0; i < payload; i++) {
        d[54 + i] = (uint8_t) i;
    }
    /* A partial checksum holds the pseudo-header's sum. */
    c = (be16) ~csum_finish(packet_csum_pseudoheader(ip));
    memcpy(d + 50, &c, 2);
    p->ol.gso_type = PKT_GSO_TCPV4;
    p->ol.gso_size = 1448;
    p->ol.csum_partial = true;
    p->ol.csum_start = 34;
    p->ol.csum_offset = 16;
    return p;
}

TEST(system_port_on_a_veth_with_and_without_tso)
{
    struct pkt_pool *pool = pkt_pool_create_mixed(64, PKT_DEFAULT_SIZE, 4,
                                                  PKT_LARGE_SIZE);
    struct netdev *v0, *v1;
    struct netdev_rxq *rx1;
    struct pkt_batch batch;
    struct pkt *p;
    size_t n = 0, bytes = 0;

    setup();
    if (system("ethtool --version >/dev/null 2>&1") != 0) {
        pkt_pool_destroy(pool);
        SKIP("needs ethtool(8)");
    }
    ASSERT_EQ(netdev_open("vxt-none", "system", &v0), ENODEV);
    harness_run("ip link add vxt-v0 type veth peer name vxt-v1");
    harness_run("ethtool -K vxt-v0 tso off >/dev/null");
    ASSERT_OK(netdev_open("vxt-v0", "system", &v0));
    ASSERT_OK(netdev_open("vxt-v1", "system", &v1));
    ASSERT_OK(netdev_rxq_open(v1, 0, &rx1));
    ASSERT_FALSE(netdev_get_ol_caps(v0) & NETDEV_OL_TSO4);
    ASSERT_TRUE(netdev_get_ol_caps(v1) & NETDEV_OL_TSO4);
    ASSERT_TRUE(netdev_get_flags(v1) & NETDEV_UP);

    /* Without TSO on vxt-v0 the frame is cut by vxstack: 10000 bytes make
     * 7 segments, each a complete frame on the other end. */
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, make_gso_frame(pool, 10000));
    ASSERT_OK(netdev_send(v0, 0, &batch, true));
    while (n < 7 && (p = recv_match(rx1, 2000, is_tcp4)) != NULL) {
        check_tcp4_segment(p, 1500);
        bytes += pkt_size(p) - 54;
        n++;
        pkt_free(p);
    }
    ASSERT_UEQ(n, 7);
    ASSERT_UEQ(bytes, 10000);

    /* With TSO the frame goes whole to the kernel, and the other end of
     * the veth reads it whole with its GSO state. */
    netdev_close(v0);
    harness_run("ethtool -K vxt-v0 tso on >/dev/null");
    ASSERT_OK(netdev_open("vxt-v0", "system", &v0));
    ASSERT_TRUE(netdev_get_ol_caps(v0) & NETDEV_OL_TSO4);
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, make_gso_frame(pool, 20000));
    ASSERT_OK(netdev_send(v0, 0, &batch, true));
    p = recv_match(rx1, 2000, is_tcp4);
    ASSERT_TRUE(p != NULL);
    ASSERT_UEQ(pkt_size(p), 54 + 20000);
    ASSERT_EQ(p->ol.gso_type & ~PKT_GSO_ECN, PKT_GSO_TCPV4);
    ASSERT_EQ(p->ol.gso_size, 1448);
    pkt_free(p);

    /* A VLAN tag the kernel takes out on receive is put back. */
    {
        static const uint8_t tagged[64] =
            "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x81\x00\x00\x64"
            "\x88\xb5";

        pkt_batch_init(&batch);
        pkt_batch_add(&batch, pkt_clone_data(tagged, sizeof tagged));
        ASSERT_OK(netdev_send(v0, 0, &batch, true));
        p = recv_match(rx1, 2000, NULL);
        while (p && (pkt_data(p)[12] != 0x81 || pkt_size(p) != 64)) {
            pkt_free(p);
            p = recv_match(rx1, 2000, NULL);
        }
        ASSERT_TRUE(p != NULL);
        ASSERT_MEM_EQ(pkt_data(p), tagged, sizeof tagged);
        pkt_free(p);
    }

    netdev_rxq_close(rx1);
    netdev_close(v0);
    netdev_close(v1);
    pkt_pool_destroy(pool);
}

/* Receives on RXQ until it reports an error, for up to 3 s; returns it. */
static int
recv_until_error(struct netdev_rxq *rxq)
{
    for (int i = 0; i < 3000; i++) {
        struct pkt_batch batch;
        int error;

        pkt_batch_init(&batch);
        error = netdev_rxq_recv(rxq, &batch);
        pkt_batch_free(&batch);
        if (error && error != EAGAIN) {
            return error;
        }
        usleep(1000);
    }
    return 0;
}

/* An instance that configures its tap and exits at once. */
static int
vanishing_instance(const void *name)
{
    return child_config(name, "10.199.4.1");
}

TEST(devices_deleted_under_an_open_netdev_report_an_error)
{
    struct netdev *tap, *sys;
    struct netdev_rxq *rxt, *rxs;
    struct child child;
    struct pkt_batch batch;
    uint64_t seq = netdev_error_seq();
    struct netdev_stats st;
    int status;

    setup();

    /* A tap whose namespace is deleted. */
    ASSERT_OK(netdev_open("vxt-gone", "tap", &tap));
    ASSERT_OK(netdev_rxq_open(tap, 0, &rxt));
    child_start(&child, vanishing_instance, "vxt-gone");
    harness_run("ip link set vxt-gone netns %ld", (long) child.pid);
    child_go(&child);
    ASSERT_EQ(waitpid(child.pid, &status, 0), child.pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_EQ(recv_until_error(rxt), ENODEV);
    ASSERT_EQ(netdev_get_error(tap), ENODEV);
    ASSERT_TRUE(netdev_error_seq() != seq);
    seq = netdev_error_seq();
    /* It is not polled any more, and sends are dropped. */
    pkt_batch_init(&batch);
    ASSERT_EQ(netdev_rxq_recv(rxt, &batch), ENODEV);
    pkt_batch_init(&batch);
    pkt_batch_add(&batch, pkt_clone_data("\x02\x00\x00\x00\x00\x01\x02\x00"
                                         "\x00\x00\x00\x02\x08\x00", 14));
    ASSERT_EQ(netdev_send(tap, 0, &batch, true), ENODEV);
    netdev_get_stats(tap, &st);
    ASSERT_UEQ(st.tx_dropped, 1);

    /* A system device removed with `ip link del`. */
    harness_run("ip link add vxt-d0 type veth peer name vxt-d1");
    ASSERT_OK(netdev_open("vxt-d0", "system", &sys));
    ASSERT_OK(netdev_rxq_open(sys, 0, &rxs));
    ASSERT_EQ(netdev_get_error(sys), 0);
    harness_run("ip link del vxt-d1");
    ASSERT_EQ(recv_until_error(rxs), ENODEV);
    ASSERT_EQ(netdev_get_error(sys), ENODEV);
    ASSERT_TRUE(netdev_error_seq() != seq);

    netdev_rxq_close(rxt);
    netdev_rxq_close(rxs);
    netdev_close(tap);
    netdev_close(sys);
}

TEST(registry_lists_real_types)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ASSERT_OK(netdev_linux_register());
    ASSERT_OK(netdev_linux_register());
    netdev_format_real_types(&s);
    ASSERT_STR_CONTAINS(ds_cstr(&s), "internal system tap");
    ASSERT_TRUE(strstr(ds_cstr(&s), "dummy") == NULL);
    ds_clear(&s);
    netdev_format_types(&s);
    ASSERT_STR_CONTAINS(ds_cstr(&s), "dummy internal system tap");
    ds_destroy(&s);
}
