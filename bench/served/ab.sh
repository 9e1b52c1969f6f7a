#!/bin/bash
# ab.sh: short interleaved A/B runs of built servers, for questions the full
# harness answers too slowly ("does this change move GET at all?").
#
#   go run . -checks-only                    # builds bench/.cache/served/bin/*
#   ROUNDS=10 CASE=get ./ab.sh "ogen-nootel=../.cache/served/bin/ogen-nootel" \
#       "svcgen-warn=../.cache/served/bin/svcgen,LOG_LEVEL=warn HOST=127.0.0.1"
#
# Each argument is name=binary[,ENV=value ...]. Every server starts once,
# pinned to CPU 0, on its own port; each round runs wrk (CPU 1, 32
# connections) against each in turn: 1 s of warm-up, DUR seconds (default
# 3) measured. Prints one line per run: round, name, req/s, p99 (µs), server
# CPU per request (µs); then, as the harness does, each other server's
# medians of per-round ratios to the first (req/s and p99).
C=${CASE:-get}; R=${ROUNDS:-12}; D=${DUR:-3}
S=$(cd "$(dirname "$0")/../.cache/served" && pwd)
port=18100; names=(); pids=(); ports=(); here=$PWD
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; bin=${rest%%,*}; env=${rest#*,}; [ "$env" = "$rest" ] && env=""
  case $bin in /*) ;; *) bin=$here/$bin ;; esac
  dir=$S/ab-$name; rm -rf $dir; mkdir -p $dir; cd $dir
  env PORT=$port $env taskset -c 0 $bin >/dev/null 2>$dir/err & pids+=($!); names+=($name); ports+=($port)
  port=$((port+1))
done
sleep 1
{
for r in $(seq $R); do
 n=${#names[@]}
 for j in $(seq 0 $((n-1))); do
  i=$(( (j + r) % n )); name=${names[$i]}; pid=${pids[$i]}; p=${ports[$i]}
  taskset -c 1 wrk -t1 -c32 -d1s -s $S/wrk-$C.lua http://127.0.0.1:$p >/dev/null
  t0=$(awk '{print $14+$15}' /proc/$pid/stat)
  out=$(taskset -c 1 wrk -t1 -c32 -d${D}s -s $S/wrk-$C.lua http://127.0.0.1:$p | grep RESULT)
  t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  req=$(echo "$out" | sed 's/.*"requests":\([0-9]*\).*/\1/')
  p99=$(echo "$out" | sed 's/.*"p99_us":\([0-9]*\).*/\1/')
  echo "$r $name rps=$((req/D)) p99=$p99 cpu_us=$(( (t1-t0)*10000/req ))"
 done
done
} | tee "$S/ab.out"
{ kill -9 "${pids[@]}"; wait; } 2>/dev/null
# Each server against the first: medians of per-round ratios.
awk -v names="${names[*]}" '
  BEGIN { n = split(names, order, " "); base = order[1] }
  { split($3, a, "="); split($4, b, "="); rps[$1, $2] = a[2]; p99[$1, $2] = b[2]; rounds = $1 }
  function median(x, m,   i, j, t) {
    for (i = 2; i <= m; i++) for (j = i; j > 1 && x[j-1] > x[j]; j--) { t = x[j]; x[j] = x[j-1]; x[j-1] = t }
    return m % 2 ? x[(m+1)/2] : (x[m/2] + x[m/2+1]) / 2
  }
  END {
    for (k = 2; k <= n; k++) {
      m = 0; delete q; delete l
      for (r = 1; r <= rounds; r++) if (rps[r, base] > 0 && rps[r, order[k]] > 0) { m++; q[m] = rps[r, order[k]] / rps[r, base]; l[m] = p99[r, order[k]] / p99[r, base] }
      if (m) printf "%s ÷ %s, medians of %d per-round ratios: req/s %.3f, p99 %.3f\n", order[k], base, m, median(q, m), median(l, m)
    }
  }' "$S/ab.out"
