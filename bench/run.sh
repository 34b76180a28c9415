#!/usr/bin/env bash
# Benchmark: tenderlint against ripgrep running the same patterns over the same files.
#
#   bash bench/run.sh                                              # full run
#   BENCH_FILES=200 BENCH_BIG=5000000 BENCH_RUNS=5 bash bench/run.sh  # quick run
#
# Installs what it needs (ripgrep, hyperfine, GNU time), builds tenderlint and the corpus
# generator in release mode, generates a synthetic corpus under target/bench/ (reused
# while its arguments are unchanged), times each case with hyperfine and measures peak
# memory with /usr/bin/time -v. It judges nothing: it exits 0 when it ran.
#
# Environment (all optional):
#   BENCH_FILES  documents in the corpus           (default 2000)
#   BENCH_SIZE   bytes per corpus document         (default 10240)
#   BENCH_BIG    bytes of the single big document  (default 52428800, 50 MB)
#   BENCH_RUNS   timed runs per case, at least 5   (default 10), after one warm-up run
#   BENCH_SEED   seed of the generator             (default 42)
#   BENCH_SCALE  documents in the scale tree, checked once (default 10000)
#   BENCH_PACK   documents per tender pack in the corpus of packs (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_FILES=${BENCH_FILES:-2000}
BENCH_SIZE=${BENCH_SIZE:-10240}
BENCH_BIG=${BENCH_BIG:-52428800}
BENCH_RUNS=${BENCH_RUNS:-10}
BENCH_SEED=${BENCH_SEED:-42}
BENCH_SCALE=${BENCH_SCALE:-10000}
BENCH_PACK=${BENCH_PACK:-5}
for var in BENCH_FILES BENCH_SIZE BENCH_BIG BENCH_RUNS BENCH_SEED BENCH_SCALE BENCH_PACK; do
  if ! [[ ${!var} =~ ^[0-9]+$ ]]; then
    echo "bench: $var must be a whole number, not '${!var}'" >&2
    exit 2
  fi
done
if ((BENCH_FILES < 1 || BENCH_SIZE < 512 || BENCH_BIG < 512 || BENCH_PACK < 1)); then
  echo "bench: BENCH_FILES and BENCH_PACK must be at least 1, BENCH_SIZE and BENCH_BIG at least 512" >&2
  exit 2
fi
if ((BENCH_RUNS < 5)); then
  echo "bench: BENCH_RUNS=$BENCH_RUNS is below the minimum; using 5 runs"
  BENCH_RUNS=5
fi

BENCH=target/bench
RESULTS=$BENCH/results
mkdir -p "$RESULTS"
LOG=$BENCH/install.log
: >"$LOG"

step() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------------------------------
step "tools"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v cargo >/dev/null 2>&1; then
  echo "bench: cargo is not installed: install Rust with rustup (https://rustup.rs)" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n) # never prompt: this script runs without standard input
fi
APT_UPDATED=0

# apt_install PACKAGE: install a Debian package, updating the lists once if needed.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ${SUDO[@]+"${SUDO[@]}"} apt-get install -y -q "$1" </dev/null >>"$LOG" 2>&1; then
    return 0
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    APT_UPDATED=1
    ${SUDO[@]+"${SUDO[@]}"} apt-get update -q </dev/null >>"$LOG" 2>&1 || true
  fi
  ${SUDO[@]+"${SUDO[@]}"} apt-get install -y -q "$1" </dev/null >>"$LOG" 2>&1
}

# need COMMAND APT-PACKAGE CRATE: make sure COMMAND is on the PATH.
need() {
  local cmd=$1 pkg=$2 crate=$3
  if command -v "$cmd" >/dev/null 2>&1; then
    return 0
  fi
  echo "installing $cmd (apt package $pkg)"
  if apt_install "$pkg" && command -v "$cmd" >/dev/null 2>&1; then
    return 0
  fi
  echo "apt-get could not install $pkg; trying cargo install $crate (see $LOG)"
  cargo install --locked "$crate" </dev/null >>"$LOG" 2>&1 || true
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "bench: could not install $cmd; see $LOG" >&2
    exit 1
  fi
}

need rg ripgrep ripgrep
need hyperfine hyperfine hyperfine
# hyperfine 1.15 added -N (no shell) and --output; an older one is replaced from crates.io.
if ! hyperfine --help 2>/dev/null | grep -q -- '--output'; then
  echo "hyperfine $(hyperfine --version | cut -d' ' -f2) is too old; trying cargo install hyperfine"
  cargo install --locked hyperfine </dev/null >>"$LOG" 2>&1 || true
  hash -r
fi
if hyperfine --help 2>/dev/null | grep -q -- '--output'; then
  HF_MODE=(-N --output=null)
  SINK=""
else
  echo "note: this hyperfine cannot run without a shell; shell start-up is included in every time"
  HF_MODE=()
  SINK=" >/dev/null 2>&1"
fi
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (apt package time)"
  apt_install time || echo "note: /usr/bin/time is not available; peak memory is not measured"
fi
if command -v python3 >/dev/null 2>&1; then
  JSON=python3
elif command -v jq >/dev/null 2>&1 || { apt_install jq && command -v jq >/dev/null 2>&1; }; then
  JSON=jq
else
  echo "bench: python3 or jq is needed to read hyperfine's JSON" >&2
  exit 1
fi
echo "rg:        $(rg --version | head -n1)"
echo "hyperfine: $(hyperfine --version)"
echo "time:      $([ -x /usr/bin/time ] && echo /usr/bin/time || echo missing)"

# ---------------------------------------------------------------------------------------
step "build"

cargo build --release
cargo build --release --example gen_corpus --example floor --example lsp_relint
TARGET=${CARGO_TARGET_DIR:-target}
TL=$TARGET/release/tenderlint
GEN=$TARGET/release/examples/gen_corpus
FLOOR=$TARGET/release/examples/floor
RELINT=$TARGET/release/examples/lsp_relint
"$TL" --version

# ---------------------------------------------------------------------------------------
step "corpus"

# A corpus is regenerated when its arguments or the generator's source change.
GEN_SUM=$(cksum <examples/gen_corpus.rs | cut -d' ' -f1)
# generate NAME SENTINEL-FILE ARGS...
generate() {
  local name=$1 sentinel=$2
  shift 2
  local marker=$BENCH/$name.args
  local want="$* generator=$GEN_SUM"
  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -f "$sentinel" ]; then
    echo "$name: reusing $BENCH/$name ($*)"
    return 0
  fi
  rm -f "$marker"
  "$GEN" "$@"
  printf '%s\n' "$want" >"$marker"
}

CORPUS=$BENCH/corpus
BIG=$BENCH/big/big.md
ONE=$BENCH/one/batch-001/tender-00001.md
# last_file DIR N: the path of the generator's last file of N in DIR.
last_file() {
  local batch=$((($2 - 1) / 100 + 1))
  local width=$((${#2} > 5 ? ${#2} : 5))
  local bwidth=$((${#batch} > 3 ? ${#batch} : 3))
  printf "%s/batch-%0${bwidth}d/tender-%0${width}d.md" "$1" "$batch" "$2"
}
SCALE=$BENCH/scale
# The same documents as the corpus, grouped into tender packs of BENCH_PACK files.
PACKS=$BENCH/packs
PACKS_LAST="$(dirname "$(last_file "$PACKS" "$BENCH_FILES")")/pack-$(printf %05d $(((BENCH_FILES - 1) / BENCH_PACK + 1)))/$(basename "$(last_file "$PACKS" "$BENCH_FILES")")"

generate corpus "$(last_file "$CORPUS" "$BENCH_FILES")" --out "$CORPUS" --files "$BENCH_FILES" --size "$BENCH_SIZE" --seed "$BENCH_SEED"
generate packs "$PACKS_LAST" --out "$PACKS" --files "$BENCH_FILES" --size "$BENCH_SIZE" --seed "$BENCH_SEED" --pack "$BENCH_PACK"
generate scale "$(last_file "$SCALE" "$BENCH_SCALE")" --out "$SCALE" --files "$BENCH_SCALE" --size "$BENCH_SIZE" --seed "$BENCH_SEED"
generate big "$BIG" --out "$BENCH/big" --single "$BENCH_BIG" --seed "$BENCH_SEED"
generate one "$ONE" --out "$BENCH/one" --files 1 --size 10240 --seed "$BENCH_SEED"
LSP_DOC=$BENCH/lsp/big.md
generate lsp "$LSP_DOC" --out "$BENCH/lsp" --single 1048576 --seed "$BENCH_SEED"

PATTERNS=$BENCH/patterns.txt
if ! "$TL" rules --patterns --no-config >"$PATTERNS"; then
  echo "bench: this tenderlint cannot print its patterns (tenderlint rules --patterns)" >&2
  exit 1
fi
echo "patterns: $(wc -l <"$PATTERNS") regexes in $PATTERNS"

# ---------------------------------------------------------------------------------------
step "timing (hyperfine: 1 warm-up run, $BENCH_RUNS timed runs per case)"

CMD_A="$TL check --no-config --format json $CORPUS"
CMD_B="rg -i -f $PATTERNS -c $CORPUS"
CMD_C="$TL check --no-config --format json $ONE"
CMD_D="$TL check --no-config --format json $BIG"
CMD_E="rg -i -f $PATTERNS -c $BIG"
CMD_G="$TL check --no-config --format json $PACKS"
# The one-file case against ripgrep with 20 simple words (bench/simple-patterns.txt) on
# the same file: process start included, for both.
CMD_H="rg -i -f bench/simple-patterns.txt -c $ONE"
# Human output (the default format) against JSON on the same corpus.
CMD_J="$TL check --no-config $CORPUS"
# The floor: parse every document and run the same patterns, no rules (examples/floor.rs).
CMD_K="$FLOOR $PATTERNS $CORPUS"

# time_case NAME COMMAND: tenderlint exits 1 when it finds errors, and rg when it finds
# nothing, so exit codes are ignored (-i).
time_case() {
  echo
  hyperfine ${HF_MODE[@]+"${HF_MODE[@]}"} --style basic -i --warmup 1 --runs "$BENCH_RUNS" \
    --export-json "$RESULTS/$1.json" -n "$1: $2" "$2$SINK"
}
time_case A "$CMD_A"
time_case B "$CMD_B"
time_case C "$CMD_C"
time_case D "$CMD_D"
time_case E "$CMD_E"
time_case G "$CMD_G"
time_case H "$CMD_H"
time_case J "$CMD_J"
time_case K "$CMD_K"

# ---------------------------------------------------------------------------------------
step "peak memory (/usr/bin/time -v, one run each)"

# peak NAME COMMAND: the output goes to a file, so that A's JSON can be checked below.
peak() {
  rm -f "$RESULTS/$1.mem"
  if [ -x /usr/bin/time ]; then
    # shellcheck disable=SC2086 # the command is split on spaces, as hyperfine -N does
    /usr/bin/time -v -o "$RESULTS/$1.mem" $2 >"$RESULTS/$1.out" 2>/dev/null || true
    echo "$1: $(grep 'Maximum resident set size' "$RESULTS/$1.mem" | awk '{print $NF}') KB"
  else
    # shellcheck disable=SC2086
    $2 >"$RESULTS/$1.out" 2>/dev/null || true
  fi
}
peak A "$CMD_A"
peak B "$CMD_B"
peak C "$CMD_C"
peak D "$CMD_D"
peak E "$CMD_E"
peak G "$CMD_G"
peak H "$CMD_H"
peak K "$CMD_K"
# Scale: a tree of BENCH_SCALE documents, checked once; it must complete.
peak F "$TL check --no-config --format json $SCALE"

# ---------------------------------------------------------------------------------------
step "language server (examples/lsp_relint: one keystroke in a 1 MiB buffer, 21 runs)"

# L: the server's re-lint as it runs (the pieces of the buffer kept between edits), and
# the whole buffer linted after each keystroke, for the ratio; on 1 MiB of the fixtures
# and on the generated 1 MiB tender.
: >"$RESULTS/L.txt"
for args in "" "--whole" "--file $LSP_DOC" "--file $LSP_DOC --whole"; do
  # shellcheck disable=SC2086 # the arguments are split on spaces
  line=$("$RELINT" $args | grep 're-lint') || line="failed"
  printf '%-45s %s\n' "lsp_relint ${args/$LSP_DOC/$(basename "$LSP_DOC")}" "$line" | tee -a "$RESULTS/L.txt"
done

# ---------------------------------------------------------------------------------------
step "results"

RG_FILES=$(rg --files "$CORPUS" | wc -l)
CORPUS_BYTES=$(find "$CORPUS" -type f -name '*.md' -exec cat {} + | wc -c)
BIG_BYTES=$(wc -c <"$BIG")
ONE_BYTES=$(wc -c <"$ONE")
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)

if [ "$JSON" = python3 ]; then
  BENCH_PACK=$BENCH_PACK python3 - "$RESULTS" "$BENCH_FILES" "$RG_FILES" "$CORPUS_BYTES" "$BIG_BYTES" "$ONE_BYTES" \
    "$(nproc)" "${CPU:-unknown}" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$BENCH_RUNS" \
    <<'PY' | tee "$RESULTS/summary.txt"
import json, os, statistics, sys

res, files, rg_files, corpus_b, big_b, one_b, nproc, cpu, date, runs = sys.argv[1:]
corpus_b, big_b, one_b = int(corpus_b), int(big_b), int(one_b)
mb = 1024 * 1024
cases = [
    ("A", f"tenderlint, corpus ({files} files)", corpus_b),
    ("B", f"rg -f patterns, corpus ({files} files)", corpus_b),
    ("C", "tenderlint, one document (editor)", one_b),
    ("D", f"tenderlint, one big document", big_b),
    ("E", f"rg -f patterns, one big document", big_b),
    ("G", f"tenderlint, same corpus as packs of {os.environ.get('BENCH_PACK', '5')}", corpus_b),
    ("H", "rg, 20 simple words, one document", one_b),
    ("J", "tenderlint, corpus, human output", corpus_b),
    ("K", "floor: parse + same patterns, corpus", corpus_b),
]

def median_ms(name):
    with open(os.path.join(res, name + ".json")) as f:
        r = json.load(f)["results"][0]
    m = r.get("median")
    if m is None:
        m = statistics.median(r["times"])
    return m * 1000, r["mean"] * 1000, (r.get("stddev") or 0) * 1000

def peak_mb(name):
    try:
        with open(os.path.join(res, name + ".mem")) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    return int(line.split(":")[-1]) / 1024
    except OSError:
        pass
    return None

print(f"date:     {date}")
print(f"machine:  {nproc} CPUs, {cpu}")
print(f"inputs:   corpus {files} files, {corpus_b / mb:.1f} MB; big document {big_b / mb:.1f} MB; "
      f"one document {one_b / 1024:.1f} KB")
print(f"runs:     {runs} timed runs per case after 1 warm-up; medians")
print()
head = f"{'case':<5} {'what':<40} {'median ms':>11} {'mean ± sd ms':>20} {'MB/s':>8} {'peak MB':>9}"
print(head)
print("-" * len(head))
med = {}
for name, what, size in cases:
    m, mean, sd = median_ms(name)
    med[name] = m
    p = peak_mb(name)
    ps = f"{p:9.1f}" if p is not None else f"{'n/a':>9}"
    rate = size / mb / (m / 1000) if m > 0 else float("inf")
    print(f"{name:<5} {what:<40} {m:11.1f} {f'{mean:.1f} ± {sd:.1f}':>20} {rate:8.1f} {ps}")
print()
print(f"tenderlint / ripgrep, corpus (A/B):   {med['A'] / med['B']:.2f}")
print(f"tenderlint / ripgrep, big file (D/E): {med['D'] / med['E']:.2f}")
print(f"packs / files, same documents (G/A):  {med['G'] / med['A']:.2f}")
print(f"tenderlint / floor, corpus (A/K):     {med['A'] / med['K']:.2f}")
print(f"human / JSON output, corpus (J/A):    {med['J'] / med['A']:.2f}")
print(f"one document / rg 20 words (C/H):     {med['C'] / med['H']:.2f}")

# Both tools must have seen the same files.
try:
    with open(os.path.join(res, "A.out")) as f:
        checked = json.load(f)["summary"]["files"]
    with open(os.path.join(res, "G.out")) as f:
        packs = json.load(f)
    print(f"files checked: tenderlint {checked}, ripgrep {rg_files}; "
          f"as packs {packs['summary']['files']} files in {len(packs['tenders'])} tenders")
except (OSError, ValueError, KeyError):
    print(f"files checked: ripgrep {rg_files} (tenderlint's JSON could not be read)")

# Scale: one run over the big tree, from /usr/bin/time -v.
try:
    with open(os.path.join(res, "F.mem")) as f:
        t = {k.strip(): v.strip() for k, v in (l.rsplit(": ", 1) for l in f if ": " in l)}
    with open(os.path.join(res, "F.out")) as f:
        summary = json.load(f)["summary"]
    print(f"scale (F): {summary['files']} files checked in {t['Elapsed (wall clock) time (h:mm:ss or m:ss)']}, "
          f"peak {int(t['Maximum resident set size (kbytes)']) / 1024:.1f} MB, "
          f"{summary['errors'] + summary['warnings'] + summary['infos']} findings")
except (OSError, ValueError, KeyError) as e:
    print(f"scale (F): no result ({e})")
PY
else
  {
    echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine:  $(nproc) CPUs, ${CPU:-unknown}"
    printf '%-5s %11s %9s\n' case "median ms" "peak MB"
    for c in A B C D E G H J K; do
      m=$(jq '.results[0].median * 1000' "$RESULTS/$c.json")
      k=$(grep 'Maximum resident set size' "$RESULTS/$c.mem" 2>/dev/null | awk '{print $NF}' || true)
      printf '%-5s %11.1f %9s\n' "$c" "$m" "$(awk -v k="${k:-0}" 'BEGIN { printf "%.1f", k / 1024 }')"
    done
    a=$(jq '.results[0].median' "$RESULTS/A.json")
    b=$(jq '.results[0].median' "$RESULTS/B.json")
    d=$(jq '.results[0].median' "$RESULTS/D.json")
    e=$(jq '.results[0].median' "$RESULTS/E.json")
    awk -v a="$a" -v b="$b" -v d="$d" -v e="$e" 'BEGIN {
      printf "tenderlint / ripgrep, corpus (A/B):   %.2f\n", a / b
      printf "tenderlint / ripgrep, big file (D/E): %.2f\n", d / e }'
  } | tee "$RESULTS/summary.txt"
fi
{
  echo
  echo "language server, one keystroke in a 1 MiB buffer (L):"
  cat "$RESULTS/L.txt"
} | tee -a "$RESULTS/summary.txt"
echo
echo "Raw results: $RESULTS/ (hyperfine JSON, /usr/bin/time output, summary.txt)"
