/**
 * `npm run memory:lin [-- --connectors N]`: what the firmware retains on the real engine, read off
 * the lin build (XS 17): the slots and chunk bytes after each boot step (BOOT_STEPS, reported by the
 * lin target with OXS_MEMORY_STEPS=1) and, once online, a census of the live heap by slot kind and
 * by object shape (OXS_CENSUS_MS; platform/moddable/lin/host.c). Slots are counts (16 bytes each
 * on the ESP32); chunk bytes are this 64-bit host's. Prints a report; the figures of record are
 * `npm run bench`'s `moddable.*`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildLinFirmware, linBuildUnavailable } from "../lin/build.ts";
import { startLinStack } from "../lin/lin-stack.ts";

/** XS slot kinds by number (xs/sources/xsAll.h), as the census counts them (index = kind + 1). */
const SLOT_KINDS = [
  "uninitialized",
  "undefined",
  "null",
  "boolean",
  "integer",
  "number",
  "string",
  "string (flash)",
  "symbol",
  "bigint",
  "bigint (flash)",
  "reference",
  "closure",
  "frame",
  "instance",
  "arguments",
  "arguments",
  "array",
  "array buffer",
  "callback",
  "code",
  "code (flash)",
  "date",
  "data view",
  "finalization cell",
  "finalization registry",
  "global",
  "host",
  "map",
  "module",
  "program",
  "promise",
  "proxy",
  "regexp",
  "set",
  "typed array",
  "weak map",
  "weak ref",
  "weak set",
  "accessor",
  "at",
  "entry",
  "error",
  "home",
  "key",
  "key (flash)",
  "list",
  "private",
  "stack",
  "var",
  "callback (flash)",
  "host function",
  "host inspector",
  "instance inspector",
  "export",
  "weak entry",
  "buffer info",
  "module source",
  "ids",
  "disposable stack",
  "async disposable stack",
  "breakpoint",
  "module stuff",
  "raw json",
];

interface Census {
  kinds: number[];
  prototypes: Array<[string, number, number]>;
}

/** Internal slots `[kN]` by their kind's name; a null-prototype object holding closures is a function's environment. */
function readableShape(shape: string): string {
  const named = shape.replace(/\[k(\d+)\]/g, (_all, kind: string) => `[${SLOT_KINDS[Number(kind) + 1] ?? kind}]`);
  return named.startsWith("(null proto) [undefined]") ? `${named} (closure environments)` : named;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const { values } = parseArgs({
  options: {
    connectors: { type: "string", default: "1" },
    top: { type: "string", default: "40" },
    functions: { type: "boolean", default: false },
  },
});
const missing = linBuildUnavailable();
if (missing !== undefined) {
  process.stderr.write(`memory:lin: ${missing}\n`);
  process.exit(2);
}
const built = buildLinFirmware({});
// mcsim's stdout is block-buffered into a pipe: line-buffer it so each report line arrives when printed.
const wrapperDir = mkdtempSync(join(tmpdir(), "oxs-memory-"));
const wrapper = join(wrapperDir, "mcsim");
writeFileSync(wrapper, `#!/bin/sh\nexec stdbuf -oL -eL "${built.mcsim}" "$@"\n`);
chmodSync(wrapper, 0o755);
process.env.OXS_MEMORY_STEPS = "1";
process.env.OXS_CENSUS_MS = "4000";
const steps: string[] = [];
let census: Census | undefined;
/** host.c chunkCensus(): the live chunk heap by the slot kind owning each chunk, host and ESP32 bytes. */
let chunks: { hostBytes: number; esp32Bytes: number; kinds: Array<[number, number, number, number]> } | undefined;
const stack = await startLinStack({
  build: { ...built, mcsim: wrapper },
  benchPort: null,
  connectors: Number(values.connectors),
  devCsms: { heartbeatIntervalS: 60 },
  log: () => ({
    write: (_level: string, _source: string, line: string): void => {
      const step = /^memory after (\S+): (\d+) slots, (\d+) chunk bytes/.exec(line);
      if (step) steps.push(`${step[1].padEnd(20)} ${step[2].padStart(6)} ${step[3].padStart(9)}`);
      const found = /^memory census: (.*)$/.exec(line);
      if (found) census = JSON.parse(found[1]) as Census;
      const chunkFound = /^chunk census: (.*)$/.exec(line);
      if (chunkFound) chunks = JSON.parse(chunkFound[1]) as typeof chunks;
    },
  }),
});
try {
  for (let waited = 0; (census === undefined || chunks === undefined) && waited < 30_000; waited += 100) await sleep(100);
} finally {
  await stack.close();
  rmSync(wrapperDir, { recursive: true, force: true });
}
console.log(`after each boot step (${values.connectors} connector(s)): step, slots, chunk bytes`);
for (const line of steps) console.log(`  ${line}`);
if (!census) {
  console.log("no census within 30 s");
  process.exit(1);
}
console.log("\nlive slots by kind (4 s after boot)");
census.kinds
  .map((count, index) => [SLOT_KINDS[index] ?? `kind ${index - 1}`, count] as const)
  .filter(([, count]) => count > 0)
  .sort((a, b) => b[1] - a[1])
  .forEach(([kind, count]) => console.log(`  ${kind.padEnd(22)} ${String(count).padStart(6)}`));
if (chunks) {
  console.log(`\nlive chunk heap by owner (4 s after boot): ${chunks.hostBytes} host bytes, ${chunks.esp32Bytes} as the ESP32 holds them`);
  console.log(`  ${"owner".padEnd(22)} ${"chunks".padStart(6)} ${"host B".padStart(8)} ${"ESP32 B".padStart(8)}`);
  for (const [kind, count, host, esp32] of chunks.kinds.sort((a, b) => b[2] - a[2]))
    console.log(
      `  ${(kind === -2 ? "(no slot: the machine's)" : (SLOT_KINDS[kind + 1] ?? `kind ${kind}`)).padEnd(22)} ${String(count).padStart(6)} ${String(host).padStart(8)} ${String(esp32).padStart(8)}`,
    );
}
console.log(`\nobjects by shape (prototype and first own properties): objects, slots (the object and its own properties)`);
for (const [shape, objects, slots] of census.prototypes.sort((a, b) => b[2] - a[2]).slice(0, Number(values.top)))
  console.log(`  ${String(objects).padStart(5)} ${String(slots).padStart(6)}  ${readableShape(shape)}`);
if (values.functions) {
  const functions = census.prototypes.filter(([shape]) => shape.startsWith("function "));
  console.log(`\nfunctions made at run time (closures), by code: ${functions.reduce((sum, [, objects]) => sum + objects, 0)}`);
  for (const [shape, objects] of functions.sort((a, b) => a[0].localeCompare(b[0])))
    console.log(`  ${String(objects).padStart(3)}  ${readableShape(shape)}`);
}
