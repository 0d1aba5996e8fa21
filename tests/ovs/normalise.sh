#!/bin/bash
# Replaces the values that differ from one recording to the next in OVS
# output (transcripts under tests/data/ovs/ or live output) with fixed
# placeholders, so that two runs can be compared with diff.
#
#     tests/ovs/normalise.sh [--sort-lines] [FILE...]   (default: stdin)
#
# What changes between runs, and what it becomes:
#   duration=1.234s              duration=<dur>s
#   idle_age=5, hard_age=5       idle_age=<age>, hard_age=<age>
#   used:0.123s                  used:<used>s        (used:never stays)
#   ufid:1a2b...                 ufid:<ufid>
#   dump duration : 1ms          dump duration : <ms>ms  (upcall/show)
#   "  5: (keys 16)"             "  <thread>: (keys 16)" (revalidator id)
#   (avg 12) ... (limit 12000)   (avg <n>) ... (limit <n>) (timing-based)
#   2026-11-24T14:18:22Z|00001|  <time>|00001|      (vlog lines on stderr)
#   14:19:58.945187 (tcpdump)    <time>
#   /tmp/ovs-sandbox.XXXXXX      <sandbox>
#   UUIDs                        <uuid>
#   dpid:0000a69a8e246449        dpid:<dpid>
#   addr:b2:bc:31:6b:a2:ee       addr:<mac>          (ovs-ofctl show)
#   fdb/show Age column          <age>
#   coverage/show counter lines  NAME <rates> total: <n>, hash=<hash>,
#                                "N events never hit" -> "<n> events ..."
# Counters (n_packets, n_bytes, lookups, ...) are left alone: they depend
# only on what the scripts send.
#
# --sort-lines sorts the output lines inside each "$ COMMAND" block, for
# outputs whose order is not defined (ovs-vsctl show ports and bridges,
# list interface, dpctl/dump-flows, dpctl/dump-conntrack).

sort_lines=0
if [ "${1:-}" = --sort-lines ]; then
    sort_lines=1
    shift
fi

ovs_normalise__sed() {
    sed -E \
        -e 's/duration=[0-9]+\.[0-9]+s/duration=<dur>s/g' \
        -e 's/(idle|hard)_age=[0-9]+/\1_age=<age>/g' \
        -e 's/used:[0-9]+\.[0-9]+s/used:<used>s/g' \
        -e 's/ufid:[0-9a-f-]+/ufid:<ufid>/g' \
        -e 's/dump duration : [0-9]+ms/dump duration : <ms>ms/' \
        -e 's/^  [0-9]+: \(keys /  <thread>: (keys /' \
        -e 's/\(avg [0-9]+\) \(max ([0-9]+)\) \(limit [0-9]+\)/(avg <n>) (max \1) (limit <n>)/' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z\|/<time>|/g' \
        -e 's/^([!|] )?[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} /\1<time> /' \
        -e 's#/tmp/ovs-sandbox\.[A-Za-z0-9]+#<sandbox>#g' \
        -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
        -e 's/dpid:[0-9a-f]{16}/dpid:<dpid>/g' \
        -e 's/addr:[0-9a-f]{2}(:[0-9a-f]{2}){5}/addr:<mac>/g' \
        -e 's/^( *[0-9A-Z]+ +[0-9]+  [0-9a-f]{2}(:[0-9a-f]{2}){5}) +[0-9]+$/\1  <age>/' \
        -e 's/^Event coverage, (.*) hash=[0-9a-f]+:$/Event coverage, \1 hash=<hash>:/' \
        -e 's/^([a-z0-9_]+) +[0-9.]+\/sec +[0-9.]+\/sec +[0-9.]+\/sec +total: [0-9]+$/\1 <rates> total: <n>/' \
        -e 's/^[0-9]+ events never hit$/<n> events never hit/'
}

ovs_normalise__sort() {
    awk '
        function flush(   i, n, cmd) {
            if (nb == 0) return
            fflush()
            n = nb
            cmd = "sort"
            for (i = 1; i <= n; i++) print buf[i] | cmd
            close(cmd)
            nb = 0
        }
        /^\$ / { flush(); print; next }
        { buf[++nb] = $0 }
        END { flush() }
    '
}

if [ $sort_lines = 1 ]; then
    cat "$@" | ovs_normalise__sed | ovs_normalise__sort
else
    cat "$@" | ovs_normalise__sed
fi
