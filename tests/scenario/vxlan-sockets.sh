#!/bin/bash
# The vxlan device in a running daemon, over loopback and without root.  A
# Python socket on 127.0.0.41 plays a foreign VTEP: a frame received on a
# dummy port leaves by the vxlan port with VNI 239 (checked on the wire),
# and of the datagrams the VTEP sends back the valid one reaches the dummy
# port while a bad header, an unknown remote and a wrong VNI are dropped
# and counted (bad-inputs.md V2, V5, V4).  A local_ip that is not local
# shows in the interface's error column.  The UDP port is picked per run
# (options:dst_port) rather than 4789, so that runs do not collide.
. "$(dirname "$0")/common.bash"

command -v python3 >/dev/null || { echo "SKIP: python3 is needed for the foreign VTEP"; exit 77; }
"$VXSTACKD" --version | grep -q '^features: .*\bvxlan\b' \
    || fail "vxstackd --version does not list vxlan among its features"

new_rundir dir
start_daemon "$dir"
export VXSTACK_RUNDIR=$dir

port=$(python3 -c '
import socket
for port in range(30000 + __import__("os").getpid() % 20000, 65000):
    try:
        for ip in ("127.0.0.11", "127.0.0.41", "127.0.0.42"):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((ip, port))
            s.close()
        print(port)
        break
    except OSError:
        pass
')
[ -n "$port" ] || fail "no free UDP port"

"$VXSTACK" vsctl add-br br0 \
    -- add-port br0 p1 -- set interface p1 type=dummy ofport_request=1 \
    -- add-port br0 vx1 -- set interface vx1 type=vxlan ofport_request=2 \
       options:remote_ip=127.0.0.41 options:local_ip=127.0.0.11 \
       options:key=239 options:dst_port="$port" \
    -- add-port br0 vxbad -- set interface vxbad type=vxlan \
       options:remote_ip=127.0.0.43 options:local_ip=10.255.255.254 \
       options:key=239 options:dst_port="$port" || fail "add-port"
check_contains "$("$VXSTACK" vsctl get interface vxbad error)" \
    "vxbad: could not bind VXLAN socket to 10.255.255.254:$port (Cannot assign requested address)" \
    "bind error in the error column"
check_eq "$("$VXSTACK" vsctl get interface vx1 error)" "[]" "vx1 has no error"
"$VXSTACK" ofctl add-flow br0 in_port=1,actions=output:2 || fail "add-flow"
"$VXSTACK" ofctl add-flow br0 in_port=2,actions=output:1 || fail "add-flow"

# The foreign VTEP: prints what it receives, then answers.
cat >"$dir/vtep.py" <<'PY'
import socket, struct, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
IP_RECVTTL = 12  # Linux <netinet/in.h>; absent from the socket module
s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
s.bind(("127.0.0.41", port))
s.settimeout(10)
data, anc, _, (src, sport) = s.recvmsg(65536, 256)
ttl = [struct.unpack("i", d)[0] for l, t, d in anc if t == socket.IP_TTL]
vni = data[4] << 16 | data[5] << 8 | data[6]
print("src=%s sport=%d flags=0x%02x reserved=%d vni=%d ttl=%s len=%d"
      % (src, sport, data[0], data[1] | data[2] | data[3] | data[7], vni,
         ttl[0] if ttl else "?", len(data)), flush=True)
inner = data[8:]
def vx(vni, flags=0x08):
    return bytes([flags, 0, 0, 0]) + struct.pack("!I", vni << 8) + inner
dst = ("127.0.0.11", port)
s.sendto(vx(239, flags=0), dst)        # V2: I flag clear.
other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
other.bind(("127.0.0.42", 0))
other.sendto(vx(239), dst)             # V5: unknown remote.
s.sendto(vx(240), dst)                 # V4: a VNI no tunnel has.
s.sendto(vx(239), dst)                 # Valid.
time.sleep(0.2)
PY
python3 "$dir/vtep.py" "$port" >"$dir/vtep.out" 2>&1 &
vtep=$!
for i in $(seq 50); do
    ss -lun 2>/dev/null | grep -q "127.0.0.41:$port" && break
    sleep 0.1
done

"$VXSTACK" appctl netdev-dummy/receive p1 \
    "eth(src=fa:16:3e:61:21:c6,dst=fa:16:3e:e9:26:5b),eth_type(0x0800),ipv4(src=192.168.101.85,dst=192.168.101.1,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)" \
    || fail "receive"
wait "$vtep" || { cat "$dir/vtep.out"; fail "the foreign VTEP failed"; }
out=$(cat "$dir/vtep.out")
check_contains "$out" "src=127.0.0.11 " "outer source"
check_contains "$out" "flags=0x08 reserved=0 vni=239 ttl=64" "VXLAN header"
sport=$(echo "$out" | sed -n 's/.* sport=\([0-9]*\) .*/\1/p')
read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
[ "$sport" -ge "$lo" ] && [ "$sport" -le "$hi" ] \
    || fail "UDP source port $sport outside the local port range $lo-$hi"

# Only the valid datagram reaches p1.
for i in $(seq 50); do
    tx=$("$VXSTACK" ofctl dump-ports br0 1 | sed -n 's/.*tx pkts=\([0-9]*\),.*/\1/p')
    [ "$tx" = 1 ] && break
    sleep 0.1
done
check_eq "$tx" 1 "packets out of p1"
show=$("$VXSTACK" dpctl show -s)
check_contains "$show" "rx_bad_flags=1" "dpctl show -s counts the bad header"
check_contains "$show" "endpoint_127.0.0.11=bound" "dpctl show -s endpoint"
check_contains "$show" "endpoint_10.255.255.254=Cannot assign requested address" \
    "dpctl show -s endpoint error"
cov=$("$VXSTACK" appctl coverage/show)
echo "$cov" | grep -qE "^vxlan_rx_bad_flags .* total: 1$" \
    || fail "coverage/show lacks vxlan_rx_bad_flags total: 1"
echo "$cov" | grep -qE "^dp_drop_no_tunnel_port .* total: 2$" \
    || fail "the unknown remote and the unknown VNI are not counted as dropped"
check_contains "$("$VXSTACK" dpctl show)" "lost:2" "the two drops are lost lookups"

# A port in use on a local address: the error clears by itself once it is
# free (the daemon retries every 10 s, here hurried by time/warp).
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.12", int(sys.argv[1])))
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
' "$port" "$dir/held" 3 &
holder=$!
for i in $(seq 50); do [ -e "$dir/held" ] && break; sleep 0.1; done
"$VXSTACK" vsctl add-port br0 vx2 -- set interface vx2 type=vxlan \
    options:remote_ip=127.0.0.44 options:local_ip=127.0.0.12 \
    options:key=239 options:dst_port="$port" || fail "add vx2"
check_contains "$("$VXSTACK" vsctl get interface vx2 error)" \
    "could not bind VXLAN socket to 127.0.0.12:$port (Address already in use)" \
    "port in use"
wait "$holder"
"$VXSTACK" appctl time/warp 11000 >/dev/null || fail "time/warp"
for i in $(seq 50); do
    err=$("$VXSTACK" vsctl get interface vx2 error)
    [ "$err" = "[]" ] && break
    sleep 0.1
done
check_eq "$err" "[]" "vx2 bound once the port is free"
check_contains "$("$VXSTACK" dpctl show -s)" "endpoint_127.0.0.12=bound" \
    "endpoint bound after the retry"
exit 0
