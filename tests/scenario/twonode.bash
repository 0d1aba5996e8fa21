# twonode.bash: builds the switch of one node of a two-node VXLAN setup
# (a network node and a compute node) through the CLI, as the Neutron OVS
# agent would: br-int and br-tun joined by patch-tun/patch-int, a vxlan
# tunnel port to the other node named vxlan-%08x of its IP, br-tun's flows
# as in the seed (tests/data/seed, reference/seed-behaviour.md §1.5) with
# the node's own local VLAN for VNI 239, and one instance port on br-int.
# Source after common.bash and seed.bash.

# tunnel_name IP: the agent's tunnel port name for remote IP.
tunnel_name() {
    # shellcheck disable=SC2086  # split the address into its four bytes
    printf 'vxlan-%02x%02x%02x%02x' ${1//./ }
}

# node_build DIR LOCAL_IP REMOTE_IP LVID PORT TYPE: builds the node of run
# directory DIR, whose underlay address is LOCAL_IP, with a tunnel to
# REMOTE_IP, local VLAN LVID for VNI 239 (0xef), and the instance port
# PORT of interface type TYPE (dummy, tap...) on br-int with tag LVID and
# MTU 1450.
node_build() {
    local dir=$1 local_ip=$2 remote_ip=$3 lvid=$4 port=$5 type=$6
    local tunnel
    tunnel=$(tunnel_name "$remote_ip")
    vx "$dir" vsctl add-br br-int \
        -- set bridge br-int fail_mode=secure datapath_type=system \
        -- add-br br-tun \
        -- set bridge br-tun fail_mode=secure datapath_type=system \
        -- add-port br-int patch-tun \
        -- set interface patch-tun type=patch options:peer=patch-int \
        -- add-port br-tun patch-int \
        -- set interface patch-int type=patch options:peer=patch-tun \
        -- add-port br-tun "$tunnel" \
        -- set interface "$tunnel" type=vxlan options:df_default=true \
               options:egress_pkt_mark=0 options:in_key=flow \
               options:local_ip="$local_ip" options:out_key=flow \
               options:remote_ip="$remote_ip" \
        -- add-port br-int "$port" tag="$lvid" \
        -- set interface "$port" type="$type" mtu_request=1450 \
        || return 1
    # br-int: the firewall is not the subject here; NORMAL switches the
    # instance's access port and the patch-tun trunk.
    vx "$dir" ofctl add-flow br-int "priority=0 actions=NORMAL" || return 1
    seed_flows br-tun \
        | sed -e "s/vxlan-ac10000b/$tunnel/g" \
              -e "s/mod_vlan_vid:3,/mod_vlan_vid:$lvid,/" \
              -e "s/dl_vlan=3 /dl_vlan=$lvid /" \
        | vx "$dir" ofctl add-flows br-tun - || return 1
}

# node_iface_error DIR IFACE: prints the error column of IFACE.
node_iface_error() {
    vx "$1" vsctl get interface "$2" error 2>/dev/null
}

# vxstack_features: prints the device types `vxstackd --version` lists on
# its "features:" line.
vxstack_features() {
    "$VXSTACKD" --version 2>/dev/null | sed -n 's/^features: *//p'
}

# require_feature TYPE...: skips the scenario unless vxstackd lists every
# TYPE among its features.
require_feature() {
    local f features
    features=" $(vxstack_features) "
    for f in "$@"; do
        case $features in
            *" $f "*) ;;
            *) echo "SKIP: vxstackd has no real '$f' device class yet" \
                    "(features:${features% })"
               exit 77 ;;
        esac
    done
}

# Network namespaces (root only).  Every namespace is named vxt-<pid>-ROLE
# and removed when the scenario exits, also on failure or a signal, after
# the daemons and helpers are stopped.
TWONODE_NETNS=()

twonode_cleanup() {
    local ns
    scenario_cleanup
    for ns in "${TWONODE_NETNS[@]}"; do
        ip netns del "$ns" 2>/dev/null
    done
}
trap twonode_cleanup EXIT
trap 'exit 130' INT TERM HUP

# require_root_netns: skips the scenario unless it runs as root with ip
# and network namespaces.
require_root_netns() {
    [ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
    command -v ip >/dev/null || { echo "SKIP: no ip command"; exit 77; }
    ip netns add "vxt-$$-probe" 2>/dev/null \
        || { echo "SKIP: cannot create network namespaces"; exit 77; }
    ip netns del "vxt-$$-probe"
}

# require_tool TOOL...: skips the scenario unless every TOOL is installed.
require_tool() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null \
            || { echo "SKIP: $t is not installed"; exit 77; }
    done
}

# ns_add VAR ROLE: creates namespace vxt-<pid>-ROLE with lo up and stores
# its name in VAR.
ns_add() {
    local __ns="vxt-$$-$2"
    ip netns add "$__ns" || fail "ip netns add $__ns"
    TWONODE_NETNS+=("$__ns")
    ip -n "$__ns" link set lo up || fail "lo up in $__ns"
    printf -v "$1" '%s' "$__ns"
}

# underlay NS1 IP1 NS2 IP2: a veth pair "ul0" between node namespaces NS1
# and NS2 with addresses IP1/24 and IP2/24 (the seed's 172.16.0.0/24).
underlay() {
    ip -n "$1" link add ul0 type veth peer name ul0 netns "$3" \
        || fail "underlay veth"
    ip -n "$1" addr add "$2/24" dev ul0 || fail "underlay address $2"
    ip -n "$3" addr add "$4/24" dev ul0 || fail "underlay address $4"
    ip -n "$1" link set ul0 up || fail "ul0 up in $1"
    ip -n "$3" link set ul0 up || fail "ul0 up in $3"
}

# start_daemon_in NS DIR: starts vxstackd in network namespace NS with run
# directory DIR (the control socket is reachable from anywhere) and records
# its pid.  Real ports (VXSTACK_REAL_PORTS=1): no dummy stand-ins.
start_daemon_in() {
    ip netns exec "$1" "$VXSTACKD" --detach --rundir "$2" \
        || fail "vxstackd failed to start in $1"
    [ -s "$2/vxstackd.pid" ] || fail "no pid file in $2"
    SCENARIO_PIDS+=("$(cat "$2/vxstackd.pid")")
}

# attach_instance NODE VM TAP IP: moves the tap TAP that the daemon of node
# namespace NODE created into instance namespace VM, and gives it IP/24
# there; its MTU stays 1450 and its offloads at their defaults.
attach_instance() {
    local node=$1 vm=$2 tap=$3 ip=$4 i
    for i in $(seq 50); do
        ip -n "$node" link show "$tap" >/dev/null 2>&1 && break
        sleep 0.1
    done
    ip -n "$node" link set "$tap" netns "$vm" \
        || fail "moving $tap into $vm"
    ip -n "$vm" addr add "$ip/24" dev "$tap" || fail "address of $tap"
    ip -n "$vm" link set "$tap" up || fail "$tap up"
}

# bg_in NS VAR CMD...: runs CMD in namespace NS in the background, records
# its pid for cleanup and stores it in VAR.
bg_in() {
    local ns=$1 __var=$2
    shift 2
    ip netns exec "$ns" "$@" &
    SCENARIO_PIDS+=($!)
    printf -v "$__var" '%s' $!
}

# tcp_transfer VAR CLIENT_NS SERVER_NS SERVER_IP: a 2-second TCP transfer
# from CLIENT_NS to SERVER_IP in SERVER_NS, with iperf3 if installed, else
# with python3 sockets.  Stores the bytes the server received in VAR; fails
# if none.
tcp_transfer() {
    local __var=$1 cns=$2 sns=$3 sip=$4 __srv __out __bytes __tmp
    if command -v iperf3 >/dev/null; then
        bg_in "$sns" __srv timeout 20 iperf3 -s -1 -B "$sip" -p 5201 \
            >/dev/null
        for i in $(seq 50); do
            ip netns exec "$sns" ss -ltn 2>/dev/null | grep -q ":5201 " && break
            sleep 0.1
        done
        __out=$(ip netns exec "$cns" timeout 15 iperf3 -c "$sip" -p 5201 -t 2 -J) \
            || { kill "$__srv"; wait "$__srv"
                 fail "iperf3 from $cns to $sip failed: $__out"; }
        wait "$__srv"
        __bytes=$(python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bytes"]))' <<< "$__out")
    else
        new_rundir __tmp
        bg_in "$sns" __srv timeout 15 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5201)); s.listen(1)
c, _ = s.accept(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
print(n)' "$sip" >"$__tmp/tcp.out"
        sleep 0.5
        ip netns exec "$cns" timeout 15 python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 5201), timeout=5)
end = time.time() + 2; buf = b"x" * 65536
while time.time() < end: s.sendall(buf)
s.close()' "$sip" \
            || { kill "$__srv"; wait "$__srv"
                 fail "TCP transfer from $cns to $sip failed"; }
        wait "$__srv"
        __bytes=$(cat "$__tmp/tcp.out")
    fi
    [ "${__bytes:-0}" -gt 0 ] || fail "no TCP bytes from $cns to $sip"
    printf -v "$__var" '%s' "$__bytes"
}
