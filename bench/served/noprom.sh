#!/bin/bash
# noprom.sh: builds a copy of the built svcgen server whose Prometheus
# client is a stub (testdata/promstub: the same API, counting into plain
# atomics, no package state, no exposition), to measure what the metrics
# library costs the served path, the package state its collector marks
# every cycle included. Compare with ab.sh and gc.sh:
#
#   go run . -checks-only                    # builds bench/.cache/served/{src,bin}
#   ./noprom.sh                              # bin/svcgen-noprom
#   ROUNDS=16 CASE=get ./ab.sh "sw=../.cache/served/bin/svcgen,LOG_LEVEL=warn HOST=127.0.0.1" \
#       "np=../.cache/served/bin/svcgen-noprom,LOG_LEVEL=warn HOST=127.0.0.1" \
#       "on=../.cache/served/bin/ogen-nootel"
set -e
here=$(cd "$(dirname "$0")" && pwd)
S=$here/../.cache/served
[ -d "$S/src/svcgen" ] || { echo "no $S/src/svcgen: run go run . -checks-only first" >&2; exit 1; }
rm -rf "$S/src/svcgen-noprom"
cp -r "$S/src/svcgen" "$S/src/svcgen-noprom"
cd "$S/src/svcgen-noprom"
go mod edit -replace "github.com/prometheus/client_golang=$here/testdata/promstub"
go mod tidy >/dev/null
go build -o "$S/bin/svcgen-noprom" .
echo "$S/bin/svcgen-noprom"
