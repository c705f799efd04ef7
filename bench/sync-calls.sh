#!/usr/bin/env bash
# Salesforce API calls against the floor the API's limits allow, side by side in one run of the local stack: first
# sync, idle, app-side and Salesforce-side edits of 200, 2,000 and 10,000 records, and one size with added latency —
# wall time, records/s, calls, floor and ratio, Table Storage requests per batch, the handler's CPU per 1,000 records.
# Usage: bench/sync-calls.sh [--seed 3400] [--sizes 200,2000,10000] [--latency-ms 100] [--latency-size 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build local/FunctionsHost -c Release -v quiet -nologo > /dev/null
dotnet build bench/SyncBench -c Release -v quiet -nologo > /dev/null
dotnet bench/SyncBench/bin/Release/net10.0/SfSync.Bench.Sync.dll --root "$PWD" "$@"
