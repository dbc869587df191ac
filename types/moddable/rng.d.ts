// Checked against $MODDABLE/modules/crypt/etc/rng.js and rng.c (Moddable SDK): RNG.get(n) returns an
// ArrayBuffer of n bytes from an RC4 stream seeded with c_rand() = esp_random() on ESP32.
declare module "rng" {
  const RNG: {
    get(n: number): ArrayBuffer;
    init(seed?: ArrayBuffer): void;
  };
  export default RNG;
}
