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
cargo build --release -p surety-desk
exec ./target/release/surety-desk "$@"
