#!/usr/bin/env bash
# Compiles and lints every .bicep file under infra/ with the bicep binary of the NuGet package
# Azure.Bicep.CommandLine.linux-x64 (restoring tests/Infra.Tests downloads it), and fails on any
# diagnostic: `bicep lint` exits 0 on warnings, so any output counts. With an argument, also writes the
# compiled main template (ARM JSON) there for the deployment stages.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=0.49.2
bicep="${NUGET_PACKAGES:-$HOME/.nuget/packages}/azure.bicep.commandline.linux-x64/$version/tools/bicep"
if [ ! -f "$bicep" ]; then
  dotnet restore tests/Infra.Tests/Mlops.Infra.Tests.csproj
fi
chmod +x "$bicep"
"$bicep" --version

status=0
while IFS= read -r file; do
  build=$("$bicep" build "$file" --stdout 2>&1 >/dev/null) || status=1
  lint=$("$bicep" lint "$file" 2>&1) || status=1
  if [ -n "$build$lint" ]; then
    printf '%s\n%s\n' "$build" "$lint"
    status=1
  fi
  echo "checked $file"
done < <(find infra -name '*.bicep' | sort)

if [ $# -ge 1 ]; then
  mkdir -p "$1"
  "$bicep" build infra/bicep/main.bicep --outfile "$1/main.json"
  echo "wrote $1/main.json"
fi

if [ "$status" -ne 0 ]; then
  echo "bicep build/lint reported diagnostics" >&2
fi
exit "$status"
