#!/usr/bin/env bash
# End-to-end load run: the one-command local sync (emulator ⇄ sample app through the local Functions host, state in
# Azurite) at several sizes, side by side in one run, printing wall time, throughput and Salesforce API calls — each
# size twice: with concurrent batches' Composite requests coalesced (the default window) and without (window 0).
# Usage: bench/local-sync.sh [seed ...]   (default 30 300 3000; each seed company brings 4 records on average)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(30 300 3000)
dotnet build local/FunctionsHost -v quiet -nologo > /dev/null
printf '%-6s %-8s %9s %8s %10s %9s %16s\n' seed window records seconds 'records/s' 'API calls' 'calls/200 rec'
for seed in "${seeds[@]}"; do
  for window in 00:00:00 00:00:00.050; do
    label=$([ "$window" = 00:00:00 ] && echo off || echo 50ms)
    log=$(mktemp)
    Salesforce__CompositeCoalescingWindow=$window dotnet run --project local/FunctionsHost --no-build -- --once --seed "$seed" --port 0 > "$log" 2>&1 || { cat "$log"; exit 1; }
    records=$(grep -m1 -oP '\d+(?= changed records)' "$log")
    seconds=$(grep -m1 -oP 'Succeeded in \K[0-9.]+' "$log")
    calls=$(grep -oP 'API usage: \K\d+' "$log" | tail -1)
    awk -v s="$seed" -v w="$label" -v r="$records" -v t="$seconds" -v c="$calls" \
      'BEGIN { printf "%-6s %-8s %9d %8.1f %10.0f %9d %16.2f\n", s, w, r, t, r / t, c, c * 200 / r }'
    rm -f "$log"
  done
done
echo "API calls include the follow-up round that links contacts created in the same run as their account."
