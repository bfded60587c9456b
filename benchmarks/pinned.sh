#!/usr/bin/env bash
# e2e or tables as issue 27 measures them: the program and the benchmark's own consumers published the way the
# Dockerfile builds the program (self-contained, ReadyToRun composite), then the benchmark with the broker pinned to one
# core and each consumer alone on the other.
# usage: benchmarks/pinned.sh e2e|tables [benchmark args, e.g. --rounds 5]
#        BASELINE_REV=REV benchmarks/pinned.sh e2e ...   also runs REV's program in every round (--baseline-program)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
cleanup() {
  if [ -d "$out/tree" ]; then git -C "$repo" worktree remove --force "$out/tree" >/dev/null 2>&1 || true; fi
  rm -rf "$out"
}
trap cleanup EXIT
publish() {
  dotnet publish "$1" -c Release --use-current-runtime --self-contained true -p:PublishReadyToRun=true \
    -p:PublishReadyToRunComposite=true -o "$2" -v quiet -nologo "${@:3}" >/dev/null
}
# PROGRAM_PUBLISH_ARGS: more publish arguments for the program under test only (a crossgen2 option to try, for example).
read -r -a program_args <<< "${PROGRAM_PUBLISH_ARGS:-}"
publish "$repo/src/PcapWatch/PcapWatch.csproj" "$out/pcapwatch" "${program_args[@]}"
publish "$repo/benchmarks/PcapWatch.Benchmarks/PcapWatch.Benchmarks.csproj" "$out/bench"
extra=()
if [ -n "${BASELINE_REV:-}" ]; then
  git -C "$repo" worktree add --detach "$out/tree" "$BASELINE_REV" >/dev/null
  publish "$out/tree/src/PcapWatch/PcapWatch.csproj" "$out/baseline"
  extra=(--baseline-program "$out/baseline/PcapWatch")
fi
"$out/bench/PcapWatch.Benchmarks" "$@" --program "$out/pcapwatch/PcapWatch" "${extra[@]}"
