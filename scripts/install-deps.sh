#!/usr/bin/env bash
# Installs the Debian packages that the tests and guest programs need. Idempotent: installs only
# what is missing, so a second run costs a dpkg query. Needs root (as on the project's machines).
set -euo pipefail
packages=(clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 wabt binaryen nodejs rustc libstd-rust-dev-wasm32 erlang-nox)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
