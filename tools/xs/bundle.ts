/**
 * Bundles a firmware entry for XS with esbuild: ES2022, one IIFE script,
 * module names resolved through the tsconfig paths. A `node:` import or
 * any Node built-in fails the bundle, so no Node API reaches the firmware.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const bundleCache = new Map<string, string>();

export async function bundleForXs(entry: string): Promise<string> {
  const entryPath = resolve(PROJECT_ROOT, entry);
  const cached = bundleCache.get(entryPath);
  if (cached !== undefined) return cached;
  const result = await build({
    entryPoints: [entryPath],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    platform: "neutral",
    mainFields: ["module", "main"],
    tsconfig: resolve(PROJECT_ROOT, "tsconfig.core.json"),
    logLevel: "silent",
    legalComments: "none",
  });
  const code = result.outputFiles[0].text;
  bundleCache.set(entryPath, code);
  return code;
}
