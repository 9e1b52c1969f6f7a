#!/bin/bash
# profile.sh: where one built server's CPU goes per request, by part (the
# kernel, net/http, the Go runtime, the server's own code...), from a
# system-wide perf profile of CPU 0 while wrk loads it alone. Attaching
# perf to the process (-p) drops most samples here; -C 0 does not.
#
#   CASE=get ./profile.sh svcgen-warn ../.cache/served/bin/svcgen LOG_LEVEL=warn HOST=127.0.0.1
#   CASE=get ./profile.sh ogen-nootel ../.cache/served/bin/ogen-nootel
#
# Prints µs per request for each part and in all; the profile stays in
# bench/.cache/served/profile-NAME/perf.data for `perf report`/`perf script`
# (stacks come with -g: PERF_G=-g).
C=${CASE:-get}; D=${DUR:-6}
S=$(cd "$(dirname "$0")/../.cache/served" && pwd)
[ $# -ge 2 ] || { echo "usage: profile.sh name binary [ENV=value ...]" >&2; exit 2; }
name=$1; bin=$2; shift 2
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
d=$S/profile-$name; rm -rf "$d"; mkdir -p "$d"; cd "$d" || exit 1
env PORT=18500 "$@" taskset -c 0 "$bin" >/dev/null 2>"$d/err" & pid=$!
trap 'kill -9 $pid 2>/dev/null' EXIT
sleep 1
taskset -c 1 wrk -t1 -c32 -d1s -s "$S/wrk-$C.lua" http://127.0.0.1:18500 >/dev/null
perf record -q $PERF_G -C 0 -F 2999 -o "$d/perf.data" -- sleep "$D" 2>/dev/null & pp=$!
taskset -c 1 wrk -t1 -c32 -d${D}s -s "$S/wrk-$C.lua" http://127.0.0.1:18500 > "$d/wrk.out"
wait $pp
req=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' "$d/wrk.out")
perf report -i "$d/perf.data" --no-children --comm "$(basename "$bin" | cut -c1-15)" --sort dso,sym -q -n 2>/dev/null |
  awk -v r="$req" -v n="$name" -v hz=2999 '
  NF >= 5 {
    us = $2 * 1e6 / hz / r; dso = $3; sym = $5
    if (dso ~ /^\[kernel/) k = "kernel"
    else if (dso == "[vdso]") k = "vdso (clock reads)"
    else if (sym ~ /^(net\/http\.|net\/textproto\.|bufio\.)/) k = "net/http, textproto, bufio"
    else if (sym ~ /^(runtime\.|internal\/runtime|sync\.|internal\/sync|aeshash|memeqbody|indexbyte|cmpbody|gcWriteBarrier)/) k = "Go runtime, sync"
    else if (sym ~ /^(net\.|internal\/poll|syscall\.)/) k = "net, poll"
    else if (sym ~ /^time\./) k = "time"
    else k = "the server, its libraries"
    part[k] += us; all += us
  }
  END {
    printf "%s, %d requests: %.2f µs per request\n", n, r, all
    for (k in part) printf "  %-28s %6.2f µs\n", k, part[k]
  }'
