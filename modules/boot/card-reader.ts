/**
 * An RFID card at the reader: the connector it is meant for (when the
 * reader does not say) and the start or stop it asks of the charge point.
 */
import type { Logger } from "ports/log";
import type { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector } from "ocpp/charge-point-hw";

/** Presents `idTag` on `connectorId`, or on the connector the card is most likely meant for. */
export type CardReader = (idTag: string, connectorId?: number) => void;

export function cardReader(chargePoint: ChargePoint, connectors: readonly ChargePointConnector[], log: Logger): CardReader {
  const chooseConnector = (idTag: string): number => {
    const lower = idTag.toLowerCase();
    const count = connectors.length;
    // The transaction this tag started (or a pending start it made) comes first.
    for (let id = 1; id <= count; id++) {
      const tx = chargePoint.transactions.transactionOn(id);
      if (tx && tx.idTag.toLowerCase() === lower) return id;
    }
    for (let id = 1; id <= count; id++) if (chargePoint.sessions.hasPending(id)) return id;
    // The only plugged connector without a transaction (Preparing).
    let plugged = 0;
    let pluggedCount = 0;
    for (let id = 1; id <= count; id++) {
      if (connectors[id - 1].plugged() && !chargePoint.transactions.hasTransaction(id)) {
        plugged = id;
        pluggedCount++;
      }
    }
    if (pluggedCount === 1) return plugged;
    if (count === 1) return 1;
    // A running transaction a parent id may stop.
    for (let id = 1; id <= count; id++) if (chargePoint.transactions.hasTransaction(id)) return id;
    for (let id = 1; id <= count; id++) if (chargePoint.sessions.canBegin(id)) return id;
    return 1;
  };
  return (idTag: string, connectorId?: number): void => {
    const id = connectorId ?? chooseConnector(idTag);
    chargePoint.sessions.presentIdTag(id, idTag).then(
      (done) => log.info(`card ${idTag} on connector ${id}: ${done ? "accepted" : "refused"}`),
      (error: unknown) => log.warn(`card ${idTag} on connector ${id} failed: ${String(error)}`),
    );
  };
}
