#!/bin/bash
# `vxstack capture` on the ports of a running switch, without root (dummy
# devices): text lines and pcap for an instance port, the tunnel metadata
# on vxlan_sys_4789, and every way a capture stops: -c COUNT, SIGINT,
# a closed pipe, the port deleted, the daemon exiting.  tcpdump, when
# installed, must read the pcap stream and print what the text lines say.
. "$(dirname "$0")/common.bash"

new_rundir dir
start_daemon "$dir"
export VXSTACK_RUNDIR=$dir

vm=fa:16:3e:61:21:c6
gw=fa:16:3e:e9:26:5b
tap=tap648437e1-0d
# Loopback tunnel endpoints of their own, so that a real VXLAN device (if
# this build has one) sends nowhere that matters.
local_ip=127.0.0.61
remote_ip=127.0.0.62
tunnel=vxlan-7f00003e

vx "$dir" vsctl add-br br-int -- set bridge br-int fail_mode=secure \
    -- add-port br-int "$tap" tag=3 \
    -- set interface "$tap" type=dummy ofport_request=4 \
    -- add-port br-int other -- set interface other type=dummy \
    -- add-port br-int patch-tun -- set interface patch-tun type=patch \
           options:peer=patch-int \
    -- add-br br-tun -- set bridge br-tun fail_mode=secure \
    -- add-port br-tun patch-int -- set interface patch-int type=patch \
           options:peer=patch-tun \
    -- add-port br-tun "$tunnel" -- set interface "$tunnel" type=vxlan \
           options:df_default=true options:in_key=flow \
           options:local_ip=$local_ip options:out_key=flow \
           options:remote_ip=$remote_ip || fail "building the bridges"
vx "$dir" ofctl add-flow br-int "actions=NORMAL" || fail "br-int flow"
vx "$dir" ofctl add-flows br-tun - <<EOF || fail "br-tun flows"
table=0,priority=1,in_port=patch-int,actions=resubmit(,22)
table=0,priority=1,in_port=$tunnel,actions=resubmit(,4)
table=4,priority=1,tun_id=0xef,actions=mod_vlan_vid:3,output:patch-int
table=22,priority=1,dl_vlan=3,actions=strip_vlan,load:0xef->NXM_NX_TUN_ID[],output:$tunnel
EOF

icmp() {    # icmp: an echo request from the instance to the gateway
    echo "in_port(1),eth(src=$vm,dst=$gw),eth_type(0x0800),ipv4(src=192.168.101.85,dst=192.168.101.1,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
}
arp="in_port(1),eth(src=$vm,dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),arp(sip=192.168.101.85,tip=192.168.101.1,op=1,sha=$vm,tha=00:00:00:00:00:00)"

send() {    # send PORT PACKET...
    vx "$dir" appctl netdev-dummy/receive "$@" >/dev/null \
        || fail "netdev-dummy/receive $1"
}

# start_capture OUT ERR ARGS...: runs `vxstack capture ARGS` in the
# background, output to OUT and ERR, and waits until the daemon has
# registered it (its log says so).  Sets CAP to its pid.
n_started=0
start_capture() {
    local out=$1 err=$2 i
    shift 2
    "$VXSTACK" capture "$@" >"$out" 2>"$err" &
    CAP=$!
    n_started=$((n_started + 1))
    for i in $(seq 50); do
        [ "$(grep -c 'capture on .* started' "$dir/vxstackd.log")" -ge \
          "$n_started" ] && return 0
        sleep 0.1
    done
    fail "capture $* did not start: $(cat "$err")"
}

# wait_capture STATUS: waits up to 5 s for the capture CAP to exit with
# STATUS.
wait_capture() {
    local i st
    for i in $(seq 50); do
        kill -0 "$CAP" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$CAP" 2>/dev/null; then
        kill "$CAP"
        fail "capture (pid $CAP) did not stop"
    fi
    wait "$CAP"
    st=$?
    [ "$st" = "$1" ] || fail "capture exited with $st, expected $1"
}

# 1. Text lines, -c 2: the instance's ARP request and ping, as received.
start_capture "$dir/text" "$dir/text.err" -i "$tap" -c 2
send "$tap" "$arp" "$(icmp)"
wait_capture 0
cat "$dir/text"
lines=$(cut -d' ' -f2- "$dir/text")
check_eq "$lines" "In $vm > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.101.1 tell 192.168.101.85, length 28
In $vm > $gw, ethertype IPv4 (0x0800), length 106: 192.168.101.85 > 192.168.101.1: ICMP echo request, id 0, seq 0, length 72" \
    "capture text lines"
check_eq "$(cat "$dir/text.err")" "2 packets captured" "capture summary"

# 2. The same through pcap: -w - into tcpdump, which must print the text
# lines' frames.
start_capture "$dir/pcap" "$dir/pcap.err" -i "$tap" -c 2 -w -
send "$tap" "$arp" "$(icmp)"
wait_capture 0
if command -v tcpdump >/dev/null; then
    td=$(tcpdump -n -e -r - <"$dir/pcap" 2>/dev/null | cut -d' ' -f2-)
    check_eq "$td" "$(cut -d' ' -f3- "$dir/text")" "tcpdump -r of the pcap"
else
    echo "tcpdump not installed: pcap contents not compared"
    [ "$(stat -c %s "$dir/pcap")" -gt 24 ] || fail "empty pcap"
fi

# 3. vxlan_sys_4789: what br-tun sends to the tunnel carries its metadata.
start_capture "$dir/tun" "$dir/tun.err" -i vxlan_sys_4789 -c 1
send "$tap" "$(icmp)"
wait_capture 0
cat "$dir/tun"
check_contains "$(cat "$dir/tun")" "Out tunnel(tun_id=0xef,src=$local_ip,dst=$remote_ip,ttl=64,tp_src=" \
    "tunnel metadata on vxlan_sys_4789"
check_contains "$(cat "$dir/tun")" ",tp_dst=4789,flags(df|key)) $vm > $gw, ethertype IPv4 (0x0800), length 106: 192.168.101.85 > 192.168.101.1: ICMP echo request" \
    "the inner frame on vxlan_sys_4789 (VLAN tag stripped)"

# 4. SIGINT stops a capture to a file cleanly: exit 0 and a pcap that
# holds the packets seen so far.
start_capture "$dir/int.out" "$dir/int.err" -i "$tap" -w "$dir/int.pcap"
send "$tap" "$(icmp)"
for i in $(seq 50); do
    [ "$(stat -c %s "$dir/int.pcap")" -gt 24 ] && break
    sleep 0.1
done
kill -INT "$CAP"
wait_capture 0
check_eq "$(cat "$dir/int.err")" "1 packet captured" "summary after SIGINT"
if command -v tcpdump >/dev/null; then
    n=$(tcpdump -n -r "$dir/int.pcap" 2>/dev/null | wc -l)
    check_eq "$n" 1 "packets in the pcap cut by SIGINT"
fi
grep -q "capture on $tap: client hung up" "$dir/vxstackd.log" \
    || { sleep 0.3; grep -q "capture on $tap: client hung up" "$dir/vxstackd.log"; } \
    || fail "the daemon did not notice the client leaving"

# 5. A closed pipe (head) stops it too, and the daemon drops the capture.
"$VXSTACK" capture -i "$tap" 2>"$dir/pipe.err" | head -n 1 >"$dir/pipe" &
pipe=$!
n_started=$((n_started + 1))
for i in $(seq 50); do
    [ "$(grep -c 'capture on .* started' "$dir/vxstackd.log")" -ge \
      "$n_started" ] && break
    sleep 0.1
done
send "$tap" "$(icmp)"
sleep 0.2
send "$tap" "$(icmp)"
for i in $(seq 50); do kill -0 "$pipe" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pipe" 2>/dev/null && fail "capture | head did not stop"
wait "$pipe"
check_eq "$(wc -l <"$dir/pipe")" 1 "lines through head"

# 6. Deleting the port ends the capture with a clear message and status 1.
start_capture "$dir/del" "$dir/del.err" -i other
vx "$dir" vsctl del-port br-int other || fail "del-port"
wait_capture 1
check_eq "$(cat "$dir/del.err")" "vxstack: capture on other ended: port other was deleted
0 packets captured" "message when the port is deleted"

# 7. Errors: no such port, a patch port.
run_status out err st "$VXSTACK" capture -i nosuch
check_eq "$st" 1 "capture on a missing port"
check_contains "$err" "nosuch: no such datapath port" "missing port message"
run_status out err st "$VXSTACK" capture -i patch-tun
check_eq "$st" 1 "capture on a patch port"

# 8. The daemon exiting ends the capture with a message.
start_capture "$dir/exit" "$dir/exit.err" -i "$tap"
stop_daemon "$dir"
wait_capture 1
check_contains "$(cat "$dir/exit.err")" "capture on $tap ended: vxstackd is exiting" \
    "message when the daemon exits"
echo "capture: all checks passed"
