#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of the shipped libraries (the projects under src/ that have one, see
# src/Directory.Build.targets) from their public surface: the file is emptied and every public member that
# PublicAPI.Shipped.txt does not list is declared again by the code fix of Microsoft.CodeAnalysis.PublicApiAnalyzers
# (RS0016), run by `dotnet format`. Added, changed and removed members all show up in the diff; review it, every
# line is a member that users see. A member removed from PublicAPI.Shipped.txt is not handled here: the build
# reports it (RS0017) and it is marked *REMOVED* by hand, as a breaking change.
#   eng/update-public-api.sh                  every shipped library (a few minutes each: each loads its references)
#   eng/update-public-api.sh src/Sdk src/Cli  only those
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
  dirs=("$@")
else
  mapfile -t dirs < <(for f in src/*/PublicAPI.Unshipped.txt; do dirname "$f"; done)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "${dirs[@]}"; do
  dir=${dir%/}
  if [ ! -f "$dir/PublicAPI.Unshipped.txt" ]; then
    echo "$dir has no PublicAPI.Unshipped.txt (is it a packable project under src/?)" >&2
    exit 1
  fi
done

# One project at a time: given a solution, `dotnet format` applies this code fix to one project only.
for dir in "${dirs[@]}"; do
  dir=${dir%/}
  project=$(ls "$dir"/*.csproj)
  echo "== $project"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  # A project that is not restored loads without its references and declares nothing: restore first.
  dotnet restore "$project" >/dev/null
  dotnet format analyzers "$project" --no-restore --diagnostics RS0016 --severity warn
  # `dotnet format` leaves source-generated members (the ML search spaces); the build names them in API form.
  { dotnet build "$project" --no-restore 2>&1 || true; } \
    | sed -nE "s/.*error RS0016: Symbol '(.*)' is not part of the declared public API.*\[.*\/$(basename "$project" | sed 's/\./\\./g')\]$/\1/p" \
    | sort -u >> "$dir/PublicAPI.Unshipped.txt"
done

# Sorted entries (ordinal) below the header, so that two branches adding members touch separate lines.
for dir in "${dirs[@]}"; do
  file="${dir%/}/PublicAPI.Unshipped.txt"
  { head -n 1 "$file"; tail -n +2 "$file" | { grep -v '^$' || true; } | LC_ALL=C sort -u; } > "$tmp/sorted"
  cp "$tmp/sorted" "$file"
  echo "$file: $(($(wc -l < "$file") - 1)) entries"
done
