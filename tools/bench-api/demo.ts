// Serves the bench page against the fake target, to try the page without the firmware:
//   npx tsx tools/bench-api/demo.ts [--port 8080] [--connectors 2]
import { parseArgs } from "node:util";
import { FakeBenchTarget } from "./fake-target.ts";
import { startBenchApi } from "./server.ts";

const { values } = parseArgs({
  options: { port: { type: "string", default: "8080" }, connectors: { type: "string", default: "2" } },
});
const target = new FakeBenchTarget(Number(values.connectors));
const api = await startBenchApi({ target, port: Number(values.port) });
console.log(`Bench page (fake charger): ${api.url}/`);

const stop = (): void => {
  void api.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
