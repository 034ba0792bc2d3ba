#!/usr/bin/env bash
# Builds the task examples to wasm32 without a libc: ./guest/examples/build.sh OUTPUT_DIR.
# --export-table lets tessera_spawn find the function a function pointer names (docs/abi.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTPUT_DIR}"
mkdir -p "$out"
for source in "$here"/*.c; do
  name="$(basename "$source" .c)"
  clang-14 --target=wasm32 -O2 -nostdlib -I "$here/../include" \
    -Wl,--no-entry -Wl,--export-table -Wl,--allow-undefined \
    "$source" -o "$out/$name.wasm"
done
