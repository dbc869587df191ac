/**
 * `npm run bench`: runs every benchmark and prints ONE JSON line of figures.
 * Figures on XS are computrons and heap slots (deterministic); wall-clock
 * figures come only from the fleet benchmark, which measures the host.
 */
import { benchBoot } from "./boot.ts";
import { benchFleet } from "./fleet.ts";
import { benchFuzz } from "./fuzz.ts";
import { benchLoop } from "./loop.ts";
import { benchOcpp } from "./ocpp.ts";

const figures: Record<string, number> = {};
for (const bench of [benchLoop, benchOcpp, benchBoot, benchFleet, benchFuzz]) Object.assign(figures, await bench());
process.stdout.write(`${JSON.stringify(figures)}\n`);
