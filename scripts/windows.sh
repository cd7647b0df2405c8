#!/usr/bin/env bash
# The Windows programs, built on this Debian machine. Cross-builds surety.exe and
# surety-desk.exe for x86_64-pc-windows-gnu (mingw-w64; the store's Windows dependency
# compiles OpenSSL in by itself), puts the Simplified Chinese face of Noto Sans CJK (SIL
# OFL) beside them, and builds the NSIS setup (src-tauri/windows/installer.nsi).
#   --test     also run, under Wine, the CLI acceptance tests (lifecycle and printing) and
#              the setup's own test against the Windows build, with Windows paths (C:\…) and
#              the Linux file system out of reach (so printing can only use the shipped font)
#   --release  release binaries and a compressed setup (the one to hand out)
# Needs what scripts/install-deps.sh installs (mingw-w64, wine64, nsis, python3-fonttools).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-pc-windows-gnu
profile=debug
run_tests=0
for arg in "$@"; do
  case "$arg" in
    --test) run_tests=1 ;;
    --release) profile=release ;;
    *) echo "usage: scripts/windows.sh [--test] [--release]" >&2; exit 2 ;;
  esac
done
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
out="target/$TARGET/$profile"

rustup target add "$TARGET" >/dev/null 2>&1 || true
# The window embeds the built UI: build it first on a fresh clone.
if [ ! -f ui/dist/index.html ]; then
  echo "[windows] building the UI (ui/dist)"
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
  npm --prefix ui run build
fi
echo "[windows] cargo build --target $TARGET ($profile): surety.exe, surety-desk.exe"
flags=(--target "$TARGET" -p surety-cli -p surety-desk --quiet)
[ "$profile" = release ] && flags+=(--release)
# Linted as it compiles, like the test run's build: the code only Windows compiles
# (owner-only files by ACL, the shipped font) included.
source scripts/lint-env.sh
cargo build "${flags[@]}"

echo "[windows] the font beside the binaries"
mkdir -p "$out/fonts"
[ -s "$out/fonts/NotoSansCJKsc-Regular.otf" ] || /usr/bin/python3 scripts/extract-font.py "$out/fonts/NotoSansCJKsc-Regular.otf"
cp /usr/share/doc/fonts-noto-cjk/copyright "$out/fonts/LICENSE-OFL.txt"

setup="$out/surety-desk-setup-$version.exe"
echo "[windows] makensis → $setup"
nsis=(-V2 "-DSRC=$PWD/$out" "-DOUT=$PWD/$setup" "-DVERSION=$version" "-DICON=$PWD/icons/icon.ico")
# The test build stores its (large, debug) files uncompressed: compressing them proves nothing.
[ "$profile" = debug ] && nsis+=(-DFAST)
makensis "${nsis[@]}" src-tauri/windows/installer.nsi
ls -l "$setup"

[ "$run_tests" = 1 ] || exit 0

# A private Wine prefix whose C: drive holds the programs and the tests' folders, and no
# drive mapped to the Linux file system (Wine maps Z: to / by default): whatever the
# Windows build finds, it finds the way it would on Windows.
export WINEPREFIX="$PWD/target/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -d "$WINEPREFIX/drive_c/windows" ]; then
  echo "[windows] a Wine prefix in $WINEPREFIX"
  wineboot --init >/dev/null 2>&1 || true
fi
rm -f "$WINEPREFIX/dosdevices/z:"
bin="$WINEPREFIX/drive_c/surety-build"
rm -rf "$bin" && mkdir -p "$bin/fonts"
cp "$out/surety.exe" "$setup" "$bin/"
cp "$out/fonts/"* "$bin/fonts/"
# Rust's std asks bcryptprimitives.dll for ProcessPrng, which Wine 8 lacks: a stand-in
# (tests/wine/, for these runs only; the setup does not carry it).
x86_64-w64-mingw32-gcc -shared -O2 -o "$bin/bcryptprimitives.dll" \
  tests/wine/bcryptprimitives.c tests/wine/bcryptprimitives.def -ladvapi32
echo "[windows] acceptance tests against surety.exe under $(wine --version)"
# --workspace, not -p surety-e2e: the same features as scripts/test.sh's `cargo test
# --workspace`, so after it these test binaries are already built (with -p, cargo resolves
# the e2e crate's features alone and rebuilt 146 crates on a clean run).
SURETY_WINE=1 SURETY_BIN="$bin/surety.exe" SURETY_SETUP="$bin/$(basename "$setup")" \
  cargo test --workspace --test case_lifecycle --test printing --test windows_setup
wineserver -k || true
