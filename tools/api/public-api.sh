#!/usr/bin/env bash
# Prints the public types per namespace of LlmForge.Abstractions, .Backends.Managed, .Backends.Mkl and .Models,
# read by reflection from their Release assemblies (PublicApi/Program.cs). --markdown gives a list for a note.
#
#   tools/api/public-api.sh [--markdown]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dotnet build "$here/PublicApi/PublicApi.csproj" -c Release --nologo -v quiet >/dev/null
dotnet run --no-build -c Release --project "$here/PublicApi" -- "$@"
