// Runs one benchmark kernel under node's V8: node engine-node.mjs FILE.wasm N WARMUP RUNS
// Prints one JSON object: {"result": "<i64 as decimal>", "compile_ms": x, "times_ms": [...]}.
// The .NET harness (bench/Tessera.Bench/EngineSuite.cs) starts this once per kernel, so V8's
// tiering happens inside the warm-up runs exactly as it would for a long-lived embedder.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [file, nText, warmupText, runsText] = process.argv.slice(2);
if (!file || !nText) {
  console.error('usage: node engine-node.mjs FILE.wasm N [WARMUP] [RUNS]');
  process.exit(2);
}
const n = Number.parseInt(nText, 10);
const warmup = Number.parseInt(warmupText ?? '1', 10);
const runs = Number.parseInt(runsText ?? '5', 10);
const bytes = readFileSync(file);

let start = performance.now();
const module = new WebAssembly.Module(bytes);
const compileMs = performance.now() - start;
// The host-call probe imports env.inc; kernels import nothing, and extra imports are ignored.
const instance = new WebAssembly.Instance(module, { env: { inc: (x) => (x + 1) | 0 } });
const entry = instance.exports.run;

let result;
const times = [];
for (let i = 0; i < warmup + runs; i++) {
  start = performance.now();
  const r = entry(n); // an i64 result arrives as a BigInt
  const elapsed = performance.now() - start;
  if (result !== undefined && r !== result) {
    console.error(`run ${i} returned ${r}, earlier runs ${result}`);
    process.exit(1);
  }
  result = r;
  if (i >= warmup) times.push(elapsed);
}
console.log(JSON.stringify({ result: BigInt.asIntN(64, result).toString(), compile_ms: compileMs, times_ms: times }));
