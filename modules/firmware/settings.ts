/** Charger-maker settings (stub; filled in next). */
export interface ChargerSettings {
  readonly deviceId: string;
}
