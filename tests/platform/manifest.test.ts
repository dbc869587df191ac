/**
 * The Moddable manifest must map every firmware module by the same name the
 * tsconfig paths give it, or the board build fails at run time with
 * "module not found".
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";

interface Manifest {
  modules: Record<string, string | string[]>;
  preload: string[];
  platforms: Record<string, { modules?: Record<string, string>; preload?: string[] }>;
  creation: { main: string };
}

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "manifest.json"), "utf8")) as Manifest;

/** Files mapped under another name per platform (module name by platform; absent = not built there). */
const PLATFORM_VARIANTS: Readonly<Record<string, Partial<Record<"esp32" | "lin", string>>>> = {
  "modules/platform/moddable/flash.ts": { esp32: "platform/moddable/flash" },
  "modules/platform/moddable/lin/flash-file.ts": { lin: "platform/moddable/flash" },
  "modules/platform/moddable/kv-preference.ts": { esp32: "platform/moddable/kv" },
  "modules/platform/moddable/lin/kv-file.ts": { lin: "platform/moddable/kv" },
  "modules/platform/moddable/lin/process.ts": { lin: "platform/moddable/lin/process" },
  "modules/platform/moddable/lin/state-dir.ts": { lin: "platform/moddable/lin/state-dir" },
  "modules/platform/moddable/lin/loopback-stream.ts": { lin: "platform/moddable/lin/loopback-stream" },
  "modules/platform/moddable/firmware-ota.ts": { esp32: "platform/moddable/firmware-ota" },
  "modules/platform/moddable/firmware-ota-lin.ts": { lin: "platform/moddable/firmware-ota" },
  "modules/boot/targets/esp32.ts": { esp32: "boot/target" },
  "modules/boot/targets/lin.ts": { lin: "boot/target" },
};

/** Host-only code that the board never loads. */
const HOST_ONLY = [/^modules\/platform\/(host|xsnap)\//, /^hal\/meters\/sim\//];

function firmwareFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...firmwareFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(relative(PROJECT_ROOT, path));
  }
  return files;
}

/** Module name of a source file: its path with the firmware folder prefix dropped. */
function moduleName(file: string): string {
  return file.replace(/^modules\//, "").replace(/\.ts$/, "");
}

function mappedFor(platform: "esp32" | "lin"): Map<string, string> {
  const mapped = new Map<string, string>();
  const entries: Array<[string, string]> = [];
  for (const [name, target] of Object.entries(manifest.modules)) {
    for (const one of Array.isArray(target) ? target : [target]) entries.push([name, one]);
  }
  for (const [name, target] of Object.entries(manifest.platforms[platform]?.modules ?? {})) entries.push([name, target]);
  for (const [name, target] of entries) {
    if (name.endsWith("/*")) {
      const dir = join(PROJECT_ROOT, target.replace(/\/\*$/, ""));
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)) {
        if (file.endsWith(".ts") && !file.endsWith(".d.ts")) mapped.set(`${name.slice(0, -1)}${file.slice(0, -3)}`, join(dir, file));
      }
    } else mapped.set(name, join(PROJECT_ROOT, `${target}.ts`));
  }
  return mapped;
}

describe("the Moddable manifest", function () {
  const files = [...firmwareFiles(join(PROJECT_ROOT, "modules")), ...firmwareFiles(join(PROJECT_ROOT, "hal"))].filter(
    (file) => !HOST_ONLY.some((pattern) => pattern.test(file)),
  );

  for (const platform of ["esp32", "lin"] as const) {
    it(`maps every firmware module by its name for ${platform}`, function () {
      const mapped = mappedFor(platform);
      const missing: string[] = [];
      for (const file of files) {
        if (platform === "lin" && file.startsWith("hal/esp32/")) continue;
        const variant = PLATFORM_VARIANTS[file];
        if (variant) {
          const name = variant[platform];
          if (name !== undefined && mapped.get(name) !== join(PROJECT_ROOT, file)) missing.push(`${name} -> ${file}`);
          continue;
        }
        const name = moduleName(file);
        if (!mapped.has(name)) missing.push(name);
      }
      assert.deepEqual(missing, []);
      assert.ok(mapped.has("platform/moddable/flash"), "the flash module is mapped per platform");
      assert.ok(mapped.has("boot/target"), "the target board is mapped per platform");
    });
  }

  it("points every mapping at a file that exists", function () {
    for (const [name, path] of mappedFor("esp32")) assert.ok(existsSync(path), `${name} -> ${path}`);
  });

  for (const platform of ["esp32", "lin"] as const) {
    it(`preloads every firmware module but main for ${platform} (code and constants go to flash)`, function () {
      const preload = [...manifest.preload, ...(manifest.platforms[platform]?.preload ?? [])];
      const covered = (name: string): boolean =>
        preload.some((entry) =>
          entry.endsWith("/*") ? name.startsWith(entry.slice(0, -1)) && !name.slice(entry.length - 1).includes("/") : entry === name,
        );
      const missing = [...mappedFor(platform).keys()].filter((name) => name !== "boot/main" && !covered(name));
      assert.deepEqual(missing, []);
    });
  }

  it("starts at the board entry", function () {
    assert.equal(manifest.creation.main, "boot/main");
  });
});
