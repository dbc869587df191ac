/**
 * XS entry for the meter drivers: the Modbus SDM630 driver against a
 * simulated meter on a simulated RS-485 link, on the real XS engine, with the
 * import register persisted through the bridged key-value store.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { createMeterSample, type MeterError } from "hal/meter";
import { createSdm630 } from "hal/meters/sdm630";
import { SimSerialLink } from "hal/meters/sim/sim-serial";
import { SimModbusSlave, loadSdmReadings } from "hal/meters/sim/modbus-meter-sim";

const platform = createXsnapPlatform();
const slave = new SimModbusSlave(3);
const link = new SimSerialLink(slave);
const errors: MeterError[] = [];
const meter = createSdm630({
  serial: link,
  address: 3,
  kv: platform.kv,
  intervalMs: 1000,
  timeoutMs: 200,
  retries: 1,
  onError: (error) => {
    errors.push(error);
  },
});
const sample = createMeterSample();
let nowMs = 0;

function pollFor(ms: number, stepMs = 10): void {
  const until = nowMs + ms;
  for (let i = 0; i < 1_000_000 && nowMs < until; i++) {
    nowMs += stepMs;
    meter.poll(nowMs);
  }
}

platform.expose("load", (kwh: unknown) => {
  loadSdmReadings(slave, {
    voltageV: [230.1, 229.4, 231.7],
    currentA: [10.5, 11.25, 12],
    powerW: [2400, 2550, 2750],
    frequencyHz: 49.98,
    importKWh: Number(kwh),
  });
  return true;
});

platform.expose("read", (ms: unknown) => {
  pollFor(Number(ms));
  const ok = meter.sample(sample);
  return {
    ok,
    energyImportWh: sample.energyImportWh,
    powerW: sample.powerW,
    voltageV: [sample.voltageV[0], sample.voltageV[1], sample.voltageV[2]],
    currentA: [sample.currentA[0], sample.currentA[1], sample.currentA[2]],
    frequencyHz: sample.frequencyHz,
    atMs: sample.atMs,
    requests: slave.requests,
  };
});

// Steady-state polling for the allocation check: no return value built.
platform.expose("pollCycles", (cycles: unknown) => {
  pollFor(Number(cycles) * 1000, 50);
  return meter.sample(sample);
});

platform.expose("noop", () => meter.phases);

platform.expose("setOffline", (offline: unknown) => {
  slave.offline = offline === true;
  return true;
});

platform.expose("errors", () => errors.slice());

platform.expose("close", () => {
  meter.close();
  return link.closed;
});
