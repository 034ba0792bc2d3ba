#!/usr/bin/env bash
# Builds the benchmark kernels: guest/bench/NAME.c -> OUT/NAME.wasm (clang-14, freestanding wasm32),
# plus OUT/NAME.native (the same source built for the host) whose output for BENCH_N and TEST_N
# is written to OUT/expected.tsv as "NAME N RESULT". Usage: build.sh [OUT] (default: .build/guest-bench
# at the repository root, which is gitignored). Fails loudly when a tool is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/.build/guest-bench}"
mkdir -p "$out"

clang="${CLANG:-clang-14}"
command -v "$clang" >/dev/null || { echo "build.sh: $clang not found (scripts/install-deps.sh installs clang-14 and lld-14)" >&2; exit 1; }
# clang looks for a linker named wasm-ld; Debian's lld-14 installs it as wasm-ld-14.
wasm_ld="$(command -v wasm-ld-14 || command -v wasm-ld || true)"
[ -n "$wasm_ld" ] || { echo "build.sh: wasm-ld-14 not found (apt-get install lld-14)" >&2; exit 1; }
native_cc="${NATIVE_CC:-$clang}"

# -mbulk-memory: memcpy/memset become memory.copy/fill rather than calls to a libc we do not link.
# -msign-ext: a WebAssembly 2.0 feature every engine here has; clang 14 does not enable it by default.
wasm_flags=(--target=wasm32 -nostdlib -O2 -mbulk-memory -msign-ext -fuse-ld="$wasm_ld"
  -Wl,--no-entry -Wl,--export=run -Wl,-z,stack-size=65536 -Wall -Wextra -Werror)
native_flags=(-O2 -fno-math-errno -Wall -Wextra -Werror)

build_one() {
  local name="$1" bench_n="$2" test_n="$3"; shift 3
  "$clang" "${wasm_flags[@]}" "$@" -o "$out/$name.wasm" "$here/$name.c"
  # The reference build never gets wasm-only flags (-msimd128): it takes the scalar path.
  "$native_cc" "${native_flags[@]}" -o "$out/$name.native" "$here/$name.c" "$here/native_main.c"
  : > "$out/$name.expected"
  for n in "$bench_n" "$test_n"; do
    printf '%s\t%s\t%s\n' "$name" "$n" "$("$out/$name.native" "$n")" >> "$out/$name.expected"
  done
}
# One job per kernel, at most one per core; each writes NAME.expected, joined in list order below.
names=()
pids=()
while read -r name bench_n test_n extra; do
  case "$name" in ''|'#'*) continue ;; esac
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  # shellcheck disable=SC2086 # extra flags are words
  build_one "$name" "$bench_n" "$test_n" $extra &
  names+=("$name")
  pids+=($!)
done < "$here/kernels.txt"
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { echo "build.sh: building ${names[$i]} failed" >&2; failed=1; }
done
[ "$failed" -eq 0 ] || exit 1
for name in "${names[@]}"; do cat "$out/$name.expected"; done > "$out/expected.tsv.tmp"
mv "$out/expected.tsv.tmp" "$out/expected.tsv"
# The host-call probe: one small page of memory, an imported function; not a kernel.
"$clang" "${wasm_flags[@]/-Wl,-z,stack-size=65536/-Wl,-z,stack-size=4096}" -Wl,--initial-memory=65536 -o "$out/hostcall.wasm" "$here/hostcall.c"
# A bigger module for compile-time figures: all of wasi-libc (Debian package wasi-libc), linked whole
# with every function exported so none is dropped; real compiler output, compiled but never run.
libc=/usr/lib/wasm32-wasi/libc.a
if [ -f "$libc" ]; then
  "$clang" --target=wasm32-wasi --sysroot=/usr -nostartfiles -O2 -fuse-ld="$wasm_ld" -Wl,--no-entry -Wl,--export-all \
    -Wl,--allow-undefined -Wl,--strip-debug -Wl,--whole-archive -lc -Wl,--no-whole-archive -o "$out/wasi-libc.wasm"
else
  echo "build.sh: $libc not found (apt-get install wasi-libc): no wasi-libc.wasm for the compile-time figure" >&2
fi
echo "built $(grep -c . "$out/expected.tsv") expected results and $(ls "$out"/*.wasm | wc -l) modules in $out" >&2
