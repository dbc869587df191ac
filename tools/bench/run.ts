/**
 * `npm run bench`: runs every benchmark and prints ONE JSON line of figures.
 * Figures on XS are computrons and heap slots (deterministic); wall-clock
 * figures come only from the fleet benchmark, which measures the host.
 */
import { benchLoop } from "./loop.ts";

type Bench = () => Promise<Record<string, number>>;

async function optional(path: string, name: string): Promise<Bench | undefined> {
  try {
    const module = (await import(path)) as Record<string, unknown>;
    const bench = module[name];
    return typeof bench === "function" ? (bench as Bench) : undefined;
  } catch (error) {
    process.stderr.write(`bench: ${path} not available: ${String(error)}\n`);
    return undefined;
  }
}

const benches: Bench[] = [benchLoop];
for (const [path, name] of [
  ["./ocpp.ts", "benchOcpp"],
  ["./fleet.ts", "benchFleet"],
] as const) {
  const bench = await optional(path, name);
  if (bench) benches.push(bench);
}

const figures: Record<string, number> = {};
for (const bench of benches) Object.assign(figures, await bench());
process.stdout.write(`${JSON.stringify(figures)}\n`);
