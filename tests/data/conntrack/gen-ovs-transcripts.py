#!/usr/bin/env python3
"""Regenerates the Open vSwitch conntrack transcripts in this directory.

    tests/data/conntrack/gen-ovs-transcripts.py [OUTDIR]

Starts a private ovsdb-server and ovs-vswitchd (netdev datapath, dummy
ports p1..p3; every file under a temporary directory, both daemons killed by
pid on exit), installs

    table 0:  ip/ipv6 actions=ct(zone=3,table=1)
    table 1:  one flow per (in_port, ct_state) with a distinct cookie;
              port 1: ct(commit,zone=3,exec(set_field:1->ct_mark))
              port 2: nothing
              port 3: ct(commit,force,zone=3)
              (+inv packets are never committed: OpenFlow refuses it)

and injects packets with netdev-dummy/receive.  The ct_state a packet had
after the first ct() is read from which table-1 flow counted it (datapath
flows are purged before each packet so that every packet is an upcall).

Outputs (same seeds as the committed files, so a rerun reproduces them):
  tcp-ovs31.txt            random TCP segment sequences: per packet the
                           direction, commit, flags, seq, ack, payload
                           length, window, window-scale option (-1: none),
                           OVS's verdict, TCP states (dump -m) and mark.
  icmp-related-ovs31.txt   ICMP errors with randomly mangled embedded headers.
  mix-ovs31.txt            random UDP/ICMP/GRE/TCP over IPv4/IPv6 with commit
                           and force, and the final table of each scenario.
The last two use the "CT HEX => VERDICT" format of test-conntrack.c.
"""
import atexit
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

RUNDIR = tempfile.mkdtemp(prefix="ct-oracle-")
ENV = dict(os.environ, OVS_RUNDIR=RUNDIR, OVS_DBDIR=RUNDIR,
           OVS_LOGDIR=RUNDIR, OVS_SYSCONFDIR=RUNDIR)
PIDS = []


def cleanup():
    for pid in PIDS:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    shutil.rmtree(RUNDIR, ignore_errors=True)


def run(*args, check=False):
    r = subprocess.run(args, env=ENV, capture_output=True, text=True)
    if check and r.returncode:
        sys.exit("%s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout


def appctl(*args):
    return run("ovs-appctl", "-t", RUNDIR + "/ovs-vswitchd.ctl", *args)


def start_sandbox():
    atexit.register(cleanup)
    db = RUNDIR + "/conf.db"
    sock = "unix:" + RUNDIR + "/db.sock"
    run("ovsdb-tool", "create", db,
        "/usr/share/openvswitch/vswitch.ovsschema", check=True)
    run("ovsdb-server", "--remote=p" + sock, "--pidfile=%s/db.pid" % RUNDIR,
        "--unixctl=%s/db.ctl" % RUNDIR, "--detach",
        "--log-file=%s/db.log" % RUNDIR, db, check=True)
    PIDS.append(int(open(RUNDIR + "/db.pid").read()))
    run("ovs-vsctl", "--db=" + sock, "--no-wait", "init", check=True)
    run("ovs-vswitchd", "--enable-dummy=override", "--disable-system",
        "--disable-system-route", "--pidfile=%s/vs.pid" % RUNDIR,
        "--unixctl=%s/ovs-vswitchd.ctl" % RUNDIR, "--detach",
        "--log-file=%s/vs.log" % RUNDIR, sock, check=True)
    PIDS.append(int(open(RUNDIR + "/vs.pid").read()))
    args = ["ovs-vsctl", "--db=" + sock, "add-br", "br0", "--", "set",
            "bridge", "br0", "datapath-type=dummy", "fail-mode=secure"]
    for port in (1, 2, 3):
        args += ["--", "add-port", "br0", "p%d" % port, "--", "set",
                 "interface", "p%d" % port, "type=dummy",
                 "ofport_request=%d" % port]
    run(*args, check=True)
    flows = ["table=0,priority=100,ip,actions=ct(zone=3,table=1)",
             "table=0,priority=100,ipv6,actions=ct(zone=3,table=1)"]
    for dl, base in (("ip", 0), ("ipv6", 0x1000)):
        for s in range(0x20, 0x40):
            inv = s & 0x10
            acts = {1: "ct(commit,zone=3,exec(set_field:1->ct_mark))",
                    2: "drop", 3: "ct(commit,force,zone=3)"}
            for port in (1, 2, 3):
                flows.append(
                    "table=1,priority=10,cookie=0x%x,%s,in_port=%d,"
                    "ct_state=0x%x/0x3f,actions=%s"
                    % (base + s + (port - 1) * 0x100, dl, port, s,
                       "drop" if inv else acts[port]))
    path = RUNDIR + "/flows.txt"
    open(path, "w").write("\n".join(flows) + "\n")
    for _ in range(50):
        if os.path.exists(RUNDIR + "/br0.mgmt"):
            break
        time.sleep(0.1)
    run("ovs-ofctl", "add-flows", "br0", path, check=True)


# Packet builders (IPv4 datagrams; eth() wraps them).
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ipv4(src, dst, proto, payload, csum_ok=True, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag,
                    64, proto, 0, ip4(src), ip4(dst))
    c = csum(h)
    if not csum_ok:
        c ^= 0x1234
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def pseudo(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def tcp(src, dst, sport, dport, flags, seq=0, ack=0, win=65535, data=b"",
        opts=b""):
    off = 5 + len(opts) // 4
    h = struct.pack("!HHIIHHHH", sport, dport, seq, ack,
                    (off << 12) | flags, win, 0, 0) + opts + data
    c = csum(pseudo(src, dst, 6, len(h)) + h)
    return h[:16] + struct.pack("!H", c) + h[18:]


def udp(src, dst, sport, dport, data=b""):
    h = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(pseudo(src, dst, 17, len(h)) + h) or 0xffff
    return h[:6] + struct.pack("!H", c) + h[8:]


def icmp(typ, code, rest=b"\0\0\0\0", data=b"", csum_ok=True):
    h = struct.pack("!BBH", typ, code, 0) + rest + data
    c = csum(h)
    if not csum_ok:
        c ^= 1
    return h[:2] + struct.pack("!H", c) + h[4:]


def a6(x):
    return socket.inet_pton(socket.AF_INET6, x)


def ip6(src, dst, nxt, payload):
    return (struct.pack("!IHBB", 0x60000000, len(payload), nxt, 64)
            + a6(src) + a6(dst) + payload)


def fix6(src, dst, nxt, h, ofs):
    c = csum(a6(src) + a6(dst) + struct.pack("!IxxxB", len(h), nxt) + h)
    if nxt == 17 and c == 0:
        c = 0xffff
    return h[:ofs] + struct.pack("!H", c) + h[ofs + 2:]


def eth(l3, et=0x0800):
    return (bytes.fromhex("505400000002" "505400000001")
            + struct.pack("!H", et) + l3)


STATES = ["new", "est", "rel", "rpl", "inv", "trk"]


def fmt(s):
    return "".join("+" + STATES[i] for i in range(6) if s & (1 << i)) or "-"


def counts():
    d = {}
    for line in run("ovs-ofctl", "dump-flows", "br0", "table=1").splitlines():
        m = re.search(r"cookie=0x([0-9a-f]+).*n_packets=(\d+)", line)
        if m:
            d[int(m.group(1), 16)] = int(m.group(2))
    return d


def send(port, frame):
    appctl("revalidator/purge")
    before = counts()
    appctl("netdev-dummy/receive", "p%d" % port, frame.hex())
    after = counts()
    hits = [k for k in after if after[k] != before.get(k, 0)]
    return ",".join(fmt(k & 0xff) for k in hits) or "nohit"


def gen_tcp(seed, nscen, path):
    A, B = "10.1.1.1", "10.1.1.2"
    FLAGS = [0x10, 0x18, 0x11, 0x04, 0x14, 0x02, 0x12, 0x01, 0x00, 0x19,
             0x10, 0x10, 0x18]
    rng = random.Random(seed)
    out = open(path, "w")
    for sc in range(nscen):
        appctl("dpctl/flush-conntrack")
        sport = 1000 + sc
        isn = [rng.randrange(1 << 32), rng.randrange(1 << 32)]
        nxt = [isn[0], isn[1]]
        pkts = []
        ws = [rng.choice([None, None, 0, 2, 7, 14, 15]),
              rng.choice([None, None, 0, 3, 7])]
        if rng.random() < 0.2:
            # Picked up mid-stream.
            pkts.append((0, 1, 0x10, isn[0], isn[1], 0, 65535, None))
            nxt = [isn[0], isn[1]]
        else:
            pkts.append((0, 1, 0x02, isn[0], 0, 0, 65535, ws[0]))
            nxt[0] = (isn[0] + 1) % (1 << 32)
            if rng.random() < 0.9:
                pkts.append((1, 0, 0x12, isn[1], nxt[0], 0,
                             rng.choice([65535, 29200, 1000]), ws[1]))
                nxt[1] = (isn[1] + 1) % (1 << 32)
                if rng.random() < 0.9:
                    pkts.append((0, 0, 0x10, nxt[0], nxt[1], 0, 65535,
                                 None))
        for i in range(rng.randrange(4, 14)):
            d = rng.randrange(2)
            fl = rng.choice(FLAGS)
            ln = rng.choice([0, 0, 10, 100, 1000]) if not (fl & 0x06) else 0
            r = rng.random()
            if r < 0.7:
                seq = nxt[d]
            elif r < 0.85:
                seq = (nxt[d] + rng.choice([-1, 1, -1000, 5000, 70000,
                                            200000, -70000])) % (1 << 32)
            else:
                seq = rng.randrange(1 << 32)
            r = rng.random()
            ack = (nxt[1 - d] if r < 0.8
                   else (nxt[1 - d] + rng.choice([1, -1, 100000, -100000]))
                   % (1 << 32))
            win = rng.choice([65535, 65535, 1000, 0])
            commit = 1 if rng.random() < 0.1 else 0
            pkts.append((d, commit, fl, seq, ack, ln, win, None))
            if seq == nxt[d]:
                nxt[d] = (nxt[d] + ln + (1 if fl & 0x03 else 0)) % (1 << 32)
        out.write("scenario %d sport %d\n" % (sc, sport))
        for (d, commit, fl, seq, ack, ln, win, w) in pkts:
            opts = b"" if w is None else bytes([1, 3, 3, w])
            if d == 0:
                seg = tcp(A, B, sport, 80, fl, seq, ack, win, b"\0" * ln,
                          opts)
                fr = eth(ipv4(A, B, 6, seg))
            else:
                seg = tcp(B, A, 80, sport, fl, seq, ack, win, b"\0" * ln,
                          opts)
                fr = eth(ipv4(B, A, 6, seg))
            v = send(1 if commit else 2, fr)
            dl = [line for line in
                  appctl("dpctl/dump-conntrack", "-m").splitlines()
                  if line.startswith("tcp")]
            st = re.sub(r".*protoinfo=", "", dl[0]) if dl else "-"
            mark = "mark=1" if dl and "mark=1" in dl[0] else ""
            out.write("%d %d 0x%x %d %d %d %d %d => %s %s %s\n"
                      % (d, commit, fl, seq, ack, ln, win,
                         -1 if w is None else w, v, st, mark))
    out.close()


def gen_icmp(seed, nscen, path):
    A, B, R = "10.1.1.1", "10.1.1.2", "10.1.1.254"
    rng = random.Random(seed)
    out = open(path, "w")

    def tcp_pkt(s, d, sp, dp, fl, seq):
        return ipv4(s, d, 6, tcp(s, d, sp, dp, fl, seq=seq))

    bases = [
        ipv4(A, B, 17, udp(A, B, 5000, 53, b"q" * 8)),
        tcp_pkt(A, B, 1234, 80, 0x02, 1),
        ipv4(A, B, 1, icmp(8, 0, b"\x00\x09\x00\x01", b"p" * 8)),
        ipv4(A, B, 47, b"\0" * 16),
    ]
    rev = [
        ipv4(B, A, 17, udp(B, A, 53, 5000, b"r" * 8)),
        tcp_pkt(B, A, 80, 1234, 0x12, 500),
        ipv4(B, A, 1, icmp(0, 0, b"\x00\x09\x00\x01", b"p" * 8)),
        ipv4(B, A, 47, b"\0" * 16),
    ]
    others = [
        ipv4(A, B, 17, udp(A, B, 5001, 53, b"q" * 8)),
        ipv4(A, R, 17, udp(A, R, 5000, 53, b"q" * 8)),
        ipv4(A, B, 1, icmp(13, 0, b"\x00\x09\x00\x01", b"\0" * 12)),
        ipv4(A, B, 1, icmp(3, 1, b"\0\0\0\0", bases[0][:28])),
        ipv4(A, B, 132, b"\0" * 16),
    ]

    def mutate(p):
        p = bytearray(p)
        r = rng.random()
        if r < 0.08:
            p[0] = (p[0] & 0xf0) | rng.choice([0, 4, 6, 15])
        elif r < 0.12:
            p[0] = (rng.choice([6, 0, 5]) << 4) | (p[0] & 0xf)
        elif r < 0.18:
            p[6] |= rng.choice([0x20, 0x00, 0x01])
            p[7] = rng.choice([0, 1])
        elif r < 0.24:
            p[9] = rng.choice([6, 17, 1, 47, 0, 58])
        elif r < 0.30:
            p[12:16] = ip4(rng.choice([B, R, "1.2.3.4"]))
        elif r < 0.36 and len(p) > 24:
            p[20:22] = b"\0\0"
        elif r < 0.42 and len(p) > 24:
            p[22:24] = b"\0\0"
        elif r < 0.46:
            p[10] ^= 0xff
        elif r < 0.50 and len(p) > 21:
            p[20] = rng.randrange(256)
        elif r < 0.54 and len(p) > 21:
            p[21] = rng.randrange(16)
        elif r < 0.58:
            p[2:4] = struct.pack("!H", rng.choice([0, 10, 20, 2000]))
        return bytes(p)

    for sc in range(nscen):
        appctl("dpctl/flush-conntrack")
        out.write("scenario %d\n" % sc)
        for b in bases:
            out.write("1 %s => %s\n" % (b.hex(), send(1, eth(b))))
        if rng.random() < 0.5:
            for b in rev:
                out.write("0 %s => %s\n" % (b.hex(), send(2, eth(b))))
        for i in range(12):
            kind = rng.random()
            inner = (rng.choice(bases) if kind < 0.55
                     else rng.choice(rev) if kind < 0.8
                     else rng.choice(others))
            inner = mutate(inner) if rng.random() < 0.5 else inner
            ln = rng.choice([len(inner), 28, 28, 28, 24, 20, 27, 12, 36, 0])
            inner = inner[:ln]
            osrc = rng.choice([B, B, R, A])
            odst = rng.choice([A, A, A, B])
            typ = rng.choice([3, 3, 3, 11, 12, 4, 5, 0, 8, 9, 13])
            code = rng.choice([0, 1, 3, 4, 13])
            bad = rng.random() < 0.05
            pkt = ipv4(osrc, odst, 1,
                       icmp(typ, code, b"\0\0\0\0", inner, csum_ok=not bad))
            commit = 1 if rng.random() < 0.15 else 0
            v = send(1 if commit else 2, eth(pkt))
            out.write("%d %s => %s\n" % (commit, pkt.hex(), v))
    out.close()


def gen_mix(seed, nscen, path):
    rng = random.Random(seed)
    H4 = ["10.1.1.1", "10.1.1.2", "10.1.1.3"]
    H6 = ["fc00::1", "fc00::2"]

    def rnd_pkt():
        if rng.random() < 0.75:
            s, d = rng.sample(H4[:2] if rng.random() < 0.85 else H4, 2)
            p = rng.random()
            if p < 0.4:
                ports = rng.choice([(1000, 53), (53, 1000), (2000, 53)])
                return ipv4(s, d, 17, udp(s, d, *ports, b"x"))
            if p < 0.6:
                return ipv4(s, d, 1, icmp(rng.choice([8, 8, 0, 13, 14]), 0,
                                          struct.pack("!HH", 1, 1)))
            if p < 0.75:
                return ipv4(s, d, 47, b"\0" * 8)
            fl = rng.choice([0x02, 0x12, 0x10, 0x04, 0x11])
            ports = rng.choice([(1000, 80), (80, 1000)])
            return ipv4(s, d, 6, tcp(s, d, *ports, fl,
                                     seq=rng.choice([1, 100]),
                                     ack=rng.choice([0, 2, 101])))
        s, d = rng.sample(H6, 2)
        if rng.random() < 0.5:
            h = struct.pack("!HHHH", 1000, 53, 9, 0) + b"x"
            return ip6(s, d, 17, fix6(s, d, 17, h, 6))
        h = struct.pack("!BBHHH", rng.choice([128, 129]), 0, 0, 7, 1)
        return ip6(s, d, 58, fix6(s, d, 58, h, 2))

    out = open(path, "w")
    for sc in range(nscen):
        appctl("dpctl/flush-conntrack")
        out.write("scenario %d\n" % sc)
        for i in range(25):
            pkt = rnd_pkt()
            port = rng.choice([1, 2, 2, 2, 3])
            v = send(port, eth(pkt, 0x86dd if pkt[0] >> 4 == 6 else 0x0800))
            out.write("%d %s => %s\n" % ({1: 1, 2: 0, 3: 2}[port], pkt.hex(),
                                         v))
        for line in sorted(l for l in
                           appctl("dpctl/dump-conntrack").splitlines() if l):
            out.write("dump %s\n" % line)
        out.write("end\n")
    out.close()


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    start_sandbox()
    gen_tcp(7, 250, os.path.join(outdir, "tcp-ovs31.txt"))
    gen_icmp(3, 60, os.path.join(outdir, "icmp-related-ovs31.txt"))
    gen_mix(11, 80, os.path.join(outdir, "mix-ovs31.txt"))


if __name__ == "__main__":
    main()
