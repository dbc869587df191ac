/**
 * The firmware boundary: code that runs on the board imports no Node module,
 * no npm package and no Moddable module outside the platform folders.
 */
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";

const FIRMWARE_NAMES = ["ports", "platform", "connector", "ocpp", "storage", "boot", "util", "hal"];
const MODDABLE_MODULES = /^(timer|time|preference|flash|ota|rng|mc\/config|instrumentation|sntp|embedded:.*)$/;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith(".ts")) files.push(path);
  }
  return files;
}

function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^"';]*?from\s+["']([^"']+)["']|import\s*\(?\s*["']([^"']+)["']/g)) {
    found.push(match[1] ?? match[2]);
  }
  return found;
}

/** Imports that exist at run time (not `import type` / `export type`). */
function valueImportsOf(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^(import|export)\s+(type\s+)?[^"';]*?from\s+["']([^"']+)["']/gm)) if (!match[2]) found.push(match[3]);
  return found;
}

const MODULE_FOLDERS: Readonly<Record<string, string>> = {
  ports: "modules/ports",
  platform: "modules/platform",
  connector: "modules/connector",
  ocpp: "modules/ocpp",
  storage: "modules/storage",
  boot: "modules/boot",
  util: "modules/util",
  hal: "hal",
};

/** The file a module name or relative import of `from` names, when it is a firmware source. */
function resolveModule(from: string, name: string): string | undefined {
  let path: string;
  if (name.startsWith(".")) path = join(from, "..", name);
  else {
    const root = name.split("/")[0];
    const folder = MODULE_FOLDERS[root];
    if (!folder) return undefined;
    path = name === "boot/target" ? "modules/boot/targets/sim" : join(folder, name.slice(root.length + 1));
  }
  return path.endsWith(".ts") ? path : `${path}.ts`;
}

describe("firmware boundaries", function () {
  const files = [...sourceFiles(join(PROJECT_ROOT, "modules")), ...sourceFiles(join(PROJECT_ROOT, "hal"))].map((path) =>
    relative(PROJECT_ROOT, path),
  );

  it("finds the firmware sources", function () {
    assert.ok(files.length > 10);
  });

  it("keeps Node and npm packages to the host platform", function () {
    const offenders: string[] = [];
    for (const file of files) {
      if (file.startsWith("modules/platform/host/")) continue;
      for (const name of importsOf(join(PROJECT_ROOT, file))) {
        const root = name.split("/")[0];
        const allowed = name.startsWith(".") || FIRMWARE_NAMES.includes(root) || MODDABLE_MODULES.test(name);
        if (!allowed) offenders.push(`${file} imports ${name}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("keeps Moddable modules to the Moddable platform and the ESP32 drivers", function () {
    const offenders: string[] = [];
    for (const file of files) {
      if (file.startsWith("modules/platform/moddable/") || file.startsWith("hal/esp32/") || file === "modules/boot/main.ts") continue;
      for (const name of importsOf(join(PROJECT_ROOT, file))) {
        if (MODDABLE_MODULES.test(name)) offenders.push(`${file} imports ${name}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  // docs/architecture.md: what each layer may not import (its own layer and those below are fine).
  const UPWARD: readonly { from: string; forbidden: RegExp; why: string }[] = [
    { from: "hal/", forbidden: /^(connector|ocpp|boot|storage)\//, why: "the HAL is below the loop, OCPP and the boot wiring" },
    { from: "modules/connector/", forbidden: /^(ocpp|boot|storage)\//, why: "the loop knows nothing of OCPP" },
    { from: "modules/ocpp/", forbidden: /^(connector|hal|boot)\//, why: "OCPP knows nothing of the loop or the HAL" },
    { from: "modules/storage/", forbidden: /^(ocpp|connector|hal|boot)\//, why: "storage sits under OCPP" },
    { from: "modules/util/", forbidden: /^(ocpp|connector|hal|boot|storage|platform)\//, why: "util is the bottom" },
    { from: "modules/ports/", forbidden: /^(ocpp|connector|hal|boot|storage|platform)\//, why: "ports are interfaces only" },
  ];

  it("points every import down the layers (docs/architecture.md)", function () {
    const offenders: string[] = [];
    for (const file of files) {
      const rules = UPWARD.filter((rule) => file.startsWith(rule.from));
      for (const name of importsOf(join(PROJECT_ROOT, file))) {
        for (const rule of rules) if (rule.forbidden.test(name)) offenders.push(`${file} imports ${name}: ${rule.why}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("catches an upward import (the rule can fail)", function () {
    const hal = UPWARD.find((rule) => rule.from === "hal/");
    assert.ok(hal?.forbidden.test("connector/loop"));
    assert.ok(!hal?.forbidden.test("hal/pilot"));
  });

  it("has no import cycle between firmware modules (value imports; `import type` is erased)", function () {
    const graph = new Map<string, string[]>();
    for (const file of files)
      graph.set(
        file,
        valueImportsOf(file)
          .map((name) => resolveModule(file, name))
          .filter((f): f is string => f !== undefined),
      );
    let edges = 0;
    for (const list of graph.values()) for (const target of list) if (graph.has(target)) edges++;
    assert.ok(edges > 200, `the import graph was read (${edges} edges between firmware files)`);
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, "open");
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });

  it("imports across folders by module name, never by a relative path out of the folder", function () {
    const offenders: string[] = [];
    for (const file of files) {
      for (const name of importsOf(join(PROJECT_ROOT, file))) if (name.startsWith("../")) offenders.push(`${file} imports ${name}`);
    }
    assert.deepEqual(offenders, []);
  });
});

describe("firmware that survives XS preload", function () {
  it("keeps no global or sticky RegExp at module level (its lastIndex is written; preload freezes it on the board)", function () {
    const offenders: string[] = [];
    for (const path of [...sourceFiles(join(PROJECT_ROOT, "modules")), ...sourceFiles(join(PROJECT_ROOT, "hal"))]) {
      const file = relative(PROJECT_ROOT, path);
      if (file.startsWith("modules/platform/host/")) continue;
      const text = readFileSync(path, "utf8");
      for (const match of text.matchAll(/^(?:export )?(?:const|let) (\w+) = \/.+\/([a-z]*)[;,]?$/gm)) {
        if (/[gy]/.test(match[2])) offenders.push(`${file}: ${match[1]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("names errors with a class field, never by assigning this.name (frozen Error.prototype on the board)", function () {
    const offenders: string[] = [];
    const files = [...sourceFiles(join(PROJECT_ROOT, "modules")), ...sourceFiles(join(PROJECT_ROOT, "hal"))];
    for (const path of files) {
      const file = relative(PROJECT_ROOT, path);
      if (file.startsWith("modules/platform/host/")) continue;
      if (/\bthis\.name\s*=/.test(readFileSync(path, "utf8"))) offenders.push(file);
    }
    assert.deepEqual(offenders, []);
  });
});
