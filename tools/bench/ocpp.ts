/**
 * OCPP benchmark on XS (computrons, deterministic): encoding a MeterValues
 * CALL with the engine's code, decoding and validating an inbound CALL with
 * the generated validator, and bare JSON.stringify / JSON.parse of the same
 * frames for comparison. Per operation: (N runs − 0 runs) / N.
 */
import { XsMachine } from "../xs/runner.ts";

const RUNS = 200;

async function perOperation(machine: XsMachine, name: string): Promise<number> {
  const empty = await machine.call(name, 0);
  const full = await machine.call(name, RUNS);
  return Math.round((full.meter.compute - empty.meter.compute) / RUNS);
}

export async function benchOcpp(): Promise<Record<string, number>> {
  const machine = await XsMachine.start({ entry: "tests/xs/entry-ocpp.ts" });
  try {
    return {
      "ocpp.meterValuesEncodeComputrons": await perOperation(machine, "benchMeterValuesEncode"),
      "ocpp.callDecodeComputrons": await perOperation(machine, "benchCallDecode"),
      "ocpp.jsonStringifyComputrons": await perOperation(machine, "benchJsonStringify"),
      "ocpp.jsonParseComputrons": await perOperation(machine, "benchJsonParse"),
    };
  } finally {
    await machine.close();
  }
}

if (process.argv[1] && process.argv[1].endsWith("ocpp.ts")) {
  void benchOcpp().then((figures) => console.log(JSON.stringify(figures)));
}
