/* pipeline-frames.c: see pipeline-frames.h. */
#include "pipeline-frames.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "datapath/pcap.h"
#include "lib/util.h"

/* Returns a pointer to byte OFS of frame F (to be used as a header). */
#define PF_AT(F, OFS) ((void *) ((F)->data + (OFS)))

void
pf_build_ip(struct pf_frame *f, const struct pf_ip_spec *spec)
{
    struct eth_header *eth = PF_AT(f, 0);
    struct ip_header *ip = PF_AT(f, ETH_HEADER_LEN);
    size_t l4_ofs = ETH_HEADER_LEN + IP_HEADER_LEN;
    size_t l4_hdr = spec->nw_proto == IPPROTO_TCP_ ? TCP_HEADER_LEN
                    : spec->nw_proto == IPPROTO_UDP_ ? UDP_HEADER_LEN
                    : ICMP_HEADER_LEN;
    size_t l4_len = l4_hdr + spec->payload_len;
    size_t len = MAX(spec->frame_len, l4_ofs + l4_len);
    void *l4 = PF_AT(f, l4_ofs);
    uint32_t partial;

    vx_assert(len <= PF_FRAME_MAX);
    memset(f, 0, sizeof *f);
    f->len = (uint16_t) len;
    eth->eth_dst = spec->dl_dst;
    eth->eth_src = spec->dl_src;
    eth->eth_type = htons(ETH_TYPE_IP);

    ip->ip_ihl_ver = IP_IHL_VER(5, 4);
    ip->ip_tot_len = htons((uint16_t) (IP_HEADER_LEN + l4_len));
    ip->ip_frag_off = htons(IP_DONT_FRAGMENT);
    ip->ip_ttl = 64;
    ip->ip_proto = spec->nw_proto;
    ip->ip_src = spec->nw_src;
    ip->ip_dst = spec->nw_dst;
    ip->ip_csum = csum(ip, IP_HEADER_LEN);

    /* Payload: a recognisable byte pattern after the L4 header; zero
     * padding after it. */
    for (size_t i = l4_ofs + l4_hdr; i < l4_ofs + l4_len; i++) {
        f->data[i] = (uint8_t) i;
    }

    if (spec->nw_proto == IPPROTO_TCP_) {
        struct tcp_header *tcp = l4;

        tcp->tcp_src = htons(spec->tp_src);
        tcp->tcp_dst = htons(spec->tp_dst);
        tcp->tcp_seq = htonl(spec->tcp_seq);
        tcp->tcp_ack = htonl(spec->tcp_ack);
        tcp->tcp_ctl = TCP_CTL(spec->tcp_flags, 5);
        tcp->tcp_winsz = htons(65535);
        partial = packet_csum_pseudoheader(ip);
        tcp->tcp_csum = csum_finish(csum_continue(partial, l4, l4_len));
    } else if (spec->nw_proto == IPPROTO_UDP_) {
        struct udp_header *udp = l4;

        udp->udp_src = htons(spec->tp_src);
        udp->udp_dst = htons(spec->tp_dst);
        udp->udp_len = htons((uint16_t) l4_len);
        partial = packet_csum_pseudoheader(ip);
        udp->udp_csum = csum_finish(csum_continue(partial, l4, l4_len));
        if (!udp->udp_csum) {
            udp->udp_csum = htons(0xffff);
        }
    } else {
        struct icmp_header *icmp = l4;

        vx_assert(spec->nw_proto == IPPROTO_ICMP_);
        icmp->icmp_type = spec->icmp_type;
        icmp->icmp_id = htons(spec->icmp_id);
        icmp->icmp_seq = htons(spec->icmp_seq);
        icmp->icmp_csum = csum(l4, l4_len);
    }
}

void
pf_build_arp_request(struct pf_frame *f, struct eth_addr sha, be32 spa,
                     be32 tpa)
{
    struct eth_header *eth = PF_AT(f, 0);
    struct arp_eth_header *arp = PF_AT(f, ETH_HEADER_LEN);

    memset(f, 0, sizeof *f);
    f->len = ETH_TOTAL_MIN;
    eth->eth_dst = eth_addr_broadcast;
    eth->eth_src = sha;
    eth->eth_type = htons(ETH_TYPE_ARP);
    arp->ar_hrd = htons(ARP_HRD_ETHERNET);
    arp->ar_pro = htons(ARP_PRO_IP);
    arp->ar_hln = 6;
    arp->ar_pln = 4;
    arp->ar_op = htons(ARP_OP_REQUEST);
    arp->ar_sha = sha;
    arp->ar_spa = spa;
    arp->ar_tpa = tpa;
}

void
pf_set_tunnel(struct pf_frame *f, const struct pf_underlay *ul,
              uint16_t udp_src)
{
    memset(&f->tnl, 0, sizeof f->tnl);
    f->tnl.tun_id = htonll(ul->vni);
    f->tnl.ip_src = ul->ip_src;
    f->tnl.ip_dst = ul->ip_dst;
    f->tnl.flags = FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT;
    f->tnl.ip_ttl = 64;
    f->tnl.tp_src = htons(udp_src);
    f->tnl.tp_dst = htons(VXLAN_PORT);
}

void
pf_vxlan_encap(struct pf_frame *outer, const struct pf_frame *inner,
               const struct pf_underlay *ul)
{
    struct eth_header *eth = PF_AT(outer, 0);
    struct ip_header *ip = PF_AT(outer, ETH_HEADER_LEN);
    struct udp_header *udp = PF_AT(outer, ETH_HEADER_LEN + IP_HEADER_LEN);
    struct vxlan_header *vx = PF_AT(outer, ETH_HEADER_LEN + IP_HEADER_LEN
                                           + UDP_HEADER_LEN);
    size_t len = VXLAN_IPV4_OVERHEAD + inner->len;

    vx_assert(len <= PF_FRAME_MAX && inner->tnl.ip_dst);
    memset(outer, 0, sizeof *outer);
    outer->len = (uint16_t) len;
    eth->eth_dst = ul->dl_dst;
    eth->eth_src = ul->dl_src;
    eth->eth_type = htons(ETH_TYPE_IP);
    ip->ip_ihl_ver = IP_IHL_VER(5, 4);
    ip->ip_tot_len = htons((uint16_t) (len - ETH_HEADER_LEN));
    ip->ip_frag_off = htons(IP_DONT_FRAGMENT);
    ip->ip_ttl = 64;
    ip->ip_proto = IPPROTO_UDP_;
    ip->ip_src = ul->ip_src;
    ip->ip_dst = ul->ip_dst;
    ip->ip_csum = csum(ip, IP_HEADER_LEN);
    udp->udp_src = inner->tnl.tp_src;
    udp->udp_dst = htons(VXLAN_PORT);
    udp->udp_len = htons((uint16_t) (len - ETH_HEADER_LEN - IP_HEADER_LEN));
    vx->vx_flags = htonl(VXLAN_FLAGS);
    vx->vx_vni = htonl(ul->vni << 8);
    memcpy(outer->data + VXLAN_IPV4_OVERHEAD, inner->data, inner->len);
}

char *
pf_write_pcap(const char *path, const struct pf_frame *frames, size_t n)
{
    struct pcap_writer *w;
    int error = pcap_writer_open(path, &w);

    if (error) {
        return xasprintf("%s: %s", path, vx_strerror(error));
    }
    for (size_t i = 0; i < n && !error; i++) {
        error = pcap_write(w, frames[i].data, frames[i].len, 0);
    }
    error = error ? error : pcap_writer_close(w);
    if (error) {
        return xasprintf("%s: write failed: %s", path, vx_strerror(error));
    }
    return NULL;
}

char *
pf_write_packet_outs(const char *path, uint32_t ofp_port,
                     const struct pf_frame *frames, size_t n)
{
    FILE *f = fopen(path, "a");

    if (!f) {
        return xasprintf("%s: %s", path, vx_strerror(errno));
    }
    for (size_t i = 0; i < n; i++) {
        const struct pf_frame *fr = &frames[i];

        fprintf(f, "packet-out in_port=%"PRIu32",", ofp_port);
        if (fr->tnl.ip_dst) {
            fprintf(f, "tun_id=%#"PRIx64",tun_src="IP_FMT",tun_dst="IP_FMT
                    ",", ntohll(fr->tnl.tun_id), IP_ARGS(fr->tnl.ip_src),
                    IP_ARGS(fr->tnl.ip_dst));
        }
        fputs("packet=", f);
        for (size_t j = 0; j < fr->len; j++) {
            fprintf(f, "%02x", fr->data[j]);
        }
        fputs(",actions=table\n", f);
    }
    if (ferror(f)) {
        fclose(f);
        return xasprintf("%s: write failed", path);
    }
    if (fclose(f)) {
        return xasprintf("%s: %s", path, vx_strerror(errno));
    }
    return NULL;
}
