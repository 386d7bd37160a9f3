import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldLetterIncidentId, municipalitySlug } from '../../db/repositories/municipalities.js';
import { startOutboxDispatcher } from '../../platform/outbox-dispatcher.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { caseApi, inDays, kb, kbTeam, tc } from './handhaving-helpers.js';
import { eventually, replayAll } from './melding-helpers.js';
import { expectAccessible, expectText, launchChromium, newPage, screenshot, signInAs } from './ui-support.js';

// Issue 13, the municipalities' contact points (lokaal loket kinderopvang): admins import and
// change them through the API (all or nothing, a refused row named with its reason), and the
// letters to local government go to the address entered. A municipality without one holds its
// letter (queued, an incident of kind gegevens) until an admin enters it; then the outbox sends it.
// Counted at the SMTP sink (real SMTP).

const DAY = 40;
const overrides = { compressDayMs: DAY, hearingTermWorkingDays: 2, objectionTermDays: 2, mentesContactWorkingDays: 2, reminderBeforeMs: 20, interimNewsEveryDays: 30 };
const admin = 'u-admin';

let sys: TestSystem;
let api: ReturnType<typeof caseApi>;
/** Two locations of the case manager's team in two municipalities, past the ones other files take first. */
let places: { location_id: string; municipality: string }[];

const keyOf = (messageId: string) => Buffer.from(messageId.slice(1, messageId.indexOf('@')), 'base64url').toString('utf8');
const json = async (res: Response) => (await res.json()) as any;

beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides: overrides, channels: true, devSignIn: true });
  api = caseApi(sys);
  const rows = await sys.db
    .selectFrom('dossiers as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .select(['d.location_id', 'l.municipality'])
    .where('l.licence_status', '=', 'actief')
    .where('l.capacity', '>', 0)
    .where('d.team_id', '=', kbTeam)
    .orderBy('d.id')
    .offset(12)
    .execute();
  const byMunicipality = new Map(rows.map((r) => [r.municipality, r]));
  places = [...byMunicipality.values()].slice(0, 2);
  expect(places).toHaveLength(2);
});
afterAll(async () => sys?.stop());

describe('the municipalities\' contact points', () => {
  it('are the seed\'s for every municipality of the register, and only admins may see or change them', async () => {
    const list = await sys.http('/municipality-contacts?limit=500', { as: admin });
    expect(list.status).toBe(200);
    const page = await json(list);
    expect(page.withoutContactPoint).toEqual([]);
    const seeded = await sys.db.selectFrom('locations').select('municipality').distinct().execute();
    expect(page.total).toBe(seeded.length);
    expect(page.items[0]).toMatchObject({ email: expect.stringMatching(/^lokaal-loket@[a-z0-9-]+\.gemeente\.test$/), hasContactPerson: false });

    const id = municipalitySlug(places[0]!.municipality);
    // Every other role (case manager, team coordinator, crisis coordinator, jurist), every operation: 403.
    const operations = [
      ['/municipality-contacts', {}],
      [`/municipality-contacts/${id}`, {}],
      [`/municipality-contacts/${id}`, { method: 'PUT', json: { municipality: places[0]!.municipality, email: 'x@y.test' } }],
      ['/municipality-contacts/import', { method: 'POST', json: { rows: [{ municipality: places[0]!.municipality, email: 'x@y.test' }] } }],
    ] as const;
    for (const as of [kb, tc, 'u-cc-1', 'u-jur-1']) {
      for (const [path, init] of operations) {
        const res = await sys.http(path, { as, ...init });
        expect(res.status, `${as} ${'method' in init ? init.method : 'GET'} ${path}`).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
  });

  it('refuses an import with a bad row as a whole, naming each refused row and why', async () => {
    const before = await sys.db.selectFrom('municipality_contacts').selectAll().orderBy('id').execute();
    const res = await sys.http('/municipality-contacts/import', {
      method: 'POST',
      as: admin,
      json: {
        rows: [
          { municipality: places[0]!.municipality, email: 'goed@gemeente.test' },
          { municipality: places[1]!.municipality, email: 'geen-adres' },
          { municipality: 'Atlantis', email: 'loket@atlantis.test' },
          { municipality: places[0]!.municipality, email: 'tweemaal@gemeente.test' },
          { municipality: places[1]!.municipality, email: 'loket@gemeente.test', nisCode: '123' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(res);
    expect(problem).toMatchObject({ status: 400, type: '/problems/validation' });
    expect(problem.detail).toContain('4 of 5 rows are refused');
    const fields = problem.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.rows.1.email', 'body.rows.2.municipality', 'body.rows.3.municipality', 'body.rows.4.nisCode']));
    expect(fields.some((f: string) => f.startsWith('body.rows.0'))).toBe(false);
    // All or nothing: the good row was not written either.
    expect(await sys.db.selectFrom('municipality_contacts').selectAll().orderBy('id').execute()).toEqual(before);

    // The same as a file: a refused row is named by its number after the header.
    const csv = `gemeente;email\n${places[0]!.municipality};loket@goed.test\n${places[1]!.municipality};niet goed\n`;
    const upload = await sys.http('/municipality-contacts/upload', { method: 'POST', as: admin, headers: { 'content-type': 'text/csv' }, body: csv });
    expect(upload.status).toBe(400);
    expect((await json(upload)).errors).toEqual([{ field: 'row 2.email', message: expect.any(String) }]);
    // A control character is refused at the boundary.
    const nul = await sys.http(`/municipality-contacts/${municipalitySlug(places[0]!.municipality)}`, { method: 'PUT', as: admin, json: { municipality: places[0]!.municipality, email: 'a@b.test', postalAddress: 'Markt\u00001' } });
    expect(nul.status).toBe(400);
  });

  it('imports, keeps the contact person sealed, audits changes and reads, and the letter goes to the imported address', async () => {
    const [place] = places;
    const address = `kinderopvang@${municipalitySlug(place!.municipality)}.voorbeeld.test`;
    const csv = [
      'gemeente;email;nis;postadres;contactpersoon;contact_email;contact_telefoon',
      `${place!.municipality};${address};;"Dienst kinderopvang\nMarkt 1";Sofie Janssens;sofie.janssens@voorbeeld.test;+32 50 12 34 56`,
    ].join('\n');
    const upload = await sys.http('/municipality-contacts/upload', { method: 'POST', as: admin, headers: { 'content-type': 'text/csv' }, body: csv });
    expect(upload.status, await upload.clone().text()).toBe(200);
    expect(await json(upload)).toEqual({ imported: 1, created: 0, updated: 1, released: 0 });

    const id = municipalitySlug(place!.municipality);
    const row = await sys.db.selectFrom('municipality_contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: address, postal_address: 'Dienst kinderopvang\nMarkt 1', updated_by: admin });
    expect(Buffer.from(row.contact_sealed!, 'base64').toString('latin1')).not.toContain('Sofie');
    const one = await json(await sys.http(`/municipality-contacts/${id}`, { as: admin }));
    expect(one).toMatchObject({ id, email: address, hasContactPerson: true, contactPerson: { name: 'Sofie Janssens', email: 'sofie.janssens@voorbeeld.test', phone: '+32 50 12 34 56' } });
    const audit = await sys.db.selectFrom('audit_log').select(['action', 'details']).where('subject_type', '=', 'municipality_contact').where('subject_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['municipality_contact.saved', 'municipality_contact.read']);
    expect(JSON.stringify(audit)).not.toContain('Sofie');
    expect(JSON.stringify(audit)).not.toContain(address);

    // The decision in urgent necessity informs the municipality at the imported address, once.
    const { id: caseId } = await api.open(place!.location_id, { urgent: true, kind: 'integriteitsrisico' });
    await api.decide(caseId, 'dringende_beslissing', 'schorsing', inDays(30));
    await api.atStep(caseId, 'dringende_beslissing', 'opvolging');
    const toMunicipality = () => sys.channels!.smtp.received.filter((m) => keyOf(m.messageId).startsWith(`${caseId}:`) && keyOf(m.messageId).includes(':lokaal_bestuur:beslissing:'));
    const [mail] = await eventually(async () => toMunicipality(), (m) => m.length === 1);
    expect(mail!.to).toEqual([address]);
    expect(mail!.raw).toContain('application/pdf');
    expect(sys.channels!.smtp.received.some((m) => m.to.some((t) => t.endsWith('.gemeente.test')) && keyOf(m.messageId).startsWith(`${caseId}:`))).toBe(false);
  });

  it('holds a letter to a municipality without a contact point, raises an incident, and sends it once the contact point is entered', async () => {
    const place = places[1]!;
    const id = municipalitySlug(place.municipality);
    await sys.db.deleteFrom('municipality_contacts').where('id', '=', id).execute();
    const list = await json(await sys.http('/municipality-contacts?limit=1', { as: admin }));
    expect(list.withoutContactPoint).toEqual([place.municipality]);

    const { id: caseId } = await api.open(place.location_id, { urgent: true, kind: 'integriteitsrisico' });
    await api.decide(caseId, 'dringende_beslissing', 'schorsing', inDays(30));
    // The flow goes on: the letter waits, the case does not.
    await api.atStep(caseId, 'dringende_beslissing', 'opvolging');
    const held = await eventually(
      () => sys.db.selectFrom('outbox_messages').selectAll().where('subject_id', '=', caseId).where('template', '=', 'beslissing_lokaal_bestuur').executeTakeFirst(),
      (r) => r?.last_error?.startsWith('wacht op het contactpunt') === true,
    );
    expect(held).toMatchObject({ status: 'queued', recipient_address: `gemeente:${place.municipality}` });
    const incidentId = heldLetterIncidentId(held!.idempotency_key!);
    const incident = await json(await sys.http(`/incidents/${incidentId}`, { as: admin }));
    expect(incident).toMatchObject({ status: 'open', kind: 'gegevens', activityType: 'sendCommunication', errorType: 'GeenContactpuntGemeente' });
    expect(incident.message).toContain(place.municipality);
    const alert = await sys.db.selectFrom('outbox_messages').select(['subject', 'channel']).where('idempotency_key', '=', `incident:${incidentId}`).executeTakeFirstOrThrow();
    expect(alert).toMatchObject({ channel: 'intern', subject: expect.stringContaining(place.municipality) });
    // Not sent anywhere, not to a made-up address either; the parents had theirs.
    const toMunicipality = () => sys.channels!.smtp.received.filter((m) => keyOf(m.messageId) === held!.idempotency_key);
    expect(toMunicipality()).toEqual([]);

    // The admin enters the contact point: the letter is released to the outbox and the incident resolved.
    const address = `loket@${id}.voorbeeld.test`;
    const put = await sys.http(`/municipality-contacts/${id}`, { method: 'PUT', as: admin, json: { municipality: place.municipality, email: address, nisCode: null, postalAddress: null } });
    expect(put.status, await put.clone().text()).toBe(201);
    expect(await json(put)).toMatchObject({ id, email: address, hasContactPerson: false, updatedBy: admin });
    const released = await sys.db.selectFrom('outbox_messages').selectAll().where('id', '=', held!.id).executeTakeFirstOrThrow();
    expect(released).toMatchObject({ status: 'queued', recipient_address: address, last_error: null });
    expect(await json(await sys.http(`/incidents/${incidentId}`, { as: admin }))).toMatchObject({ status: 'opgelost' });
    const saved = await sys.db.selectFrom('audit_log').select('details').where('action', '=', 'municipality_contact.saved').where('subject_id', '=', id).executeTakeFirstOrThrow();
    expect(saved.details).toMatchObject({ released: [held!.id], changed: ['created'] });

    // The outbox (the worker's dispatcher with SMTP_URL) sends it, with its PDF, once.
    const dispatcher = startOutboxDispatcher({ db: sys.appDb, smtpUrl: sys.channels!.smtp.url, from: 'handhaving@opgroeien.test', intervalMs: 3_600_000 });
    try {
      await eventually(() => dispatcher.runOnce().then(() => toMunicipality().length), (n) => n >= 1);
    } finally {
      await dispatcher.stop();
    }
    expect(toMunicipality()).toHaveLength(1);
    expect(toMunicipality()[0]!.to).toEqual([address]);
    expect(toMunicipality()[0]!.raw).toContain('application/pdf');
    expect((await sys.db.selectFrom('outbox_messages').select('status').where('id', '=', held!.id).executeTakeFirstOrThrow()).status).toBe('sent');
  });

  it('admin UI: the list, the municipalities without one, and one entry changed', async () => {
    let browser: Browser | undefined;
    const pageErrors: string[] = [];
    try {
      browser = await launchChromium();
      const page = await newPage(browser, pageErrors);
      await signInAs(page, sys, admin);
      await page.getByRole('link', { name: 'Gemeenten', exact: true }).click();
      await page.getByRole('heading', { name: 'Contactpunten van gemeenten', level: 1 }).waitFor();
      await expectText(page.locator('.list-view .hint'), 'Elke gemeente van het register heeft een contactpunt.');
      const place = places[0]!;
      await page.getByLabel('Gemeente', { exact: true }).fill(place.municipality);
      await page.getByLabel('Gemeente', { exact: true }).press('Tab');
      await page.getByRole('button', { name: `Wijzigen: ${place.municipality}` }).click();
      const form = page.getByRole('form', { name: `Contactpunt van ${place.municipality} wijzigen` });
      await form.getByLabel('E-mail van het loket').fill('nieuw-loket@voorbeeld.test');
      await form.getByLabel('NIS-code').fill('12345');
      await expectAccessible(page, 'gemeenten');
      await screenshot(page, 'gemeenten');
      await form.getByRole('button', { name: 'Bewaren' }).click();
      await expectText(page.getByRole('status').first(), `Het contactpunt van ${place.municipality} is bewaard`);
      await expectText(page.getByRole('table'), 'nieuw-loket@voorbeeld.test');
      const row = await sys.db.selectFrom('municipality_contacts').selectAll().where('id', '=', municipalitySlug(place.municipality)).executeTakeFirstOrThrow();
      // The contact person imported before is kept: the form leaves it out.
      expect(row).toMatchObject({ email: 'nieuw-loket@voorbeeld.test', nis_code: '12345', updated_by: admin, contact_key_id: expect.any(String) });
      expect(pageErrors).toEqual([]);
    } finally {
      await browser?.close();
    }
  });

  it('replays every history it recorded', async () => {
    expect(await replayAll(sys)).toBeGreaterThan(0);
  });
});
