// The EV emulator's manifest, checked without building: on each platform every import of every
// module it builds names a module it maps (or one the SDK provides), so neither the esp32 build
// (not built here) nor the lin one fails at run time with "module not found"; and every module but
// main is preloaded.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";

interface Manifest {
  build: Record<string, string>;
  modules: Record<string, string>;
  preload: string[];
  creation: { main: string };
  platforms: Record<string, { modules?: Record<string, string>; preload?: string[] }>;
}

const APP = join(PROJECT_ROOT, "tools", "ev-emulator");
const manifest = JSON.parse(readFileSync(join(APP, "manifest.json"), "utf8")) as Manifest;
/** What the SDK's manifests (manifest_base, io, dns) give the app on each platform. */
const SDK_MODULES: Record<"esp32" | "lin", RegExp> = {
  esp32: /^(mc\/config|timer|time|embedded:io\/(analog|digital|pulsewidth|serial))$/,
  lin: /^(mc\/config|timer|time|embedded:io\/socket\/(tcp|udp)|embedded:network\/dns\/resolver\/udp)$/,
};

function path(target: string): string {
  return join(APP, target.replace("$(WATTLIGHT)", manifest.build.WATTLIGHT));
}

/** Module name -> source file, for one platform. */
function mapped(platform: "esp32" | "lin"): Map<string, string> {
  const modules = new Map<string, string>();
  const entries = [...Object.entries(manifest.modules), ...Object.entries(manifest.platforms[platform].modules ?? {})];
  for (const [name, target] of entries) {
    if (name.endsWith("/*")) {
      const dir = path(target.slice(0, -2));
      for (const file of readdirSync(dir))
        if (file.endsWith(".ts") && !file.endsWith(".d.ts")) modules.set(`${name.slice(0, -1)}${file.slice(0, -3)}`, join(dir, file));
    } else {
      const file = path(target);
      modules.set(name, existsSync(`${file}.ts`) ? `${file}.ts` : `${file}.js`);
    }
  }
  return modules;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^(?:import|export)\s[^"';]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
}

describe("EV emulator: its manifest", () => {
  for (const platform of ["esp32", "lin"] as const) {
    it(`${platform}: every module exists and every import is mapped`, () => {
      const modules = mapped(platform);
      const missing: string[] = [];
      for (const [name, file] of modules) {
        assert.ok(existsSync(file), `${name} -> ${file}`);
        if (!file.endsWith(".ts")) continue;
        for (const spec of importsOf(file)) {
          const target = spec.startsWith(".") ? posix.join(dirname(name), spec) : spec;
          if (!modules.has(target) && !SDK_MODULES[platform].test(target)) missing.push(`${name} imports ${spec}`);
        }
      }
      assert.deepEqual(missing, []);
      assert.ok(modules.has(manifest.creation.main), "main is mapped");
      assert.ok(modules.has("ev-emulator/target"));
    });

    it(`${platform}: preloads every module but main`, () => {
      const preload = [...manifest.preload, ...(manifest.platforms[platform].preload ?? [])];
      const covered = (name: string): boolean =>
        preload.some((entry) =>
          entry.endsWith("/*") ? name.startsWith(entry.slice(0, -1)) && !name.slice(entry.length - 1).includes("/") : entry === name,
        );
      assert.deepEqual(
        [...mapped(platform).keys()].filter((name) => name !== manifest.creation.main && !covered(name)),
        [],
      );
    });
  }

  it("maps the target to the board on esp32 and to the simulated line on lin", () => {
    assert.match(mapped("esp32").get("ev-emulator/target")!, /moddable\/target-esp32\.ts$/);
    assert.match(mapped("lin").get("ev-emulator/target")!, /moddable\/target-lin\.ts$/);
  });
});
