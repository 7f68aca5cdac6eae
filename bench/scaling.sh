#!/usr/bin/env bash
# Scaling benchmark (issue 15): every parser and command at 1x, 10x and 100x its base input (100x
# is at or under the input's documented limit), printing time per MB and peak RSS per size, and
# rewriting the "Scaling" table of docs/performance.md. CI runs the 1x/10x pair of the same cases
# (`cargo test --release --test scaling`). Needs only cargo; takes a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --release --locked --test scaling -- --full --doc docs/performance.md "$@"
