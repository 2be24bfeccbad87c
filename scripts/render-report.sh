#!/usr/bin/env bash
# Renders a `plumb report --format html` page to a PNG with headless Chromium (Debian's
# `chromium` package), to look at a report without a browser or to attach it to a CI run.
#
# usage: scripts/render-report.sh HTML_FILE PNG_FILE
set -euo pipefail

if [[ $# -ne 2 || ! -f $1 ]]; then
    echo "usage: $0 HTML_FILE PNG_FILE" >&2
    exit 2
fi
html=$(realpath "$1")
png=$(realpath -m "$2")
chromium=${CHROMIUM:-chromium}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

rm -f "$png"
echo "==> rendering file://$html to $png with $chromium (1200x1600, headless)"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1200,1600 --screenshot="$png" \
    "file://$html" 2>&1 | grep -v -e 'dbus' -e 'unexpected operator' || true
if [[ ! -s $png ]]; then
    echo "error: chromium wrote no screenshot to $png" >&2
    exit 1
fi
echo "==> wrote $png ($(stat -c %s "$png") bytes)"
