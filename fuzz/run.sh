#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds, with long inputs and its dictionary.
#
#   fuzz/run.sh TARGET SECONDS [libFuzzer flags...]
#   fuzz/run.sh document 3700
#   fuzz/run.sh rule_file 600 -rss_limit_mb=4096
#
# TARGET is `document`, `rule_file` or `word`. It needs cargo-fuzz (`cargo install cargo-fuzz`);
# on a stable toolchain RUSTC_BOOTSTRAP=1 lets cargo-fuzz use its nightly flags (set here).
# The target is built with optimisations, debug assertions and overflow checks, and the
# sanitizer in $SANITIZER: `none` by default, since tenderlint has no unsafe code and the
# targets look for panics and failed assertions; `address` finds memory errors in
# dependencies, and runs about five times slower.
#
# The fuzzer runs at the lowest priority (nice 19), in fork mode (-fork=1): a crash,
# timeout or out-of-memory input is saved and the campaign goes on. It is given:
#   -max_len=1048576            inputs up to 1 MiB (long lines, big tables)
#   -dict=fuzz/dict/markdown.dict (document) or fuzz/dict/rule_file.dict (rule_file):
#                               syntax tokens, Unicode spaces and punctuation
#   -timeout=$TIMEOUT           seconds one input may take (default 120)
#   -max_total_time=SECONDS
# Flags given after SECONDS are passed on to libFuzzer, and win over these.
#
# Scratch space is $FUZZ_WORK (default /tmp/tenderlint-fuzz), never the repository:
#   $FUZZ_WORK/corpus/TARGET     the growing corpus (new inputs are written here)
#   $FUZZ_WORK/seeds/TARGET      read-only seeds: tests/fuzz-corpus/TARGET plus
#                                fixtures/**/*.md (document) or rules/*.toml (rule_file)
#   $FUZZ_WORK/artifacts/TARGET/ crashes, timeouts and out-of-memory inputs
#   $FUZZ_WORK/TARGET.log        libFuzzer's output
# Reproduce a crash:   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET ARTIFACT
# Minimise a crash:    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz tmin TARGET ARTIFACT
set -euo pipefail
cd "$(dirname "$0")"

if [ $# -lt 2 ]; then
  sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
target=$1 seconds=$2
shift 2
case $target in
  document) dict=markdown.dict ;;
  rule_file) dict=rule_file.dict ;;
  word) dict=word.dict ;;
  *)
    echo "unknown target: $target (document, rule_file or word)" >&2
    exit 2
    ;;
esac
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
  exit 2
fi

work=${FUZZ_WORK:-/tmp/tenderlint-fuzz}
sanitizer=${SANITIZER:-none}
corpus=$work/corpus/$target
seeds=$work/seeds/$target
artifacts=$work/artifacts/$target
mkdir -p "$corpus" "$seeds" "$artifacts"
cp -p ../tests/fuzz-corpus/"$target"/* "$seeds"/
# Long seeds, so the campaign tries long inputs from the start rather than growing them a
# few bytes at a time. Kept to a few hundred KB, since a finding costs time in proportion
# to the text before it when rendered for people; mutations may grow them to -max_len.
repeat() { # TEXT BYTES: TEXT repeated to at most BYTES bytes
  local LC_ALL=C out=$1
  while [ $((${#out} * 2)) -le "$2" ]; do out=$out$out; done
  printf '%s' "$out"
}
cut_at_space() { # TEXT BYTES: TEXT cut to at most BYTES bytes, at a space
  local LC_ALL=C
  local out=${1:0:$2}
  printf '%s' "${out% *}"
}
if [ "$target" = document ]; then
  find ../fixtures -name '*.md' -exec cp -p {} "$seeds"/ \;
  fixtures=$(find ../fixtures -name '*.md' -exec cat {} +)
  # A PDF extraction: four lines of every fixture run together, each just under 60,000
  # bytes (miette, which renders the human output, panics on columns past 65,535, and
  # does not end a line at a lone CR: the last one ends the text).
  line=$(cut_at_space "$(repeat "$(printf '%s' "$fixtures" | tr '\r\n' '  ')" 120000)" 60000)
  printf '%s\n%s\r\n%s\n%s\r' "$line" "$line" "$line" "$line" >"$seeds/long-lines.md"
  # Every fixture, repeated (about 300 KB).
  repeat "$fixtures"$'\n' 300000 >"$seeds/long-document.md"
  # Suppression comments with Unicode spaces, Unicode punctuation and table rows (150 KB).
  block=$'<!--\xc2\xa0tenderlint-disable\xe2\x80\x83service-credits,\xe3\x80\x80payment-deduction -->\r\n'
  block+=$'| KPI\xe2\x80\x89| Service credit \xe2\x80\x94 \xe2\x80\x9c5%\xe2\x80\x9d\xe2\x80\xa6 |\r\n|---|---|\r\n'
  block+=$'| \xe2\x80\xa2 Failure | The provider shall pay a service credit\xc2\xa0of \xc2\xa35 per attendance. |\r\n'
  block+=$'<!-- tenderlint-enable\xc2\xa0service-credits --> \xef\xbb\xbf[^1]\r\n\r\n[^1]: \xe2\x80\x98A\xe2\x80\x99 &nbsp;<td>x</td>\r\n'
  repeat "$block" 160000 >"$seeds/long-suppressions.md"
else
  cp -p ../rules/*.toml "$seeds"/
  # One rule on one long line (about 31 KB): an error at its end points into it.
  words=$(repeat $'The provider shall deliver outcomes \xe2\x80\x94 reported monthly\xe2\x80\xa6 ' 60000)
  printf 'rule = [{ id = "long", kind = "pattern", severity = "warning", category = "x", title = "%s", message = "m", help = "h", rationale = "r", patterns = [\x27a{2}b\x27], scope = ["paragraph", "nowhere"] }]\n' "$words" >"$seeds/long-line.toml"
  # A rule with 4,096 phrases.
  {
    printf '[[rule]]\nid = "many"\nkind = "pattern"\nseverity = "info"\ncategory = "x"\ntitle = "t"\nmessage = "m"\nhelp = "h"\nrationale = "r"\nphrases = [\n'
    for i in $(seq 1 4096); do printf '  "service credit %d",\n' "$i"; done
    printf ']\n'
  } >"$seeds/many-phrases.toml"
fi

export RUSTC_BOOTSTRAP=1
cargo fuzz build --debug-assertions --sanitizer "$sanitizer" "$target"
triple=$(rustc -vV | sed -n 's/^host: //p')
binary=target/$triple/release/$target

echo "fuzzing $target for $seconds s; log in $work/$target.log" >&2
nice -n 19 "$binary" \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -max_len=1048576 -dict="dict/$dict" -timeout="${TIMEOUT:-120}" \
  -max_total_time="$seconds" -artifact_prefix="$artifacts/" \
  "$@" "$corpus" "$seeds" 2>&1 | tee "$work/$target.log"
