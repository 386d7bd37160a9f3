/**
 * Encrypted payloads (docs/security.md#encrypted-payloads): every value the product hands to
 * Temporal (workflow and activity inputs and results, update and signal arguments, memo, schedule
 * actions) is encrypted with AES-256-GCM before it leaves the process, so Temporal's history and
 * its database hold no personal data in plain text.
 *
 * The codec runs in the client and in the worker's main thread (node:crypto), never in workflow
 * code. It encrypts the whole serialised payload (metadata and data, as the protobuf `Payload`)
 * and writes `encoding: binary/encrypted` and the key id into the new payload's metadata, so keys
 * can rotate: encode uses the current key, decode any key it knows by id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type DataConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import protos from '@temporalio/proto';
import { ConfigError, parseJsonObject } from './config-error.js';

/** The settings the codec is made from (PAYLOAD_KEYS, PAYLOAD_KEY_ID, DATA_DIR, TEMPORAL_UI_*). */
interface CodecConfig {
  payloadKeys?: ReadonlyMap<string, Buffer> | undefined;
  payloadKeyId?: string | undefined;
  dataDir: string;
  temporalUiOrigin?: string[] | undefined;
  temporalUiPort: number;
}

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
/** Informational: which cipher made the payload (a later codec may add others). */
export const METADATA_CIPHER = 'encryption-cipher';
export const CIPHER = 'AES-256-GCM';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const keyIdPattern = /^[A-Za-z0-9_.-]{1,64}$/;

const ProtoPayload = protos.temporal.api.common.v1.Payload;
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** The keys a process knows, by id, and the one it encrypts with. */
export interface PayloadKeyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/**
 * PAYLOAD_KEYS: a JSON object `{"<id>":"<base64 key>"}` or a comma list `<id>:<base64 key>,…`;
 * every key is 32 random bytes (AES-256). Throws ConfigError naming `name`, never echoing a key.
 */
export function parsePayloadKeys(raw: string, name = 'PAYLOAD_KEYS'): Map<string, Buffer> {
  let entries: [string, unknown][];
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    const invalid = 'is not valid JSON (expected {"<key id>":"<base64 of 32 bytes>"} or <key id>:<base64>,…)';
    entries = Object.entries(parseJsonObject(trimmed, name, invalid, 'must be a JSON object of key id to base64 key'));
  } else {
    entries = trimmed.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
      const at = item.indexOf(':');
      if (at <= 0) throw new ConfigError(name, 'must list <key id>:<base64 of 32 bytes>, separated by commas');
      return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
    });
  }
  if (entries.length === 0) throw new ConfigError(name, 'names no key');
  const keys = new Map<string, Buffer>();
  for (const [id, value] of entries) {
    if (!keyIdPattern.test(id)) throw new ConfigError(name, `has a bad key id "${id.slice(0, 70)}" (letters, digits, _ . -; at most 64)`);
    if (keys.has(id)) throw new ConfigError(name, `repeats the key id "${id}"`);
    const key = typeof value === 'string' && /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
    if (!key || key.length !== KEY_BYTES) throw new ConfigError(name, `key "${id}" must be the base64 of exactly ${KEY_BYTES} bytes (e.g. openssl rand -base64 32)`);
    keys.set(id, key);
  }
  return keys;
}

/** Checks that the current key id is one of the keys; with a single key the id may be left out. */
export function payloadKeyring(keys: ReadonlyMap<string, Buffer>, currentKeyId: string | undefined): PayloadKeyring {
  const ids = [...keys.keys()];
  if (currentKeyId === undefined) {
    if (ids.length !== 1) throw new ConfigError('PAYLOAD_KEY_ID', `is required when PAYLOAD_KEYS has several keys (${ids.join(', ')})`);
    return { currentKeyId: ids[0]!, keys };
  }
  if (!keys.has(currentKeyId)) throw new ConfigError('PAYLOAD_KEY_ID', `"${currentKeyId}" is not among the ids of PAYLOAD_KEYS (${ids.join(', ')})`);
  return { currentKeyId, keys };
}

/** A fresh random key in the PAYLOAD_KEYS form `<id>:<base64>`. */
export function newPayloadKey(id: string): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * The keyring of PAYLOAD_KEYS / PAYLOAD_KEY_ID or, for the local all-in-one mode, the keys kept in
 * DATA_DIR/payload-keys (created by `npm start`, as the dev JWT secret is), so a restarted
 * `npm start` still reads the histories it wrote. `npm run api`/`worker` never create one.
 */
export function loadPayloadKeyring(
  config: { payloadKeys?: ReadonlyMap<string, Buffer> | undefined; payloadKeyId?: string | undefined; dataDir: string },
  { createIfMissing }: { createIfMissing: boolean },
): PayloadKeyring {
  if (config.payloadKeys) return payloadKeyring(config.payloadKeys, config.payloadKeyId);
  const file = join(resolve(config.dataDir), 'payload-keys');
  if (!existsSync(file)) {
    if (!createIfMissing) {
      throw new ConfigError('PAYLOAD_KEYS', `is required (or run \`npm start\` once to create ${file})`);
    }
    mkdirSync(resolve(config.dataDir), { recursive: true });
    // The id says when the key was made, which helps when rotating later.
    writeFileSync(file, `${newPayloadKey(`dev-${new Date().toISOString().slice(0, 10)}`)}\n`, { mode: 0o600 });
  }
  // The file holds PAYLOAD_KEYS lines; the first line's key is current unless PAYLOAD_KEY_ID says otherwise.
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const keys = parsePayloadKeys(lines.join(','), file);
  return payloadKeyring(keys, config.payloadKeyId ?? [...keys.keys()][0]);
}

/** AES-256-GCM over the whole serialised payload; output is iv (12) ‖ ciphertext ‖ tag (16). */
export class AesGcmPayloadCodec implements PayloadCodec {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #currentKeyId: string;

  constructor(keyring: PayloadKeyring) {
    const key = keyring.keys.get(keyring.currentKeyId);
    if (!key) throw new Error(`payload codec: no key "${keyring.currentKeyId}"`);
    for (const [id, k] of keyring.keys) if (k.length !== KEY_BYTES) throw new Error(`payload codec: key "${id}" is not ${KEY_BYTES} bytes`);
    this.#keys = new Map(keyring.keys);
    this.#currentKeyId = keyring.currentKeyId;
  }

  get currentKeyId(): string {
    return this.#currentKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.#keys.get(this.#currentKeyId)!;
    return payloads.map((payload) => {
      const plain = ProtoPayload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: utf8(ENCODING_ENCRYPTED),
          [METADATA_KEY_ID]: utf8(this.#currentKeyId),
          [METADATA_CIPHER]: utf8(CIPHER),
        },
        data: new Uint8Array(data),
      };
    });
  }

  /**
   * Payloads that are not encrypted pass unchanged: histories written before the codec was
   * introduced still replay and read. Everything this codec encodes is encrypted.
   */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCODING_ENCRYPTED) return payload;
      const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
      if (!keyId) throw new ValueError(`An encrypted payload names no ${METADATA_KEY_ID}`);
      const key = this.#keys.get(keyId);
      if (!key) {
        throw new ValueError(`A payload is encrypted with key id "${keyId}", which this process does not know (known: ${[...this.#keys.keys()].join(', ')}); add that key to PAYLOAD_KEYS`);
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError(`An encrypted payload (key id "${keyId}") is too short to be AES-GCM output`);
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`An encrypted payload (key id "${keyId}") failed authentication: it was altered, or the key under that id is not the one it was encrypted with`);
      }
      const decoded = ProtoPayload.decode(plain);
      return { metadata: { ...decoded.metadata }, data: decoded.data };
    });
  }
}

/** The one data converter every Temporal client and worker of the product loads. */
export function createDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec] };
}

/** The codec of PAYLOAD_KEYS / PAYLOAD_KEY_ID (or, with createIfMissing, the dev keys under DATA_DIR). */
export function payloadCodecFromConfig(
  config: Pick<CodecConfig, 'payloadKeys' | 'payloadKeyId' | 'dataDir'>,
  options: { createIfMissing: boolean },
): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(loadPayloadKeyring(config, options));
}

/** Origins allowed to call the codec endpoint: TEMPORAL_UI_ORIGIN, else the local dev server's Web UI. */
export function codecServerOrigins(config: Pick<CodecConfig, 'temporalUiOrigin' | 'temporalUiPort'>): string[] {
  return config.temporalUiOrigin ?? [`http://127.0.0.1:${config.temporalUiPort}`, `http://localhost:${config.temporalUiPort}`];
}
