#!/bin/bash
# Oracle: the same vsctl command lines through `vxstack vsctl` and through
# real ovs-vsctl (on a private ovsdb-server) give the same output, the same
# error messages and the same exit statuses, and `show` prints the same
# after normalising UUIDs and the order of rows.  Skips without OVS.
. "$(dirname "$0")/common.bash" || exit 1

for tool in ovsdb-server ovsdb-tool ovs-vsctl python3; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
schema=/usr/share/openvswitch/vswitch.ovsschema
[ -r "$schema" ] || { echo "SKIP: no $schema"; exit 77; }

new_rundir ovs
export OVS_RUNDIR=$ovs OVS_DBDIR=$ovs OVS_LOGDIR=$ovs OVS_SYSCONFDIR=$ovs
ovsdb-tool create "$ovs/conf.db" "$schema" || fail "ovsdb-tool create"
ovsdb-server --remote="punix:$ovs/db.sock" --pidfile="$ovs/ovsdb.pid" \
    --unixctl="$ovs/ovsdb.ctl" --log-file="$ovs/ovsdb.log" --detach \
    --no-chdir "$ovs/conf.db" || fail "ovsdb-server did not start"
SCENARIO_PIDS+=("$(cat "$ovs/ovsdb.pid")")
ovs-vsctl --db="unix:$ovs/db.sock" --no-wait init || fail "ovs-vsctl init"

new_rundir dir
start_daemon "$dir"

# Replaces UUIDs by their order of first appearance.
normalise_uuids() {
    python3 -c '
import re, sys
seen = {}
def sub(m):
    return seen.setdefault(m.group(0), "<uuid%d>" % len(seen))
sys.stdout.write(re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", sub, sys.stdin.read()))'
}

n=0
while IFS= read -r line; do
    [ -z "$line" ] && continue
    eval "set -- $line"
    run_status ovs_out ovs_err ovs_st ovs-vsctl --db="unix:$ovs/db.sock" --no-wait "$@"
    run_status vx_out vx_err vx_st vx "$dir" vsctl "$@"
    ovs_err=${ovs_err#ovs-vsctl: }
    vx_err=${vx_err#vxstack: }
    check_eq "$vx_st" "$ovs_st" "status of: vsctl $line"
    check_eq "$vx_err" "$ovs_err" "error of: vsctl $line"
    check_eq "$(printf '%s' "$vx_out" | normalise_uuids)" \
             "$(printf '%s' "$ovs_out" | normalise_uuids)" "output of: vsctl $line"
    n=$((n + 1))
done <<'COMMANDS'
add-br br-int
add-br br-int
--may-exist add-br br-int
add-br p9 -- add-port p9 p9x
add-port br-int p1 tag=3
add-port br-int p1
add-port nope p2
add-port br-int br-int
add-br p1
set port p1 tag=5000
set port p1 tag=-1
set port p1 tag=abc
set port p1 tag=[1,2]
set port p1 tag=1-3
set port p1 trunks=1-3,7
get port p1 trunks tag
add port p1 trunks 9 10
remove port p1 trunks 2 10
get port p1 trunks
set port p1 trunks=5-1
set port p1 vlan_mode=foo
set port p1 interfaces=[]
set bridge br-int fail_mode=foo
set bridge br-int protocols=OpenFlow99
set bridge br-int fail_mode=secure protocols=OpenFlow10,OpenFlow13 datapath_type=system
get bridge br-int fail_mode protocols datapath_type
set bridge br-int foo=1
set bridge br-int other_config
set bridge br-int other_config:a=b other_config:c="x y"
get bridge br-int other_config other_config:c
remove bridge br-int other_config a
get bridge br-int other_config
set interface p1 options:x
set interface p1 options:=x
set interface p1 ofport_request=0
set interface p1 ofport_request=65280
set interface p1 mtu_request=0
set interface p1 external_ids:iface-id=648437e1-0d external_ids:attached-mac="fa:16:3e:61:21:c6"
get interface p1 external_ids
get bridge br-int other_config:foo
--if-exists get bridge br-int other_config:foo
get bridge br-int fail_mode:foo
set bridge br-int fail_mode:x=y
set bridge br-int name=x
clear port p1 name
clear port p1 interfaces
clear port p1 tag trunks
set bogus br-int fail_mode=secure
set bridge nobr fail_mode=secure
list-br
list-ports br-int
list-ifaces br-int
port-to-br p1
iface-to-br p1
port-to-br nope
iface-to-br nope
del-port br-int nope
del-port br-int
--if-exists del-port nope
br-to-vlan br-int
br-to-parent br-int
add-br br-tun -- add-port br-tun vxlan-ac10000b -- set interface vxlan-ac10000b type=vxlan options:remote_ip=172.16.0.11 options:in_key=flow options:out_key=flow options:local_ip=172.16.0.31 options:df_default=true options:egress_pkt_mark=0
get interface vxlan-ac10000b options type
get interface vxlan-ac10000b options:remote_ip options:in_key
--may-exist add-port br-tun p1
del-port br-tun p1
add-port br-tun patch-int -- set interface patch-int type=patch options:peer=patch-tun
add-port br-int patch-tun -- set interface patch-tun type=patch options:peer=patch-int
set-controller br-int tcp:127.0.0.1:6633
set-controller br-tun tcp:127.0.0.1:6633 tcp:10.0.0.1:6653
get-controller br-tun
set-controller br-tun tcp:127.0.0.1:6633
get-controller br-int
set-manager ptcp:6640:127.0.0.1
get-manager
set-fail-mode br-int foo
set-fail-mode br-tun secure
get-fail-mode br-tun
--columns=name,tag list port p1
--columns=name,type,options list interface vxlan-ac10000b patch-int
--bare --columns=name find interface type=vxlan
--columns=name find port tag=3
--oneline list-br -- list-ports br-int
--oneline --columns=name list bridge br-tun -- list-br -- --columns=name find port name=p1
--columns=target list controller -- --columns=_uuid find bridge name=zz -- --columns=name list bridge br-int
br-set-external-id br-int bridge-id br-int
br-get-external-id br-int
br-exists nope
br-exists br-int
frob
add-br
add-br a b
--if-exists add-br x
--foo list-br
-- --may-exist
del-port br-int p1 -- add-port br-int p1 tag=4
--with-iface del-port vxlan-ac10000b
del-br p9
list-br
COMMANDS

# show, with UUIDs, the order of bridges and ports, and the version (which
# only ovs-vswitchd sets) normalised.
normalise_show() {
    python3 -c '
import re, sys
lines = [l for l in sys.stdin.read().split("\n")
         if l and not l.startswith("    ovs_version:")]
lines[0] = "<uuid>"
def blocks(lines, i, indent):
    out = []
    while i < len(lines) and len(lines[i]) - len(lines[i].lstrip()) == indent:
        head = lines[i]
        kids, i = blocks(lines, i + 1, indent + 4)
        out.append((head, kids))
    return out, i
def render(tree):
    items = []
    for head, kids in tree:
        text = head + "\n" + render(kids)
        items.append(text)
    sortable = [t for t in items if t.lstrip().startswith(("Bridge ", "Port "))]
    sortable.sort()
    return "".join(sortable.pop(0) if t.lstrip().startswith(("Bridge ", "Port ")) else t
                   for t in items)
tree, _ = blocks(lines, 1, 4)
sys.stdout.write(lines[0] + "\n" + render(tree))'
}
ovs_show=$(ovs-vsctl --db="unix:$ovs/db.sock" --no-wait show | normalise_show)
# The reference is ovsdb-server alone, without a switch to open the ports'
# devices, so the error column our switch fills for the absent devices is
# left out of the comparison.
vx_show=$(vx "$dir" vsctl show \
          | grep -v '^ *error: "could not open network device' \
          | normalise_show)
check_eq "$vx_show" "$ovs_show" "show"
echo "$n command lines and show agree with ovs-vsctl"
stop_daemon "$dir"
exit 0
