#!/usr/bin/env bash
# Builds web/dist/: index.html, its scripts, and tenderlint compiled to WebAssembly
# (as base64 in tenderlint-wasm.js, so that the page works from file://, where
# Chromium will not fetch a .wasm file). Works from a clean clone; installs what it
# needs from Debian (as root, or with sudo):
#   rustc-web, cargo-web, rust-web-src  Rust 1.96 with the standard library's source,
#                                       to build std for wasm32 (-Zbuild-std); the
#                                       rustup toolchain here has no wasm32 target
#   binaryen                            wasm-opt -Oz
# and uses the rustup toolchain's rust-lld as the linker.
set -euo pipefail
cd "$(dirname "$0")"

as_root=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then as_root=(sudo); fi
missing=()
for p in rustc-web cargo-web rust-web-src binaryen; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  log=$(mktemp)
  if ! { "${as_root[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "could not install ${missing[*]} (see above)" >&2
    exit 1
  fi
  rm -f "$log"
fi

lld=""
for c in "$(rustc --print sysroot 2>/dev/null)"/lib/rustlib/*/bin/rust-lld \
  "$HOME"/.rustup/toolchains/*/lib/rustlib/*/bin/rust-lld \
  "$HOME"/.rustup/toolchains/*/lib/rustlib/*/bin/gcc-ld/wasm-ld; do
  if [ -x "$c" ]; then lld=$c; break; fi
done
if [ -z "$lld" ]; then
  echo "no rust-lld found: install Rust with rustup (https://rustup.rs)" >&2
  exit 1
fi

# Debian's Rust 1.96 (/usr/bin), not the rustup toolchain first on PATH.
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=$lld
/usr/bin/cargo build --locked --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort
wasm=target/wasm32-unknown-unknown/release/tenderlint_web.wasm

rm -rf dist
mkdir -p dist
# Rust's wasm32 target uses these post-MVP features; binaryen 108 wants them named.
wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
  "$wasm" -o dist/tenderlint.wasm
{
  printf '// tenderlint compiled to WebAssembly (web/src/lib.rs), as base64. Built by web/build.sh.\nwindow.TENDERLINT_WASM = "'
  base64 -w0 dist/tenderlint.wasm
  printf '";\n'
} >dist/tenderlint-wasm.js
# The report's own filter script, allowed by the page's policy by the same hash as the
# report's policy names (src/report/html.rs), since a srcdoc frame inherits the policy.
hash=$(sed -n 's/^const SCRIPT_HASH: &str = "\(sha256-[^"]*\)";$/\1/p' ../src/report/html.rs)
if [ -z "$hash" ]; then
  echo "cannot find SCRIPT_HASH in src/report/html.rs" >&2
  exit 1
fi
sed "s|@REPORT_SCRIPT_HASH@|$hash|" index.html >dist/index.html
cp tenderlint.js app.js dist/
# The .wasm itself is not shipped: the page loads the base64 copy (see above).
rm dist/tenderlint.wasm

echo "web/dist:" >&2
for f in dist/*; do
  printf '  %-24s %9d bytes, %9d gzipped\n' "${f#dist/}" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)" >&2
done
total=0 total_gz=0
for f in dist/*; do
  total=$((total + $(wc -c <"$f"))) total_gz=$((total_gz + $(gzip -9c "$f" | wc -c)))
done
printf '  %-24s %9d bytes, %9d gzipped (budget 1,572,864)\n' total "$total" "$total_gz" >&2
if [ "$total_gz" -gt 1572864 ]; then
  echo "web/dist is over its budget of 1.5 MB gzipped" >&2
  exit 1
fi
