#!/usr/bin/env bash
# Rewrites the PublicAPI.*.txt files of every library that pins its public API
# (Directory.Build.targets) to match the code: a member the build reports as new (RS0016) is added
# to PublicAPI.Unshipped.txt, one it reports as gone (RS0017) is deleted from either file. Run it
# after a deliberate API change and review the diff; without it, such a change is a build error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# A library's own errors hide those of the libraries above it (they do not compile): repeat until
# a build reports none, at most once per library.
for pass in 1 2 3 4 5 6; do
  dotnet build Tessera.slnx -c Release -v quiet -nologo > "$log" 2>&1 || true
  grep -qE "error RS001[67]" "$log" || break
  for file in src/*/PublicAPI.Unshipped.txt; do
    project="$(dirname "$file")"
    name="$(basename "$project")"
    # Each diagnostic ends with the project it is about: [/path/src/NAME/NAME.csproj].
    added="$(grep -E "error RS0016: .*\[$root/src/$name/$name.csproj\]" "$log" | sed -E "s/.*error RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/" | sort -u || true)"
    removed="$(grep -E "error RS0017: .*\[$root/src/$name/$name.csproj\]" "$log" | sed -E "s/.*error RS0017: Symbol '(.*)' is part of the declared API.*/\1/" | sort -u || true)"
    for list in "$project"/PublicAPI.Shipped.txt "$project"/PublicAPI.Unshipped.txt; do
      body="$(tail -n +2 "$list")"
      if [ -n "$removed" ]; then body="$(printf '%s\n' "$body" | grep -v -x -F -e "$removed" || true)"; fi
      if [ "$list" = "$project/PublicAPI.Unshipped.txt" ] && [ -n "$added" ]; then body="$(printf '%s\n%s\n' "$body" "$added")"; fi
      { head -n 1 "$list"; printf '%s\n' "$body" | sed '/^$/d' | LC_ALL=C sort -u; } > "$list.new"
      mv "$list.new" "$list"
    done
  done
done
if grep -E " error " "$log"; then exit 1; fi
echo "public API files match the code"
