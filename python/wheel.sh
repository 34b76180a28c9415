#!/usr/bin/env bash
# Builds the `pip install tenderlint` wheel (pyproject.toml: maturin, bindings = "bin")
# and tests it in a fresh virtual environment: the installed `tenderlint` must be on the
# environment's PATH, report its version, and give exactly the findings that the cargo
# build gives on every fixture (--format json), with the same exit codes.
#
#   bash python/wheel.sh            # wheel in target/wheels, venvs in a temporary folder
#
# Needs python3 with venv and pip, and the package registries (PyPI for maturin, pinned
# below; crates.io unless the dependencies are already fetched).
set -euo pipefail
cd "$(dirname "$0")/.."

MATURIN_VERSION=1.16.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/build"
"$work/build/bin/pip" install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION"
rm -rf target/wheels
"$work/build/bin/maturin" build --release --locked --out target/wheels >"$work/build.log" 2>&1 || {
  cat "$work/build.log" >&2
  echo "maturin could not build the wheel (see above)" >&2
  exit 1
}
wheel=$(ls target/wheels/tenderlint-*.whl)
echo "built $wheel ($(du -k "$wheel" | cut -f1) KB)"

# A fresh environment with nothing but the wheel, installed without the network.
python3 -m venv "$work/use"
"$work/use/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
installed="$work/use/bin/tenderlint"
[ -x "$installed" ] || { echo "the wheel installed no tenderlint program" >&2; exit 1; }

version=$("$installed" --version)
expected="tenderlint $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
[ "$version" = "$expected" ] || { echo "version: '$version', expected '$expected'" >&2; exit 1; }

# The same findings as the cargo build, fixture by fixture (the debug build, which
# `cargo test` has already made in CI: the findings do not depend on the profile).
cargo build --locked --quiet
reference=target/debug/tenderlint
checked=0
for f in fixtures/*.md fixtures/word/*.docx; do
  [ -e "$f" ] || continue
  set +e
  "$installed" check --no-config --format json "$f" >"$work/wheel.json" 2>"$work/wheel.err"
  a=$?
  "$reference" check --no-config --format json "$f" >"$work/cargo.json" 2>"$work/cargo.err"
  b=$?
  set -e
  if [ "$a" != "$b" ] || ! cmp -s "$work/wheel.json" "$work/cargo.json"; then
    echo "$f: the wheel's tenderlint (exit $a) and the cargo build's (exit $b) disagree:" >&2
    diff "$work/cargo.json" "$work/wheel.json" | head -n 20 >&2 || true
    exit 1
  fi
  checked=$((checked + 1))
done
# Something was compared, and a finding came out of it.
[ "$checked" -ge 10 ] || { echo "only $checked fixtures were compared" >&2; exit 1; }
"$installed" check --no-config fixtures/performance-centric.md >"$work/human.txt" && {
  echo "the wheel's tenderlint found nothing in fixtures/performance-centric.md" >&2
  exit 1
}
grep -q "service-credits" "$work/human.txt" || { echo "no service-credits finding" >&2; exit 1; }
echo "wheel ok: $version, on PATH in a fresh venv, same JSON and exit codes as the cargo build on $checked fixtures"
