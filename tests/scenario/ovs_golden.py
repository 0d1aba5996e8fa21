#!/usr/bin/env python3
"""Compare vxstack against transcripts recorded from real Open vSwitch.

A transcript (tests/data/ovs/*/*.txt) is a series of blocks: a line
"$ COMMAND" followed by the command's stdout.  For each block whose
command has a vxstack equivalent, this runs the equivalent against a
running vxstackd and compares the outputs after normalising what differs
by design:

  * values that change from run to run: durations, packet/byte counters,
    ages, recirculation ids (renumbered in order of appearance);
  * the datapath's tunnel model: OVS's userspace datapath tunnels
    natively (tnl_push to an underlay bridge), vxstack like the kernel
    datapath of the seed (set(tunnel(...)) then output to vxlan_sys_4789),
    so OVS's native-tunnel trace lines and actions are rewritten to the
    kernel form;
  * tunnel fields that vxstack's flows do not have (IPv6 tunnel
    addresses, GBP, ERSPAN, GTP-U), which OVS prints as zeros.

Usage: ovs_golden.py --vxstack PATH --rundir DIR [--skip-cmd RE] FILE...
Exit status 0 when every compared block matches, 1 otherwise.
"""

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys

OVS_ONLY_TUNNEL_FIELDS = re.compile(
    r",(tun_ipv6_src=::|tun_ipv6_dst=::|tun_gbp_id=0|tun_gbp_flags=0|"
    r"tun_erspan_ver=0|gtpu_flags=0|gtpu_msgtype=0)(?=,|$)")

TNL_PUSH = re.compile(
    r"((?:pop_vlan,)?)tnl_push\(tnl_port\((\d+)\),header\(size=\d+,type=4,"
    r"eth\([^)]*\),ipv4\(src=([\d.]+),dst=([\d.]+),proto=17,tos=(\d+),"
    r"ttl=(\d+),frag=0x4000\),udp\(src=0,dst=(\d+),csum=0x0\),"
    r"vxlan\(flags=0x8000000,vni=(0x[0-9a-f]+)\)\),out_port\(\d+\)\),\d+")


def parse_transcript(path):
    blocks = []
    with open(path) as f:
        for line in f:
            if line.startswith("$ "):
                blocks.append([line[2:].rstrip("\n"), []])
            elif blocks:
                blocks[-1][1].append(line)
    return [(cmd, "".join(out)) for cmd, out in blocks]


def map_command(cmd):
    """Returns the vxstack argv for an OVS command line, or None."""
    try:
        words = shlex.split(cmd)
    except ValueError:
        return None
    if not words:
        return None
    tool, args = words[0], words[1:]
    if tool == "ovs-appctl":
        # OVS's userspace datapath is "ovs-netdev"; vxstack's, like the
        # seed's kernel one, is "ovs-system".
        args = ["ovs-system" if a == "ovs-netdev" else a for a in args]
        return ["appctl"] + args
    if tool == "ovs-ofctl":
        return ["ofctl"] + args
    if tool == "ovs-vsctl":
        return ["vsctl"] + args
    return None


def tnl_push_to_kernel(m):
    pop, port, src, dst, tos, ttl, dport, vni = m.groups()
    tos_part = ",tos=%s" % hex(int(tos)) if int(tos) else ""
    return ("set(tunnel(tun_id=%s,src=%s,dst=%s%s,ttl=%s,tp_dst=%s,"
            "flags(df|key))),%s%s" % (vni, src, dst, tos_part, ttl, dport,
                                      pop, port))


def drop_underlay_sections(lines):
    """Removes the underlay bridge sections of native-tunnel traces."""
    out = []
    i = 0
    while i < len(lines):
        if (lines[i].strip() == "" and i + 1 < len(lines)
                and lines[i + 1].strip().startswith('bridge("br-underlay")')):
            i += 2
            while i < len(lines) and lines[i].strip() != "":
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return out


def normalise_expected(text):
    lines = text.split("\n")
    lines = drop_underlay_sections(lines)
    result = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("-> tunneling to ") \
                or stripped.startswith("-> tunneling from "):
            continue
        line = line.replace("-> output to native tunnel",
                            "-> output to kernel tunnel")
        if line.startswith(("Flow: ", "Final flow: ")):
            line = OVS_ONLY_TUNNEL_FIELDS.sub("", line)
        if line.startswith("Datapath actions: "):
            line = TNL_PUSH.sub(tnl_push_to_kernel, line)
        result.append(line)
    return "\n".join(result)


def normalise_common(text):
    text = text.rstrip("\n")
    text = re.sub(r"duration=[0-9.]+s", "duration=Xs", text)
    # fdb/show ages (seconds since the entry was last refreshed).
    text = re.sub(r"(?m)^(\s*\S+\s+\d+\s+[0-9a-f:]{17}\s+)\d+$",
                  r"\1A", text)
    text = re.sub(r"n_packets=\d+", "n_packets=N", text)
    text = re.sub(r"n_bytes=\d+", "n_bytes=N", text)
    text = re.sub(r"idle_age=\d+, ", "", text)
    text = re.sub(r"hard_age=\d+, ", "", text)
    ids = {}

    def renumber(m):
        old = m.group(2)
        if old not in ids:
            ids[old] = "R%d" % (len(ids) + 1)
        return m.group(1) + ids[old]

    text = re.sub(r"(recirc\(|recirc_id=)(0x[0-9a-f]+)", renumber, text)
    return text


def run(vxstack, rundir, argv):
    env = dict(os.environ, VXSTACK_RUNDIR=rundir)
    p = subprocess.run([vxstack] + argv, env=env, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vxstack", required=True)
    ap.add_argument("--rundir", required=True)
    ap.add_argument("--skip-cmd", action="append", default=[],
                    help="regular expression of commands not to compare")
    ap.add_argument("--only-cmd", action="append", default=[],
                    help="regular expression of the commands to compare")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    n_same = n_diff = n_skipped = 0
    for path in args.files:
        for cmd, expected in parse_transcript(path):
            argv = map_command(cmd)
            if (argv is None
                    or any(re.search(r, cmd) for r in args.skip_cmd)
                    or (args.only_cmd
                        and not any(re.search(r, cmd)
                                    for r in args.only_cmd))):
                n_skipped += 1
                continue
            rc, actual, err = run(args.vxstack, args.rundir, argv)
            exp = normalise_common(normalise_expected(expected))
            act = normalise_common(actual)
            if rc == 0 and exp == act:
                n_same += 1
                continue
            n_diff += 1
            print("MISMATCH %s: %s" % (os.path.basename(path), cmd))
            if rc:
                print("  exit status %d: %s" % (rc, err.strip()))
            for line in difflib.unified_diff(exp.splitlines(),
                                             act.splitlines(), "ovs",
                                             "vxstack", lineterm="", n=2):
                print("  " + line)
    print("ovs-golden: %d same, %d different, %d not compared"
          % (n_same, n_diff, n_skipped))
    return 1 if n_diff else 0


if __name__ == "__main__":
    sys.exit(main())
