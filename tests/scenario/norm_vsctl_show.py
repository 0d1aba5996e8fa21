#!/usr/bin/env python3
"""Normalises `vsctl show` output (stdin) for comparison with the seed.

Drops the "$ ..." command line if present, replaces the Open_vSwitch UUID
and the version, drops `is_connected: true` (no OpenFlow controller
connects in tests) and the device types `dummy`/`system` (the seed's NICs
and tap are dummy devices in tests), drops each bridge's own internal
port (the seed's br-provider and br-mgmt have none in OVSDB although its
datapath has them, an artifact of how that system was built), and sorts
bridges and, within each bridge, ports: OVSDB prints them in UUID order,
which is random.
"""
import sys

lines = [l.rstrip("\n") for l in sys.stdin if not l.startswith("$ ")]
if not lines:
    sys.exit("norm_vsctl_show: empty input")
out_top, bridges, tail = [], [], []
cur = None          # [header lines, ports]
port = None
for i, line in enumerate(lines):
    if i == 0:
        out_top.append("<uuid>")
        continue
    if line.startswith("    ovs_version:"):
        tail.append("    ovs_version: <v>")
        continue
    if line.strip() == "is_connected: true":
        continue
    if line in ("                type: dummy", "                type: system"):
        continue
    if line.startswith("    Bridge "):
        cur = [[line], []]
        bridges.append(cur)
        port = None
    elif line.startswith("    ") and not line.startswith("     "):
        cur = None
        out_top.append(line)
    elif cur is not None and line.startswith("        Port "):
        port = [line]
        cur[1].append(port)
    elif cur is not None and port is not None:
        port.append(line)
    elif cur is not None:
        cur[0].append(line)
    else:
        out_top.append(line)
blocks = []
for head, ports in bridges:
    name = head[0].split()[1]
    ports = [p for p in ports if p[0].split()[1] != name]
    blocks.append("\n".join(head + sorted("\n".join(p) for p in ports)))
print("\n".join(out_top + sorted(blocks) + tail))
