#!/usr/bin/env bash
# Vendors uPlot (MIT, https://github.com/leeoniya/uPlot) into dashboards/vendor/uplot/ from the
# PyPI wheel uplot-python, which ships uPlot.iife.js and uPlot.min.css. The wheel's sha256 is
# pinned: a different file stops the script. `--check` verifies the vendored files against
# their pinned sha256 without the network.
set -euo pipefail
cd "$(dirname "$0")/.."

WHEEL_VERSION="1.1.1"
WHEEL_SHA256="07c96cc34ff9107c3751fc31dfad48ccd6e86c6deebb8b41d7ec7d9811722208"
UPLOT_VERSION="1.6.16"
JS_SHA256="655bc8aa33781e8721c5af6b59f1699c03c9bda951aa74a6ab518ac20cc4326d"
CSS_SHA256="3f121cd4a997b634e07a887658850018e475c26f0bddd874109a8d382c19de87"
TARGET=dashboards/vendor/uplot

check() {
    echo "$JS_SHA256  $TARGET/uPlot.iife.js" | sha256sum --check --quiet
    echo "$CSS_SHA256  $TARGET/uPlot.min.css" | sha256sum --check --quiet
}

if [[ "${1:-}" == "--check" ]]; then
    check
    echo "uPlot $UPLOT_VERSION: vendored files match their pinned sha256"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: "uplot-python==$WHEEL_VERSION" -d "$work"
wheel="$work/uplot_python-$WHEEL_VERSION-py3-none-any.whl"
echo "$WHEEL_SHA256  $wheel" | sha256sum --check --quiet || {
    echo "uplot-python $WHEEL_VERSION does not match the pinned sha256" >&2
    exit 1
}
mkdir -p "$TARGET"
python3 - "$wheel" "$TARGET" <<'PY'
import sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    for name in ("uPlot.iife.js", "uPlot.min.css"):
        with open(f"{target}/{name}", "wb") as out:
            out.write(archive.read(f"uplot/static/{name}"))
PY
# uPlot's licence (MIT, as its file header states); the wheel's own LICENSE covers only the
# Python wrapper.
cat > "$TARGET/LICENSE" <<'LICENSE'
The MIT License (MIT)

Copyright (c) 2021 Leon Sorokin

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
cat > "$TARGET/VENDORED.md" <<INFO
# uPlot $UPLOT_VERSION

- Project: https://github.com/leeoniya/uPlot (MIT, see LICENSE)
- Taken from the PyPI wheel uplot-python $WHEEL_VERSION (sha256 $WHEEL_SHA256)
  by scripts/vendor-uplot.sh; files unchanged.
- uPlot.iife.js sha256 $JS_SHA256
- uPlot.min.css sha256 $CSS_SHA256
INFO
grep -q "uPlot.js (μPlot)" "$TARGET/uPlot.iife.js"
grep -q "(v$UPLOT_VERSION)" "$TARGET/uPlot.iife.js"
check
echo "vendored uPlot $UPLOT_VERSION into $TARGET"
