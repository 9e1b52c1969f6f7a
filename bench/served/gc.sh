#!/bin/bash
# gc.sh: what the garbage collector costs each built server under load,
# from the runtime's own trace of each cycle (GODEBUG=gctrace=1): how
# many requests one cycle serves (fewer bytes allocated a request, more
# requests), how long a cycle's mark phase runs (the window in which
# requests are slowed, which reaches the p99), and the GC's CPU per cycle
# and per request. A cycle's cost grows with what the process keeps:
# every library's package state, the service's own tables, the requests
# in flight.
#
#   go run . -checks-only                    # builds bench/.cache/served/bin/*
#   ROUNDS=2 CASE=post ./gc.sh "ogen-nootel=../.cache/served/bin/ogen-nootel" \
#       "svcgen-warn=../.cache/served/bin/svcgen,LOG_LEVEL=warn HOST=127.0.0.1"
#
# Each argument is name=binary[,ENV=value ...]. Each server in turn, each
# round, is started alone on CPU 0, warmed up for a second and loaded for
# DUR seconds (default 4) by wrk on CPU 1 (32 connections); the first five
# cycles of a run (start-up, warm-up) are left out. Prints one line per
# run with medians over its cycles.
C=${CASE:-get}; R=${ROUNDS:-2}; D=${DUR:-4}
S=$(cd "$(dirname "$0")/../.cache/served" && pwd)
[ $# -ge 1 ] || { echo "usage: gc.sh name=bin[,ENV=v ...] ..." >&2; exit 2; }
here=$PWD
for r in $(seq "$R"); do
  for spec in "$@"; do
    name=${spec%%=*}; rest=${spec#*=}; bin=${rest%%,*}; env=${rest#*,}; [ "$env" = "$rest" ] && env=""
    case $bin in /*) ;; *) bin=$here/$bin ;; esac
    dir=$S/gc-$name; rm -rf "$dir"; mkdir -p "$dir"; cd "$dir" || exit 1
    env PORT=18400 GODEBUG=gctrace=1 $env taskset -c 0 "$bin" >/dev/null 2>"$dir/trace" & pid=$!
    sleep 1
    taskset -c 1 wrk -t1 -c32 -d1s -s "$S/wrk-$C.lua" http://127.0.0.1:18400 >/dev/null
    before=$(grep -c '^gc ' "$dir/trace")
    taskset -c 1 wrk -t1 -c32 -d"${D}s" -s "$S/wrk-$C.lua" http://127.0.0.1:18400 >"$dir/wrk.out"
    kill "$pid"; wait "$pid" 2>/dev/null
    req=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' "$dir/wrk.out")
    # gc N @t p%: a+b+c ms clock, a+assist/background/idle+c ms cpu, ...
    awk -v from="$before" -v req="$req" -v name="$name" -v round="$r" '
      /^gc / { n++ }
      /^gc / && n > from && n > 5 {
        split($5, clock, "+"); split($8, cpu, "+"); split(cpu[2], mark, "/")
        k++; wall[k] = clock[2]; used[k] = cpu[1] + mark[1] + mark[2] + mark[3] + cpu[3]
      }
      function median(a, m,   i, j, t) {
        for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return m % 2 ? a[(m+1)/2] : (a[m/2] + a[m/2+1]) / 2
      }
      END {
        if (k == 0 || req == 0) { printf "%d %s: no cycles measured\n", round, name; exit }
        cycles = n - from; total = 0; for (i = 1; i <= k; i++) total += used[i]
        printf "%d %-14s %5.0f requests a cycle, mark %.2f ms (median), GC CPU %.2f ms a cycle, %.2f µs a request\n",
          round, name, req / cycles, median(wall, k), median(used, k), total / k * cycles / req * 1000
      }' "$dir/trace"
  done
done
