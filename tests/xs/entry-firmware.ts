/**
 * XS entry: the whole firmware (control loop, OCPP charge point, every
 * profile) booted on the real XS engine over the xsnap platform and a
 * simulated board.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "boot/boot";

const platform = createXsnapPlatform();
const sim = createSimulatedBoard({ connectors: 1 });
let firmware: RunningFirmware | undefined;

function running(): RunningFirmware {
  if (!firmware) throw new Error("firmware not booted");
  return firmware;
}

platform.expose("boot", (urlTemplate: unknown) => {
  firmware = bootFirmware({
    platform,
    board: sim.board,
    defaults: { deviceId: "XSFW01", csmsUrlTemplate: String(urlTemplate), loopPeriodMs: 10 },
  });
  return firmware.settingErrors.length;
});

platform.expose("plug", () => {
  sim.sims[0].ev.plug();
  sim.sims[0].ev.ready = true;
  return true;
});

platform.expose("unplug", () => {
  sim.sims[0].ev.unplug();
  return true;
});

platform.expose("card", (idTag: unknown) => {
  running().presentCard(String(idTag));
  return true;
});

platform.expose("state", () => {
  const fw = running();
  const snapshot = fw.loop.connector(1).snapshot;
  return {
    accepted: fw.chargePoint.engine.accepted,
    status: snapshot.status,
    plugged: snapshot.plugged,
    relayClosed: snapshot.relayClosed,
    energyWh: snapshot.energyWh,
    journal: fw.chargePoint.transactions.journalSize,
  };
});

platform.expose("stop", () => {
  running().stop();
  return true;
});
