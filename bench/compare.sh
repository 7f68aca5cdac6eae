#!/usr/bin/env bash
# Side-by-side benchmarks of upgrade-planner against the tools users already run:
# `rpm -qp --queryformat`, `rpm -K --nosignature`, `md5sum`, `rpm2cpio | cpio -i --to-stdout`.
#
#   bench/compare.sh              # full run: ~500 MiB package, writes the table into docs/performance.md
#   BENCH_QUICK=1 bench/compare.sh  # quick try-out: ~48 MiB package, fewer runs, table in bench/work only
#   bench/compare.sh --build-only   # build (or reuse) the fixtures, check both sides agree, stop
#
# Environment: BENCH_WORK (fixture folder), BENCH_LARGE_MIB (size of the large package),
# BENCH_ROUNDS (alternating hyperfine rounds), BENCH_DOC (where the table goes), BENCH_NICE (run
# the measurements under `nice -n N`, e.g. -5 on a machine shared with other jobs; both sides
# alike).
#
# Needs: rpmbuild, rpm, rpm2cpio, cpio, hyperfine, xz, zstd, openssl, jq, GNU time (/usr/bin/time),
# cargo. Fixtures are built once into $BENCH_WORK (default bench/work, git-ignored) and reused;
# delete that folder to rebuild them. See bench/README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
yaml="$repo/data/seed-oceanbase-ce-4.2.1.1.yml"
quick="${BENCH_QUICK:-0}"
work="${BENCH_WORK:-$here/work}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"

if [ "$quick" = 1 ]; then
  large_mib="${BENCH_LARGE_MIB:-48}"
  rounds="${BENCH_ROUNDS:-1}"
  fast_runs=10
  slow_runs=2
  doc="${BENCH_DOC:-$work/performance-quick.md}"
else
  large_mib="${BENCH_LARGE_MIB:-500}"
  rounds="${BENCH_ROUNDS:-3}"
  fast_runs=15
  slow_runs=1
  doc="${BENCH_DOC:-$repo/docs/performance.md}"
fi
small_count="${BENCH_SMALL_COUNT:-200}"

for tool in rpmbuild rpm rpm2cpio cpio hyperfine xz zstd openssl jq cargo md5sum; do
  command -v "$tool" >/dev/null || { echo "compare.sh: \`$tool\` is missing (Debian: apt-get install rpm cpio hyperfine xz-utils zstd openssl jq)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time is missing (Debian: apt-get install time)" >&2; exit 2; }

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# --- our binary ------------------------------------------------------------------------------
log "building upgrade-planner (release)"
(cd "$repo" && cargo build --release --quiet)
ours="$repo/target/release/upgrade-planner"

# --- deterministic content -------------------------------------------------------------------
# One MiB of pseudo-random bytes (AES-128-CTR keystream under a key derived from $1): the same on
# every machine.
rnd() {
  (openssl enc -aes-128-ctr -nosalt -K "$(printf %032x "$1")" -iv 0 </dev/zero 2>/dev/null || true) |
    head -c 1048576
}
# One MiB of symbol-table-like text (compresses about 10x).
text() {
  (awk -v s="$1" 'BEGIN { for (j = 0; j < 40000; j++) printf "sym_%d_%06d T 0x%08x ob::common::ObFunc%d\n", s, j, j * 16 + s, j % 97 }' || true) |
    head -c 1048576
}
# gen_blob OUT MIB SEED: MiB by MiB, a mix that compresses like a real server binary: 1/4 random
# (compressed resources), 1/2 skewed bytes (half the values folded onto 0: no long matches, only
# entropy coding, so xz decodes it literal by literal as it does machine code), 1/4 text.
gen_blob() {
  local out="$1" mib="$2" seed="$3" i
  : >"$out.tmp"
  for ((i = 0; i < mib; i++)); do
    case $((i % 4)) in
      0) rnd $((seed * 1000000 + i)) ;;
      1 | 2) rnd $((seed * 1000000 + i)) | tr '\200-\377' '\000' ;;
      3) text $((seed * 1000000 + i)) ;;
    esac >>"$out.tmp"
  done
  mv "$out.tmp" "$out"
}

export SOURCE_DATE_EPOCH=1698796800
rpm_common=(
  --define "_buildhost bench.invalid"
  --define "use_source_date_epoch_as_buildtime 1"
  --define "clamp_mtime_to_source_date_epoch 1"
  --define "_build_id_links none"
  --define "debug_package %{nil}"
  --define "__os_install_post %{nil}"
  --define "_binary_filedigest_algorithm 8"
  --define "yaml_src $yaml"
  --quiet
)

# rpmbuild_to SPEC PAYLOAD OUTDIR [defines...]: builds every package of SPEC into OUTDIR.
rpmbuild_to() {
  local spec="$1" payload="$2" out="$3"
  shift 3
  local top="$work/rpmbuild"
  rm -rf "$top"
  mkdir -p "$top"/{BUILD,RPMS,SRPMS,SPECS,SOURCES,BUILDROOT} "$out"
  rpmbuild -bb "${rpm_common[@]}" --define "_topdir $top" --define "_binary_payload $payload" "$@" "$spec" >/dev/null
  find "$top/RPMS" -name '*.rpm' -exec mv {} "$out/" \;
  rm -rf "$top"
}

# --- 200 small packages ----------------------------------------------------------------------
small_dir="$work/small-$small_count"
if [ ! -f "$small_dir/.done" ]; then
  log "building $small_count small packages (one rpmbuild, one subpackage each)"
  rm -rf "$small_dir"
  mkdir -p "$small_dir"
  spec="$work/small.spec"
  {
    cat <<'SPEC'
Name:       ob-small
Version:    4.2.1.1
Release:    101000062023110109.el7
Summary:    benchmark fixtures
License:    Apache-2.0
BuildArch:  x86_64
AutoReqProv: no
%description
Benchmark fixtures for upgrade-planner (not a real package).
%install
for i in $(seq -w 1 %{count}); do
  d=%{buildroot}/home/admin/ob-small-$i
  mkdir -p $d/bin $d/etc $d/share
  printf '#!/bin/sh\necho "fake tool %s"\n' $i > $d/bin/tool
  chmod 755 $d/bin/tool
  cp %{yaml_src} $d/etc/oceanbase_upgrade_dep.yml
  printf '[main]\nid = %s\n' $i > $d/etc/tool.ini
  printf 'README of package %s\n' $i > $d/share/README
done
SPEC
    for i in $(seq -w 1 "$small_count"); do
      cat <<SPEC
%package -n ob-small-$i
Summary: benchmark fixture $i
%description -n ob-small-$i
Benchmark fixture $i.
%files -n ob-small-$i
/home/admin/ob-small-$i
SPEC
    done
  } >"$spec"
  rpmbuild_to "$spec" w6.xzdio "$small_dir" --define "count $small_count"
  touch "$small_dir/.done"
fi
mapfile -t small_pkgs < <(find "$small_dir" -name '*.rpm' | sort)
[ "${#small_pkgs[@]}" = "$small_count" ] || { echo "expected $small_count small packages in $small_dir, found ${#small_pkgs[@]}" >&2; exit 1; }

# --- the large package -----------------------------------------------------------------------
# Payload order is the header's (sorted by path): bin/observer (72%) and bin/obshell (8%), then
# etc/oceanbase_upgrade_dep.yml, then lib/libobclient.so (20%).
large_dir="$work/large-${large_mib}MiB"
observer_mib=$((large_mib * 72 / 100))
obshell_mib=$((large_mib * 8 / 100))
lib_mib=$((large_mib - observer_mib - obshell_mib))
variants=(xz-multiblock:w2T2.xzdio xz-singleblock:w2.xzdio zstd:w3.zstdio)
if [ ! -f "$large_dir/.done" ]; then
  mkdir -p "$large_dir/blobs"
  log "generating ${large_mib} MiB of package content"
  [ -f "$large_dir/blobs/observer" ] || gen_blob "$large_dir/blobs/observer" "$observer_mib" 1
  [ -f "$large_dir/blobs/obshell" ] || gen_blob "$large_dir/blobs/obshell" "$obshell_mib" 2
  [ -f "$large_dir/blobs/libobclient.so" ] || gen_blob "$large_dir/blobs/libobclient.so" "$lib_mib" 3
  cat >"$work/large.spec" <<'SPEC'
Name:       oceanbase-ce
Version:    4.2.1.1
Release:    101000062023110109.el7
Summary:    large benchmark fixture (generated binaries, real upgrade YAML)
License:    Apache-2.0
BuildArch:  x86_64
AutoReqProv: no
%description
Large benchmark fixture for upgrade-planner: generated content, the real oceanbase_upgrade_dep.yml.
%install
d=%{buildroot}/home/admin/oceanbase
mkdir -p $d/bin $d/etc $d/lib
cp %{blobs}/observer $d/bin/observer
cp %{blobs}/obshell $d/bin/obshell
cp %{blobs}/libobclient.so $d/lib/libobclient.so
chmod 755 $d/bin/observer $d/bin/obshell
cp %{yaml_src} $d/etc/oceanbase_upgrade_dep.yml
printf '# fake upgrade pre-check script\nprint("upgrade_checker")\n' > $d/etc/upgrade_checker.py
%files
%defattr(-,root,root)
/home/admin/oceanbase/bin/observer
/home/admin/oceanbase/bin/obshell
/home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml
/home/admin/oceanbase/etc/upgrade_checker.py
/home/admin/oceanbase/lib/libobclient.so
SPEC
  for v in "${variants[@]}"; do
    name="${v%%:*}"
    [ -f "$large_dir/$name.rpm" ] && continue
    log "rpmbuild ${v#*:} (${large_mib} MiB; xz takes minutes)"
    rpmbuild_to "$work/large.spec" "${v#*:}" "$large_dir/out" --define "blobs $large_dir/blobs"
    mv "$large_dir"/out/*.rpm "$large_dir/$name.rpm"
  done
  rm -rf "$large_dir/out"
  touch "$large_dir/.done"
fi

# Number of xz blocks in a package's payload (`xz --list` on the payload cut out of the package; the
# payload starts at the first xz magic after the headers).
payload_blocks() {
  local off
  off=$(LC_ALL=C grep -obUaP -m1 '\xfd7zXZ\x00' "$1" | head -1 | cut -d: -f1)
  tail -c +"$((off + 1))" "$1" >"$work/payload.xz"
  xz --robot --list "$work/payload.xz" | awk -F'\t' '$1 == "totals" { print $3 }'
  rm -f "$work/payload.xz"
}

# --- correctness first: both sides must agree -------------------------------------------------
yaml_path=./home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml
for v in "${variants[@]}"; do
  name="${v%%:*}"
  pkg="$large_dir/$name.rpm"
  "$ours" extract "$pkg" >"$work/ours.yml"
  rpm2cpio "$pkg" | cpio -i --quiet --to-stdout "$yaml_path" >"$work/theirs.yml"
  cmp -s "$work/ours.yml" "$yaml" && cmp -s "$work/theirs.yml" "$yaml" ||
    { echo "extracted YAML differs from $yaml for $pkg" >&2; exit 1; }
done
"$ours" inspect --format json "$large_dir/xz-multiblock.rpm" | jq -e '.verified == true and (.upgrade_deps.versions | length) > 0' >/dev/null ||
  { echo "inspect did not verify $large_dir/xz-multiblock.rpm" >&2; exit 1; }

if [ "${1:-}" = --build-only ]; then
  log "fixtures ready in $work"
  exit 0
fi

# --- measurements ----------------------------------------------------------------------------
nice=""
[ -n "${BENCH_NICE:-}" ] && nice="nice -n $BENCH_NICE"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# Cores really available: two md5sum at once against one (2.0: two free cores; 1.0: one). A
# virtual machine's cores may be shared with other jobs on the host; parallel hashing only helps
# as far as this allows.
parallelism() {
  local f="$large_dir/zstd.rpm" t0 t1 t2
  t0=$(date +%s.%N)
  $nice md5sum "$f" >/dev/null
  t1=$(date +%s.%N)
  $nice bash -c "md5sum '$f' >/dev/null & md5sum '$f' >/dev/null & wait"
  t2=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.2f", 2 * (b - a) / (c - b) }'
}
par_before="$(parallelism)"
results="$work/results"
rm -rf "$results"
mkdir -p "$results"

# bench ID RUNS WARMUP NAME1 CMD1 NAME2 CMD2 ...: $rounds hyperfine runs of all commands, the
# command order reversed every other round, so ours and theirs alternate under the same load.
bench() {
  local id="$1" runs="$2" warmup="$3" r
  shift 3
  local fwd=() rev=()
  while [ $# -gt 0 ]; do
    fwd+=(-n "$1" "$2")
    rev=(-n "$1" "$2" "${rev[@]}")
    shift 2
  done
  for ((r = 1; r <= rounds; r++)); do
    local args=("${fwd[@]}")
    [ $((r % 2)) = 0 ] && args=("${rev[@]}")
    log "$id (round $r/$rounds)"
    $nice hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
      --export-json "$results/$id.$r.json" "${args[@]}" >&2
  done
}

# median ID NAME: median seconds over every round.
median() {
  jq -s --arg n "$2" '[.[].results[] | select(.command == $n) | .times[]] | sort
    | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end' \
    "$results/$1".*.json
}
count() {
  jq -s --arg n "$2" '[.[].results[] | select(.command == $n) | .times[]] | length' "$results/$1".*.json
}

q() { printf '%q' "$1"; }
small_args="$(for p in "${small_pkgs[@]}"; do printf ' %q' "$p"; done)"
qf='%{NAME} %{EPOCHNUM} %{VERSION} %{RELEASE} %{ARCH} %{LONGSIZE} %{SIGMD5} %{PAYLOADCOMPRESSOR}\n'

cat "${small_pkgs[@]}" "$large_dir"/*.rpm >/dev/null # page cache

bench headers-200 "$fast_runs" 3 \
  "upgrade-planner inspect --no-verify --format json (${small_count} packages)" "$ours inspect --no-verify --format json$small_args" \
  "rpm -qp --qf (${small_count} packages)" "rpm -qp --qf $(q "$qf")$small_args"

large="$large_dir/xz-multiblock.rpm"
bench header-large "$fast_runs" 3 \
  "upgrade-planner inspect --no-verify --format json (large)" "$ours inspect --no-verify --format json $(q "$large")" \
  "rpm -qp --qf (large)" "rpm -qp --qf $(q "$qf") $(q "$large")"

for v in xz-multiblock zstd xz-singleblock; do
  pkg="$large_dir/$v.rpm"
  bench "inspect-$v" "$((slow_runs + 2))" 1 \
    "upgrade-planner inspect --format json ($v)" "$ours inspect --format json $(q "$pkg")" \
    "rpm -K --nosignature ($v)" "rpm -K --nosignature $(q "$pkg")" \
    "md5sum ($v)" "md5sum $(q "$pkg")"
done

for v in "${variants[@]}"; do
  name="${v%%:*}"
  pkg="$large_dir/$name.rpm"
  bench "extract-$name" "$slow_runs" 0 \
    "upgrade-planner extract ($name)" "$ours extract $(q "$pkg")" \
    "rpm2cpio | cpio -i --to-stdout ($name)" "bash -c $(q "rpm2cpio $(q "$pkg") | cpio -i --quiet --to-stdout $yaml_path")"
done

# Peak RSS (KiB) of one run.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

# --- report ----------------------------------------------------------------------------------
ms() { awk -v s="$1" 'BEGIN { v = s * 1000; if (v < 10) printf "%.2f ms", v; else if (v < 1000) printf "%.1f ms", v; else printf "%.2f s", v / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
met() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "yes" : "**no**") }'; }

cell() { printf '%s' "$1" | sed 's/|/\\|/g'; } # a pipe inside a Markdown table cell
row() { # ID OURS THEIRS TARGET (a number, or "-" for a row without a target)
  local a b r
  a=$(median "$1" "$2")
  b=$(median "$1" "$3")
  r=$(ratio "$a" "$b")
  if [ "$4" = - ]; then
    printf '| %s | %s | %s | %s | **%s** | none | |\n' "$(cell "$2")" "$(cell "$3")" "$(ms "$a")" "$(ms "$b")" "$r"
  else
    printf '| %s | %s | %s | %s | **%s** | ≤ %s | %s |\n' "$(cell "$2")" "$(cell "$3")" "$(ms "$a")" "$(ms "$b")" "$r" "$4" "$(met "$r" "$4")"
  fi
}

size_mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f MiB", b / 1048576 }'; }
cpu="$(lscpu 2>/dev/null | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')"
mem="$(free -h | awk '/^Mem:/ { print $2 }')"
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
blocks_mt="$(payload_blocks "$large_dir/xz-multiblock.rpm")"
blocks_st="$(payload_blocks "$large_dir/xz-singleblock.rpm")"

table="$work/table.md"
{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($cpu), $mem of memory, $(uname -sr); commit $commit;"
  echo "$(rpm --version), $(xz --version | head -1), zstd $(zstd --version | sed 's/.* v\([0-9.]*\).*/\1/'), hyperfine $(hyperfine --version | awk '{ print $2 }')."
  echo "Medians of $rounds alternating hyperfine round(s) ($(count extract-zstd "upgrade-planner extract (zstd)") to $(count headers-200 "rpm -qp --qf (${small_count} packages)") runs per command); ratio = ours / theirs (lower is better)."
  echo "Load average before the measurements: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)${nice:+; measured under \`$nice\`}."
  echo "Effective parallelism (two \`md5sum\` at once against one; 2.00 = two free cores): $par_before before, $(parallelism) after."
  echo "Mode: $([ "$quick" = 1 ] && echo "quick (BENCH_QUICK=1)" || echo full)."
  echo
  echo "Fixtures: $small_count small packages (5 files each, xz); the large package, $(size_mib "$large_dir/blobs/observer") + $(size_mib "$large_dir/blobs/obshell") of binaries, then the upgrade YAML, then $(size_mib "$large_dir/blobs/libobclient.so") (payload order), built three ways:"
  echo "\`w2T2.xzdio\` ($(size_mib "$large_dir/xz-multiblock.rpm"), $blocks_mt xz blocks), \`w2.xzdio\` ($(size_mib "$large_dir/xz-singleblock.rpm"), $blocks_st block), \`w3.zstdio\` ($(size_mib "$large_dir/zstd.rpm"))."
  echo
  echo "| ours | theirs | ours (median) | theirs (median) | ratio | target | met |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  row headers-200 "upgrade-planner inspect --no-verify --format json (${small_count} packages)" "rpm -qp --qf (${small_count} packages)" 0.5
  row header-large "upgrade-planner inspect --no-verify --format json (large)" "rpm -qp --qf (large)" 0.5
  for v in xz-multiblock zstd; do
    row "inspect-$v" "upgrade-planner inspect --format json ($v)" "rpm -K --nosignature ($v)" 0.7
    row "inspect-$v" "upgrade-planner inspect --format json ($v)" "md5sum ($v)" 1.2
  done
  row inspect-xz-singleblock "upgrade-planner inspect --format json (xz-singleblock)" "rpm -K --nosignature (xz-singleblock)" -
  row inspect-xz-singleblock "upgrade-planner inspect --format json (xz-singleblock)" "md5sum (xz-singleblock)" -
  row extract-xz-multiblock "upgrade-planner extract (xz-multiblock)" "rpm2cpio | cpio -i --to-stdout (xz-multiblock)" 0.05
  row extract-xz-singleblock "upgrade-planner extract (xz-singleblock)" "rpm2cpio | cpio -i --to-stdout (xz-singleblock)" 0.7
  row extract-zstd "upgrade-planner extract (zstd)" "rpm2cpio | cpio -i --to-stdout (zstd)" 0.7
  echo
  echo "Per package, header only: $(ms "$(awk -v t="$(median headers-200 "upgrade-planner inspect --no-verify --format json (${small_count} packages)")" -v n="$small_count" 'BEGIN { print t / n }')") over the $small_count small packages (one call, process start included); the large package alone: $(ms "$(median header-large "upgrade-planner inspect --no-verify --format json (large)")") (one process)."
  echo
  echo "Peak RSS (\`/usr/bin/time -f %M\`), target < 64 MiB:"
  echo
  echo "| command | xz-multiblock | xz-singleblock | zstd |"
  echo "| --- | --- | --- | --- |"
  line="| \`upgrade-planner extract\`"
  for v in xz-multiblock xz-singleblock zstd; do line+=" | $(($(rss "$ours" extract "$large_dir/$v.rpm") / 1024)) MiB"; done
  echo "$line |"
  line="| \`upgrade-planner inspect\`"
  for v in xz-multiblock xz-singleblock zstd; do line+=" | $(($(rss "$ours" inspect --format json "$large_dir/$v.rpm") / 1024)) MiB"; done
  echo "$line |"
} >"$table"

cat "$table"

# Write the table between the markers in the report (full mode: docs/performance.md).
begin='<!-- compare.sh:begin -->'
end='<!-- compare.sh:end -->'
if [ ! -f "$doc" ]; then
  printf '%s\n%s\n' "$begin" "$end" >"$doc"
fi
if ! grep -q "$begin" "$doc"; then
  printf '\n%s\n%s\n' "$begin" "$end" >>"$doc"
fi
awk -v b="$begin" -v e="$end" -v t="$table" '
  $0 == b { print; while ((getline l < t) > 0) print l; skip = 1; next }
  $0 == e { skip = 0 }
  !skip { print }' "$doc" >"$doc.tmp"
mv "$doc.tmp" "$doc"
log "table written to $doc"
