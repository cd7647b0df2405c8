#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that takes outside input, with libFuzzer on the
# stable toolchain (libfuzzer-sys, sanitizer coverage through -Cpasses=sancov-module: no
# nightly needed). Targets: src-tauri/crates/surety-fuzz/src (`TARGETS`); one instrumented
# binary (src/bin/fuzz.rs there) runs them all, the target named by SURETY_FUZZ_TARGET.
#
#   scripts/fuzz.sh                 every target for 8 s (what scripts/test.sh runs)
#   scripts/fuzz.sh -s 600 quote_json   one target for ten minutes
#
# Each run starts from the seeds in the repo plus what earlier runs kept (target/fuzz). A
# crash stops the run: its input is written to target/fuzz/crashes/<target>/ and the script fails, saying where. Fix it, then copy the
# input into src-tauri/crates/surety-fuzz/regressions/<target>/ so `cargo test` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=8
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        -s|--seconds) seconds="$2"; shift 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
crate=src-tauri/crates/surety-fuzz
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^    ("\([a-z_]*\)", .*/\1/p' "$crate/src/lib.rs")
fi
work="$PWD/target/fuzz"
# Sanitizer coverage on the workspace's own crates only (scripts/sancov-rustc), in the
# test run's dev profile and target folder: every dependency is the build the tests already
# made, so this compiles just the workspace's crates again, instrumented. `--workspace`
# resolves features as the test run does (with -p, cargo would resolve them for this crate
# alone and rebuild its dependencies). Instrumented, those crates replace the test run's
# builds in target/debug: scripts/test.sh fuzzes last.
export RUSTC_WORKSPACE_WRAPPER="$PWD/scripts/sancov-rustc"
unset CLIPPY_ARGS
echo "== fuzz: building the fuzz binary for ${#targets[@]} targets (instrumented)"
cargo build --quiet --workspace --features surety-fuzz/libfuzzer --bin fuzz
fuzzer="$PWD/target/debug/fuzz"
# One target: its run, then one line of what it did (or the crash and where its input is).
fuzz_one() {
    local t="$1"
    local corpus="$work/corpus/$t" crashes="$work/crashes/$t" log="$work/$t.log"
    mkdir -p "$corpus" "$crashes"
    # -rss_limit_mb: the intake target holds a database; anything past 2 GB is a leak.
    if SURETY_FUZZ_TARGET="$t" "$fuzzer" "$corpus" "$crate/corpus/$t" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1; then
        local runs cov
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
        printf '   %-14s %8s runs, %5s edges covered, corpus %s files\n' \
            "$t" "${runs:-?}" "${cov:-?}" "$(ls "$corpus" | wc -l)"
    else
        echo "!! fuzz: $t crashed; input kept in $crashes/ — log: $log"
        grep -m5 -E "panicked|ERROR|SUMMARY" "$log" || tail -20 "$log"
        return 1
    fi
}
# libFuzzer runs on one core: the targets go a core each, as many at once as there are cores.
jobs=$(nproc)
status=0
pids=()
for t in "${targets[@]}"; do
    fuzz_one "$t" &
    pids+=("$!")
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do
    wait "$p" || status=1
done
exit $status
