# Sourced by scripts/test.sh and scripts/windows.sh: every build of the workspace's own
# crates goes through clippy-driver with warnings denied, so the test run's one build is
# also its lint (of every target it builds, the Windows cross-build included) instead of a
# second, check-only build of every dependency. Dependencies are compiled by rustc as usual.
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)"
CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
