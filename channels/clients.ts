import nodemailer from 'nodemailer';

/**
 * The sending channels behind one interface (issue 13): an electronic registered-mail provider,
 * the e-Box for enterprises, and e-mail over SMTP. Every send carries the idempotency key of
 * (case, step, recipient, kind, channel[, contact]): the registered-mail provider and the e-Box
 * de-duplicate by it (Idempotency-Key header), SMTP by the Message-ID derived from it. So a
 * retried or crashed send never reaches anyone twice.
 */
export type ChannelName = 'aangetekende_brief' | 'ebox' | 'email';

export interface OutgoingLetter {
  key: string;
  reference: string;
  subject: string;
  body: string;
  recipient: { name: string; addressLines: string[]; enterpriseNumber?: string | null; email?: string | null };
  pdf: Uint8Array;
  sha256: string;
  filename: string;
}

export interface SendResult {
  providerRef: string;
  status: 'verzonden' | 'aangeboden';
  presentedOn?: string;
}

export interface SendingChannel {
  readonly name: ChannelName;
  send(letter: OutgoingLetter): Promise<SendResult>;
}

export interface HttpChannelOptions {
  baseUrl: string;
  timeoutMs: number;
}

/** What the worker knows of the channels; absent ones leave their letters queued. */
export interface ChannelOptions {
  registeredMail?: HttpChannelOptions;
  ebox?: HttpChannelOptions;
  smtp?: { url: string; from: string };
}

async function postJson(opts: HttpChannelOptions, path: string, key: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${opts.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(opts.timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const document = (l: OutgoingLetter) => ({ filename: l.filename, sha256: l.sha256, contentBase64: Buffer.from(l.pdf).toString('base64') });

export function registeredMailChannel(opts: HttpChannelOptions): SendingChannel {
  return {
    name: 'aangetekende_brief',
    async send(l) {
      const r = await postJson(opts, '/v1/registered-letters', l.key, {
        reference: l.reference,
        recipient: { name: l.recipient.name, addressLines: l.recipient.addressLines },
        subject: l.subject,
        document: document(l),
      });
      return { providerRef: String(r.letterId), status: 'aangeboden', presentedOn: String(r.presentedOn) };
    },
  };
}

export function eboxChannel(opts: HttpChannelOptions): SendingChannel {
  return {
    name: 'ebox',
    async send(l) {
      if (!l.recipient.enterpriseNumber) throw new Error('the e-Box needs an enterprise number');
      const r = await postJson(opts, '/v1/messages', l.key, { enterpriseNumber: l.recipient.enterpriseNumber, reference: l.reference, subject: l.subject, body: l.body, document: document(l) });
      return { providerRef: String(r.messageId), status: 'verzonden' };
    },
  };
}

export function smtpChannel(opts: { url: string; from: string }): SendingChannel & { close(): void } {
  const transport = nodemailer.createTransport(opts.url);
  const domain = opts.from.split('@')[1] ?? 'handhaving.local';
  return {
    name: 'email',
    async send(l) {
      if (!l.recipient.email) throw new Error('no e-mail address');
      const messageId = `<${Buffer.from(l.key).toString('base64url')}@${domain}>`;
      await transport.sendMail({
        from: opts.from,
        to: l.recipient.email,
        subject: l.subject,
        text: l.body,
        messageId,
        attachments: [{ filename: l.filename, content: Buffer.from(l.pdf), contentType: 'application/pdf' }],
      });
      return { providerRef: messageId, status: 'verzonden' };
    },
    close: () => transport.close(),
  };
}
