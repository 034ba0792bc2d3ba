#!/usr/bin/env bash
# Rewrites the PublicAPI.*.txt files of every library that pins its public API
# (Directory.Build.targets) to match the code: members added go to PublicAPI.Unshipped.txt, members
# removed leave the file they were in. Run it after a deliberate API change and review the diff;
# without it, such a change is a build error (RS0016 for a new member, RS0017 for a removed one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
removed="$(mktemp)"
trap 'rm -f "$removed"' EXIT
# Removed members first: the build names each (RS0017), and its line is deleted wherever it is.
dotnet build Tessera.slnx -c Release -v quiet -nologo 2>&1 | grep -o "error RS0017: Symbol '[^']*'" | sed "s/^error RS0017: Symbol '//; s/'\$//" | sort -u > "$removed" || true
# Twice: a library's fixes can only be computed once the libraries it references build.
for pass in 1 2; do
  for file in src/*/PublicAPI.Shipped.txt; do
    project="$(dirname "$file")"
    for list in "$project"/PublicAPI.Shipped.txt "$project"/PublicAPI.Unshipped.txt; do
      if [ -s "$removed" ]; then grep -v -x -F -f "$removed" "$list" > "$list.kept" || true; mv "$list.kept" "$list"; fi
    done
    dotnet format analyzers "$project" --diagnostics RS0016 --severity warn -v quiet || true
    # The code fix appends in no particular order: sort, keeping the "#nullable enable" header.
    for list in "$project"/PublicAPI.Shipped.txt "$project"/PublicAPI.Unshipped.txt; do
      { head -n 1 "$list"; tail -n +2 "$list" | LC_ALL=C sort -u; } > "$list.sorted" && mv "$list.sorted" "$list"
    done
  done
done
dotnet build Tessera.slnx -c Release -v quiet -nologo
