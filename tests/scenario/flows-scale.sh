#!/bin/bash
# Many flows through the CLI, checked for correctness (bench/flows times
# them): add-flows of 20,000 Neutron-like flows in one table, dump-flows and
# dump-aggregate agree, a file with one bad line in the middle changes
# nothing and the error names the file and the line, replace-flows keeps,
# replaces and deletes as ovs-ofctl's does, del-flows empties the table, and
# memory/show reports the rules and their bytes.  Then the conntrack limit:
# at ct-set-maxconns new connections are dropped and counted while
# existing ones keep working.
. "$(dirname "$0")/common.bash"

new_rundir dir
start_daemon "$dir"
vx "$dir" vsctl add-br br0 -- set-fail-mode br0 secure || fail "add-br"

# flows FIRST COUNT [ACTIONS]: COUNT flows of table 71, numbered from
# FIRST, in the shape of Neutron's security-group rules, with a few masks.
flows() {
    awk -v first="$1" -v n="$2" -v actions="${3:-resubmit(,72)}" 'BEGIN {
        for (i = first; i < first + n; i++) {
            a = int(i / 65536) % 256; b = int(i / 256) % 256; c = i % 256
            reg5 = 1 + i % 50
            if (i % 3 == 0) {
                printf "table=71,priority=70,ct_state=+new-est,ip,reg5=0x%x,nw_src=10.%d.%d.%d,tcp,tp_dst=%d actions=%s\n", reg5, a, b, c, 1 + i % 60000, actions
            } else if (i % 3 == 1) {
                printf "table=71,priority=70,ct_state=+new-est,ip,reg5=0x%x,nw_src=10.%d.%d.%d/31,udp,tp_dst=0x%x/0xfff0 actions=%s\n", reg5, a, b, c - c % 2, (i % 4096) * 16, actions
            } else {
                printf "table=71,priority=65,ip,reg5=0x%x,dl_src=fa:16:3e:%02x:%02x:%02x,nw_src=10.%d.%d.%d actions=%s\n", reg5, a, b, c, a, b, c, actions
            }
        }
    }'
}

count() {   # count [FILTER]: flow_count of dump-aggregate
    vx "$dir" ofctl dump-aggregate br0 "$@" | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p'
}

flows 0 20000 > "$dir/a.flows"
vx "$dir" ofctl add-flows br0 "$dir/a.flows" || fail "add-flows of 20000 flows"
check_eq "$(count)" 20000 "flow_count after add-flows"
check_eq "$(vx "$dir" ofctl dump-flows br0 | wc -l)" 20001 "dump-flows lines (header + flows)"
check_eq "$(vx "$dir" ofctl dump-flows --no-stats br0 | wc -l)" 20000 "dump-flows --no-stats lines"
check_eq "$(count table=71,reg5=0x7)" 400 "flow_count with a filter"
before=$(vx "$dir" ofctl dump-flows --no-stats br0 | md5sum)

# The same flows again replace themselves: still 20000.
vx "$dir" ofctl add-flows br0 "$dir/a.flows" || fail "add-flows again"
check_eq "$(count)" 20000 "flow_count after adding the same flows again"

# One bad line in the middle of 20000 new flows: nothing changes, and the
# error names the file and the line (from standard input too).
{ flows 20000 10000; echo "table=71,priority=70,ip,nw_srcx=10.0.0.1 actions=drop"; flows 30000 10000; } > "$dir/bad.flows"
run_status out err st vx "$dir" ofctl add-flows br0 "$dir/bad.flows"
check_eq "$st" 1 "status of add-flows with a bad line"
check_eq "$err" "vxstack: $dir/bad.flows:10001: unknown keyword nw_srcx" "bad line error"
check_eq "$(count)" 20000 "flow_count after a failed add-flows"
check_eq "$(vx "$dir" ofctl dump-flows --no-stats br0 | md5sum)" "$before" "flows after a failed add-flows"
run_status out err st vx "$dir" ofctl add-flows br0 - < "$dir/bad.flows"
check_contains "$err" "vxstack: -:10001: unknown keyword nw_srcx" "bad line error from stdin"
run_status out err st vx "$dir" ofctl replace-flows br0 "$dir/bad.flows"
check_contains "$err" "bad.flows:10001: unknown keyword nw_srcx" "bad line error of replace-flows"
check_eq "$(vx "$dir" ofctl dump-flows --no-stats br0 | md5sum)" "$before" "flows after a failed replace-flows"

# replace-flows: flows 10000-19999 stay as they are, 0-9999 go, 20000-24999
# come, and flow 15000 gets new actions.  (Then 4000 flows with timeouts
# come and go.)
{ flows 10000 5000; flows 15000 1 drop; flows 15001 4999; flows 20000 5000; } > "$dir/r.flows"
vx "$dir" ofctl replace-flows br0 "$dir/r.flows" || fail "replace-flows"
check_eq "$(count)" 15000 "flow_count after replace-flows"
check_eq "$(count table=71,tcp,nw_src=10.0.0.0)" 0 "flow 0 deleted"
check_eq "$(count table=71,reg5=0x7)" 300 "flows 0-9999 deleted"
check_eq "$(count table=71,ip,nw_src=10.0.78.32)" 1 "flow 20000 added"
check_eq "$(vx "$dir" ofctl dump-flows --no-stats br0 table=71,tcp,nw_src=10.0.58.152 | sed 's/.*actions=//')" "drop" "flow 15000 replaced"
vx "$dir" ofctl replace-flows br0 "$dir/r.flows" || fail "replace-flows again"
check_eq "$(count)" 15000 "flow_count after the same replace-flows"

# Timeouts on many flows: each expires at its time, no sooner.
{ flows 40000 2000 | sed 's/ actions=/,hard_timeout=10 actions=/'
  flows 42000 2000 | sed 's/ actions=/,idle_timeout=20 actions=/'; } > "$dir/t.flows"
vx "$dir" ofctl add-flows br0 "$dir/t.flows" || fail "add-flows with timeouts"
check_eq "$(count)" 19000 "flows with timeouts added"
vx "$dir" appctl time/warp 9000 >/dev/null || fail "time/warp 9 s"
check_eq "$(count)" 19000 "flows with timeouts after 9 s"
vx "$dir" appctl time/warp 2000 >/dev/null || fail "time/warp 11 s"
check_eq "$(count)" 17000 "flows after their hard timeout"
vx "$dir" appctl time/warp 10000 >/dev/null || fail "time/warp 21 s"
check_eq "$(count)" 15000 "flows after their idle timeout"

mem=$(vx "$dir" appctl memory/show) || fail "memory/show"
check_contains "$mem" "rules:15000 " "memory/show rules"
for key in heap rules_bytes bytes_per_rule conntrack conntrack_bytes bytes_per_conn; do
    value=$(echo "$mem" | tr ' ' '\n' | sed -n "s/^$key:\([0-9]*\).*/\1/p")
    [ -n "$value" ] || fail "memory/show has no $key: $mem"
done
per_rule=$(echo "$mem" | tr ' ' '\n' | sed -n 's/^bytes_per_rule://p')
[ "$per_rule" -ge 500 ] && [ "$per_rule" -le 4000 ] \
    || fail "bytes_per_rule $per_rule is not plausible"

vx "$dir" ofctl del-flows br0 || fail "del-flows"
check_eq "$(count)" 0 "flow_count after del-flows"
check_contains "$(vx "$dir" appctl memory/show)" "rules:0 " "memory/show after del-flows"

# The conntrack limit: with room for 2 connections, the 3rd and 4th new
# connections are dropped at their commit and counted; the first two keep
# working in both directions.
vx "$dir" vsctl add-port br0 p1 -- set interface p1 type=dummy ofport_request=1 \
    -- add-port br0 p2 -- set interface p2 type=dummy ofport_request=2 || fail "add-port"
cat > "$dir/ct.flows" <<'EOF'
table=0,priority=10,ct_state=-trk,udp actions=ct(table=1,zone=5)
table=1,priority=10,ct_state=+new+trk,udp,in_port=1 actions=ct(commit,zone=5),output:2
table=1,priority=10,ct_state=+est+trk,udp,in_port=1 actions=output:2
table=1,priority=10,ct_state=+est+trk,udp,in_port=2 actions=output:1
EOF
vx "$dir" ofctl add-flows br0 "$dir/ct.flows" || fail "add-flows ct pipeline"
check_eq "$(vx "$dir" appctl dpctl/ct-get-maxconns)" 262144 "default maxconns"
vx "$dir" appctl dpctl/ct-set-maxconns 2 >/dev/null || fail "ct-set-maxconns"

udp() {   # udp IN_PORT SRC DST SPORT DPORT
    echo "in_port($1),eth(src=fa:16:3e:00:00:0$1,dst=fa:16:3e:00:00:09),eth_type(0x0800),ipv4(src=$2,dst=$3,proto=17,tos=0,ttl=64,frag=no),udp(src=$4,dst=$5)"
}
tx_of() {   # tx_of PORT: the tx packet count of br0's port PORT
    vx "$dir" ofctl dump-ports br0 "$1" | sed -n 's/.*tx pkts=\([0-9]*\),.*/\1/p'
}
a=10.1.0.1 b=10.1.0.2
full_before=$(vx "$dir" appctl coverage/show | awk '$1 == "conntrack_full" { print $NF }')
for port in 1001 1002 1003 1004; do
    vx "$dir" appctl netdev-dummy/receive p1 "$(udp 1 $a $b $port 53)" || fail "receive $port"
done
check_eq "$(tx_of 2)" 2 "new connections forwarded at the limit"
check_eq "$(vx "$dir" appctl dpctl/dump-conntrack | wc -l)" 2 "connections at the limit"
stats=$(vx "$dir" appctl dpctl/ct-stats-show)
check_contains "$stats" "Dropped at ct-set-maxconns limit (2): 2" "ct-stats-show drops"
full=$(vx "$dir" appctl coverage/show | awk '$1 == "conntrack_full" { print $NF }')
[ "${full:-0}" -ge 2 ] || fail "coverage conntrack_full: '$full' (before: '$full_before')"
check_contains "$(vx "$dir" appctl memory/show)" "conntrack:2 " "memory/show conntrack"

# The admitted connections go on: replies come back, and the original
# direction passes again.
vx "$dir" appctl netdev-dummy/receive p2 "$(udp 2 $b $a 53 1001)" "$(udp 2 $b $a 53 1002)" || fail "replies"
check_eq "$(tx_of 1)" 2 "replies of admitted connections"
vx "$dir" appctl netdev-dummy/receive p1 "$(udp 1 $a $b 1001 53)" || fail "receive again"
check_eq "$(tx_of 2)" 3 "admitted connection after its reply"

# Raising the limit admits new connections again.
vx "$dir" appctl dpctl/ct-set-maxconns 3 >/dev/null || fail "ct-set-maxconns 3"
vx "$dir" appctl netdev-dummy/receive p1 "$(udp 1 $a $b 1003 53)" || fail "receive 1003"
check_eq "$(tx_of 2)" 4 "new connection below the raised limit"

# replace-flows with the same flows leaves them alone, counters included;
# a flow whose actions change is replaced, and one not listed goes.
counters() {
    vx "$dir" ofctl dump-flows br0 | grep -o 'n_packets=[0-9]*' | tr '\n' ' '
}
before=$(counters)
check_eq "$before" "n_packets=8 n_packets=5 n_packets=1 n_packets=2 " "counters before replace-flows"
vx "$dir" ofctl replace-flows br0 "$dir/ct.flows" || fail "replace-flows of the same flows"
check_eq "$(counters)" "$before" "counters after replace-flows of the same flows"
sed -e 's/output:1$/drop/' -e '/ct_state=+est+trk,udp,in_port=1 /d' "$dir/ct.flows" > "$dir/ct2.flows"
vx "$dir" ofctl replace-flows br0 "$dir/ct2.flows" || fail "replace-flows of changed flows"
check_eq "$(count)" 3 "flows after replace-flows of changed flows"
check_eq "$(vx "$dir" ofctl dump-flows --no-stats br0 in_port=2 | sed 's/.*actions=//')" "drop" "replaced actions"

stop_daemon "$dir"
exit 0
