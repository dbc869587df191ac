/**
 * XS entry: the OCPP engine on the real XS engine, over the bridged socket,
 * flash (FlashQueue journal) and key-value store. One simulated connector.
 */
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";
import { createXsnapPlatform } from "platform/xsnap/index";
import { FlashQueue } from "storage/flash-queue";
import { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector, ChargePointHardware, ConnectorEvents, ConnectorMeterSample, UnlockResult } from "ocpp/charge-point-hw";
import { newMeterSample } from "ocpp/charge-point-hw";
import { buildMeterValue } from "ocpp/core/metering";
import { parseFrame, callFrame } from "ocpp/rpc/frame";
import { OCPP16_VALIDATORS } from "ocpp/generated/ocpp16";

const platform = createXsnapPlatform();

class SimConnector implements ChargePointConnector {
  readonly id = 1;
  readonly fixedCable = false;
  isPlugged = false;
  permission = false;
  available = true;
  energyWh = 5000;
  events: ConnectorEvents | undefined;
  #last: ConnectorStatus = "Available";
  plugged(): boolean {
    return this.isPlugged;
  }
  status(): ConnectorStatus {
    if (!this.available) return "Unavailable";
    if (this.isPlugged && this.permission) return "Charging";
    if (this.isPlugged && !this.permission && (this.#last === "Charging" || this.#last === "Finishing")) return "Finishing"; // C6 [SPEC 4.9]
    if (this.permission || this.isPlugged) return "Preparing";
    return "Available";
  }
  errorCode(): ConnectorErrorCode {
    return "NoError";
  }
  readMeter(into: ConnectorMeterSample): ConnectorMeterSample {
    into.energyImportWh = this.energyWh;
    into.powerW = 11000;
    into.voltageV[0] = 230;
    into.voltageV[1] = 230;
    into.voltageV[2] = 230;
    into.currentA[0] = 16;
    into.currentA[1] = 16;
    into.currentA[2] = 16;
    into.frequencyHz = 50;
    into.ok = true;
    return into;
  }
  offeredA(): number {
    return 16;
  }
  setPermission(allowed: boolean): void {
    this.permission = allowed;
    this.report();
  }
  setAvailable(available: boolean): void {
    this.available = available;
    this.report();
  }
  setReserved(): void {}
  setEnergyWithheld(): void {}
  setOcppLimitA(): void {}
  unlock(): UnlockResult {
    return "Unlocked";
  }
  report(): void {
    const status = this.status();
    if (status === this.#last) return;
    this.#last = status;
    this.events?.onStatusChanged(1, status, "NoError");
  }
}

const connector = new SimConnector();
const hardware: ChargePointHardware = {
  connectors: [connector],
  subscribe(events: ConnectorEvents): void {
    connector.events = events;
  },
  reboot(): void {},
};
let chargePoint: ChargePoint | undefined;
let lastResult: unknown;

platform.expose("start", (url: unknown) => {
  chargePoint = new ChargePoint({
    platform,
    hardware,
    journal: new FlashQueue(platform.openFlash("journal")),
    settings: {
      deviceId: "XS001",
      installationUrlTemplate: String(url),
      chargerUrl: "",
      precedence: "installation",
      legacyIdentity: false,
      chargerPassword: "xs-password-0001",
      installationInitialPassword: "",
      caCertificates: [],
    },
    boot: { chargePointVendor: "Wattlight", chargePointModel: "XS", firmwareVersion: "0.1.0" },
  });
  chargePoint.start();
  return true;
});

platform.expose("plug", (plugged: unknown) => {
  connector.isPlugged = plugged === true;
  if (connector.isPlugged) connector.events?.onPlugged(1);
  else connector.events?.onUnplugged(1);
  connector.report();
  return connector.status();
});

platform.expose("presentIdTag", (idTag: unknown) => {
  lastResult = undefined;
  chargePoint!.sessions.presentIdTag(1, String(idTag)).then(
    (r) => {
      lastResult = r;
    },
    (e: Error) => {
      lastResult = e.message;
    },
  );
  return true;
});

platform.expose("state", () => ({
  accepted: chargePoint?.engine.accepted ?? false,
  online: chargePoint?.engine.online ?? false,
  status: connector.status(),
  transaction: chargePoint?.transactions.transactionOn(1) ?? null,
  journal: chargePoint?.transactions.journalSize ?? -1,
  lastResult: lastResult ?? null,
  synced: platform.clock.isSynced(),
}));

// Benchmark kernels: the same frames encoded/decoded by the engine's code and by bare JSON.
const sample: ConnectorMeterSample = newMeterSample();
connector.readMeter(sample);
const measurands = ["Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Voltage"];
const meterValuesPayload = {
  connectorId: 1,
  transactionId: 1234,
  meterValue: [buildMeterValue("2030-01-01T00:00:00Z", measurands, sample, 16, "Sample.Periodic")],
};
const meterValuesFrame = callFrame("abc.1", "MeterValues", meterValuesPayload);
const inboundCall =
  '[2,"srv-17","RemoteStartTransaction",{"idTag":"ABCDEF0123","connectorId":1,"chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.0}]}}}]';

platform.expose("benchMeterValuesEncode", (n: unknown) => {
  let length = 0;
  for (let i = 0; i < Number(n); i++) {
    const payload = {
      connectorId: 1,
      transactionId: 1234,
      meterValue: [buildMeterValue("2030-01-01T00:00:00Z", measurands, sample, 16, "Sample.Periodic")],
    };
    length += callFrame("abc.1", "MeterValues", payload).length;
  }
  return length;
});
platform.expose("benchJsonStringify", (n: unknown) => {
  let length = 0;
  for (let i = 0; i < Number(n); i++) length += JSON.stringify([2, "abc.1", "MeterValues", meterValuesPayload]).length;
  return length;
});
platform.expose("benchCallDecode", (n: unknown) => {
  let ok = 0;
  for (let i = 0; i < Number(n); i++) {
    const frame = parseFrame(inboundCall);
    if (frame.kind === "call" && OCPP16_VALIDATORS[frame.action].request(frame.payload) === undefined) ok++;
  }
  return ok;
});
platform.expose("benchJsonParse", (n: unknown) => {
  let ok = 0;
  for (let i = 0; i < Number(n); i++) if (Array.isArray(JSON.parse(inboundCall))) ok++;
  return ok;
});
platform.expose("frames", () => ({ meterValuesFrame, inboundCall }));
