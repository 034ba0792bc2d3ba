#!/usr/bin/env bash
# The differential fuzzer for longer than the test suite's fixed seed: every module runs under
# Tessera and Wasmtime and their results, traps, import calls, memory and globals must agree.
#   scripts/fuzz.sh [SEED] [BINARYEN_MODULES] [GENERATED_MODULES]
# Defaults: seed 2, 2,000 wasm-opt -ttf modules, 20,000 generated ones. Diverging modules are
# saved under ${TMPDIR:-/tmp}/tessera-fuzz/divergences/ and named in the output.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export TESSERA_FUZZ_SEED="${1:-2}" TESSERA_FUZZ_BINARYEN="${2:-2000}" TESSERA_FUZZ_GENERATED="${3:-20000}"
dotnet test tests/Tessera.Security.Tests -c Release --filter DifferentialFuzzTests --logger "console;verbosity=detailed"
