#!/usr/bin/env bash
# Remakes docs/report.png, the README's picture of `dgtracker report`, and docs/report-phone.png,
# the same page on a phone: a demonstration campaign (made-up candidates) shown by the same
# headless Chromium the tests use.
#   docs/report-screenshot.sh   (from the repository root, with dgtracker installed)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dg() { USER=campaign-team dgtracker --file "$work/campaign.toml" "$@"; }
dg --as-of 2026-01-12 init >/dev/null
for n in $(seq 1 24); do
  dg --as-of 2026-01-20 add-candidate "Example Candidate $n" --applied 2026-01-20 >/dev/null
done
dg --as-of 2026-02-09 milestone done closing --on 2026-02-09 >/dev/null
dg --as-of 2026-02-10 milestone reschedule sift 2026-02-16..2026-02-20 >/dev/null
dg --as-of 2026-02-12 milestone reschedule interviews 2026-03-09..2026-03-13 --reason "Panel diaries" >/dev/null
for n in $(seq 1 12); do dg --as-of 2026-02-20 move "$(printf c%03d "$n")" longlist >/dev/null; done
for n in $(seq 13 22); do
  dg --as-of 2026-02-20 move "$(printf c%03d "$n")" rejected --reason "Sift: criteria not met" >/dev/null
done
dg --as-of 2026-02-20 move c023 withdrawn --reason "Took another post" >/dev/null
dg --as-of 2026-02-20 milestone done sift --on 2026-02-20 >/dev/null
for n in $(seq 1 6); do dg --as-of 2026-02-27 move "$(printf c%03d "$n")" shortlist >/dev/null; done
for n in $(seq 7 12); do
  dg --as-of 2026-02-27 move "$(printf c%03d "$n")" rejected --reason "Shortlist: others stronger" >/dev/null
done
dg --as-of 2026-03-02 move c006 withdrawn --reason "Personal reasons" >/dev/null
criteria=(transformation data-strategy big-picture leadership communicating delivering)
for n in $(seq 1 5); do dg --as-of 2026-03-11 move "$(printf c%03d "$n")" interview >/dev/null; done
for n in $(seq 1 5); do
  id=$(printf c%03d "$n")
  marks=()
  for i in "${!criteria[@]}"; do marks+=("${criteria[$i]}=$(( (n * 3 + i * 5) % 4 + 4 ))"); done
  [ "$n" = 5 ] && unset 'marks[5]'  # one candidate not yet marked on every criterion
  dg --as-of 2026-03-13 score "$id" interview "${marks[@]}" --agreed >/dev/null
done
dg --as-of 2026-03-13 report --for panel -o "$work/report.html" >/dev/null
browser=${DGTRACKER_BROWSER:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(--no-sandbox)
shot() {  # shot FILE WIDTH HEIGHT: the page in a window of that size
  "$browser" --headless "${sandbox[@]}" --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
    --window-size="$2,$3" --screenshot="$PWD/docs/$1" "file://$work/report.html" 2>/dev/null
  echo "wrote docs/$1"
}
shot report.png 1100 1500
shot report-phone.png 390 1800  # a phone: each table row a card
