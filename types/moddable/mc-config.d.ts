// Checked against $MODDABLE/typings/mc/config.d.ts (Moddable SDK 8.2.3).
declare module "mc/config" {
  /** The manifest's "config" section, frozen at build time. Check each value before use. */
  const config: Readonly<Record<string, unknown>>;
  export default config;
}
