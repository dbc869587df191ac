/** Configuration keys of the Reservation profile (OCPP 1.6 §3.3), as data for the registry. */
import type { ConfigKeyDeclaration } from "ocpp/localauth/config-keys";

export const RESERVATION_KEYS: readonly ConfigKeyDeclaration[] = [
  { key: "ReserveConnectorZeroSupported", type: "boolean", access: "R", defaultValue: true },
];
