import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { modularEventTypes, modularOrderStatuses } from '../../modular/contract.js';
import { signWebhook, verifyWebhook } from '../../modular/signature.js';
import { missingEventData } from '../../api/routes/modular-webhook.js';

const secret = 'een-gedeeld-geheim-van-minstens-32-tekens';

describe('webhook signatures (HMAC-SHA256 over timestamp and body)', () => {
  const body = JSON.stringify({ deliveryId: 'DLV-1', orderId: 'MOD-1', event: 'gepland' });
  const now = 1_800_000_000_000;
  const ts = now / 1000;
  const verify = (over: Partial<Parameters<typeof verifyWebhook>[0]>) =>
    verifyWebhook({ secret, timestamp: String(ts), signature: signWebhook(secret, ts, body), rawBody: body, now, toleranceMs: 300_000, ...over });

  it('accepts a delivery signed with the shared secret', () => {
    expect(signWebhook(secret, ts, body)).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verify({})).toEqual({ ok: true });
  });

  it('accepts any one of several signatures (secret rotation)', () => {
    expect(verify({ signature: `${signWebhook('old-secret-old-secret-old-secret-1', ts, body)}, ${signWebhook(secret, ts, body)}` })).toEqual({ ok: true });
  });

  it('refuses another secret, a changed body, a changed timestamp, missing headers', () => {
    expect(verify({ signature: signWebhook('another-secret-another-secret-12', ts, body) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify({ rawBody: body.replace('gepland', 'eindverslag') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify({ timestamp: String(ts + 1) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify({ signature: 'v1=zz' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify({ signature: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify({ timestamp: '12.5' })).toEqual({ ok: false, reason: 'bad_timestamp' });
  });

  it('refuses a timestamp outside the window either way, and accepts one at its edge', () => {
    for (const offset of [-301, 301]) {
      const at = ts + offset;
      expect(verify({ timestamp: String(at), signature: signWebhook(secret, at, body) })).toEqual({ ok: false, reason: 'outside_window' });
    }
    const edge = ts - 300;
    expect(verify({ timestamp: String(edge), signature: signWebhook(secret, edge, body) })).toEqual({ ok: true });
  });
});

describe('event data the workflow relies on', () => {
  it('requires each event\'s fields', () => {
    expect(missingEventData('gepland', { visitDate: '2026-12-01T09:00:00Z', inspectors: 2 })).toBeNull();
    expect(missingEventData('gepland', { visitDate: 'morgen', inspectors: 2 })).not.toBeNull();
    expect(missingEventData('ontwerpverslag', {})).toContain('documentRef');
    const advice = { urgency: 'hoog', enforce: true, motivation: 'm', pointsOfAttention: [] };
    expect(missingEventData('eindverslag', { documentRef: 'd', findings: ['f'], advice })).toBeNull();
    expect(missingEventData('eindverslag', { documentRef: 'd', findings: ['f'], advice: { ...advice, urgency: 'dringend' } })).not.toBeNull();
    expect(missingEventData('geannuleerd', {})).toContain('reason');
    expect(missingEventData('bezoek_uitgevoerd', {})).toBeNull();
  });
});

describe('docs/modular-openapi.yaml', () => {
  const doc = parse(readFileSync(new URL('../../docs/modular-openapi.yaml', import.meta.url), 'utf8'));

  it('is a valid OpenAPI 3.0 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes what the client calls and the statuses and events the code knows', () => {
    expect(Object.keys(doc.paths)).toEqual(['/v1/orders', '/v1/orders/{orderId}', '/v1/orders/{orderId}/cancel']);
    expect(doc.components.schemas.Status.enum).toEqual([...modularOrderStatuses]);
    expect([...doc.components.schemas.WebhookDelivery.properties.event.enum].sort()).toEqual([...modularEventTypes].sort());
  });
});
