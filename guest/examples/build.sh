#!/usr/bin/env bash
# Builds the task examples to wasm32: ./guest/examples/build.sh OUTPUT_DIR.
# Freestanding examples are built without a libc; those whose first line says "tessera-build: wasi"
# are WASI programs (wasi-libc, a main) that also use the task API. --export-table lets
# tessera_spawn find the function a function pointer names (docs/abi.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTPUT_DIR}"
mkdir -p "$out"
for source in "$here"/*.c; do
  name="$(basename "$source" .c)"
  if head -n 1 "$source" | grep -q "tessera-build: wasi"; then
    # A small stack: every task is a fresh instance with its own.
    clang-14 --target=wasm32-wasi -O2 -I "$here/../include" \
      -Wl,--export-table -Wl,-z,stack-size=16384 \
      "$source" -o "$out/$name.wasm"
  else
    clang-14 --target=wasm32 -O2 -nostdlib -I "$here/../include" \
      -Wl,--no-entry -Wl,--export-table -Wl,--allow-undefined \
      "$source" -o "$out/$name.wasm"
  fi
done
