/**
 * UnlockConnector.req: stops a transaction on the connector first (reason
 * UnlockCommand), then unlocks; unknown connector or fixed cable →
 * NotSupported [ERR 3.85; OCTT TC_017, 018, 030, 031]. A fixed cable has
 * nothing to unlock, so a running transaction goes on (OCTT TC_018_2).
 */
import type { UnlockConnectorConf, UnlockConnectorReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export async function handleUnlockConnector(request: UnlockConnectorReq, context: CoreContext): Promise<UnlockConnectorConf> {
  const connector = context.hardware.connectors[request.connectorId - 1];
  if (!connector || request.connectorId < 1) return { status: "NotSupported" };
  if (connector.fixedCable) return { status: "NotSupported" };
  context.transactions.stop(request.connectorId, "UnlockCommand");
  return { status: await connector.unlock() };
}
