#!/usr/bin/env sh
# Assembles the deployable folder the Functions host expects: host.json, one folder per function with its
# function.json, and the handler as a self-contained linux-x64 single file named as host.json says (SfSync.Functions).
# The linux-x64 restore keeps its own lock file under obj/, so the committed (RID-less) lock files stay as they are.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.artifacts/deploy"
rm -rf "$out"
mkdir -p "$out"
dotnet publish "$root/functions/Functions.csproj" -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:NuGetLockFilePath=obj/publish.packages.lock.json -p:RestoreLockedMode=false -o "$out"
cp "$root/host.json" "$out/"
for dir in "$root"/functions/*/; do
  name=$(basename "$dir")
  if [ -f "$dir/function.json" ]; then
    mkdir -p "$out/$name"
    cp "$dir/function.json" "$out/$name/"
  fi
done
chmod +x "$out/SfSync.Functions"
echo "packaged $(ls -d "$out"/*/ | wc -l) functions into $out"
