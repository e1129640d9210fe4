#!/usr/bin/env bash
# The README's test command: installs prerequisites, builds, runs every test (unit and shared-data
# integration tests), and prints one closing "N passed, N failed" line from the TRX results.
# Shared data: $FACENETML_DATA, default ../shared/data beside the repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-prerequisites.sh
export FACENETML_DATA="${FACENETML_DATA:-$(cd "$root/.." && pwd)/shared/data}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$root/TestResults"
rm -rf "$results"
status=0
# Every project, the facenetml-train tool included (the consumer tests pack it; dotnet test builds only what the
# test project references).
dotnet build FaceNetML.sln -c Release
dotnet test FaceNetML.sln -c Release --no-build --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?
trx="$(find "$results" -name '*.trx' | head -n 1)"
if [ -n "$trx" ]; then
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  attr() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed="$(attr passed)"; failed="$(attr failed)"; errors="$(attr error)"; timeouts="$(attr timeout)"; skipped="$(attr notExecuted)"
  failed=$(( ${failed:-0} + ${errors:-0} + ${timeouts:-0} ))
  line="${passed:-0} passed, ${failed} failed"
  if [ "${skipped:-0}" -gt 0 ]; then line="$line, ${skipped} skipped"; fi
  echo "$line"
else
  echo "0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
