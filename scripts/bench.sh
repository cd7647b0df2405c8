#!/usr/bin/env bash
# Runs every benchmark in one go and writes BENCHMARKS.md: the machine and the versions
# first, then each benchmark's goal, command and figures as it printed them (each prints
# its reference beside its own figures: plain SQLite beside SQLCipher, a bare SELECT beside
# the reports, LibreOffice beside the documents). Everything below the line
# "## Notes from earlier runs" in BENCHMARKS.md is kept as it is.
#
#   scripts/bench.sh            every benchmark (about 30 minutes on 2 cores)
#   scripts/bench.sh documents  only the named ones (quote store store-1m documents
#                               reports bundle window hub); the others keep their section
#                               from the last run, which says when it was run
set -euo pipefail
cd "$(dirname "$0")/.."
all=(quote store store-1m documents reports bundle window hub)
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=("${all[@]}")
out=target/bench
mkdir -p "$out"

bash scripts/install-deps.sh
if ! command -v soffice >/dev/null; then
    # The documents' reference: LibreOffice headless.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        libreoffice-writer-nogui >/dev/null
fi
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npx vite build --logLevel warn)
cargo build --release --quiet -p surety-desk -p surety-hub -p surety-cli

goal() {
    case "$1" in
        quote) echo "a 12-period quote well under 50 µs" ;;
        store) echo "unlock < 1 s; every list query at 100,000 cases < 20 ms and within 2× of the bare SQL; SQLCipher < 1.3× plain SQLite" ;;
        store-1m) echo "every list query at 1,000,000 cases < 20 ms, names as the province's are distributed" ;;
        documents) echo "a loan contract < 4 ms median; 1,000 contracts < 3 s on every core; ≥ 20× faster than LibreOffice headless" ;;
        reports) echo "quarter report at ~1,000,000 repayment rows < 1 s; credit file for 100,000 accounts < 5 s; dashboard < 50 ms" ;;
        bundle) echo "a field bundle of 1,000 cases with 2 photos each: export, preview, import times and size" ;;
        window) echo "launch to interactive < 700 ms; page switch at 100,000 cases < 100 ms; dashboard < 50 ms; memory < 250 MB" ;;
        hub) echo "1,000 installations at once all accepted; the province view < 100 ms" ;;
    esac
}
command_of() {
    case "$1" in
        quote) echo "cargo bench -p surety-domain --bench quote" ;;
        store) echo "cargo bench -p surety-store --bench store" ;;
        store-1m) echo "env SURETY_BENCH_CASES=1000000 cargo bench -p surety-store --bench store" ;;
        documents) echo "cargo bench -p surety-docs --bench documents" ;;
        reports) echo "cargo bench -p surety --bench reports" ;;
        bundle) echo "cargo bench -p surety --bench bundle" ;;
        window) echo "cargo bench -p surety-e2e --bench window" ;;
        hub) echo "cargo bench -p surety-e2e --bench hub" ;;
    esac
}

for b in "${wanted[@]}"; do
    cmd=$(command_of "$b")
    [ -n "$cmd" ] || { echo "unknown benchmark $b (one of: ${all[*]})" >&2; exit 2; }
    echo "== bench $b: $cmd"
    start=$(date +%s)
    # (The window bench starts its own Xvfb; the hub bench its own PostgreSQL cluster.)
    $cmd >"$out/$b.out" 2>"$out/$b.err"
    echo "$(( $(date +%s) - start ))" >"$out/$b.seconds"
done

version() { "$@" 2>/dev/null | head -1 || echo "not found"; }
pkg() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }
# A section of the last run: from its heading to the next heading of its level.
kept_section() {
    [ -f BENCHMARKS.md ] || return 0
    awk -v name="$1" '
        /^## / { on = (index($0, "## " name " — ") == 1) }
        on' BENCHMARKS.md
}
# The day the last run wrote, for its sections that do not say when they ran.
before=$(sed -n 's/^Written by `scripts\/bench.sh` on \(.*\), release builds\.$/\1/p' BENCHMARKS.md 2>/dev/null | head -1)
ran() { local b; for b in "${wanted[@]}"; do [ "$b" = "$1" ] && return 0; done; return 1; }
today=$(date -u '+%Y-%m-%d %H:%M UTC')
notes=""
if grep -q '^## Notes from earlier runs' BENCHMARKS.md 2>/dev/null; then
    notes=$(sed -n '/^## Notes from earlier runs/,$p' BENCHMARKS.md)
fi
{
    echo "# Benchmarks"
    echo
    echo "Written by \`scripts/bench.sh\`, release builds; each section says when it ran."
    echo
    echo "## Machine and versions"
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| CPU | $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores |"
    echo "| memory | $(free -g | awk '/^Mem:/ {print $2}') GiB |"
    echo "| system | Debian $(cat /etc/debian_version), Linux $(uname -r) |"
    echo "| Rust | $(version rustc --version) |"
    echo "| SQLCipher | bundled by libsqlite3-sys $(grep -A1 '^name = "libsqlite3-sys"' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p') |"
    echo "| WebKitGTK | $(pkg libwebkit2gtk-4.1-0) |"
    echo "| PostgreSQL | $(version pg_config --version) |"
    echo "| LibreOffice (reference) | $(version soffice --version) |"
    echo "| Node.js | $(version node --version) |"
    for b in "${all[@]}"; do
        if ! ran "$b"; then
            section=$(kept_section "$b")
            if [ -n "$section" ]; then
                echo
                # Without its trailing blank lines; dated if it was not.
                echo "$section" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' |
                    sed "/^\`.*\` ([0-9]/s/\` (/\` (run ${before:-earlier}, /"
            fi
            continue
        fi
        echo
        echo "## $b — goal: $(goal "$b")"
        echo
        echo "\`$(command_of "$b")\` (run $today, $(cat "$out/$b.seconds") s in all)"
        echo
        # Tables as printed; every other line as a list item.
        awk '/^\|/ { if (!t) print ""; t = 1; print; next }
             /^[[:space:]]*$/ { next }
             { if (t) print ""; t = 0; sub(/^#+ */, ""); sub(/^[[:space:]]+/, ""); print "- " $0 }' "$out/$b.out"
    done
    if [ -n "$notes" ]; then
        echo
        echo "$notes"
    fi
} >BENCHMARKS.md.new
mv BENCHMARKS.md.new BENCHMARKS.md
echo "== BENCHMARKS.md written"
