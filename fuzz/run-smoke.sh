#!/usr/bin/env bash
# Fuzz smoke run for CI (called by .ci/run): builds every cargo-fuzz target once, then fuzzes each
# for a short bounded time starting from a copy of its committed corpus. Fails on any crash,
# timeout or out-of-memory; skips (exit 0, saying plainly what and why) when it cannot fuzz here.
#
# Environment:
#   FUZZ_SMOKE=0          skip the smoke run entirely
#   FUZZ_SECONDS=30       seconds per target
#   FUZZ_TARGETS="a b"    only these targets (default: every target, `cargo fuzz list`)
#   FUZZ_INSTALL=0        do not install cargo-fuzz when it is missing (default: install it,
#                         `cargo install cargo-fuzz --locked`, about 2.5 minutes)
#
# Toolchain: cargo-fuzz needs nightly-only compiler flags (-Zsanitizer=address). A nightly
# toolchain is used when rustup has one; otherwise the stable toolchain with RUSTC_BOOTSTRAP=1,
# which enables those flags on a stable compiler (it works with rustc 1.95; it is meant for
# building the compiler itself, so it is used here only for fuzzing, never for the real build).
set -euo pipefail
cd "$(dirname "$0")"

skip() {
  printf 'fuzz smoke run SKIPPED: %s\n' "$*"
  exit 0
}

[ "${FUZZ_SMOKE:-1}" != 0 ] || skip "FUZZ_SMOKE=0"
seconds="${FUZZ_SECONDS:-30}"
case "$seconds" in '' | *[!0-9]*) echo "FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2 ;; esac

command -v cargo >/dev/null 2>&1 || skip "cargo is not installed"

if ! cargo fuzz --version >/dev/null 2>&1; then
  [ "${FUZZ_INSTALL:-1}" != 0 ] || skip "cargo-fuzz is not installed (and FUZZ_INSTALL=0)"
  echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked"
  cargo install cargo-fuzz --locked || skip "cargo-fuzz could not be installed (see the output above)"
fi

# Pick a toolchain that accepts -Zsanitizer=address, probed on an empty program.
probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
echo 'fn main() {}' >"$probe_dir/probe.rs"
probe() { "$@" -Zsanitizer=address "$probe_dir/probe.rs" -o "$probe_dir/probe" >/dev/null 2>&1; }
toolchain=()
if command -v rustup >/dev/null 2>&1 && rustup run nightly rustc --version >/dev/null 2>&1 \
  && probe rustup run nightly rustc; then
  toolchain=(+nightly)
  how="nightly toolchain"
elif RUSTC_BOOTSTRAP=1 probe rustc; then
  export RUSTC_BOOTSTRAP=1
  how="$(rustc --version) with RUSTC_BOOTSTRAP=1"
else
  skip "no nightly toolchain, and the stable rustc rejects -Zsanitizer=address even with RUSTC_BOOTSTRAP=1"
fi
echo "fuzzing with cargo-fuzz $(cargo fuzz --version | awk '{print $2}') on the $how"

targets="${FUZZ_TARGETS:-$(cargo "${toolchain[@]}" fuzz list)}"
echo "building every target; then fuzzing: $(echo $targets)"
cargo "${toolchain[@]}" fuzz build -O

work="$(mktemp -d)"
trap 'rm -rf "$probe_dir" "$work"' EXIT
failed=()
for t in $targets; do
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  # Fuzz a copy: CI must not modify the committed corpus.
  if [ -d "corpus/$t" ]; then cp -R "corpus/$t/." "$work/corpus/$t/"; fi
  printf '\n--- %s: %ss\n' "$t" "$seconds"
  if cargo "${toolchain[@]}" fuzz run -O "$t" "$work/corpus/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/$t/" -print_final_stats=1 2>"$work/$t.log"; then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$work/$t.log" || true
  else
    tail -n 60 "$work/$t.log"
    for a in "$work/artifacts/$t"/*; do
      [ -f "$a" ] || continue
      echo "reproducer $(basename "$a") (base64; save it under fuzz/artifacts-committed/$t/):"
      base64 "$a" | head -c 20000
      echo
    done
    failed+=("$t")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz smoke run FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz smoke run passed: $(echo $targets | wc -w) targets, ${seconds}s each"
