/** An invalid environment variable: start-up stops with this message, naming the variable (exit 78). */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

/**
 * `raw` as a JSON object (not an array, not null); a ConfigError naming `variable` otherwise:
 * `invalid` when it is no JSON, `notObject` when it is JSON of another kind.
 */
export function parseJsonObject(raw: string, variable: string, invalid: string, notObject = invalid): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError(variable, invalid);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(variable, notObject);
  return value as Record<string, unknown>;
}
