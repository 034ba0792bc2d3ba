#!/usr/bin/env bash
# Builds the WASI test programs: c/NAME.c -> OUT/NAME.wasm (clang-14 --target=wasm32-wasi with
# Debian's wasi-libc) and rust/NAME.rs -> OUT/NAME.wasm (Debian's rustc, --target wasm32-wasi,
# standard library only). Usage: build.sh [OUT] (default: .build/guest-tests at the repository
# root, which is gitignored). Rebuilds only what is older than its source. Fails loudly, naming
# the package to install, when a tool is missing; scripts/install-deps.sh installs them all.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/.build/guest-tests}"
mkdir -p "$out"

clang="${CLANG:-clang-14}"
command -v "$clang" >/dev/null || { echo "build.sh: $clang not found (apt-get install clang-14)" >&2; exit 1; }
# clang looks for a linker named wasm-ld; Debian's lld-14 installs it as wasm-ld-14.
wasm_ld="$(command -v wasm-ld-14 || command -v wasm-ld || true)"
[ -n "$wasm_ld" ] || { echo "build.sh: wasm-ld-14 not found (apt-get install lld-14)" >&2; exit 1; }
# Debian's wasi-libc installs its headers in /usr/include/wasm32-wasi and libraries in
# /usr/lib/wasm32-wasi, which clang finds with --sysroot=/usr.
[ -f /usr/lib/wasm32-wasi/libc.a ] || { echo "build.sh: /usr/lib/wasm32-wasi/libc.a not found (apt-get install wasi-libc)" >&2; exit 1; }
# Debian's rustc, not a rustup toolchain that may be earlier on PATH: its wasm32-wasi standard
# library comes from the package libstd-rust-dev-wasm32.
rustc="${RUSTC:-/usr/bin/rustc}"
[ -x "$rustc" ] || { echo "build.sh: $rustc not found (apt-get install rustc)" >&2; exit 1; }
[ -d /usr/lib/rustlib/wasm32-wasi ] || { echo "build.sh: no wasm32-wasi standard library for $rustc (apt-get install libstd-rust-dev-wasm32)" >&2; exit 1; }

c_flags=(--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -fuse-ld="$wasm_ld")
rust_flags=(--target wasm32-wasi --edition 2021 -O -C debuginfo=0 -C strip=symbols -D warnings)

build() {
  local src="$1" dst="$2"
  [ "$dst" -nt "$src" ] && { [ "${src##*.}" != c ] || [ "$dst" -nt "$here/c/common.h" ]; } && return 0
  case "$src" in
    *.c) "$clang" "${c_flags[@]}" -o "$dst.tmp" "$src" ;;
    *.rs) "$rustc" "${rust_flags[@]}" -o "$dst.tmp" "$src" ;;
  esac
  mv "$dst.tmp" "$dst"
}

pids=()
names=()
for src in "$here"/c/*.c "$here"/rust/*.rs; do
  name="$(basename "${src%.*}")"
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  build "$src" "$out/$name.wasm" &
  pids+=($!)
  names+=("$name")
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { echo "build.sh: building ${names[$i]} failed" >&2; failed=1; }
done
[ "$failed" -eq 0 ] || exit 1
echo "built ${#names[@]} test programs in $out" >&2
