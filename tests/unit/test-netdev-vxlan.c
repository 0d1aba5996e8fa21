/*
 * test-netdev-vxlan.c: the vxlan device (datapath/netdev-vxlan.h) over
 * loopback, without root: two devices in one process, vxlan_a on
 * 127.0.0.11 and vxlan_b on 127.0.0.31, exchange frames; a plain UDP
 * socket on 127.0.0.41 stands for a foreign VTEP that checks the bytes on
 * the wire with its own parser (and tcpdump, where installed, reads them
 * from a pcap file) and sends bad datagrams.  The UDP port is picked per
 * process rather than 4789, so that these tests do not collide with
 * daemons or other test runs on the same machine.
 *
 * With root, kernel_interop also checks interoperation with the Linux
 * kernel's vxlan device, in network namespaces of its own: the kernel
 * pings an address that the test answers through the vxlan device.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/virtio_net.h>

#include "datapath/dpif.h"
#include "datapath/netdev-dummy.h"
#include "datapath/netdev-vxlan.h"
#include "datapath/netdev.h"
#include "flow/odp.h"
#include "harness.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "packet/flow.h"
#include "packet/packets.h"
#include "packet/pkt.h"
#include "packet-util.h"

#define IP_A 0x7f00000b    /* 127.0.0.11: vxlan_a. */
#define IP_B 0x7f00001f    /* 127.0.0.31: vxlan_b. */
#define IP_PEER 0x7f000029 /* 127.0.0.41: the test's own socket. */
#define VNI 239

/* The two devices, the UDP port of this run and the test's own socket
 * bound to 127.0.0.41 on that port. */
struct pair {
    struct netdev *a, *b;
    struct netdev_rxq *rxq_b;
    uint16_t port;
    int peer_fd;
};

/* Returns a UDP socket bound to IP:PORT (host order), or -1. */
static int
udp_bind(uint32_t ip, uint16_t port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = htonl(ip),
    };
    struct timeval tv = { .tv_sec = 2 };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int on = 1;

    ASSERT_GE(fd, 0);
    if (bind(fd, (struct sockaddr *) &sin, sizeof sin)) {
        close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Opens vxlan_a and vxlan_b on a UDP port free on all three addresses. */
static void
pair_open(struct pair *pair)
{
    be32 ip_a = htonl(IP_A), ip_b = htonl(IP_B);

    ASSERT_OK(netdev_vxlan_register());
    ASSERT_OK(netdev_open("vxlan_a", "vxlan", &pair->a));
    ASSERT_OK(netdev_open("vxlan_b", "vxlan", &pair->b));
    ASSERT_TRUE(netdev_is_vxlan(pair->a));
    for (int i = 0; i < 100; i++) {
        uint16_t port = (uint16_t) (20000 + (getpid() * 7 + i * 131) % 10000);

        pair->peer_fd = udp_bind(IP_PEER, port);
        if (pair->peer_fd < 0) {
            continue;
        }
        if (!netdev_vxlan_set_endpoints(pair->a, &ip_a, 1, port)
            && !netdev_vxlan_set_endpoints(pair->b, &ip_b, 1, port)) {
            pair->port = port;
            ASSERT_EQ(netdev_vxlan_dst_port(pair->a), port);
            ASSERT_OK(netdev_rxq_open(pair->b, 0, &pair->rxq_b));
            return;
        }
        close(pair->peer_fd);
    }
    SKIP("no free UDP port on 127.0.0.11, 127.0.0.31 and 127.0.0.41");
}

static void
pair_close(struct pair *pair)
{
    netdev_rxq_close(pair->rxq_b);
    netdev_close(pair->a);
    netdev_close(pair->b);
    close(pair->peer_fd);
}

/* Returns a new IPv4/UDP frame of SIZE bytes (>= 42) of flow number FLOW,
 * whose payload starts with MARK. */
static struct pkt *
make_frame(uint16_t flow_no, size_t size, uint8_t mark)
{
    uint8_t *buf = xzalloc(size + 64);
    struct flow flow;
    struct pkt *p;
    size_t len;

    memset(&flow, 0, sizeof flow);
    flow.dl_src = (struct eth_addr) { { 0xfa, 0x16, 0x3e, 0, 0, 1 } };
    flow.dl_dst = (struct eth_addr) { { 0xfa, 0x16, 0x3e, 0, 0, 2 } };
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.nw_src = htonl(0xc0a86501);
    flow.nw_dst = htonl(0xc0a86502);
    flow.nw_proto = IPPROTO_UDP_;
    flow.nw_ttl = 64;
    flow.tp_src = htons(flow_no);
    flow.tp_dst = htons(53);
    len = flow_compose(&flow, size - 42, buf, size + 64);
    ASSERT_EQ(len, size);
    buf[42] = mark;
    p = pkt_clone_data(buf, len);
    free(buf);
    return p;
}

/* Sets P's tunnel metadata for leaving vxlan_a toward DST. */
static void
set_tunnel(struct pkt *p, uint32_t dst, uint16_t port)
{
    memset(&p->md.tunnel, 0, sizeof p->md.tunnel);
    p->md.tunnel.tun_id = htonll(VNI);
    p->md.tunnel.ip_src = htonl(IP_A);
    p->md.tunnel.ip_dst = htonl(dst);
    p->md.tunnel.tp_dst = htons(port);
    p->md.tunnel.ip_ttl = 64;
    p->md.tunnel.flags = FLOW_TNL_F_DONT_FRAGMENT | FLOW_TNL_F_KEY;
}

/* Sends the N packets at PKTS (kept by the caller) on NETDEV. */
static void
send_pkts(struct netdev *netdev, struct pkt **pkts, size_t n)
{
    struct pkt_batch batch;

    pkt_batch_init(&batch);
    for (size_t i = 0; i < n; i++) {
        pkt_batch_add(&batch, pkts[i]);
    }
    ASSERT_OK(netdev_send(netdev, 0, &batch, false));
}

/* Receives packets from RXQ into PKTS until N arrived or 2 s passed.
 * Returns the number received. */
static size_t
recv_pkts(struct netdev_rxq *rxq, struct pkt **pkts, size_t n)
{
    size_t got = 0;

    for (int tries = 0; got < n && tries < 2000; tries++) {
        struct pkt_batch batch;

        pkt_batch_init(&batch);
        if (netdev_rxq_recv(rxq, &batch)) {
            usleep(1000);
            continue;
        }
        for (size_t i = 0; i < batch.count; i++) {
            ASSERT_LT(got, n);
            pkts[got++] = batch.pkts[i];
        }
    }
    return got;
}

/* Returns the value of KEY in NETDEV's status, or -1. */
static long long int
status_value(struct netdev *netdev, const char *key)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    long long int value = -1;
    char *pattern = xasprintf("\n%s=", key);
    char *s;

    ds_put_char(&ds, '\n');
    netdev_get_status(netdev, &ds);
    s = strstr(ds_cstr(&ds), pattern);
    if (s) {
        value = atoll(s + strlen(pattern));
    }
    free(pattern);
    ds_destroy(&ds);
    return value;
}

/* Returns true if NETDEV's status contains LINE. */
static bool
status_has(struct netdev *netdev, const char *line)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    bool found;

    ds_put_char(&ds, '\n');
    netdev_get_status(netdev, &ds);
    found = strstr(ds_cstr(&ds), line) != NULL;
    ds_destroy(&ds);
    return found;
}

/* Reads the kernel's local port range into *LO and *HI. */
static void
local_port_range(int *lo, int *hi)
{
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

    *lo = 1024;
    *hi = 65535;
    if (f) {
        if (fscanf(f, "%d %d", lo, hi) != 2) {
            *lo = 1024;
            *hi = 65535;
        }
        fclose(f);
    }
}

TEST(parse_verdicts)
{
    uint8_t d[8 + 34] = { 0x08, 0, 0, 0, 0, 0, VNI, 0 };
    uint32_t vni;

    /* An inner Ethernet + IPv4 header. */
    d[8 + 12] = 0x08;
    d[8 + 14] = 0x45;
    ASSERT_EQ(netdev_vxlan_parse(d, sizeof d, &vni), VXLAN_RX_OK);
    ASSERT_EQ(vni, VNI);
    ASSERT_EQ(netdev_vxlan_parse(d, 7, &vni), VXLAN_RX_SHORT);
    ASSERT_EQ(netdev_vxlan_parse(d, 8 + 13, &vni), VXLAN_RX_INNER_SHORT);
    ASSERT_EQ(netdev_vxlan_parse(d, 8 + 30, &vni), VXLAN_RX_INNER_SHORT);
    d[8 + 14] = 0x46;   /* IHL 6: 24 bytes, 20 present. */
    ASSERT_EQ(netdev_vxlan_parse(d, 8 + 34, &vni), VXLAN_RX_INNER_SHORT);
    d[8 + 14] = 0x45;
    d[0] = 0x00;
    ASSERT_EQ(netdev_vxlan_parse(d, sizeof d, &vni), VXLAN_RX_NO_VNI);
    d[0] = 0x88;
    ASSERT_EQ(netdev_vxlan_parse(d, sizeof d, &vni), VXLAN_RX_RESERVED);
    d[0] = 0x08;
    d[7] = 1;
    ASSERT_EQ(netdev_vxlan_parse(d, sizeof d, &vni), VXLAN_RX_RESERVED);
    d[7] = 0;
    d[3] = 1;
    ASSERT_EQ(netdev_vxlan_parse(d, sizeof d, &vni), VXLAN_RX_RESERVED);
}

TEST(round_trip)
{
    struct pair pair;
    struct pkt *p, *r[1];
    struct netdev_stats st;
    int lo, hi;

    pair_open(&pair);
    p = make_frame(1, 98, 0xa5);
    set_tunnel(p, IP_B, pair.port);
    send_pkts(pair.a, &p, 1);
    ASSERT_EQ(recv_pkts(pair.rxq_b, r, 1), 1);

    ASSERT_EQ(pkt_size(r[0]), 98);
    ASSERT_MEM_EQ(pkt_data(r[0]), pkt_data(p), 98);
    ASSERT_HEX_EQ(ntohll(r[0]->md.tunnel.tun_id), VNI);
    ASSERT_HEX_EQ(ntohl(r[0]->md.tunnel.ip_src), IP_A);
    ASSERT_HEX_EQ(ntohl(r[0]->md.tunnel.ip_dst), IP_B);
    ASSERT_EQ(ntohs(r[0]->md.tunnel.tp_dst), pair.port);
    local_port_range(&lo, &hi);
    ASSERT_GE(ntohs(r[0]->md.tunnel.tp_src), lo);
    ASSERT_LE(ntohs(r[0]->md.tunnel.tp_src), hi);
    ASSERT_EQ(r[0]->md.tunnel.ip_ttl, 64);
    ASSERT_EQ(r[0]->md.tunnel.flags, FLOW_TNL_F_KEY);

    netdev_get_stats(pair.a, &st);
    ASSERT_EQ(st.tx_packets, 1);
    ASSERT_EQ(st.tx_bytes, 98);
    netdev_get_stats(pair.b, &st);
    ASSERT_EQ(st.rx_packets, 1);
    ASSERT_EQ(st.rx_bytes, 98);
    pkt_free(p);
    pkt_free(r[0]);
    pair_close(&pair);
}

/* Receives one datagram on FD into BUF (SIZE bytes): returns its length
 * and stores the sender in *FROM and the TTL in *TTL. */
static size_t
peer_recv(int fd, uint8_t *buf, size_t size, struct sockaddr_in *from,
          int *ttl)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { buf, size };
    struct msghdr m = {
        .msg_name = from, .msg_namelen = sizeof *from,
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof control.buf,
    };
    ssize_t n = recvmsg(fd, &m, 0);

    ASSERT_GT(n, 0);
    *ttl = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
            memcpy(ttl, CMSG_DATA(c), sizeof *ttl);
        }
    }
    return (size_t) n;
}

/* Writes the VXLAN payload of LEN bytes at VX, with the outer Ethernet,
 * IPv4 and UDP headers rebuilt from what the socket saw (the UDP
 * destination port written as 4789, which tcpdump decodes as VXLAN), as
 * a one-packet pcap file at PATH. */
static void
write_outer_pcap(const char *path, const uint8_t *vx, size_t len,
                 const struct sockaddr_in *from, int ttl)
{
    static const uint8_t global[24] = {
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0xff, 0xff, 0, 0, 1, 0, 0, 0,
    };
    size_t frame_len = 14 + 20 + 8 + len;
    uint8_t *f = xzalloc(frame_len);
    struct ip_header *ip = (struct ip_header *) (f + 14);
    struct udp_header *udp = (struct udp_header *) (f + 34);
    uint32_t rec[4] = { 0, 0, (uint32_t) frame_len, (uint32_t) frame_len };
    FILE *file = fopen(path, "wb");

    ASSERT_TRUE(file != NULL);
    f[5] = 1;
    f[11] = 2;
    f[12] = 0x08;
    ip->ip_ihl_ver = 0x45;
    ip->ip_tot_len = htons((uint16_t) (frame_len - 14));
    ip->ip_frag_off = htons(IP_DONT_FRAGMENT);
    ip->ip_ttl = (uint8_t) ttl;
    ip->ip_proto = IPPROTO_UDP_;
    ip->ip_src = from->sin_addr.s_addr;
    ip->ip_dst = htonl(IP_PEER);
    ip->ip_csum = csum(ip, 20);
    udp->udp_src = from->sin_port;
    udp->udp_dst = htons(4789);
    udp->udp_len = htons((uint16_t) (8 + len));
    memcpy(f + 42, vx, len);
    ASSERT_EQ(fwrite(global, 1, sizeof global, file), sizeof global);
    ASSERT_EQ(fwrite(rec, 1, sizeof rec, file), sizeof rec);
    ASSERT_EQ(fwrite(f, 1, frame_len, file), frame_len);
    ASSERT_EQ(fclose(file), 0);
    free(f);
}

TEST(wire_format)
{
    static uint8_t buf[65536];
    struct sockaddr_in from;
    struct pair pair;
    struct pkt *p;
    uint16_t sport, sports[16];
    size_t n_distinct = 0;
    int lo, hi, ttl;
    size_t n;

    pair_open(&pair);
    p = make_frame(7, 98, 0x5a);
    set_tunnel(p, IP_PEER, pair.port);
    send_pkts(pair.a, &p, 1);
    n = peer_recv(pair.peer_fd, buf, sizeof buf, &from, &ttl);

    /* RFC 7348 §5: flags 0x08, 24 reserved bits, VNI, 8 reserved bits,
     * then the inner frame unchanged. */
    ASSERT_EQ(n, 8 + 98);
    ASSERT_HEX_EQ(buf[0], 0x08);
    ASSERT_EQ(buf[1] | buf[2] | buf[3] | buf[7], 0);
    ASSERT_EQ((uint32_t) buf[4] << 16 | (uint32_t) buf[5] << 8 | buf[6],
              VNI);
    ASSERT_MEM_EQ(buf + 8, pkt_data(p), 98);
    ASSERT_HEX_EQ(ntohl(from.sin_addr.s_addr), IP_A);
    ASSERT_EQ(ttl, 64);
    sport = ntohs(from.sin_port);
    local_port_range(&lo, &hi);
    ASSERT_GE(sport, lo);
    ASSERT_LE(sport, hi);

    if (!system("command -v tcpdump >/dev/null 2>&1")) {
        char path[] = "/tmp/test-netdev-vxlan-XXXXXX";
        char cmd[128];
        char text[1024];
        FILE *out;
        size_t n_text;
        int fd = mkstemp(path);

        ASSERT_GE(fd, 0);
        close(fd);
        write_outer_pcap(path, buf, n, &from, ttl);
        snprintf(cmd, sizeof cmd, "tcpdump -nr %s 2>/dev/null", path);
        out = popen(cmd, "r");
        ASSERT_TRUE(out != NULL);
        n_text = fread(text, 1, sizeof text - 1, out);
        text[n_text] = '\0';
        pclose(out);
        unlink(path);
        ASSERT_STR_CONTAINS(text, "VXLAN, flags [I] (0x08), vni 239");
        ASSERT_STR_CONTAINS(text, "192.168.101.1.7 > 192.168.101.2.53");
    } else {
        printf("tcpdump not installed: wire bytes checked by the test's "
               "parser only\n");
    }

    /* The same flow keeps its source port; different flows spread. */
    send_pkts(pair.a, &p, 1);
    peer_recv(pair.peer_fd, buf, sizeof buf, &from, &ttl);
    ASSERT_EQ(ntohs(from.sin_port), sport);
    pkt_free(p);
    for (uint16_t f = 100; f < 116; f++) {
        bool seen = false;

        p = make_frame(f, 60, 0);
        set_tunnel(p, IP_PEER, pair.port);
        send_pkts(pair.a, &p, 1);
        pkt_free(p);
        peer_recv(pair.peer_fd, buf, sizeof buf, &from, &ttl);
        for (size_t i = 0; i < n_distinct; i++) {
            seen |= sports[i] == ntohs(from.sin_port);
        }
        if (!seen) {
            sports[n_distinct++] = ntohs(from.sin_port);
        }
    }
    ASSERT_GE(n_distinct, 4);
    pair_close(&pair);
}

/* Sends 32 frames as one batch and checks that vxlan_b receives each once
 * and in order: with SAME_FLOW they form one UDP_SEGMENT train (and may be
 * coalesced by GRO on receive); without, they spread over sockets. */
static void
check_batch(bool same_flow)
{
    struct pkt *pkts[PKT_BATCH_SIZE], *r[PKT_BATCH_SIZE];
    struct netdev_stats st;
    struct pair pair;

    pair_open(&pair);
    for (size_t i = 0; i < PKT_BATCH_SIZE; i++) {
        pkts[i] = make_frame(same_flow ? 9 : (uint16_t) (200 + i), 1000,
                             (uint8_t) i);
        set_tunnel(pkts[i], IP_B, pair.port);
    }
    send_pkts(pair.a, pkts, PKT_BATCH_SIZE);
    ASSERT_EQ(recv_pkts(pair.rxq_b, r, PKT_BATCH_SIZE), PKT_BATCH_SIZE);
    for (size_t i = 0; i < PKT_BATCH_SIZE; i++) {
        bool found = false;

        ASSERT_EQ(pkt_size(r[i]), 1000);
        ASSERT_HEX_EQ(ntohll(r[i]->md.tunnel.tun_id), VNI);
        if (same_flow) {
            ASSERT_MEM_EQ(pkt_data(r[i]), pkt_data(pkts[i]), 1000);
        }
        for (size_t j = 0; j < PKT_BATCH_SIZE; j++) {
            found |= !memcmp(pkt_data(r[i]), pkt_data(pkts[j]), 1000);
        }
        ASSERT_TRUE(found);
    }
    netdev_get_stats(pair.a, &st);
    ASSERT_EQ(st.tx_packets, PKT_BATCH_SIZE);
    ASSERT_EQ(st.tx_errors + st.tx_dropped, 0);
    netdev_get_stats(pair.b, &st);
    ASSERT_EQ(st.rx_packets, PKT_BATCH_SIZE);
    ASSERT_EQ(status_value(pair.a, "tx_gso_fallback"), 0);
    for (size_t i = 0; i < PKT_BATCH_SIZE; i++) {
        pkt_free(pkts[i]);
        pkt_free(r[i]);
    }
    pair_close(&pair);
}

TEST(batch_one_flow)
{
    check_batch(true);
}

TEST(batch_many_flows)
{
    check_batch(false);
}

/* Sends LEN bytes at DATA from the test's socket to vxlan_b. */
static void
peer_send(const struct pair *pair, const void *data, size_t len)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(pair->port),
        .sin_addr.s_addr = htonl(IP_B),
    };

    ASSERT_EQ(sendto(pair->peer_fd, data, len, 0, (struct sockaddr *) &sin,
                     sizeof sin), (ssize_t) len);
}

/* Builds into D a valid VXLAN datagram of 8 + 42 bytes (an inner
 * IPv4/UDP frame) and returns its length. */
static size_t
valid_datagram(uint8_t *d)
{
    struct pkt *p = make_frame(1, 42, 0);

    memset(d, 0, 8);
    d[0] = 0x08;
    d[6] = VNI;
    memcpy(d + 8, pkt_data(p), 42);
    pkt_free(p);
    return 50;
}

TEST(bad_inputs)
{
    uint8_t good[50], d[64];
    struct netdev_stats st;
    struct pkt_batch batch;
    struct pair pair;
    struct pkt *r[1];

    pair_open(&pair);
    valid_datagram(good);

    /* V1: shorter than the VXLAN header. */
    peer_send(&pair, good, 4);
    /* V2: I flag clear. */
    memcpy(d, good, 50);
    d[0] = 0;
    peer_send(&pair, d, 50);
    /* V3: a reserved flag, a reserved bit after the flags, the reserved
     * byte after the VNI. */
    memcpy(d, good, 50);
    d[0] = 0x0c;
    peer_send(&pair, d, 50);
    memcpy(d, good, 50);
    d[2] = 0x10;
    peer_send(&pair, d, 50);
    memcpy(d, good, 50);
    d[7] = 1;
    peer_send(&pair, d, 50);
    /* V6: inner frame shorter than Ethernet; IPv4 header cut; IHL past
     * the end. */
    peer_send(&pair, good, 8 + 10);
    peer_send(&pair, good, 8 + 14 + 12);
    memcpy(d, good, 50);
    d[8 + 14] = 0x4f;
    peer_send(&pair, d, 8 + 14 + 20);
    /* Then a valid one, which must be the only packet delivered. */
    peer_send(&pair, good, 50);

    ASSERT_EQ(recv_pkts(pair.rxq_b, r, 1), 1);
    ASSERT_MEM_EQ(pkt_data(r[0]), good + 8, 42);
    /* The datagrams of one socket arrive in order: the bad ones were all
     * looked at before the good one. */
    pkt_batch_init(&batch);
    ASSERT_EQ(netdev_rxq_recv(pair.rxq_b, &batch), EAGAIN);
    ASSERT_HEX_EQ(ntohl(r[0]->md.tunnel.ip_src), IP_PEER);
    pkt_free(r[0]);

    ASSERT_EQ(status_value(pair.b, "rx_bad_length"), 1);
    ASSERT_EQ(status_value(pair.b, "rx_bad_flags"), 1);
    ASSERT_EQ(status_value(pair.b, "rx_bad_reserved"), 3);
    ASSERT_EQ(status_value(pair.b, "rx_bad_inner"), 3);
    netdev_get_stats(pair.b, &st);
    ASSERT_EQ(st.rx_errors, 8);
    ASSERT_EQ(st.rx_packets, 1);
    pair_close(&pair);
}

TEST(ecn_decap)
{
    uint8_t good[50], d[50];
    struct pkt_batch batch;
    struct pair pair;
    struct pkt *r[2];
    int tos = IP_ECN_CE;
    const uint8_t *ip;

    /* Outer CE (RFC 6040): an inner Not-ECT packet is dropped, an inner
     * ECT(0) one is marked CE with its checksum fixed. */
    pair_open(&pair);
    ASSERT_OK(setsockopt(pair.peer_fd, IPPROTO_IP, IP_TOS, &tos,
                         sizeof tos));
    valid_datagram(good);
    peer_send(&pair, good, sizeof good);
    memcpy(d, good, sizeof d);
    d[8 + 15] = 0x02;                           /* ECT(0). */
    d[8 + 24] = d[8 + 25] = 0;
    {
        be16 sum = csum(d + 8 + 14, 20);

        memcpy(d + 8 + 24, &sum, 2);
    }
    peer_send(&pair, d, sizeof d);
    ASSERT_EQ(recv_pkts(pair.rxq_b, r, 1), 1);
    pkt_batch_init(&batch);
    ASSERT_EQ(netdev_rxq_recv(pair.rxq_b, &batch), EAGAIN);

    ip = pkt_data(r[0]) + 14;
    ASSERT_EQ(ip[1], IP_ECN_CE);
    ASSERT_HEX_EQ(csum(ip, 20), 0);
    ASSERT_EQ(r[0]->md.tunnel.ip_tos, IP_ECN_CE);
    ASSERT_EQ(status_value(pair.b, "rx_ecn_not_ect"), 1);
    pkt_free(r[0]);
    pair_close(&pair);
}

TEST(random_bytes)
{
    uint64_t seed = 239;
    uint8_t good[50], d[256];
    struct netdev_stats st;
    struct pair pair;
    size_t delivered = 0;
    const int n = 2000;

    pair_open(&pair);
    valid_datagram(good);
    for (int i = 0; i < n; i++) {
        size_t len = test_random(&seed) % sizeof d;

        for (size_t j = 0; j < len; j++) {
            d[j] = (uint8_t) test_random(&seed);
        }
        /* Half of them pass the header checks and test the inner ones. */
        if (len >= 8 && i % 2) {
            memcpy(d, good, 8);
        }
        peer_send(&pair, d, len);
        if (i % 64 == 63) {
            struct pkt_batch batch;

            /* Keep the socket buffer from overflowing. */
            pkt_batch_init(&batch);
            while (!netdev_rxq_recv(pair.rxq_b, &batch)) {
                delivered += batch.count;
                pkt_batch_free(&batch);
            }
        }
    }
    peer_send(&pair, good, 50);
    for (int tries = 0; tries < 2000; tries++) {
        struct pkt_batch batch;

        pkt_batch_init(&batch);
        netdev_get_stats(pair.b, &st);
        if (st.rx_packets + st.rx_errors == (uint64_t) n + 1) {
            break;
        }
        if (netdev_rxq_recv(pair.rxq_b, &batch)) {
            usleep(1000);
        }
        delivered += batch.count;
        pkt_batch_free(&batch);
    }
    netdev_get_stats(pair.b, &st);
    ASSERT_EQ(st.rx_packets + st.rx_errors, (uint64_t) n + 1);
    ASSERT_EQ(st.rx_packets, delivered);
    ASSERT_GE(st.rx_packets, 1);
    pair_close(&pair);
}

TEST(rx_overflow_counted)
{
    static uint8_t good[1500];
    struct netdev_stats st;
    struct pair pair;
    const int n = 30000;

    /* More datagrams than the socket buffer holds (45 MB, where the
     * device asks for 8 MB), before any is read: the kernel's drops show
     * up as rx_dropped (SO_RXQ_OVFL). */
    pair_open(&pair);
    valid_datagram(good);
    for (int i = 0; i < n; i++) {
        peer_send(&pair, good, sizeof good);
    }
    /* The kernel reports the drops with the next datagram it queues. */
    for (int round = 0; round < 2; round++) {
        struct pkt_batch batch;

        pkt_batch_init(&batch);
        while (!netdev_rxq_recv(pair.rxq_b, &batch)) {
            pkt_batch_free(&batch);
        }
        if (!round) {
            peer_send(&pair, good, sizeof good);
            usleep(10000);
        }
    }
    netdev_get_stats(pair.b, &st);
    ASSERT_GT(st.rx_dropped, 0);
    ASSERT_EQ(st.rx_packets + st.rx_dropped, (uint64_t) n + 1);
    pair_close(&pair);
}

TEST(any_endpoint)
{
    static uint8_t buf[65536];
    be32 ips[2] = { htonl(INADDR_ANY), htonl(IP_A) };
    struct sockaddr_in from, to;
    struct netdev_rxq *rxq;
    struct pkt *p, *r[1];
    struct netdev *c;
    uint16_t port = 0, peer_port;
    uint8_t good[50];
    socklen_t len = sizeof from;
    int fd, ttl, error = EADDRINUSE;

    /* A tunnel without local_ip: one socket on INADDR_ANY receives for
     * every local address (the one a datagram came to is its ip_dst) and
     * sends from the address the metadata asks for. */
    ASSERT_OK(netdev_vxlan_register());
    ASSERT_OK(netdev_open("vxlan_any", "vxlan", &c));
    fd = udp_bind(IP_PEER, 0);
    ASSERT_GE(fd, 0);
    ASSERT_OK(getsockname(fd, (struct sockaddr *) &from, &len));
    peer_port = ntohs(from.sin_port);
    for (int i = 0; i < 100 && error; i++) {
        port = (uint16_t) (30000 + (getpid() * 11 + i * 137) % 20000);
        error = netdev_vxlan_set_endpoints(c, ips, 2, port);
    }
    if (error) {
        SKIP("no free UDP port on INADDR_ANY");
    }
    ASSERT_OK(netdev_vxlan_endpoint_error(c, ips[0]));
    ASSERT_OK(netdev_vxlan_endpoint_error(c, ips[1]));
    ASSERT_OK(netdev_rxq_open(c, 0, &rxq));

    p = make_frame(3, 60, 1);
    set_tunnel(p, IP_PEER, peer_port);
    p->md.tunnel.ip_src = htonl(0x7f00000c);     /* 127.0.0.12. */
    send_pkts(c, &p, 1);
    peer_recv(fd, buf, sizeof buf, &from, &ttl);
    ASSERT_HEX_EQ(ntohl(from.sin_addr.s_addr), 0x7f00000c);
    p->md.tunnel.ip_src = htonl(IP_A);
    send_pkts(c, &p, 1);
    peer_recv(fd, buf, sizeof buf, &from, &ttl);
    ASSERT_HEX_EQ(ntohl(from.sin_addr.s_addr), IP_A);
    pkt_free(p);

    valid_datagram(good);
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(0x7f00000d);     /* 127.0.0.13. */
    ASSERT_EQ(sendto(fd, good, sizeof good, 0, (struct sockaddr *) &to,
                     sizeof to), (ssize_t) sizeof good);
    ASSERT_EQ(recv_pkts(rxq, r, 1), 1);
    ASSERT_HEX_EQ(ntohl(r[0]->md.tunnel.ip_dst), 0x7f00000d);
    ASSERT_HEX_EQ(ntohl(r[0]->md.tunnel.ip_src), IP_PEER);
    pkt_free(r[0]);
    netdev_rxq_close(rxq);
    netdev_close(c);
    close(fd);
}

TEST(endpoint_errors)
{
    be32 ips[2] = { htonl(IP_A), htonl(0x0afffffe) };
    struct netdev *c;
    int fd;

    ASSERT_OK(netdev_vxlan_register());
    ASSERT_OK(netdev_open("vxlan_c", "vxlan", &c));
    fd = udp_bind(IP_A, 0);
    ASSERT_GE(fd, 0);
    {
        struct sockaddr_in sin;
        socklen_t len = sizeof sin;
        uint16_t port;

        ASSERT_OK(getsockname(fd, (struct sockaddr *) &sin, &len));
        port = ntohs(sin.sin_port);

        /* The port is taken on 127.0.0.11; 10.255.255.254 is not
         * local. */
        ASSERT_EQ(netdev_vxlan_set_endpoints(c, ips, 2, port), EADDRINUSE);
        ASSERT_EQ(netdev_vxlan_endpoint_error(c, ips[0]), EADDRINUSE);
        ASSERT_EQ(netdev_vxlan_endpoint_error(c, ips[1]), EADDRNOTAVAIL);
        ASSERT_EQ(netdev_vxlan_endpoint_error(c, htonl(IP_B)), ENOENT);

        /* Freed, it binds on the next try. */
        close(fd);
        ASSERT_OK(netdev_vxlan_set_endpoints(c, ips, 1, port));
        ASSERT_OK(netdev_vxlan_endpoint_error(c, ips[0]));
        ASSERT_EQ(netdev_vxlan_endpoint_error(c, ips[1]), ENOENT);
    }
    netdev_close(c);
}

/* Builds a frame of SIZE bytes that does not fit the tunnel: IPv4 with DF
 * (IPV6 false) or IPv6. */
static struct pkt *
make_big_frame(size_t size, bool ipv6)
{
    uint8_t *buf = xzalloc(size + 64);
    struct flow flow;
    struct pkt *p;
    size_t len;

    memset(&flow, 0, sizeof flow);
    flow.dl_src = (struct eth_addr) { { 0xfa, 0x16, 0x3e, 0, 0, 1 } };
    flow.dl_dst = (struct eth_addr) { { 0xfa, 0x16, 0x3e, 0, 0, 2 } };
    flow.nw_proto = IPPROTO_UDP_;
    flow.nw_ttl = 64;
    flow.tp_src = htons(1);
    flow.tp_dst = htons(2);
    if (ipv6) {
        flow.dl_type = htons(ETH_TYPE_IPV6);
        flow.ipv6_src.s6_addr[0] = 0xfd;
        flow.ipv6_src.s6_addr[15] = 1;
        flow.ipv6_dst.s6_addr[0] = 0xfd;
        flow.ipv6_dst.s6_addr[15] = 2;
        len = flow_compose(&flow, size - 62, buf, size + 64);
    } else {
        struct ip_header *ip = (struct ip_header *) (buf + 14);

        flow.dl_type = htons(ETH_TYPE_IP);
        flow.nw_src = htonl(0xc0a86501);
        flow.nw_dst = htonl(0xc0a86502);
        len = flow_compose(&flow, size - 42, buf, size + 64);
        ip->ip_frag_off = htons(IP_DONT_FRAGMENT);
        ip->ip_csum = 0;
        ip->ip_csum = csum(ip, 20);
    }
    ASSERT_EQ(len, size);
    p = pkt_clone_data(buf, len);
    free(buf);
    return p;
}

/* Runs a frame too big for the tunnel through the datapath: it is dropped
 * and counted, and the instance's port gets the ICMP error with the MTU
 * that fits; a frame that fits goes through. */
static void
check_too_big(bool ipv6)
{
    struct odp_actions acts;
    struct odp_action *a;
    struct pair pair;
    struct dp *dp;
    uint32_t tap_port, tnl_port, mtu;
    struct netdev *tap, *tnl;
    be32 ip_a = htonl(IP_A);
    struct pkt *p, *icmp, *r[1];
    const uint8_t *d;

    pair_open(&pair);
    dp = dp_create();
    ASSERT_OK(dp_port_add(dp, "tap-vm", "dummy", 0, &tap_port));
    tap = dp_port_netdev(dp, tap_port);
    tnl_port = dp_tunnel_port(dp, 4789);
    ASSERT_NE(tnl_port, ODPP_NONE);
    tnl = dp_port_netdev(dp, tnl_port);
    ASSERT_TRUE(netdev_is_vxlan(tnl));
    /* The tunnel device takes vxlan_a's place on 127.0.0.11. */
    netdev_close(pair.a);
    pair.a = NULL;
    ASSERT_OK(netdev_vxlan_set_endpoints(tnl, &ip_a, 1, pair.port));
    mtu = netdev_vxlan_path_mtu(tnl, htonl(IP_A), htonl(IP_B));
    ASSERT_GT(mtu, 1000);

    odp_actions_init(&acts);
    a = odp_actions_put(&acts, ODP_ACTION_SET_TUNNEL);
    memset(&a->tunnel, 0, sizeof a->tunnel);
    a->tunnel.tun_id = htonll(VNI);
    a->tunnel.ip_src = htonl(IP_A);
    a->tunnel.ip_dst = htonl(IP_B);
    a->tunnel.tp_dst = htons(pair.port);
    a->tunnel.ip_ttl = 64;
    a->tunnel.flags = FLOW_TNL_F_DONT_FRAGMENT | FLOW_TNL_F_KEY;
    odp_actions_put(&acts, ODP_ACTION_OUTPUT)->port = tnl_port;

    /* One byte too many. */
    p = make_big_frame(mtu - VXLAN_IPV4_IP_OVERHEAD + 1, ipv6);
    p->md.in_port = tap_port;
    dp_execute(dp, p, &acts);
    icmp = netdev_dummy_pop_tx(tap);
    ASSERT_TRUE(icmp != NULL);
    d = pkt_data(icmp);
    if (!ipv6) {
        /* ICMP type 3 code 4, next-hop MTU in bytes 6-7 of the ICMP
         * header: the underlay MTU less 50. */
        ASSERT_HEX_EQ(d[12] << 8 | d[13], ETH_TYPE_IP);
        ASSERT_EQ(d[14 + 9], IPPROTO_ICMP_);
        ASSERT_EQ(d[34], 3);
        ASSERT_EQ(d[35], 4);
        ASSERT_EQ(d[34 + 6] << 8 | d[34 + 7], (int) mtu - 50);
    } else {
        /* ICMPv6 type 2 code 0, 32-bit MTU. */
        ASSERT_HEX_EQ(d[12] << 8 | d[13], ETH_TYPE_IPV6);
        ASSERT_EQ(d[14 + 6], IPPROTO_ICMPV6_);
        ASSERT_EQ(d[54], 2);
        ASSERT_EQ(d[55], 0);
        ASSERT_EQ((uint32_t) d[58] << 24 | (uint32_t) d[59] << 16
                  | (uint32_t) d[60] << 8 | d[61], mtu - 50);
    }
    pkt_free(icmp);
    ASSERT_TRUE(netdev_dummy_pop_tx(tap) == NULL);
    ASSERT_EQ(status_value(tnl, "tx_too_big"), 1);

    if (!ipv6) {
        /* A VLAN tag in the frame leaves 4 bytes less for the datagram;
         * the error keeps the tag. */
        struct flow flow;
        uint8_t *buf = xzalloc(70000);
        size_t len;

        memset(&flow, 0, sizeof flow);
        flow.dl_src = (struct eth_addr) { { 0xfa, 0x16, 0x3e, 0, 0, 1 } };
        flow.dl_dst = (struct eth_addr) { { 0xfa, 0x16, 0x3e, 0, 0, 2 } };
        flow.vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        flow.vlans[0].tci = htons(VLAN_CFI | 5);
        flow.dl_type = htons(ETH_TYPE_IP);
        flow.nw_src = htonl(0xc0a86501);
        flow.nw_dst = htonl(0xc0a86502);
        flow.nw_proto = IPPROTO_UDP_;
        flow.nw_ttl = 64;
        len = flow_compose(&flow, mtu - VXLAN_IPV4_IP_OVERHEAD + 1 - 46,
                           buf, 70000);
        ASSERT_EQ(len, mtu - VXLAN_IPV4_IP_OVERHEAD + 1);
        buf[18 + 6] = 0x40;     /* DF. */
        buf[18 + 10] = buf[18 + 11] = 0;
        {
            be16 sum = csum(buf + 18, 20);

            memcpy(buf + 18 + 10, &sum, 2);
        }
        p = pkt_clone_data(buf, len);
        free(buf);
        p->md.in_port = tap_port;
        dp_execute(dp, p, &acts);
        icmp = netdev_dummy_pop_tx(tap);
        ASSERT_TRUE(icmp != NULL);
        d = pkt_data(icmp);
        ASSERT_HEX_EQ(d[12] << 8 | d[13], ETH_TYPE_VLAN_8021Q);
        ASSERT_EQ(d[38], 3);
        ASSERT_EQ(d[39], 4);
        ASSERT_EQ(d[38 + 6] << 8 | d[38 + 7], (int) mtu - 54);
        pkt_free(icmp);
        ASSERT_EQ(status_value(tnl, "tx_too_big"), 2);
    }

    /* A frame that fits goes through to vxlan_b, unanswered. */
    p = make_big_frame(1000, ipv6);
    p->md.in_port = tap_port;
    dp_execute(dp, p, &acts);
    ASSERT_EQ(recv_pkts(pair.rxq_b, r, 1), 1);
    ASSERT_EQ(pkt_size(r[0]), 1000);
    pkt_free(r[0]);
    ASSERT_TRUE(netdev_dummy_pop_tx(tap) == NULL);

    /* A GSO frame whose segments fit is not too big, however long. */
    if (!ipv6) {
        p = make_big_frame(30000, false);
        p->ol.gso_type = VIRTIO_NET_HDR_GSO_UDP;
        p->ol.gso_size = 1400;
        p->ol.csum_start = 34;
        p->md.in_port = tap_port;
        dp_execute(dp, p, &acts);
        ASSERT_TRUE(netdev_dummy_pop_tx(tap) == NULL);
        ASSERT_EQ(status_value(tnl, "tx_too_big"), 2);

        /* One whose segments do not fit is. */
        p = make_big_frame(mtu - VXLAN_IPV4_IP_OVERHEAD + 1, false);
        p->ol.gso_type = VIRTIO_NET_HDR_GSO_UDP;
        p->ol.gso_size = (uint16_t) (mtu - VXLAN_IPV4_IP_OVERHEAD - 41);
        p->ol.csum_start = 34;
        p->md.in_port = tap_port;
        dp_execute(dp, p, &acts);
        icmp = netdev_dummy_pop_tx(tap);
        ASSERT_TRUE(icmp != NULL);
        pkt_free(icmp);
        ASSERT_EQ(status_value(tnl, "tx_too_big"), 3);
    }

    odp_actions_destroy(&acts);
    dp_destroy(dp);
    pair_close(&pair);
}

TEST(too_big_ipv4)
{
    check_too_big(false);
}

TEST(too_big_ipv6)
{
    check_too_big(true);
}

/* Interop with the Linux kernel's vxlan device. */

#define KERNEL_MAC { { 0x02, 0, 0, 0, 0x23, 0x9a } }

/* Answers an ARP request for 192.168.239.1 or an ICMP echo request to it,
 * arriving in frame P, through NETDEV back to the kernel VTEP at
 * 10.239.0.2.  Returns 1 for an ARP request, 2 for an echo request, 0 for
 * anything else. */
static int
answer(struct netdev *netdev, const struct pkt *p)
{
    static const struct eth_addr mac = KERNEL_MAC;
    const uint8_t *d = pkt_data(p);
    size_t size = pkt_size(p);
    uint8_t ours[4] = { 192, 168, 239, 1 };
    struct pkt *reply;
    uint8_t *r;
    int kind;

    if (size >= 42 && d[12] == 0x08 && d[13] == 0x06 && d[21] == 1
        && !memcmp(d + 38, ours, 4)) {
        reply = pkt_clone_data(d, 42);
        r = pkt_data(reply);
        memcpy(r, d + 6, 6);
        memcpy(r + 6, mac.ea, 6);
        r[21] = 2;
        memcpy(r + 22, mac.ea, 6);
        memcpy(r + 28, ours, 4);
        memcpy(r + 32, d + 22, 6);
        memcpy(r + 38, d + 28, 4);
        kind = 1;
    } else if (size >= 42 && d[12] == 0x08 && d[13] == 0x00 && d[23] == 1
               && d[34] == 8 && !memcmp(d + 30, ours, 4)) {
        size_t ihl = (size_t) (d[14] & 0x0f) * 4;
        size_t len = (size_t) (d[16] << 8 | d[17]);
        struct ip_header *ip;
        be16 sum;

        reply = pkt_clone_data(d, 14 + len);
        r = pkt_data(reply);
        ip = (struct ip_header *) (r + 14);
        memcpy(r, d + 6, 6);
        memcpy(r + 6, mac.ea, 6);
        ip->ip_src = htonl(0xc0a8ef01);
        memcpy(&ip->ip_dst, d + 26, 4);
        r[14 + ihl] = 0;
        r[14 + ihl + 2] = r[14 + ihl + 3] = 0;
        sum = csum(r + 14 + ihl, len - ihl);
        memcpy(r + 14 + ihl + 2, &sum, 2);
        kind = 2;
    } else {
        return 0;
    }
    memset(&reply->md.tunnel, 0, sizeof reply->md.tunnel);
    reply->md.tunnel.tun_id = htonll(VNI);
    reply->md.tunnel.ip_src = htonl(0x0aef0001);
    reply->md.tunnel.ip_dst = htonl(0x0aef0002);
    reply->md.tunnel.tp_dst = htons(VXLAN_PORT);
    reply->md.tunnel.flags = FLOW_TNL_F_DONT_FRAGMENT | FLOW_TNL_F_KEY;
    send_pkts(netdev, &reply, 1);
    pkt_free(reply);
    return kind;
}

TEST(kernel_interop)
{
    be32 local = htonl(0x0aef0001);
    struct netdev_rxq *rxq;
    struct netdev *netdev;
    bool got_arp = false, got_echo = false;
    int kfd, status;
    pid_t pid;

    if (geteuid()) {
        SKIP("the kernel vxlan interop check needs root (namespaces)");
    }
    if (system("command -v ip >/dev/null && command -v nsenter >/dev/null "
               "&& command -v ping >/dev/null")) {
        SKIP("ip, nsenter or ping is not installed");
    }
    /* The test process (a child of the harness) gets its own namespaces,
     * which vanish with it: first the kernel VTEP's, then ours, joined by
     * a veth pair 10.239.0.1 (us) - 10.239.0.2 (kernel). */
    if (unshare(CLONE_NEWNET)) {
        SKIP("cannot create a network namespace");
    }
    kfd = open("/proc/self/ns/net", O_RDONLY);
    ASSERT_GE(kfd, 0);
    ASSERT_OK(unshare(CLONE_NEWNET));
    harness_run("ip link set lo up && ip link add vxt0 type veth peer name vxt1 "
        "netns /proc/self/fd/%d && ip addr add 10.239.0.1/24 dev vxt0 "
        "&& ip link set vxt0 up", kfd);
    harness_run("nsenter --net=/proc/self/fd/%d sh -c 'ip link set lo up "
        "&& ip addr add 10.239.0.2/24 dev vxt1 && ip link set vxt1 up "
        "&& ip link add vx0 type vxlan id %d local 10.239.0.2 "
        "remote 10.239.0.1 dstport %d && ip addr add 192.168.239.2/24 "
        "dev vx0 && ip link set vx0 up'", kfd, VNI, VXLAN_PORT);

    ASSERT_OK(netdev_vxlan_register());
    ASSERT_OK(netdev_open("vxlan_k", "vxlan", &netdev));
    ASSERT_OK(netdev_vxlan_set_endpoints(netdev, &local, 1, VXLAN_PORT));
    ASSERT_OK(netdev_rxq_open(netdev, 0, &rxq));

    /* The kernel pings 192.168.239.1, which we answer: its ARP request
     * and echo request must decapsulate here, our replies there. */
    pid = fork();
    ASSERT_GE(pid, 0);
    if (!pid) {
        if (setns(kfd, CLONE_NEWNET)) {
            _exit(126);
        }
        execlp("sh", "sh", "-c", "ping -c 1 -W 3 192.168.239.1 >/dev/null",
               (char *) NULL);
        _exit(127);
    }
    for (int tries = 0; tries < 4000 && !got_echo; tries++) {
        struct pkt_batch batch;

        pkt_batch_init(&batch);
        if (netdev_rxq_recv(rxq, &batch)) {
            usleep(1000);
            continue;
        }
        for (size_t i = 0; i < batch.count; i++) {
            const struct flow_tnl *tnl = &batch.pkts[i]->md.tunnel;
            int kind;

            ASSERT_HEX_EQ(ntohll(tnl->tun_id), VNI);
            ASSERT_HEX_EQ(ntohl(tnl->ip_src), 0x0aef0002);
            ASSERT_HEX_EQ(ntohl(tnl->ip_dst), 0x0aef0001);
            kind = answer(netdev, batch.pkts[i]);
            got_arp |= kind == 1;
            got_echo |= kind == 2;
        }
        pkt_batch_free(&batch);
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(got_arp);
    ASSERT_TRUE(got_echo);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    netdev_rxq_close(rxq);
    netdev_close(netdev);
    close(kfd);
}

TEST(too_big_for_the_socket)
{
    struct pkt *pkts[2], *r[2];
    struct netdev_stats st;
    struct pkt_batch batch;
    struct pair pair;

    /* In a namespace of its own whose loopback MTU is 1280: a train of
     * datagrams bigger than that is refused as a whole (UDP GSO), then
     * one by one (EMSGSIZE), and counted; smaller ones pass.  Then the
     * MTU shrinks under a cached path MTU. */
    if (geteuid()) {
        SKIP("changing the loopback MTU needs root (a namespace)");
    }
    if (unshare(CLONE_NEWNET)) {
        SKIP("cannot create a network namespace");
    }
    harness_run("ip link set lo mtu 1280 up");
    pair_open(&pair);
    ASSERT_EQ(netdev_vxlan_path_mtu(pair.a, htonl(IP_A), htonl(IP_B)),
              1280);

    pkt_batch_init(&batch);
    for (size_t i = 0; i < 2; i++) {
        pkts[i] = make_frame(5, 1300, (uint8_t) i);
        set_tunnel(pkts[i], IP_B, pair.port);
        pkt_batch_add(&batch, pkts[i]);
    }
    ASSERT_EQ(netdev_send(pair.a, 0, &batch, true), EMSGSIZE);
    netdev_get_stats(pair.a, &st);
    ASSERT_EQ(st.tx_packets, 0);
    ASSERT_EQ(st.tx_dropped, 2);
    ASSERT_EQ(status_value(pair.a, "tx_too_big"), 2);
    if (status_has(pair.a, "\nudp_gso=true\n")) {
        ASSERT_EQ(status_value(pair.a, "tx_gso_fallback"), 1);
    }

    pkt_batch_init(&batch);
    for (size_t i = 0; i < 2; i++) {
        pkts[i] = make_frame(5, 1280 - 28 - 8, (uint8_t) i);
        set_tunnel(pkts[i], IP_B, pair.port);
        pkt_batch_add(&batch, pkts[i]);
    }
    ASSERT_OK(netdev_send(pair.a, 0, &batch, true));
    ASSERT_EQ(recv_pkts(pair.rxq_b, r, 2), 2);
    ASSERT_EQ(pkt_size(r[0]), 1280 - 28 - 8);
    pkt_free(r[0]);
    pkt_free(r[1]);

    /* The route's MTU shrinks: the cached path MTU holds until a send
     * fails with EMSGSIZE, which makes the next lookup ask the kernel. */
    ASSERT_EQ(netdev_vxlan_path_mtu(pair.a, htonl(IP_A), htonl(IP_B)),
              1280);
    harness_run("ip link set lo mtu 1200");
    ASSERT_EQ(netdev_vxlan_path_mtu(pair.a, htonl(IP_A), htonl(IP_B)),
              1280);
    pkt_batch_init(&batch);
    pkts[0] = make_frame(5, 1280 - 28 - 8, 0);
    set_tunnel(pkts[0], IP_B, pair.port);
    pkt_batch_add(&batch, pkts[0]);
    ASSERT_EQ(netdev_send(pair.a, 0, &batch, true), EMSGSIZE);
    ASSERT_EQ(netdev_vxlan_path_mtu(pair.a, htonl(IP_A), htonl(IP_B)),
              1200);
    pair_close(&pair);
}
