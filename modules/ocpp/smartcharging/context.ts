/** What the Smart Charging handlers reach: the one object they are registered with (./actions.ts). */
import type { Clock } from "ports/clock";
import type { SmartChargingService } from "./smart-charging-service";

export interface SmartChargingContext {
  service: SmartChargingService;
  /** The wall clock: profiles are evaluated at the time of receipt. */
  clock: Pick<Clock, "utcMs">;
}
