#!/usr/bin/env bash
# Restores the pinned Cake tool and runs build.cake: ./build.sh --target=Build|Test|Package|Pipeline|Bench
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"
