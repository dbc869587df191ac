// CLI: npx tsx tools/scenario/run.ts SCENARIO.json [...more] --bench http://127.0.0.1:PORT [--set name=value]
// Exit code 0 when every scenario passed, 1 when one failed, 2 on bad usage or a bad file.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseScenario, type Scenario } from "./scenario.ts";
import { runScenario } from "./runner.ts";

const USAGE = `usage: npx tsx tools/scenario/run.ts SCENARIO.json [...] --bench http://127.0.0.1:PORT [--set name=value ...]
  --bench URL     bench API of the simulator (npm start prints it) or of a rig
  --set k=v       overrides a scenario variable (\${k} in its steps), e.g. --set idTag=04A1B2C3
`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: { bench: { type: "string" }, set: { type: "string", multiple: true }, help: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const bench = parsed.values.bench;
  if (!bench || !/^https?:\/\/\S+$/.test(bench) || parsed.positionals.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const overrides: Record<string, string> = {};
  for (const pair of parsed.values.set ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      process.stderr.write(`--set ${pair}: expected name=value\n`);
      return 2;
    }
    overrides[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const scenarios: Scenario[] = [];
  for (const file of parsed.positionals) {
    try {
      scenarios.push(parseScenario(JSON.parse(readFileSync(file, "utf8")), overrides));
    } catch (error) {
      process.stderr.write(`${file}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  let allPassed = true;
  for (const scenario of scenarios) {
    process.stdout.write(`scenario ${scenario.name}${scenario.description ? `: ${scenario.description}` : ""}\n`);
    const result = await runScenario(scenario, bench, { write: (line) => process.stdout.write(line + "\n") });
    allPassed &&= result.passed;
  }
  return allPassed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(2);
  },
);
