/* pipeline-traffic.c: see pipeline-traffic.h. */
#include "pipeline-traffic.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Length of every frame (TCP segments without payload and ARP are
 * padded to it); the payload that fills a UDP, TCP or ICMP echo frame up
 * to it. */
#define PT_FRAME_LEN 64
#define PT_UDP_PAYLOAD (PT_FRAME_LEN - ETH_HEADER_LEN - IP_HEADER_LEN     \
                        - UDP_HEADER_LEN)
#define PT_TCP_PAYLOAD (PT_FRAME_LEN - ETH_HEADER_LEN - IP_HEADER_LEN     \
                        - TCP_HEADER_LEN)
#define PT_ICMP_PAYLOAD (PT_FRAME_LEN - ETH_HEADER_LEN - IP_HEADER_LEN    \
                         - ICMP_HEADER_LEN)

static const struct eth_addr pt_vm_mac = {
    {0xfa, 0x16, 0x3e, 0x61, 0x21, 0xc6}
};
static const struct eth_addr pt_gw_mac = {
    {0xfa, 0x16, 0x3e, 0xe9, 0x26, 0x5b}
};
#define PT_VM_IP 0xc0a86555      /* 192.168.101.85 */
#define PT_GW_IP 0xc0a86501      /* 192.168.101.1 */
#define PT_REMOTE_NET 0x0a010000 /* 10.1.0.0/16: hosts of seed_fw. */
#define PT_MISS_NET 0x0a400000   /* 10.64.0.0/10: hosts of seed_fw_miss. */

const struct pf_underlay *
pt_underlay(void)
{
    static struct pf_underlay ul;

    if (!ul.vni) {
        ul.dl_src = (struct eth_addr) {{0x02, 0x00, 0xac, 0x10, 0x00, 0x0b}};
        ul.dl_dst = (struct eth_addr) {{0x02, 0x00, 0xac, 0x10, 0x00, 0x1f}};
        ul.ip_src = htonl(0xac10000b);
        ul.ip_dst = htonl(0xac10001f);
        ul.vni = 0xef;
    }
    return &ul;
}

bool
pt_phase_from_tunnel(int phase)
{
    return phase % 2 == 0;
}

/* Appends a frame to FS and returns it (zeroed). */
static struct pf_frame *
pt_add(struct pt_frames *fs)
{
    if (fs->n >= fs->allocated) {
        fs->f = x2nrealloc(fs->f, &fs->allocated, sizeof *fs->f);
    }
    memset(&fs->f[fs->n], 0, sizeof fs->f[fs->n]);
    return &fs->f[fs->n++];
}

/* Appends to FS the frame SPEC describes; if it comes over the tunnel,
 * with outer UDP source port UDP_SRC (nonzero). */
static void
pt_add_ip(struct pt_frames *fs, const struct pf_ip_spec *spec,
          uint16_t udp_src)
{
    struct pf_frame *f = pt_add(fs);

    pf_build_ip(f, spec);
    if (udp_src) {
        pf_set_tunnel(f, pt_underlay(), udp_src);
    }
}

static struct eth_addr
pt_l2_mac(size_t m)
{
    struct eth_addr mac = {{0x02, 0x00, 0x00, 0x00,
                            (uint8_t) (m >> 8), (uint8_t) m}};
    return mac;
}

void
pt_l2_build(size_t n_ports, size_t n_macs, struct pt_frames per_port[])
{
    vx_assert(n_ports >= 2 && n_macs >= n_ports && n_macs <= 65536);
    for (size_t m = 0; m < n_macs; m++) {
        size_t peer = (m + 1) % n_macs;
        struct pf_ip_spec spec = {
            .dl_src = pt_l2_mac(m),
            .dl_dst = pt_l2_mac(peer),
            .nw_src = htonl(0x0a000000 | (uint32_t) m),
            .nw_dst = htonl(0x0a000000 | (uint32_t) peer),
            .nw_proto = IPPROTO_UDP_,
            .tp_src = 5001,
            .tp_dst = 5001,
            .payload_len = PT_UDP_PAYLOAD,
            .frame_len = PT_FRAME_LEN,
        };

        pt_add_ip(&per_port[m % n_ports], &spec, 0);
    }
}

/* A frame from the instance to remote host REMOTE (IP, host order). */
static struct pf_ip_spec
pt_from_vm(uint32_t remote, uint8_t proto)
{
    struct pf_ip_spec spec = {
        .dl_src = pt_vm_mac,
        .dl_dst = pt_gw_mac,
        .nw_src = htonl(PT_VM_IP),
        .nw_dst = htonl(remote),
        .nw_proto = proto,
        .payload_len = (proto == IPPROTO_TCP_ ? PT_TCP_PAYLOAD
                        : PT_ICMP_PAYLOAD),
        .frame_len = PT_FRAME_LEN,
    };
    return spec;
}

/* A frame from remote host REMOTE to the instance. */
static struct pf_ip_spec
pt_to_vm(uint32_t remote, uint8_t proto)
{
    struct pf_ip_spec spec = pt_from_vm(remote, proto);

    spec.dl_src = pt_gw_mac;
    spec.dl_dst = pt_vm_mac;
    spec.nw_src = htonl(remote);
    spec.nw_dst = htonl(PT_VM_IP);
    return spec;
}

/* Sets SPEC's TCP fields; without PAYLOAD the segment carries no data
 * (the frame is padded). */
static void
pt_tcp(struct pf_ip_spec *spec, uint16_t src, uint16_t dst, uint16_t flags,
       uint32_t seq, uint32_t ack, bool payload)
{
    spec->tp_src = src;
    spec->tp_dst = dst;
    spec->tcp_flags = flags;
    spec->tcp_seq = seq;
    spec->tcp_ack = ack;
    spec->payload_len = payload ? PT_TCP_PAYLOAD : 0;
}

/* Sets SPEC's ICMP echo fields. */
static void
pt_echo(struct pf_ip_spec *spec, uint8_t type, uint16_t id)
{
    spec->icmp_type = type;
    spec->icmp_id = id;
    spec->icmp_seq = 1;
}

/* Appends connection I of seed_fw to S. */
static void
pt_seed_conn(struct pt_seed *s, size_t i)
{
    uint32_t remote = PT_REMOTE_NET + 1 + (uint32_t) i;
    uint16_t udp_src = (uint16_t) (49152 + (i & 0x3fff));
    uint32_t a = 1000000 + (uint32_t) i * 7919;   /* Opener's ISN. */
    uint32_t b = 2000000 + (uint32_t) i * 104729; /* Answerer's ISN. */
    uint16_t id = (uint16_t) i;
    struct pf_ip_spec out, in;

    switch (i % 4) {
    case 0:     /* TCP from the instance. */
        out = pt_from_vm(remote, IPPROTO_TCP_);
        in = pt_to_vm(remote, IPPROTO_TCP_);
        pt_tcp(&out, 20000 + id, 443, TCP_SYN, a, 0, false);
        pt_add_ip(&s->phase[1], &out, 0);
        pt_tcp(&in, 443, 20000 + id, TCP_SYN | TCP_ACK, b, a + 1, false);
        pt_add_ip(&s->phase[2], &in, udp_src);
        pt_tcp(&out, 20000 + id, 443, TCP_ACK, a + 1, b + 1, false);
        pt_add_ip(&s->phase[3], &out, 0);
        out = pt_from_vm(remote, IPPROTO_TCP_);
        in = pt_to_vm(remote, IPPROTO_TCP_);
        pt_tcp(&out, 20000 + id, 443, TCP_PSH | TCP_ACK, a + 1, b + 1, true);
        pt_add_ip(&s->tap, &out, 0);
        pt_tcp(&in, 443, 20000 + id, TCP_PSH | TCP_ACK, b + 1, a + 11, true);
        pt_add_ip(&s->tun, &in, udp_src);
        break;

    case 1:     /* TCP from a remote host to port 22. */
        out = pt_from_vm(remote, IPPROTO_TCP_);
        in = pt_to_vm(remote, IPPROTO_TCP_);
        pt_tcp(&in, 30000 + id, 22, TCP_SYN, a, 0, false);
        pt_add_ip(&s->phase[2], &in, udp_src);
        pt_tcp(&out, 22, 30000 + id, TCP_SYN | TCP_ACK, b, a + 1, false);
        pt_add_ip(&s->phase[3], &out, 0);
        pt_tcp(&in, 30000 + id, 22, TCP_ACK, a + 1, b + 1, false);
        pt_add_ip(&s->phase[4], &in, udp_src);
        out = pt_from_vm(remote, IPPROTO_TCP_);
        in = pt_to_vm(remote, IPPROTO_TCP_);
        pt_tcp(&in, 30000 + id, 22, TCP_PSH | TCP_ACK, a + 1, b + 1, true);
        pt_add_ip(&s->tun, &in, udp_src);
        pt_tcp(&out, 22, 30000 + id, TCP_PSH | TCP_ACK, b + 1, a + 11, true);
        pt_add_ip(&s->tap, &out, 0);
        break;

    case 2:     /* Echo from the instance. */
        out = pt_from_vm(remote, IPPROTO_ICMP_);
        in = pt_to_vm(remote, IPPROTO_ICMP_);
        pt_echo(&out, ICMP4_ECHO_REQUEST, id);
        pt_echo(&in, ICMP4_ECHO_REPLY, id);
        pt_add_ip(&s->phase[1], &out, 0);
        pt_add_ip(&s->phase[2], &in, udp_src);
        pt_add_ip(&s->tap, &out, 0);
        pt_add_ip(&s->tun, &in, udp_src);
        break;

    default:    /* Echo from a remote host. */
        out = pt_from_vm(remote, IPPROTO_ICMP_);
        in = pt_to_vm(remote, IPPROTO_ICMP_);
        pt_echo(&in, ICMP4_ECHO_REQUEST, id);
        pt_echo(&out, ICMP4_ECHO_REPLY, id);
        pt_add_ip(&s->phase[2], &in, udp_src);
        pt_add_ip(&s->phase[3], &out, 0);
        pt_add_ip(&s->tun, &in, udp_src);
        pt_add_ip(&s->tap, &out, 0);
        break;
    }
}

/* Appends the gateway's ARP request for the instance, over the tunnel. */
static void
pt_gw_arp(struct pt_frames *fs)
{
    struct pf_frame *f = pt_add(fs);

    pf_build_arp_request(f, pt_gw_mac, htonl(PT_GW_IP), htonl(PT_VM_IP));
    pf_set_tunnel(f, pt_underlay(), 49152);
}

void
pt_seed_build(size_t n_conns, struct pt_seed *s)
{
    vx_assert(n_conns <= 65536);
    pt_gw_arp(&s->phase[0]);
    for (size_t i = 0; i < n_conns; i++) {
        pt_seed_conn(s, i);
    }
}

void
pt_miss_build(size_t n, bool one_per_host, struct pt_frames *tap,
              struct pt_frames *tun)
{
    vx_assert(n <= (one_per_host ? PT_UPCALL_MAX : (size_t) 1 << 26));
    for (size_t j = 0; j < n; j++) {
        /* (address, port) pairs never repeat: 16 ports per address, or
         * an address per connection. */
        uint32_t remote = PT_MISS_NET + 1
                          + (uint32_t) (one_per_host ? j : j >> 4);
        uint16_t port = (uint16_t) (2000 + (j & 15));
        uint16_t udp_src = (uint16_t) (49152 + (j & 0x3fff));
        struct pf_ip_spec out, in;

        if (j % 2 == 0) {
            out = pt_from_vm(remote, IPPROTO_TCP_);
            in = pt_to_vm(remote, IPPROTO_TCP_);
            pt_tcp(&out, port, 443, TCP_SYN, (uint32_t) j, 0, false);
            pt_tcp(&in, port, 22, TCP_SYN, (uint32_t) j, 0, false);
        } else {
            out = pt_from_vm(remote, IPPROTO_ICMP_);
            in = pt_to_vm(remote, IPPROTO_ICMP_);
            pt_echo(&out, ICMP4_ECHO_REQUEST, port);
            pt_echo(&in, ICMP4_ECHO_REQUEST, port);
        }
        pt_add_ip(tap, &out, 0);
        pt_add_ip(tun, &in, udp_src);
    }
}

void
pt_encap(const struct pt_frames *in, struct pt_frames *out)
{
    for (size_t i = 0; i < in->n; i++) {
        pf_vxlan_encap(pt_add(out), &in->f[i], pt_underlay());
    }
}

void
pt_frames_destroy(struct pt_frames *fs)
{
    free(fs->f);
    memset(fs, 0, sizeof *fs);
}

void
pt_seed_destroy(struct pt_seed *s)
{
    for (int i = 0; i < PT_N_PHASES; i++) {
        pt_frames_destroy(&s->phase[i]);
    }
    pt_frames_destroy(&s->tap);
    pt_frames_destroy(&s->tun);
}
