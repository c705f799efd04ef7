#!/usr/bin/env bash
# Messages/s through the local Service Bus broker with the real SDK: sends in batches of 100 and receives with a
# ServiceBusProcessor (4 concurrent calls, auto-complete), side by side in one run.
# Usage: bench/servicebus-broker.sh [--messages N] [--size BYTES]   (defaults 20000 messages of 1024 bytes)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/ServiceBusBrokerBench -c Release -v quiet -nologo > /dev/null
dotnet run --project bench/ServiceBusBrokerBench -c Release --no-build -- "$@"
