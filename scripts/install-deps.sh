#!/usr/bin/env bash
# Installs what building, running and testing Surety Desk needs on Debian/Ubuntu.
# Idempotent: packages already present are skipped quickly. Needs root or sudo.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Tauri v2 on Linux (webkit2gtk-4.1, gtk, rsvg, ssl), the test display and WebDriver,
# a CJK font so Chinese renders, the PDF tools the document tests read back with, and
# PostgreSQL for the provincial hub's tests (each starts a private cluster of its own),
# and for the Windows build (scripts/windows.sh): mingw-w64, Wine to run its tests, NSIS
# for its setup, fontTools to take the Chinese face out of the font collection.
PKGS=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libssl-dev libxdo-dev
  libayatana-appindicator3-dev
  xvfb xauth webkit2gtk-driver
  fonts-noto-cjk
  poppler-utils qpdf sqlcipher
  postgresql
  gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine wine64 nsis python3-fonttools
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[install-deps] apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# tauri-driver bridges WebDriver to WebKitWebDriver; pinned so e2e runs are repeatable.
TAURI_DRIVER_VERSION="2.1.0"
# (tauri-driver has no --version flag: cargo's own install list says which one is there.)
if ! cargo install --list 2>/dev/null | grep -q "^tauri-driver v$TAURI_DRIVER_VERSION:"; then
  echo "[install-deps] cargo install tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
fi

# The Windows target of the cross-build (scripts/windows.sh).
rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1 || rustup target add x86_64-pc-windows-gnu
