#!/usr/bin/env python3
"""Compare vxstack's errors with Open vSwitch's (tests/data/ovs/errors.txt).

errors.txt holds blocks recorded from real OVS:
    $ COMMAND
    ? EXIT-STATUS
    ! stderr line ...
    | stdout line ...
For each ovs-ofctl / ovs-vsctl / ovs-appctl command, this runs the vxstack
equivalent against a running vxstackd and checks that it fails exactly
when OVS failed, with OVS's message (the "ovs-ofctl: " / "ovs-vsctl: "
prefix becomes "vxstack: ").  Where OVS's message comes from the switch
over OpenFlow (an OFPT_ERROR with hex dumps) or names OVS's own log
directory, only the failure is checked.  For commands OVS accepted, the
stdout is compared as well.

Usage: ovs_errors.py --vxstack PATH --rundir DIR FILE
Exit status 0 when all agree, 1 otherwise.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from ovs_golden import map_command  # noqa: E402


def parse(path):
    blocks = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("$ "):
                blocks.append({"cmd": line[2:], "status": None, "err": [],
                               "out": []})
            elif not blocks:
                continue
            elif line.startswith("? "):
                blocks[-1]["status"] = int(line[2:])
            elif line.startswith("! "):
                blocks[-1]["err"].append(line[2:])
            elif line.startswith("| "):
                blocks[-1]["out"].append(line[2:])
    return blocks


# Where vxstack deliberately answers differently from OVS 3.1:
KNOWN = [
    # vsctl checks interface options and types at once and refuses the
    # change; OVS stores it and reports the problem in the error column.
    (r"options:remote_ip=not-an-ip", "vsctl validates tunnel options"),
    (r"get interface vxlan-ac10000b error", "follows from the above"),
    (r"type=patch$", "vsctl validates patch peers"),
    (r"p-nopeer", "follows from the above"),
    (r"type=no-such-type", "vsctl validates interface types"),
    (r"get interface tap648437e1-0d error", "follows from the above"),
    # The action named in the error, for a message naming the bad token.
    (r"actions=ct\(commit\)'$", "error names the ct action"),
    # In trace flows tp_src/icmp_type follow the flow's protocol.
    (r"trace br-int in_port=4,udp,tp_src", "tp_src means UDP here too"),
    (r"trace br-int in_port=4,icmp6,icmp_type", "icmp_type means ICMPv6"),
    # No ports trie in the classifier: wider L4 megaflow masks.
    (r"trace br-int in_port=4,udp,udp_src=68",
     "megaflow tp_src exact, OVS 0x44/0xfffc"),
    # OVS's hidden table-254 rules, which vxstack does not have.
    (r"cookie=0/-1|table=254", "no hidden table-254 flows"),
]


def known(cmd):
    for pattern, why in KNOWN:
        if re.search(pattern, cmd):
            return why
    return None


def first_message(lines):
    """The first stderr line that is not an OVS log line."""
    for line in lines:
        if not re.match(r"^\d{4}-\d\d-\d\dT[\d:.]+Z\|", line):
            return line
    return ""


def log_texts(lines):
    """The message text of each OVS log line (after the last '|')."""
    return [line.rsplit("|", 1)[1] for line in lines
            if re.match(r"^\d{4}-\d\d-\d\dT[\d:.]+Z\|", line)]


def strip_prefix(line):
    return re.sub(r"^(ovs-ofctl|ovs-vsctl|ovs-appctl|vxstack): ", "", line)


def message_comparable(err_lines):
    text = "\n".join(err_lines)
    return not re.search(r"OFPT_ERROR|ovs-vswitchd log|log directory|"
                         r"server returned an error|"
                         r"normalization changed", text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vxstack", required=True)
    ap.add_argument("--rundir", required=True)
    ap.add_argument("file")
    args = ap.parse_args()
    env = dict(os.environ, VXSTACK_RUNDIR=args.rundir)
    same = diff = skipped = n_known = 0
    for b in parse(args.file):
        argv = map_command(b["cmd"])
        if argv is None or b["status"] is None:
            skipped += 1
            continue
        p = subprocess.run([args.vxstack] + argv, env=env,
                           capture_output=True, text=True, timeout=60)
        problems = []
        if (p.returncode != 0) != (b["status"] != 0):
            problems.append("exit status %d, OVS %d"
                            % (p.returncode, b["status"]))
        if b["status"] and message_comparable(b["err"]) and b["err"]:
            want = strip_prefix(first_message(b["err"]))
            got = strip_prefix(p.stderr.strip().split("\n")[0]) \
                if p.stderr.strip() else ""
            # OVS sometimes logs the precise reason as a warning before
            # its generic OpenFlow error; vxstack may give that reason.
            if want != got and got not in log_texts(b["err"]):
                problems.append("message %r, OVS %r" % (got, want))
        if not b["status"] and b["out"]:
            want = "\n".join(b["out"]).strip()
            got = p.stdout.strip()
            want = re.sub(r"duration=[0-9.]+s, ", "", want)
            got = re.sub(r"duration=[0-9.]+s, ", "", got)
            if want != got:
                problems.append("output %r, OVS %r" % (got, want))
        if problems and known(b["cmd"]):
            n_known += 1
        elif problems:
            diff += 1
            print("DIFFERENT: %s\n    %s" % (b["cmd"], "\n    ".join(problems)))
        else:
            same += 1
    print("ovs-errors: %d same, %d different, %d known deviations, "
          "%d not compared" % (same, diff, n_known, skipped))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
