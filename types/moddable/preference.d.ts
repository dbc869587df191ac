// Checked against $MODDABLE/typings/preference.d.ts (Moddable SDK 8.2.3).
declare module "preference" {
  /**
   * ESP32 (NVS): domain and key at most 15 characters; numbers must be int32 (others throw
   * "float unsupported"); only a plain ArrayBuffer is accepted as binary (not a typed array).
   * lin: a JSON file (config.file.root + "modpreferences.json") that also accepts floats.
   */
  export type PreferenceValue = boolean | number | string | ArrayBuffer;

  const Preference: {
    /** The stored value, or undefined when the domain or key does not exist. */
    get(domain: string, key: string): PreferenceValue | undefined;
    set(domain: string, key: string, value: PreferenceValue): void;
    delete(domain: string, key: string): void;
    /** Keys stored under `domain` ([] when none). */
    keys(domain: string): string[];
  };
  export default Preference;
}
