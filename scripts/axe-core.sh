#!/usr/bin/env bash
# Installs axe-core (the accessibility checker the browser tests inject into the page) once, pinned, with npm, into
# $FACENETML_AXE_DIR (default ~/.cache/facenetml/npm/axe-core), and prints the path of its axe.min.js.
set -euo pipefail
dir="${FACENETML_AXE_DIR:-$HOME/.cache/facenetml/npm/axe-core}"
pins="axe-core@4.10.3"
if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ] || [ "$(cat "$dir/.pins" 2>/dev/null || true)" != "$pins" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed (scripts/install-prerequisites.sh installs it)" >&2; exit 1; }
  mkdir -p "$dir"
  cd "$dir"
  echo '{"name":"facenetml-axe-core","private":true}' > package.json
  # shellcheck disable=SC2086
  npm install --no-audit --no-fund --save-exact $pins >&2
  echo "$pins" > .pins
fi
echo "$dir/node_modules/axe-core/axe.min.js"
