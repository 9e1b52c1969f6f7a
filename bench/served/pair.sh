#!/bin/bash
# pair.sh: server CPU per request of two built servers loaded at the same
# time on the same core, for differences of a few percent that separate
# runs (ab.sh, the harness) cannot see: whatever the machine does to one
# server during a round, it does to the other.
#
#   go run . -checks-only                    # builds bench/.cache/served/bin/*
#   ROUNDS=8 CASE=get ./pair.sh "ogen-nootel=../.cache/served/bin/ogen-nootel" \
#       "svcgen-warn=../.cache/served/bin/svcgen,LOG_LEVEL=warn HOST=127.0.0.1"
#
# Each argument is name=binary[,ENV=value ...]. Both servers are pinned to
# CPU 0 and both wrk (16 connections each) to CPU 1; each round runs 1 s
# of warm-up, then DUR seconds (default 3) measured. Prints per round each
# server's req/s and CPU per request in ns (utime+stime from /proc), and at
# the end the median of the per-round ratios of CPU per request, second
# server over first. Sharing a core costs both servers extra cache misses,
# so absolute numbers run higher than in the harness; compare the ratio.
C=${CASE:-get}; R=${ROUNDS:-8}; D=${DUR:-3}
S=$(cd "$(dirname "$0")/../.cache/served" && pwd)
[ $# = 2 ] || { echo "usage: pair.sh name=bin[,ENV=v ...] name=bin[,ENV=v ...]" >&2; exit 2; }
port=18300; names=(); pids=(); ports=(); here=$PWD
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; bin=${rest%%,*}; env=${rest#*,}; [ "$env" = "$rest" ] && env=""
  case $bin in /*) ;; *) bin=$here/$bin ;; esac
  dir=$S/pair-$name; rm -rf "$dir"; mkdir -p "$dir"; cd "$dir" || exit 1
  env PORT=$port $env taskset -c 0 "$bin" >/dev/null 2>"$dir/err" & pids+=($!); names+=("$name"); ports+=($port)
  port=$((port+1))
done
trap 'kill -9 "${pids[@]}" 2>/dev/null' EXIT
sleep 1
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
ratios=()
for r in $(seq "$R"); do
  w=(); for i in 0 1; do taskset -c 1 wrk -t1 -c16 -d1s -s "$S/wrk-$C.lua" "http://127.0.0.1:${ports[$i]}" >/dev/null & w+=($!); done
  wait "${w[@]}"
  a0=$(cpu ${pids[0]}); b0=$(cpu ${pids[1]})
  taskset -c 1 wrk -t1 -c16 -d${D}s -s "$S/wrk-$C.lua" "http://127.0.0.1:${ports[0]}" > "$S/pair-a.out" & wa=$!
  taskset -c 1 wrk -t1 -c16 -d${D}s -s "$S/wrk-$C.lua" "http://127.0.0.1:${ports[1]}" > "$S/pair-b.out" & wb=$!
  wait $wa $wb
  a1=$(cpu ${pids[0]}); b1=$(cpu ${pids[1]})
  ra=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' "$S/pair-a.out"); rb=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' "$S/pair-b.out")
  ca=$(( (a1-a0)*10000000/ra )); cb=$(( (b1-b0)*10000000/rb ))
  echo "$r ${names[0]} rps=$((ra/D)) cpu_ns=$ca  ${names[1]} rps=$((rb/D)) cpu_ns=$cb"
  ratios+=("$(awk -v a=$ca -v b=$cb 'BEGIN{printf "%.3f", b/a}')")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v n="${names[1]}" -v d="${names[0]}" '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "CPU per request, %s ÷ %s: median %.3f (rounds %s to %s)\n", n, d, m, v[1], v[NR]}'
