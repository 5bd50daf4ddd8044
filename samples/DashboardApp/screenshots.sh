#!/bin/sh
# Runs the sample on a fresh SQLite file, lets its demo study run, and screenshots the dashboard's two pages with the
# installed headless chromium into docs/images (the README's pictures).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'kill "$app" 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build "$here" -v q -nologo | grep -E "error|Warn" || true
dotnet "$here/bin/Debug/net10.0/DashboardApp.dll" --Dashboard:Storage="sqlite:///$work/demo.db" --Urls=http://127.0.0.1:5081 --Dashboard:AllowWrites=true >"$work/app.log" 2>&1 &
app=$!
sleep "${WAIT_SECONDS:-40}"
shot() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
    --window-size="$2" --virtual-time-budget=10000 --screenshot="$3" "$1" >"$work/chromium.log" 2>&1 ||
    { echo "chromium could not screenshot $1:" >&2; tail -5 "$work/chromium.log" >&2; exit 1; }
}
shot "http://127.0.0.1:5081/sharptune/" 1280,360 "$root/docs/images/dashboard-studies.png"
shot "http://127.0.0.1:5081/sharptune/#/studies/1" 1280,4650 "$root/docs/images/dashboard-study.png"
echo "wrote docs/images/dashboard-studies.png and docs/images/dashboard-study.png"
