#!/usr/bin/env bash
# Soak run of the randomized convergence suite (issue 10): CONVERGENCE_SCENARIOS seeded scenarios (default 100,000)
# through `dotnet test --filter`, then scenarios/s and findings by class, with a shrunk example of each class.
#
#   bench/convergence-soak.sh                              # 100,000 scenarios from seed 1
#   CONVERGENCE_SCENARIOS=250000 CONVERGENCE_SEED=1000000 bench/convergence-soak.sh
#   CONVERGENCE_THREADS=1 bench/convergence-soak.sh         # leave the other core alone
#
# Replay one seed with its whole trace:
#   CONVERGENCE_ONLY_SEED=42 dotnet test tests/Core.Tests --filter "FullyQualifiedName~ConvergenceSuiteTests.Randomized"
# Exit status: 0 when no scenario had a finding.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export CONVERGENCE_SCENARIOS="${CONVERGENCE_SCENARIOS:-100000}"
export CONVERGENCE_SEED="${CONVERGENCE_SEED:-1}"
export CONVERGENCE_SHRINK="${CONVERGENCE_SHRINK:-20}"
report=$(mktemp)
log=$(mktemp)
export CONVERGENCE_REPORT="$report"
configuration="${CONFIGURATION:-Release}"

echo "Building tests/Core.Tests ($configuration)..."
if ! dotnet build tests/Core.Tests -c "$configuration" -v quiet -nologo >"$log" 2>&1; then
  cat "$log"
  exit 2
fi

echo "Running $CONVERGENCE_SCENARIOS scenarios from seed $CONVERGENCE_SEED on ${CONVERGENCE_THREADS:-$(nproc)} threads..."
start=$(date +%s)
dotnet test tests/Core.Tests -c "$configuration" --no-build \
  --filter "FullyQualifiedName~ConvergenceSuiteTests.Randomized_scenarios_keep_every_promise_of_the_spec" >"$log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))

if [ ! -s "$report" ]; then
  echo "The suite wrote no report; dotnet test said:"
  tail -40 "$log"
  exit 2
fi

cat "$report"
echo "wall clock including test host start: ${elapsed}s"
rm -f "$report" "$log"
exit "$status"
