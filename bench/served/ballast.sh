#!/bin/bash
# ballast.sh: builds a copy of a built peer with ballast.go added
# (testdata/ballast), which keeps BALLAST_KB kilobytes of pointer-holding
# objects live, to measure what live package state costs a server that has
# none of svcgen's libraries: set BALLAST_KB to the difference in scanned
# heap and compare with ab.sh.
#
#   go run . -checks-only                    # builds bench/.cache/served/{src,bin}
#   ./ballast.sh ogen-nootel                 # bin/ogen-nootel-ballast
#   ROUNDS=12 CASE=post ./ab.sh "on=../.cache/served/bin/ogen-nootel" \
#       "onb=../.cache/served/bin/ogen-nootel-ballast,BALLAST_KB=150" \
#       "sw=../.cache/served/bin/svcgen,LOG_LEVEL=warn HOST=127.0.0.1"
set -e
name=${1:-ogen-nootel}
here=$(cd "$(dirname "$0")" && pwd)
S=$here/../.cache/served
[ -d "$S/src/$name" ] || { echo "no $S/src/$name: run go run . -checks-only first" >&2; exit 1; }
rm -rf "$S/src/$name-ballast"
cp -r "$S/src/$name" "$S/src/$name-ballast"
cp "$here/testdata/ballast/ballast.go" "$S/src/$name-ballast/zz_ballast.go"
cd "$S/src/$name-ballast" && go build -o "$S/bin/$name-ballast" .
echo "$S/bin/$name-ballast"
