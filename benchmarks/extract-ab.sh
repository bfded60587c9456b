#!/usr/bin/env bash
# The extraction hot path of this tree against a baseline revision's, in one BenchmarkDotNet run (ratios, same bytes).
# usage: benchmarks/extract-ab.sh BASE_REV [BenchmarkDotNet args, e.g. --filter '*']
set -euo pipefail
base=${1:?usage: benchmarks/extract-ab.sh BASE_REV [BenchmarkDotNet args]}
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
cleanup() { git -C "$repo" worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git -C "$repo" worktree add --detach "$work/tree" "$base" >/dev/null
# Another assembly name, so the baseline and this tree's PcapWatch.Core load side by side in one process.
dotnet build -c Release "$work/tree/src/PcapWatch.Core/PcapWatch.Core.csproj" -p:AssemblyName=PcapWatch.Core.Baseline \
  -o "$work/baseline" -v quiet -nologo
# The dependency file lists the assemblies the host loads; MSBuild does not regenerate it when only a Reference appears.
rm -f "$repo"/benchmarks/PcapWatch.Benchmarks/bin/Release/*/PcapWatch.Benchmarks.deps.json
dotnet run -c Release --project "$repo/benchmarks/PcapWatch.Benchmarks" \
  -p:BaselineCore="$work/baseline/PcapWatch.Core.Baseline.dll" -- extract-ab "$@"
