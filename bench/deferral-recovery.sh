#!/usr/bin/env bash
# How long after a side comes back are its deferred batches applied? The one-command local sync (emulator ⇄ sample app
# through the local Functions host and the local Service Bus broker), with Salesforce made unavailable for a batch that
# is being applied, for outages of several lengths in one run. A deferred batch is scheduled on the queue for its next
# attempt (the local run's first delay is 5 s, doubling), so no timer run is needed for it to be applied.
# Usage: bench/deferral-recovery.sh [outage seconds ...]   (default 5 20 60)
set -euo pipefail
cd "$(dirname "$0")/.."
outages=("$@")
[ ${#outages[@]} -eq 0 ] && outages=(5 20 60)
dotnet build local/FunctionsHost -v quiet -nologo > /dev/null
port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
log=$(mktemp)
dotnet run --project local/FunctionsHost --no-build -- --port "$port" --schedule "0 0 0 1 1 *" > "$log" 2>&1 &
host=$!
trap 'kill $host 2>/dev/null; wait $host 2>/dev/null; rm -f "$log"' EXIT
until grep -q "syncing on the schedule" "$log"; do sleep 0.5; kill -0 $host 2>/dev/null || { cat "$log"; exit 1; }; done

api="http://127.0.0.1:$port"
key="x-functions-key: local-function-key"
json() { node -e "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{const o=JSON.parse(d);console.log($1)})"; }
stack=$(curl -sf "$api/admin/stack")
sf=$(echo "$stack" | json 'o.salesforce.replace(/\/$/,"")')
app=$(echo "$stack" | json 'o.app.replace(/\/$/,"")')
appkey="X-Api-Key: $(echo "$stack" | json 'o.appApiKey')"
faults() { curl -sf -X PUT -H 'Content-Type: application/json' -d "$1" "$sf/__emulator/faults" > /dev/null; }
now() { date +%s.%N; }

printf '%-14s %-10s %-22s %s\n' 'outage (s)' deferrals 'back → applied (s)' 'next attempt was due in (s)'
for outage in "${outages[@]}"; do
  id=$(curl -sf -H "$appkey" "$app/customers?take=1" | json 'o.items[0].id')
  curl -sf -X PATCH -H "$appkey" -H 'Content-Type: application/json' -d "{\"city\":\"Bench $outage $RANDOM\"}" "$app/customers/$id" > /dev/null
  # The planner's read gets through (slowly); the batch's read, a moment later, meets the outage.
  faults '{"latencyMs":1500}'
  run=$(curl -sf -X POST -H "$key" -d '{}' "$api/api/sync" | json 'o.runId')
  faults '{"unavailableShare":1}'
  sleep "$outage"
  faults '{}'
  back=$(now)
  due=$(curl -sf "$api/admin/queue" | json '(o.scheduled||[]).map(s=>Date.parse(s.scheduledEnqueueTime)/1000).sort()[0]||""')
  until [ "$(curl -sf -H "$key" "$api/api/sync/runs/$run" | json 'o.status')" != "Running" ]; do sleep 0.2; done
  done_at=$(now)
  deferrals=$(grep -c "of run $run .*deferred and scheduled" "$log" || true)
  awk -v o="$outage" -v d="$deferrals" -v b="$back" -v e="$done_at" -v u="$due" \
    'BEGIN { printf "%-14s %-10d %-22.1f %s\n", o, d, e - b, (u == "" ? "-" : sprintf("%.1f", u - b)) }'
done
echo "Before batches were scheduled on the queue, a deferred batch waited for the next timer run after it was due (up to 5 minutes more)."
