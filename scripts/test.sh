#!/usr/bin/env bash
# Runs every test of Surety Desk on a fresh Debian/Ubuntu machine (root or sudo):
# installs what is missing, then UI lint and format check, UI type check and unit tests, UI build,
# Rust format, the build linted by clippy as it compiles, the whole Rust workspace including
# the end-to-end tests of the real app window, the Windows build (cross-built, its setup
# made, its CLI tested under Wine), and a bounded coverage-guided fuzzing run of every
# parser of outside input (scripts/fuzz.sh).
# SURETY_SKIP_UI_TESTS=1 skips the window tests (they say so); nothing else is skippable.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# A test run builds each crate once: incremental compilation's caches would only take disk
# (gigabytes on a fresh clone) and time.
export CARGO_INCREMENTAL=0
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

step "install system packages and tauri-driver"
bash scripts/install-deps.sh
rustup component add rustfmt clippy >/dev/null 2>&1 || true

(
  cd ui
  step "UI: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  step "UI: lint (ESLint with eslint-plugin-vue) and format check (Prettier)"
  npx eslint . --max-warnings 0
  npx prettier --check "src/**/*.{ts,vue}" "*.{ts,js}"
  step "UI: type check (vue-tsc)"
  npx vue-tsc --noEmit
  step "UI: unit tests (vitest)"
  npx vitest run
  step "UI: build (embedded into the app binary)"
  npx vite build --logLevel warn
)

step "cargo fmt --check"
cargo fmt --all --check
# One build, linted as it compiles (scripts/lint-env.sh: the workspace's crates through
# clippy-driver, warnings denied), so there is no separate check-only build to wait for.
source scripts/lint-env.sh
step "cargo build, linted (binaries the end-to-end tests drive)"
cargo build --workspace --bins --quiet
step "cargo test --no-run, linted (every target, benches and examples included)"
cargo test --workspace --all-targets --no-run --quiet
step "cargo test"
mkdir -p target
cargo test --workspace 2>&1 | tee target/cargo-test.log
step "Windows: cross-build (linted), setup, acceptance tests under Wine (scripts/windows.sh --test)"
bash scripts/windows.sh --test 2>&1 | tee target/windows-test.log
# Last: the fuzzing build replaces the workspace's own crates in target/debug with
# instrumented ones (its dependencies are the builds above).
step "fuzz: every parser of outside input, 8 s a target (scripts/fuzz.sh)"
bash scripts/fuzz.sh 2>&1 | tee target/fuzz.log
step "all tests passed in $(( $(date +%s) - start ))s; disk used by the build: $(du -sh target | cut -f1)"
# One closing line with the Rust totals (the UI's vitest totals are printed above).
awk '/^test result:/ { p += $4; f += $6 } END { printf "%d passed, %d failed\n", p, f }' target/cargo-test.log target/windows-test.log
