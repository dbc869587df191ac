/**
 * `npm run bench`: runs every benchmark and prints ONE JSON line of figures.
 * Figures on XS are computrons and heap slots (deterministic); wall-clock
 * figures come only from the fleet benchmark, which measures the host.
 * `moddable.*`: the lin build on XS 17 (tools/bench/moddable.ts; absent without an SDK).
 */
import { benchBoot } from "./boot.ts";
import { benchFleet } from "./fleet.ts";
import { benchFuzz } from "./fuzz.ts";
import { benchLoop } from "./loop.ts";
import { benchModdable } from "./moddable.ts";
import { benchOcpp } from "./ocpp.ts";
import { benchSafety } from "./safety.ts";

const figures: Record<string, number> = {};
for (const bench of [benchLoop, benchOcpp, benchBoot, benchFleet, benchSafety, benchFuzz, benchModdable])
  Object.assign(figures, await bench());
process.stdout.write(`${JSON.stringify(figures)}\n`);
