#!/usr/bin/env bash
# Events through the outbox to a consumer: runs BenchmarkEvents
# (generator/events_test.go) on the orders and shipping examples against
# NATS JetStream at NATS_URL (default nats://127.0.0.1:4222), on SQLite
# and, when TEST_DATABASE_URL is set, PostgreSQL. N orders per run
# (default 5000), 3 runs; prints go test's benchmark lines and keeps them
# in bench/results/events-DATE.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-5000}"
out="bench/results/events-$(date -u +%Y%m%d).txt"
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
{
  echo "# BenchmarkEvents, ${n} orders per run, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  go test -run '^$' -bench '^BenchmarkEvents$' -benchtime "${n}x" -count 3 -timeout 60m ./generator/
} | tee "$out"
