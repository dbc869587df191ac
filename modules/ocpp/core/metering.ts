/**
 * Builds MeterValue entries from a connector's meter sample for a list of
 * measurands [SPEC 3.16, 4.9 of our reference]: one sampledValue per
 * measurand (per phase for Voltage and Current.Import unless a phase is
 * named), with context, unit, phase and location (Outlet for a connector,
 * Inlet for connector 0 = the charger's supply; Body for Temperature, the
 * connector's own sensor, left out while it has no reading).
 */
import type { ConnectorMeterSample } from "ocpp/charge-point-hw";
import type { MeterValuesReq } from "ocpp/generated/ocpp16";

/** MeterValue [SPEC 7.42] as MeterValues.req and StopTransaction.req's transactionData carry it. */
export type MeterValue = MeterValuesReq["meterValue"][number];
/** SampledValue [SPEC 7.45]. */
export type SampledValue = MeterValue["sampledValue"][number];

/** The reading contexts this charge point uses. */
export type ReadingContext = "Sample.Periodic" | "Sample.Clock" | "Transaction.Begin" | "Transaction.End" | "Trigger";

const PHASES = Object.freeze(["L1", "L2", "L3"] as const);
const PHASES_N = Object.freeze(["L1-N", "L2-N", "L3-N"] as const);

function fixed1(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Appends the sampled values of `measurands` to `into`. */
export function appendSampledValues(
  into: SampledValue[],
  measurands: readonly string[],
  sample: ConnectorMeterSample,
  offeredA: number,
  context: ReadingContext,
  location: "Outlet" | "Inlet" = "Outlet",
): void {
  for (let i = 0; i < measurands.length; i++) {
    const item = measurands[i];
    const dot = item.lastIndexOf(".L");
    const phaseIndex = dot > 0 && /\.L[123]$/.test(item) ? Number(item.charAt(item.length - 1)) - 1 : -1;
    const measurand = phaseIndex >= 0 ? item.slice(0, dot) : item;
    switch (measurand) {
      case "Energy.Active.Import.Register":
        into.push({ value: String(Math.round(sample.energyImportWh)), context, measurand, unit: "Wh", location });
        break;
      case "Power.Active.Import":
        into.push({ value: fixed1(sample.powerW), context, measurand, unit: "W", location });
        break;
      case "Power.Offered":
        into.push({ value: fixed1(offeredA * 230 * 3), context, measurand, unit: "W", location });
        break;
      case "Current.Offered":
        into.push({ value: fixed1(offeredA), context, measurand, unit: "A", location });
        break;
      case "Frequency":
        into.push({ value: fixed1(sample.frequencyHz), context, measurand, location });
        break;
      case "Temperature":
        // NaN: no sensor, or its reading is invalid; nothing to report [SPEC 7.31].
        if (Number.isFinite(sample.temperatureC)) {
          into.push({ value: fixed1(sample.temperatureC), context, measurand, unit: "Celsius", location: "Body" });
        }
        break;
      case "Current.Import":
        for (let p = 0; p < 3; p++) {
          if (phaseIndex >= 0 && p !== phaseIndex) continue;
          into.push({ value: fixed1(sample.currentA[p]), context, measurand, phase: PHASES[p], unit: "A", location });
        }
        break;
      case "Voltage":
        for (let p = 0; p < 3; p++) {
          if (phaseIndex >= 0 && p !== phaseIndex) continue;
          into.push({ value: fixed1(sample.voltageV[p]), context, measurand, phase: PHASES_N[p], unit: "V", location });
        }
        break;
    }
  }
}

export function buildMeterValue(
  timestamp: string,
  measurands: readonly string[],
  sample: ConnectorMeterSample,
  offeredA: number,
  context: ReadingContext,
): MeterValue {
  const sampledValue: SampledValue[] = [];
  appendSampledValues(sampledValue, measurands, sample, offeredA, context);
  return { timestamp, sampledValue };
}
