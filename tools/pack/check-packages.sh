#!/usr/bin/env bash
# Packs the four library packages (LlmForge.Abstractions, .Backends.Managed, .Backends.Mkl, .Models) into a local
# folder feed, checks what each carries, then builds a fresh console app outside the repository that references the
# packages (not the projects) and runs consumer/Program.cs: a tiny GPT from configuration, a few training steps and a
# generation, on the managed backend and (when libmkl_rt.so is installed) on MKL, whose CPU-dispatch shim must be
# found in the package's runtimes/linux-x64/native folder; then builds samples/11-CustomComponent the same way (a custom
# normalization, GPT and BERT trained with the Trainer, saved, reloaded in a new process). Prints the package sizes.
#
#   tools/pack/check-packages.sh [--keep]     --keep leaves the temporary folder (feed, app) for inspection
#
# (Pipes into grep -q are avoided: with pipefail, the writer's SIGPIPE would fail the check.)
# The app restores into its own packages folder, so a package of an earlier pack with the same version is never
# reused; the machine's global packages folder serves as a read-only source beside nuget.org.
set -euo pipefail

keep=false offline=false
for arg in "$@"; do
  case $arg in
    --keep) keep=true ;;
    --offline) offline=true ;;
    *) echo "check-packages: unknown argument '$arg' (use --keep, --offline)" >&2; exit 2 ;;
  esac
done
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/llmforge-packages.XXXXXX")
if $keep; then echo "working in $work"; else trap 'rm -rf "$work"' EXIT; fi
feed=$work/feed
fail() { echo "check-packages: $*" >&2; exit 1; }

projects=(Abstractions Backends.Managed Backends.Mkl Models)
start=$SECONDS
for p in "${projects[@]}"; do
  dotnet pack "$repo/src/$p/LlmForge.$p.csproj" -c Release -o "$feed" --nologo -v quiet >"$work/pack-$p.log" 2>&1 \
    || { cat "$work/pack-$p.log" >&2; fail "dotnet pack of src/$p failed"; }
done
echo "packed in $((SECONDS - start)) s"

version=$(basename "$(ls "$feed"/LlmForge.Models.*.nupkg)" .nupkg); version=${version#LlmForge.Models.}

# What every package must carry: the assembly, its XML docs, the readme and license, metadata that is not the SDK's
# default, and a symbol package beside it.
for p in "${projects[@]}"; do
  id=LlmForge.$p
  nupkg=$feed/$id.$version.nupkg
  [[ -f $nupkg ]] || fail "$id $version: no $nupkg"
  [[ -f $feed/$id.$version.snupkg ]] || fail "$id: no symbol package $id.$version.snupkg"
  files=$(unzip -Z1 "$nupkg")
  for f in "lib/net10.0/$id.dll" "lib/net10.0/$id.xml" PACKAGE.md LICENSE; do
    grep -qxF "$f" <<<"$files" || fail "$id: $f missing from the package"
  done
  grep -qxF "lib/net10.0/$id.pdb" <<<"$(unzip -Z1 "$feed/$id.$version.snupkg")" || fail "$id: no .pdb in the symbol package"
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  for want in "<id>$id</id>" "<authors>LlmForge contributors</authors>" '<license type="expression">MIT</license>' \
              '<readme>PACKAGE.md</readme>' '<repository type="git"'; do
    grep -qF "$want" <<<"$nuspec" || fail "$id: the nuspec lacks $want"
  done
  grep -q '<description>Package Description</description>' <<<"$nuspec" && fail "$id: the SDK's default description"
done
grep -qxF runtimes/linux-x64/native/libllmforge_mkl_cpu.so <<<"$(unzip -Z1 "$feed/LlmForge.Backends.Mkl.$version.nupkg")" \
  || fail "LlmForge.Backends.Mkl: runtimes/linux-x64/native/libllmforge_mkl_cpu.so missing"

# A fresh console app, outside the repository (so no Directory.Build.props or Directory.Packages.props of ours applies).
global=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
cat >"$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="llmforge-local" value="$feed" />
$([[ -d "$global" ]] && echo "    <add key=\"machine-cache\" value=\"${global%/}\" />")
$($offline || echo '    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />')
  </packageSources>
</configuration>
CONFIG
export NUGET_PACKAGES=$work/packages
app=$work/app
dotnet new console -o "$app" -n PackageCheck --framework net10.0 --no-restore >/dev/null
cp "$repo/tools/pack/consumer/Program.cs" "$app/Program.cs"
for ref in "LlmForge.Models $version" "LlmForge.Backends.Managed $version" "LlmForge.Backends.Mkl $version" \
           "Microsoft.Extensions.DependencyInjection 10.0.0" "Microsoft.Extensions.Configuration 10.0.0"; do
  set -- $ref
  dotnet add "$app/PackageCheck.csproj" package "$1" --version "$2" --no-restore >/dev/null
done
start=$SECONDS
dotnet build "$app/PackageCheck.csproj" -c Release --nologo -v quiet >"$work/app-build.log" 2>&1 \
  || { cat "$work/app-build.log" >&2; fail "the console app did not build from the packages"; }
echo "app restored and built from the packages in $((SECONDS - start)) s"
out=$app/bin/Release/net10.0
[[ -d $NUGET_PACKAGES/llmforge.models/$version ]] || fail "the app did not restore LlmForge.Models from the feed"

dotnet "$out/PackageCheck.dll" Managed | sed 's/^/  /'
[[ ${PIPESTATUS[0]} == 0 ]] || fail "the app failed on the managed backend"

shim=$out/runtimes/linux-x64/native/libllmforge_mkl_cpu.so
[[ -f $shim ]] || fail "the MKL shim did not land in the app's output ($shim)"
grep -q 'runtimes/linux-x64/native/libllmforge_mkl_cpu.so' "$out/PackageCheck.deps.json" \
  || fail "PackageCheck.deps.json does not list the shim"
if grep -q 'libmkl_rt\.so' <<<"$(ldconfig -p 2>/dev/null)"; then
  mkl=$(dotnet "$out/PackageCheck.dll" Mkl) || { echo "$mkl"; fail "the app failed on the MKL backend"; }
  sed 's/^/  /' <<<"$mkl"
  grep -qxF "mkl cpu shim: $shim" <<<"$mkl" || fail "MklBackend did not find the shim in the package's runtimes folder"
else
  echo "  (libmkl_rt.so not installed: the MKL run is skipped)"
fi

# The user's app of README's "Samples" section, samples/11-CustomComponent, built the same way from the packages: its own
# normalization kind registered through DI, a GPT and a BERT masked-LM trained with the library Trainer and a
# CancellationToken, saved, reloaded in a new process through the same registration; it exits 0 only when both
# processes print identical text.
user=$work/custom-component
dotnet new console -o "$user" -n CustomComponent --framework net10.0 --no-restore >/dev/null
cp "$repo/samples/11-CustomComponent/Program.cs" "$user/Program.cs"
cp "$repo/samples/11-CustomComponent/appsettings.json" "$user/appsettings.json"
for ref in "LlmForge.Models $version" "LlmForge.Backends.Managed $version" "LlmForge.Backends.Mkl $version" \
           "Microsoft.Extensions.DependencyInjection 10.0.0" "Microsoft.Extensions.Configuration.Json 10.0.0" \
           "Microsoft.Extensions.Configuration.EnvironmentVariables 10.0.0"; do
  set -- $ref
  dotnet add "$user/CustomComponent.csproj" package "$1" --version "$2" --no-restore >/dev/null
done
sed -i 's|</Project>|  <ItemGroup><None Update="appsettings.json" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>\n</Project>|' "$user/CustomComponent.csproj"
dotnet build "$user/CustomComponent.csproj" -c Release --nologo -v quiet >"$work/user-build.log" 2>&1 \
  || { cat "$work/user-build.log" >&2; fail "samples/11-CustomComponent did not build from the packages"; }
custom=$(dotnet "$user/bin/Release/net10.0/CustomComponent.dll" --steps 60 --out "$work/custom-out") \
  || { echo "$custom"; fail "samples/11-CustomComponent failed when built from the packages"; }
grep '^gpt:\|^bert:\|identical' <<<"$custom" | sed 's/^/  /'
[[ $(grep -c 'identical: True' <<<"$custom") == 2 ]] || { echo "$custom"; fail "samples/11-CustomComponent: a reloaded model did not reproduce its text"; }

echo "packages ($version):"
for f in "$feed"/*; do printf '  %-44s %8d bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"; done
echo "check-packages: ok"
