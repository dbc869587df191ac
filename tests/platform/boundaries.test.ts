/**
 * The firmware boundary: code that runs on the board imports no Node module,
 * no npm package and no Moddable module outside the platform folders.
 */
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";

const FIRMWARE_NAMES = ["ports", "platform", "connector", "ocpp", "storage", "firmware", "util", "hal"];
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
      if (file.startsWith("modules/platform/moddable/") || file.startsWith("hal/esp32/") || file === "modules/firmware/main.ts") continue;
      for (const name of importsOf(join(PROJECT_ROOT, file))) {
        if (MODDABLE_MODULES.test(name)) offenders.push(`${file} imports ${name}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  // docs/architecture.md: what each layer may not import (its own layer and those below are fine).
  const UPWARD: readonly { from: string; forbidden: RegExp; why: string }[] = [
    { from: "hal/", forbidden: /^(connector|ocpp|firmware|storage)\//, why: "the HAL is below the loop, OCPP and the boot wiring" },
    { from: "modules/connector/", forbidden: /^(ocpp|firmware|storage)\//, why: "the loop knows nothing of OCPP" },
    { from: "modules/ocpp/", forbidden: /^(connector|hal|firmware)\//, why: "OCPP knows nothing of the loop or the HAL" },
    { from: "modules/storage/", forbidden: /^(ocpp|connector|hal|firmware)\//, why: "storage sits under OCPP" },
    { from: "modules/util/", forbidden: /^(ocpp|connector|hal|firmware|storage|platform)\//, why: "util is the bottom" },
    { from: "modules/ports/", forbidden: /^(ocpp|connector|hal|firmware|storage|platform)\//, why: "ports are interfaces only" },
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

  it("imports across folders by module name, never by a relative path out of the folder", function () {
    const offenders: string[] = [];
    for (const file of files) {
      for (const name of importsOf(join(PROJECT_ROOT, file))) if (name.startsWith("../")) offenders.push(`${file} imports ${name}`);
    }
    assert.deepEqual(offenders, []);
  });
});

describe("firmware that survives XS preload", function () {
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
