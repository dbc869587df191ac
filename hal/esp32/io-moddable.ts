/**
 * The real ECMA-419 IO classes for `createEsp32Board` on the device. The
 * only file of hal/esp32 that imports Moddable modules; host tests hand in
 * fakes instead.
 */
import Analog from "embedded:io/analog";
import Digital from "embedded:io/digital";
import I2C from "embedded:io/i2c";
import PWM from "embedded:io/pwm";
import Serial from "embedded:io/serial";
import SPI from "embedded:io/spi";
import type { Esp32IoClasses } from "./io";

export const ESP32_IO: Esp32IoClasses = Object.freeze({
  digital: Digital,
  pwm: PWM,
  analog: Analog,
  serial: Serial,
  spi: SPI,
  i2c: I2C,
});
