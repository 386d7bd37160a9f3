import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import {
  AesGcmPayloadCodec,
  ENCODING_ENCRYPTED,
  loadPayloadKeyring,
  METADATA_KEY_ID,
  newPayloadKey,
  parsePayloadKeys,
  payloadKeyring,
} from '../../platform/payload-codec.js';

const oldKey = newPayloadKey('k2025');
const newKey = newPayloadKey('k2026');
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const value = { reporter: { name: 'MARKER-Naam', email: 'marker@voorbeeld.test' }, n: 42 };
const payload = (): Payload => defaultPayloadConverter.toPayload(value)!;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('no ConfigError');
}

describe('the payload codec (AES-256-GCM)', () => {
  it('encrypts the whole payload, names the key, and decodes it back', async () => {
    const codec = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(newKey), undefined));
    const [encoded] = await codec.encode([payload()]);
    expect(text(encoded!.metadata!.encoding)).toBe(ENCODING_ENCRYPTED);
    expect(text(encoded!.metadata![METADATA_KEY_ID])).toBe('k2026');
    // Neither the value nor its original encoding is readable.
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toMatch(/MARKER|json\/plain/);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(value);
    // A fresh IV every time: the same value never gives the same bytes.
    const [again] = await codec.encode([payload()]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encoded!.data!))).toBe(false);
  });

  it('rotates: encrypts with the current key, still decrypts what an old key encrypted', async () => {
    const before = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(oldKey), undefined));
    const [old] = await before.encode([payload()]);
    const after = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(`${oldKey},${newKey}`), 'k2026'));
    expect(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!)).toEqual(value);
    const [fresh] = await after.encode([payload()]);
    expect(text(fresh!.metadata![METADATA_KEY_ID])).toBe('k2026');
  });

  it('refuses clearly a payload of an unknown key id, and one whose ciphertext was altered', async () => {
    const codec = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(oldKey), undefined));
    const [encoded] = await codec.encode([payload()]);
    const other = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(newKey), undefined));
    await expect(other.decode([encoded!])).rejects.toThrow(/key id "k2025", which this process does not know \(known: k2026\)/);

    const tampered = Buffer.from(encoded!.data!);
    tampered[20] = tampered[20]! ^ 0x01;
    await expect(codec.decode([{ ...encoded!, data: new Uint8Array(tampered) }])).rejects.toThrow(/failed authentication: it was altered/);
    // The same id with another key is caught the same way.
    const impostor = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(newPayloadKey('k2025')), undefined));
    await expect(impostor.decode([encoded!])).rejects.toThrow(/failed authentication/);
  });

  it('passes payloads that were never encrypted (histories from before the codec)', async () => {
    const codec = new AesGcmPayloadCodec(payloadKeyring(parsePayloadKeys(newKey), undefined));
    const plain = payload();
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('PAYLOAD_KEYS and PAYLOAD_KEY_ID', () => {
  const b64 = Buffer.alloc(32, 1).toString('base64');

  it('reads a JSON object and a comma list', () => {
    expect([...parsePayloadKeys(`{"a":"${b64}","b":"${b64}"}`).keys()]).toEqual(['a', 'b']);
    expect([...parsePayloadKeys(`a:${b64}, b:${b64}`).keys()]).toEqual(['a', 'b']);
    const config = loadConfig({ PAYLOAD_KEYS: `a:${b64},b:${b64}`, PAYLOAD_KEY_ID: 'b' });
    expect(loadPayloadKeyring(config, { createIfMissing: false }).currentKeyId).toBe('b');
  });

  it.each([
    [`a:${Buffer.alloc(16).toString('base64')}`, /key "a" must be the base64 of exactly 32 bytes/],
    ['{"a":', /is not valid JSON/],
    [`a:${b64},a:${b64}`, /repeats the key id "a"/],
    [`bad id:${b64}`, /bad key id/],
    [b64, /must list <key id>:<base64/],
  ])('refuses PAYLOAD_KEYS=%s, naming the variable and never the key', (raw, message) => {
    const err = configError(() => loadConfig({ PAYLOAD_KEYS: raw }));
    expect(err.variable).toBe('PAYLOAD_KEYS');
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(b64);
  });

  it('needs PAYLOAD_KEY_ID with several keys, and one that exists', () => {
    const keys = parsePayloadKeys(`a:${b64},b:${b64}`);
    expect(configError(() => payloadKeyring(keys, undefined)).variable).toBe('PAYLOAD_KEY_ID');
    expect(configError(() => payloadKeyring(keys, 'c')).message).toMatch(/"c" is not among the ids of PAYLOAD_KEYS \(a, b\)/);
  });

  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('npm start keeps a dev key in DATA_DIR; npm run api/worker never create one', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payload-keys-'));
    dirs.push(dataDir);
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(configError(() => loadPayloadKeyring(config, { createIfMissing: false })).message).toMatch(/PAYLOAD_KEYS is required/);
    const created = loadPayloadKeyring(config, { createIfMissing: true });
    const file = join(dataDir, 'payload-keys');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^dev-\d{4}-\d{2}-\d{2}:/);
    // The same key on the next start, and for api/worker pointed at the same DATA_DIR.
    const again = loadPayloadKeyring(config, { createIfMissing: false });
    expect(again.currentKeyId).toBe(created.currentKeyId);
    expect(again.keys.get(again.currentKeyId)!.equals(created.keys.get(created.currentKeyId)!)).toBe(true);
  });

  it('lets only staff roles decode at /codec', () => {
    expect(loadConfig({}).payloadCodecRoles).toEqual(['teamcoordinator']);
    expect(configError(() => loadConfig({ PAYLOAD_CODEC_ROLES: 'modular' })).variable).toBe('PAYLOAD_CODEC_ROLES');
    expect(configError(() => loadConfig({ TEMPORAL_UI_ORIGIN: 'http://127.0.0.1:8233/' })).variable).toBe('TEMPORAL_UI_ORIGIN');
  });
});
