/** Measurands this charger can report (subset of the 22 of [SPEC 7.31]), phase suffixes allowed. */
export const SUPPORTED_MEASURANDS = Object.freeze([
  "Energy.Active.Import.Register",
  "Power.Active.Import",
  "Power.Offered",
  "Current.Import",
  "Current.Offered",
  "Voltage",
  "Frequency",
  "Temperature",
] as const);

export type SupportedMeasurand = (typeof SUPPORTED_MEASURANDS)[number];

/** Every accepted CSL item: a measurand alone or with a phase (`Voltage.L1`). */
export const MEASURAND_ITEMS: readonly string[] = (() => {
  const items: string[] = [];
  for (const m of SUPPORTED_MEASURANDS) {
    items.push(m);
    if (m === "Current.Import" || m === "Voltage") items.push(`${m}.L1`, `${m}.L2`, `${m}.L3`);
  }
  return Object.freeze(items);
})();
