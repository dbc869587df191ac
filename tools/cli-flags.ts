// The command line of a tool that takes flags only (npm start, provision): read strictly, with
// --help, the same way for each.
import { parseArgs, type ParseArgsConfig } from "node:util";

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
type FlagsConfig<O extends FlagOptions> = { options: O & { help: { type: "boolean" } }; strict: true; allowPositionals: false };
/** The values parseArgs gives for these options, typed by them. */
export type Flags<O extends FlagOptions> = ReturnType<typeof parseArgs<FlagsConfig<O>>>["values"];

/**
 * The flags of the command line (`options` and --help). An unknown or malformed flag or a
 * positional argument goes to `fail`; --help writes `help` to stdout and gives undefined (the
 * command then returns).
 */
export function parseFlags<O extends FlagOptions>(options: O, help: string, fail: (message: string) => never): Flags<O> | undefined {
  const config: FlagsConfig<O> = { options: { ...options, help: { type: "boolean" } }, strict: true, allowPositionals: false };
  let values: Flags<O>;
  try {
    values = parseArgs(config).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(help);
    return undefined;
  }
  return values;
}
