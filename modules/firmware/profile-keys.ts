/**
 * Declares the configuration keys a feature profile gives as data
 * (`ConfigKeyDeclaration`) in the registry, under short NVS names
 * (15 characters at most); a key already declared is left alone.
 */
import type { ConfigKeyDefinition, ConfigurationRegistry } from "ocpp/core/configuration";
import type { ConfigKeyDeclaration } from "ocpp/localauth/config-keys";

/** Short NVS names of the profile keys declared as data by their modules. */
const NVS_KEYS: Readonly<Record<string, string>> = {
  LocalAuthListEnabled: "LocalListOn",
  LocalAuthListMaxLength: "LocalListMax",
  SendLocalListMaxLength: "SendListMax",
  ReserveConnectorZeroSupported: "ResvConnZero",
};

function definitionOf(declaration: ConfigKeyDeclaration, value: boolean | number): ConfigKeyDefinition {
  const nvsKey = NVS_KEYS[declaration.key] ?? declaration.key.slice(0, 15);
  const definition: ConfigKeyDefinition = {
    name: declaration.key,
    nvsKey,
    type: declaration.type,
    access: declaration.access,
    default: value,
  };
  if (declaration.access === "R") definition.volatile = true;
  if (declaration.min !== undefined) definition.min = declaration.min;
  return definition;
}

/** `defaultOf` gives a key's default when it is not the declared one (e.g. a store's real capacity). */
export function declareProfileKeys(
  config: ConfigurationRegistry,
  declarations: readonly ConfigKeyDeclaration[],
  defaultOf: (declaration: ConfigKeyDeclaration) => boolean | number = (declaration) => declaration.defaultValue,
): void {
  for (const key of declarations) if (!config.has(key.key)) config.declare(definitionOf(key, defaultOf(key)));
}
