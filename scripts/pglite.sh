#!/usr/bin/env bash
# Starts a throwaway PostgreSQL with pgvector for the tests: PGlite (PostgreSQL compiled to WASM) behind its socket
# server, in memory, on 127.0.0.1:PORT. Usage: scripts/pglite.sh PORT (runs in the foreground; stop it with a signal).
# The pinned npm packages are installed once, with npm, into $FACENETML_PGLITE_DIR (default ~/.cache/facenetml/npm/pglite).
# PGlite serves one connection at a time. Production galleries use any PostgreSQL >= 13 with pgvector instead.
set -euo pipefail
port="${1:?usage: scripts/pglite.sh PORT}"
dir="${FACENETML_PGLITE_DIR:-$HOME/.cache/facenetml/npm/pglite}"
pins="@electric-sql/pglite-socket@0.2.17 @electric-sql/pglite@0.5.14 @electric-sql/pglite-pgvector@0.0.15"
if [ ! -x "$dir/node_modules/.bin/pglite-server" ] || [ "$(cat "$dir/.pins" 2>/dev/null || true)" != "$pins" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed (scripts/install-prerequisites.sh installs it)" >&2; exit 1; }
  mkdir -p "$dir"
  cd "$dir"
  echo '{"name":"facenetml-pglite","private":true}' > package.json
  # shellcheck disable=SC2086
  npm install --no-audit --no-fund --save-exact $pins >&2
  echo "$pins" > .pins
fi
cd "$dir"
exec node_modules/.bin/pglite-server -h 127.0.0.1 -p "$port" -e @electric-sql/pglite-pgvector:vector
