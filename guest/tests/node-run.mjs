// Runs a WASI preview 1 command under node's node:wasi, with the options of `tessera run`:
//   node node-run.mjs [--dir HOST[::GUEST]]... [--env NAME=VALUE]... FILE.wasm [ARGS...]
// The guest's exit code becomes node's. argv[0] is FILE.wasm as given, as tessera passes it.
// Every WASI import is wrapped in a JavaScript closure: handing node's own wasiImport functions
// to the instance directly makes node 20 crash after _start returns.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--dir' && i + 1 < argv.length) {
    const spec = argv[++i];
    const sep = spec.indexOf('::');
    if (sep < 0) preopens[spec] = spec;
    else preopens[spec.slice(sep + 2)] = spec.slice(0, sep);
  } else if (a === '--env' && i + 1 < argv.length) {
    const spec = argv[++i];
    const eq = spec.indexOf('=');
    if (eq < 0) { console.error(`node-run: --env needs NAME=VALUE: ${spec}`); process.exit(2); }
    env[spec.slice(0, eq)] = spec.slice(eq + 1);
  } else if (a === '--') {
    i++;
    break;
  } else if (a.startsWith('--')) {
    console.error(`node-run: unknown option ${a}`);
    process.exit(2);
  } else {
    break;
  }
}
if (i >= argv.length) {
  console.error('usage: node node-run.mjs [--dir HOST[::GUEST]]... [--env NAME=VALUE]... FILE.wasm [ARGS...]');
  process.exit(2);
}
const file = argv[i];
const wasi = new WASI({ version: 'preview1', args: argv.slice(i), env, preopens, returnOnExit: true });
const imports = {};
for (const name of Object.keys(wasi.wasiImport)) {
  imports[name] = (...args) => wasi.wasiImport[name](...args);
}
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: imports });
const code = wasi.start(instance);
process.exitCode = code ?? 0;
