#!/usr/bin/env bash
# Builds and opens Surety Desk on a fresh Debian/Ubuntu machine (root or sudo):
# installs the system and npm packages it needs, builds the UI and the app (release), runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'
保贷通 Surety Desk 需要图形界面：未找到显示器（DISPLAY / WAYLAND_DISPLAY 未设置）。
Surety Desk needs a graphical display: neither DISPLAY nor WAYLAND_DISPLAY is set.
Run this from a desktop session, or under a virtual display:  xvfb-run -a bash scripts/run-app.sh
MSG
  exit 1
fi

bash scripts/install-deps.sh
npm --prefix ui ci --no-audit --no-fund --loglevel=error
npm --prefix ui run --silent build
cargo build --release -p surety-desk -p surety-cli

# A demo database on first run: the same file the app opens, built through every rule.
DB="${SURETY_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/cn.gov.sd.suretydesk/surety.db}"
if [ ! -f "$DB" ]; then
  echo "[run-app] no database at $DB: building a demo database (users admin, uw-pool, bo-icbc, …; password: demo-pilot-2016)"
  mkdir -p "$(dirname "$DB")"
  SURETY_PASSWORD=demo-pilot-2016 ./target/release/surety --db "$DB" demo --cases 300 >/dev/null
fi
exec ./target/release/surety-desk "$@"
