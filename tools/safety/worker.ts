/** A job of `npm run safety`: runs the seeds it is given (JSON in argv) and sends its tally back. */
import { sweep, type SweepOptions } from "./sweep.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as SweepOptions;
const tally = sweep(options);
process.send?.(tally, () => process.exit(0));
