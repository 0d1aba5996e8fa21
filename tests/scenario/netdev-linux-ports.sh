#!/bin/bash
# Real kernel ports: vxstackd without --enable-dummy=override, in a private
# network namespace (the script re-runs itself under `unshare -n`, so that
# every device it makes vanishes with it).  Two instance namespaces (child
# processes with a namespace of their own, addressed by pid) are attached
# by taps to br-int, whose default NORMAL flow switches between them:
#   - ping works both ways, and TCP (iperf3, where installed) passes with
#     the instances' default offloads, its large segments whole (the
#     average frame sent to a tap is bigger than the MTU);
#   - an instance namespace that vanishes leaves its port with an error
#     in `vsctl show`, and the daemon neither crashes nor spins.
# Needs root, unshare(1), nsenter(1) and ip(8).
set -u

if [ "${VXT_IN_NETNS:-0}" != 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: needs root (TAP devices, network namespaces)"
        exit 77
    fi
    for tool in unshare nsenter ip; do
        if ! command -v $tool >/dev/null; then
            echo "SKIP: needs $tool"
            exit 77
        fi
    done
    VXT_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi

. "$(dirname "$0")/common.bash"
VXSTACK_REAL_PORTS=1

ip link set lo up || fail "lo up"
new_rundir dir
start_daemon "$dir"
vx "$dir" vsctl add-br br-int || fail "add-br"
for i in 1 2; do
    vx "$dir" vsctl add-port br-int tapvxt$i -- set interface tapvxt$i type=tap \
        || fail "add-port tapvxt$i"
done
features=$("$VXSTACKD" --version | sed -n 's/^features: //p')
check_contains "$features" "tap" "features line"

# The instances: processes in namespaces of their own, killed on exit.
instance_pids=()
for i in 1 2; do
    unshare -n sleep 120 &
    instance_pids+=($!)
done
SCENARIO_PIDS+=("${instance_pids[@]}")
sleep 0.2
for i in 1 2; do
    pid=${instance_pids[$((i - 1))]}
    ip link set tapvxt$i netns "$pid" || fail "move tapvxt$i"
    nsenter -t "$pid" -n sh -c "ip link set lo up && ip link set tapvxt$i mtu 1450 up && ip addr add 10.199.9.$i/24 dev tapvxt$i" \
        || fail "configure instance $i"
done
in1() { nsenter -t "${instance_pids[0]}" -n "$@"; }
in2() { nsenter -t "${instance_pids[1]}" -n "$@"; }

in1 ping -c 3 -i 0.2 -W 2 10.199.9.2 >/dev/null || fail "ping 1 -> 2"
in2 ping -c 3 -i 0.2 -W 2 10.199.9.1 >/dev/null || fail "ping 2 -> 1"

if command -v iperf3 >/dev/null; then
    in2 iperf3 -s -1 -D -p 5201 -I "$dir/iperf3.pid" || fail "iperf3 server"
    sleep 0.5
    SCENARIO_PIDS+=("$(cat "$dir/iperf3.pid")")
    out=$(in1 iperf3 -c 10.199.9.2 -p 5201 -t 2 -J) || fail "iperf3 client"
    retrans=$(echo "$out" | grep -m1 '"retransmits"' | tr -dc 0-9)
    echo "tcp through two taps: $(echo "$out" | grep -m1 '"bits_per_second"' | tr -dc 0-9.) bit/s, $retrans retransmits"
    # OFPST_PORT: "tx pkts=N, bytes=M" of the receiving instance's tap.
    ports=$(vx "$dir" ofctl dump-ports br-int tapvxt2) || fail "dump-ports"
    txp=$(echo "$ports" | sed -n 's/.*tx pkts=\([0-9]*\), bytes=\([0-9]*\).*/\1/p')
    txb=$(echo "$ports" | sed -n 's/.*tx pkts=\([0-9]*\), bytes=\([0-9]*\).*/\2/p')
    [ -n "$txp" ] && [ "$txp" -gt 0 ] || fail "no tx stats: $ports"
    [ $((txb / txp)) -gt 1464 ] || fail "frames were cut: $txb bytes in $txp packets"
else
    echo "note: iperf3 not installed, TCP part skipped"
fi

# An instance namespace vanishes under the daemon.
kill "${instance_pids[0]}"
wait "${instance_pids[0]}" 2>/dev/null
for i in $(seq 50); do
    show=$(vx "$dir" vsctl show) || fail "vsctl show"
    case "$show" in
        *"could not open network device tapvxt1 (No such device)"*) break ;;
    esac
    sleep 0.1
done
check_contains "$show" 'error: "could not open network device tapvxt1 (No such device)"' "error of the vanished tap"
pid=$(cat "$dir/vxstackd.pid")
# CPU time in clock ticks (utime + stime of /proc/PID/stat).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sleep 1
t1=$(cpu_ticks "$pid")
sleep 2
t2=$(cpu_ticks "$pid")
[ $((t2 - t1)) -lt 50 ] || fail "daemon spins: $((t2 - t1)) ticks in 2 s"
in2 ping -c 1 -W 1 10.199.9.2 >/dev/null || fail "remaining instance"
vx "$dir" dpctl show >/dev/null || fail "dpctl show after vanish"
stop_daemon "$dir"
echo "PASS"
