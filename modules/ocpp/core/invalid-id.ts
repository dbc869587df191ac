/**
 * What happens to a running transaction whose StartTransaction.conf did not
 * accept the idTag [ERR 3.5, 3.17]: with StopTransactionOnInvalidId it
 * stops (reason DeAuthorized, the lifecycle does that); otherwise the
 * charger goes on offering energy until MaxEnergyOnInvalidId more Wh were
 * delivered, then withholds it (SuspendedEVSE) while the transaction and its
 * permission go on (OCTT TC_037_2).
 */
import type { CoreServicePorts } from "./context";
import type { TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import type { MeteringService } from "./metering-service";

/** How often the register is checked against MaxEnergyOnInvalidId. */
export const INVALID_ID_ENERGY_CHECK_MS = 1000;

/** What the policy keeps on a running transaction's state (./transactions.ts RunningState). */
export interface InvalidIdState {
  readonly tx: { readonly connectorId: number };
  /** Id invalidated, StopTransactionOnInvalidId false: energy is withheld at this register value. */
  invalidLimitWh?: number;
  invalidTimer?: TimerHandle;
}

export class InvalidIdPolicy {
  readonly #ports: CoreServicePorts;
  readonly #log: Logger;
  readonly #connectors: readonly ChargePointConnector[];
  readonly #metering: MeteringService;
  /** The lifecycle's running transactions, by connector id (read only here). */
  readonly #running: ReadonlyMap<number, InvalidIdState>;

  constructor(options: {
    ports: CoreServicePorts;
    log: Logger;
    connectors: readonly ChargePointConnector[];
    metering: MeteringService;
    running: ReadonlyMap<number, InvalidIdState>;
  }) {
    this.#ports = options.ports;
    this.#log = options.log;
    this.#connectors = options.connectors;
    this.#metering = options.metering;
    this.#running = options.running;
  }

  /**
   * The transaction's idTag was not Accepted: true when it must stop
   * (StopTransactionOnInvalidId); otherwise its energy is limited here.
   */
  notAccepted(state: InvalidIdState): boolean {
    if (this.#ports.config.bool("StopTransactionOnInvalidId")) return true;
    const connector = this.#connectors[state.tx.connectorId - 1];
    const allowanceWh = this.#ports.config.int("MaxEnergyOnInvalidId");
    const sample = this.#metering.read(connector);
    if (allowanceWh <= 0 || !sample.ok) {
      // SuspendedEVSE at once; the transaction (and its permission) goes on (OCTT TC_037_2).
      connector.setEnergyWithheld(true);
      return false;
    }
    // Keep offering energy until MaxEnergyOnInvalidId more Wh were delivered, then SuspendedEVSE.
    state.invalidLimitWh = sample.energyImportWh + allowanceWh;
    state.invalidTimer = this.#ports.timers.every(() => this.#checkAllowance(state), INVALID_ID_ENERGY_CHECK_MS);
    return false;
  }

  /** The transaction stops: no more allowance checks. */
  cancel(state: InvalidIdState): void {
    if (state.invalidTimer !== undefined) this.#ports.timers.clear(state.invalidTimer);
  }

  #checkAllowance(state: InvalidIdState): void {
    const limit = state.invalidLimitWh;
    if (limit === undefined || this.#running.get(state.tx.connectorId) !== state) return;
    const connector = this.#connectors[state.tx.connectorId - 1];
    const sample = this.#metering.read(connector);
    if (sample.ok && sample.energyImportWh < limit) return;
    this.cancel(state);
    state.invalidTimer = undefined;
    this.#log.info(`connector ${state.tx.connectorId}: MaxEnergyOnInvalidId reached, energy withheld`);
    connector.setEnergyWithheld(true);
  }
}
