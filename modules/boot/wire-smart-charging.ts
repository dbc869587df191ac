/**
 * Smart Charging profile (ocpp/smartcharging/attach.ts) over the loop: the
 * limits go to the loop's connectors, the composite's ceiling is the
 * largest connector hardware limit, transactions start with the loop's
 * energy permission.
 */
import type { Logger } from "ports/log";
import type { Platform } from "ports/platform";
import type { ControlLoop } from "connector/loop";
import type { ChargePoint } from "ocpp/charge-point";
import { attachSmartCharging, type SmartCharging } from "ocpp/smartcharging/attach";
import type { LoopHardware } from "boot/hardware-adapter";

export interface SmartChargingWiringOptions {
  chargePoint: ChargePoint;
  hardware: LoopHardware;
  loop: ControlLoop;
  /** Its timers are the firmware's tracked ones. */
  platform: Platform;
  log: Logger;
}

export function wireSmartCharging(options: SmartChargingWiringOptions): SmartCharging {
  const { hardware, platform } = options;
  let maxConnectorA = 0;
  for (const connector of options.loop.connectors) if (connector.hardwareMaxA > maxConnectorA) maxConnectorA = connector.hardwareMaxA;
  return attachSmartCharging(options.chargePoint, {
    connectors: hardware.connectors,
    connectorMaxCurrentA: maxConnectorA,
    onPermission: (listener) => hardware.onPermission(listener),
    kv: platform.kv,
    clock: platform.clock,
    timers: platform.timers,
    log: options.log,
  });
}
