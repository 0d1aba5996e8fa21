#!/bin/bash
# Checks the recorded OVS data in tests/data/ovs/ against the seed and for
# internal consistency.  Needs no OVS unless --rerecord is given.
#
#     tests/ovs/check-data.sh [--rerecord]
#
# Checks (each prints "ok" or "FAIL" with a diff):
#   1. static/dump-flows-names-BR.txt lists exactly the seed's flows in the
#      seed's order once durations and counters are removed (4 bridges).
#   2. static/list-tunnels.txt equals the seed's ofproto/list-tunnels.
#   3. The table-20 flow that OVS learned (traces/20-vxlan-learn.txt and
#      datapath/dump-flows-after.txt) equals the seed's learned flow.
#   4. static/dpctl-show.txt has the seed's datapath port numbers and names
#      (ovs-system is called ovs-netdev in the userspace datapath).
#   5. Every ofproto/trace output has one "Datapath actions:" per "Flow:".
#   6. Every errors.txt block has an exit status line.
# --rerecord also runs record-all.sh into a temporary folder and compares
# every transcript with the stored one after normalise.sh --sort-lines.
# Exit status: 0 all ok, 1 a check failed, 77 --rerecord impossible here.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=$ROOT/tests/data/ovs
. "$HERE/build-seed.sh"    # for OVS_SEED_DIR only
SEED=$OVS_SEED_DIR
failed=0

ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failed=1; }

# Removes the "$ ..." lines, durations and packet/byte counters.
strip_stats() {
    grep -v '^\$ ' "$@" \
        | sed -E 's/duration=[0-9.]+s, //; s/n_packets=[0-9]+, n_bytes=[0-9]+, //'
}

# 1. Dump order and content versus the seed.
for br in br-int br-tun br-provider br-mgmt; do
    if diff <(strip_stats "$SEED/ovs-ofctl-dump-flows-$br.txt") \
            <(strip_stats "$DATA/static/dump-flows-names-$br.txt") > /tmp/check-data.$$; then
        ok "dump-flows --names $br: same flows, same order as the seed"
    else
        fail "dump-flows --names $br differs from the seed:"
        cat /tmp/check-data.$$
    fi
done
rm -f /tmp/check-data.$$

# 2. list-tunnels.
if diff <(grep -v '^\$ ' "$SEED/ovs-appctl-ofproto-list-tunnels.txt") \
        <(grep -v '^\$ ' "$DATA/static/list-tunnels.txt"); then
    ok "ofproto/list-tunnels equals the seed"
else
    fail "ofproto/list-tunnels differs from the seed"
fi

# 3. The learned flow.
seed_learned=$(strip_stats "$SEED/ovs-ofctl-dump-flows-br-tun.txt" \
               | grep 'table=20, hard_timeout=300')
for src in traces/20-vxlan-learn.txt datapath/dump-flows-after.txt; do
    got=$(strip_stats "$DATA/$src" | grep 'table=20, hard_timeout=300' \
          | grep 'dl_dst=fa:16:3e:e9:26:5b' | grep 'output:"' | sort -u)
    if [ -n "$got" ] && [ "$(echo "$got" | head -1)" = "$seed_learned" ]; then
        ok "learned table-20 flow in $src equals the seed's"
    else
        fail "learned table-20 flow in $src: got '$got', seed '$seed_learned'"
    fi
done

# 4. Datapath port numbers.
ports() {
    grep -E '^  port [0-9]+: ' "$1" | sed -E 's/ \(.*//; s/ovs-system/ovs-netdev/'
}
if diff <(ports "$SEED/ovs-dpctl-show.txt") \
        <(ports "$DATA/static/dpctl-show.txt" | awk '!seen[$0]++'); then
    ok "datapath port numbers and names equal the seed's"
else
    fail "datapath ports differ from the seed"
fi

# 5. Every ofproto/trace block of every transcript is complete: it has as
#    many "Datapath actions:" lines as "Flow:" lines (one per recirculation).
for f in "$DATA"/traces/*.txt "$DATA"/static/trace-*.txt; do
    bad=$(awk '
        function check() {
            if (intrace && nflow != nact) bad++
        }
        /^\$ / { check(); intrace = ($0 ~ /ofproto\/trace/); nflow = nact = 0; next }
        /^Flow: / { nflow++ }
        /^Datapath actions: / { nact++ }
        END { check(); print bad + 0 }' "$f")
    if [ "$bad" = 0 ]; then
        ok "traces in $(basename "$f") are complete"
    else
        fail "$(basename "$f"): $bad incomplete trace(s)"
    fi
done

# 6. errors.txt blocks.
n_cmd=$(grep -c '^\$ ' "$DATA/errors.txt")
n_rc=$(grep -c '^? [0-9]' "$DATA/errors.txt")
if [ "$n_cmd" = "$n_rc" ] && [ "$n_cmd" -gt 0 ]; then
    ok "errors.txt: $n_cmd commands, each with an exit status"
else
    fail "errors.txt: $n_cmd commands but $n_rc exit status lines"
fi

# --rerecord: compare with a fresh recording.
if [ "${1:-}" = --rerecord ]; then
    why=""
    command -v ovs-vswitchd > /dev/null || why="ovs-vswitchd not installed"
    command -v tcpdump > /dev/null || why="tcpdump not installed"
    if [ "$(id -u)" != 0 ] && [ ! -w /dev/net/tun ]; then
        why="needs root or a writable /dev/net/tun"
    fi
    if [ -n "$why" ]; then
        echo "skip --rerecord: $why"
        [ $failed = 0 ] && exit 77
        exit 1
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovs-rerecord.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    if ! "$HERE/record-all.sh" "$tmp" > "$tmp.log" 2>&1; then
        fail "record-all.sh failed:"
        cat "$tmp.log"
    else
        while read -r f; do
            if diff <("$HERE/normalise.sh" --sort-lines "$DATA/$f") \
                    <("$HERE/normalise.sh" --sort-lines "$tmp/$f") \
                    > "$tmp.diff"; then
                ok "rerecorded $f matches"
            else
                fail "rerecorded $f differs:"
                head -40 "$tmp.diff"
            fi
        done < <(cd "$DATA" && find . -name '*.txt' | sed 's#^\./##' | sort)
    fi
    rm -f "$tmp.log" "$tmp.diff"
fi

exit $failed
