#!/usr/bin/env bash
# The drift sweep's cost: Salesforce API calls and wall time of a whole sweep (both entities, both sides) at several
# sizes, against the emulator and the sample app of one local run (timers off; slices driven back to back through the
# handler's SweepTimer invocation, as the timer would at every tick). Per size it adds N accounts to Salesforce (sObject
# Collections, 200 a call) and N customers to the app (the sync API's upsert), then sweeps with the product's defaults:
# the new records are younger than Sync:Sweep:SettleTime, so they are compared and counted as Settling, none is
# reconciled — what is measured is the scan. Sizes are cumulative (the second size adds the difference).
# Usage: bench/drift-sweep.sh [--sizes 10000,100000]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="10000,100000"
if [[ "${1:-}" == "--sizes" ]]; then sizes="$2"; fi
dotnet build local/FunctionsHost -c Release -v quiet -nologo > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
SweepSchedule="0 0 0 1 1 *" dotnet local/FunctionsHost/bin/Release/net10.0/SfSync.FunctionsHost.dll --seed 30 --port "$port" --schedule "0 0 0 1 1 *" > "$log" 2>&1 &
host=$!
trap 'kill $host 2>/dev/null; wait $host 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 600); do grep -q "syncing on the schedule" "$log" && break; sleep 0.5; done
python3 - "$port" "$sizes" <<'PY'
import json, sys, time, urllib.request

port, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
def call(url, body=None, headers=None, method=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method or ("POST" if body is not None else "GET"), headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=600) as r:
        text = r.read().decode()
        return json.loads(text) if text else None

host = f"http://127.0.0.1:{port}"
stack = call(host + "/admin/stack")
sf, app, handler = stack["salesforce"].rstrip("/"), stack["app"].rstrip("/"), stack["handler"].rstrip("/")
appkey = {"X-Api-Key": stack["appApiKey"]}
form = "grant_type=password&client_id=local-client-id&client_secret=local-client-secret&username=person%40example.com&password=person-password".encode()
token = json.loads(urllib.request.urlopen(urllib.request.Request(sf + "/services/oauth2/token", data=form)).read())["access_token"]
bearer = {"Authorization": "Bearer " + token}
fkey = {"x-functions-key": "local-function-key"}

added = 0
print("| records added a side | Salesforce ids | app ids | Salesforce calls (sweep's count) | Salesforce calls (emulator) | slices | wall s | ids/s |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for size in sizes:
    while added < size:
        n = min(200, size - added)
        call(sf + "/services/data/v62.0/composite/sobjects", {"allOrNone": False, "records": [{"attributes": {"type": "Account"}, "Name": f"Sweep bench {added + i}"} for i in range(n)]}, bearer)
        call(app + "/sync/v1/customers/upsert", {"records": [{"fields": {"name": f"Sweep bench {added + i}"}} for i in range(n)]}, appkey)
        added += n
    used = call(sf + "/__emulator/usage")["used"]
    started = time.monotonic()
    run = call(host + "/api/sync/sweep", {}, fkey)["runId"]
    slices = 1
    while True:
        logs = call(handler + "/SweepTimer", {"Data": {"timer": {}}, "Metadata": {}})["Logs"]
        slices += 1
        if any(": Finished," in l or ": Idle," in l for l in logs):
            break
    wall = time.monotonic() - started
    spent = call(sf + "/__emulator/usage")["used"] - used
    message = call(host + f"/api/sync/runs/{run}", headers=fkey)["message"]
    import re
    ids = [(int(a), int(b)) for a, b in re.findall(r"(\d+) Salesforce ids, (\d+) app ids", message)]
    calls = int(re.search(r"\| (\d+) Salesforce calls in (\d+) slices", message).group(1))
    sfids, appids = sum(a for a, _ in ids), sum(b for _, b in ids)
    print(f"| {size:,} | {sfids:,} | {appids:,} | {calls} | {spent} | {slices} | {wall:.1f} | {int((sfids + appids) / wall):,} |")
    sys.stdout.flush()
PY
