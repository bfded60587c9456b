#!/usr/bin/env bash
# The flow stage's kill test at length: SIGKILLs of `run --flows` at random moments while watched packets keep coming
# (~2,500 packets/s), then the flow records are compared with those of one stage that never stopped. CI runs it with 3
# kills; this runs it with KILLS (default 10) and prints the figure benchmarks/RESULTS.md quotes.
#   tests/flow-kills.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-10}"
dotnet build -c Release tests/PcapWatch.IntegrationTests >/dev/null
PCAPWATCH_FLOW_KILLS="$kills" dotnet test -c Release --no-build tests/PcapWatch.IntegrationTests \
  --filter "FullyQualifiedName~FlowKillTests" --logger "console;verbosity=normal" 2>&1 \
  | grep -E "^ *(seed=|flow kills:|Passed |Failed |Expected|But was)" || true
