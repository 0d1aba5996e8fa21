/*
 * pipeline-traffic.h: the traffic of each bench/pipeline scenario, as
 * frame sets that vxstack's half of the benchmark pushes through its
 * datapath and that the Open vSwitch half replays from files, so both
 * switches see the same bytes.
 *
 * l2_normal: NORMAL between N ports.  MAC m (of n_macs) sits on port
 * m % N and sends to MAC m + 1 (modulo n_macs), which sits on the next
 * port, 64-byte UDP frames (10.0.0.0/16 addresses).
 *
 * seed_fw: the seed's instance (tap648437e1-0d, fa:16:3e:61:21:c6,
 * 192.168.101.85, VLAN 3 in br-int) and hosts behind its gateway
 * (fa:16:3e:e9:26:5b, 10.1.0.0/16) reached over VXLAN VNI 239 from
 * 172.16.0.11.  Connection i is, by i % 4: a TCP connection the instance
 * opens (port 20000 + i to 443), one a remote host opens to port 22 (from
 * 30000 + i), an ICMP echo the instance sends (id i), or one a remote
 * host sends.  The setup phases open and establish them in order (see
 * PT_N_PHASES); in the steady state every connection sends one 64-byte
 * frame each way per round: TCP data (10 bytes, PSH|ACK) or an echo
 * request and its reply.  Phase 0 is the gateway's ARP request, so that
 * br-int's NORMAL learns its MAC on patch-tun (Neutron's firewall sends
 * tunnel traffic to the instance without NORMAL, so nothing else would).
 *
 * seed_fw_miss: every frame opens a new connection: from the instance,
 * TCP SYNs and echo requests to ever new remote addresses and ports;
 * over the tunnel, SYNs to port 22 and echo requests from them.
 * seed_fw_upcall: the same with a remote address per connection, so that
 * no two frames have the same datapath flow key.
 *
 * Frames from the tunnel carry their tunnel metadata (struct pf_frame's
 * 'tnl'); pt_encap() gives their VXLAN encapsulation for the anchor.
 */
#ifndef VX_BENCH_PIPELINE_TRAFFIC_H
#define VX_BENCH_PIPELINE_TRAFFIC_H 1

#include <stdbool.h>
#include <stddef.h>

#include "pipeline-frames.h"

/* The seed's names and numbers that the traffic depends on. */
#define PT_SEED_TAP "tap648437e1-0d"   /* The instance's port. */
#define PT_SEED_TAP_OFPORT 4           /* Its OpenFlow port in br-int. */
#define PT_SEED_VXLAN_OFPORT 2         /* vxlan-ac10000b in br-tun. */
#define PT_SEED_TUNNEL_PORT "vxlan_sys_4789" /* Datapath tunnel port. */

/* Setup phases of seed_fw: 0 the gateway's ARP, 1 first packets from the
 * instance, 2 answers and first packets from remote hosts, 3 the
 * instance's answers, 4 the last ACKs of remote-opened TCP. */
#define PT_N_PHASES 5

/* A growable set of frames. */
struct pt_frames {
    struct pf_frame *f;     /* The frames. */
    size_t n;               /* Frames in use. */
    size_t allocated;       /* Frames allocated. */
};

/* The traffic of seed_fw. */
struct pt_seed {
    struct pt_frames phase[PT_N_PHASES]; /* Setup, phase by phase. */
    struct pt_frames tap;   /* Steady state: frames from the instance. */
    struct pt_frames tun;   /* Steady state: frames over the tunnel. */
};

/* Returns the underlay that tunnel frames arrive over: 172.16.0.11
 * (02:00:ac:10:00:0b) to 172.16.0.31 (02:00:ac:10:00:1f), VNI 239. */
const struct pf_underlay *pt_underlay(void);

/* Returns true if the frames of seed_fw phase PHASE come over the tunnel
 * (false: from the instance). */
bool pt_phase_from_tunnel(int phase);

/* Fills PER_PORT[0..N_PORTS-1] (empty sets) with the l2_normal frames that
 * arrive on each port, N_MACS MACs in all (N_PORTS >= 2). */
void pt_l2_build(size_t n_ports, size_t n_macs, struct pt_frames per_port[]);

/* Fills S (zeroed) with N_CONNS connections of seed_fw. */
void pt_seed_build(size_t n_conns, struct pt_seed *s);

/* Most connections per side with ONE_PER_HOST (the addresses of
 * 10.64.0.0/10 but the first and the last). */
#define PT_UPCALL_MAX (((size_t) 1 << 22) - 2)

/* Fills TAP and TUN (empty sets) with N new connections each, for
 * seed_fw_miss: 16 per remote address (TCP source ports or ICMP echo ids
 * 2000 to 2015).  With ONE_PER_HOST, for seed_fw_upcall, every
 * connection has a remote address of its own (N at most PT_UPCALL_MAX):
 * an ICMP echo's id is no part of a datapath flow key, so without that
 * the echoes to one address would share an exact-match flow. */
void pt_miss_build(size_t n, bool one_per_host, struct pt_frames *tap,
                   struct pt_frames *tun);

/* Stores in OUT (empty) the VXLAN encapsulations of the frames of IN. */
void pt_encap(const struct pt_frames *in, struct pt_frames *out);

void pt_frames_destroy(struct pt_frames *);
void pt_seed_destroy(struct pt_seed *);

#endif /* VX_BENCH_PIPELINE_TRAFFIC_H */
