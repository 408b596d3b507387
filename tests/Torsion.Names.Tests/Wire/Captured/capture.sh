#!/bin/sh
# Recaptures the fixtures in this folder: starts BIND 9 and Knot on loopback with CapturedZone's zone, asks
# every question through dig and a relay, and writes each raw answer (SERVER-CASE.bin) with dig's text of it
# (SERVER-CASE.dig) here. Needs named (bind9), knotd (knot) and dig (dnsutils).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
rm -f "$here"/*.bin "$here"/*.dig
TORSION_CAPTURE_TO="$here" dotnet test "$root/tests/Torsion.Names.Tests" --filter "FullyQualifiedName~CapturedLiveTests"
ls "$here"/*.bin | wc -l
