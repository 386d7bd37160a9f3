import { SMTPServer } from 'smtp-server';

/**
 * An SMTP server that keeps what it receives, for tests (a stand-in for the agency's mail relay):
 * it counts every SMTP transaction and the distinct messages by Message-ID, the key the e-mail
 * channel de-duplicates by, as mail systems do.
 */
export interface SunkMail {
  messageId: string;
  to: string[];
  subject: string;
  raw: string;
}

/** A received message's Message-ID, recipients and subject (from its unfolded header), and its source. */
export function parseMail(raw: string, to: string[]): SunkMail {
  const header = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
  const messageId = /^message-id:\s*(.+)$/im.exec(unfolded)?.[1]?.trim() ?? '';
  const subject = /^subject:\s*(.+)$/im.exec(unfolded)?.[1]?.trim() ?? '';
  return { messageId, to, subject, raw };
}

/**
 * An SMTP server that accepts every message (no authentication, no STARTTLS, no log): it answers
 * 250 once the message is in, then hands it to onMail. Not listening yet: the caller listens.
 */
export function receivingSmtpServer(onMail: (mail: SunkMail) => void): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address));
        callback();
        onMail(mail);
      });
    },
  });
}

export async function startSmtpSink(host = '127.0.0.1') {
  const received: SunkMail[] = [];
  const byId = new Map<string, SunkMail>();
  const server = receivingSmtpServer((mail) => {
    received.push(mail);
    if (!byId.has(mail.messageId)) byId.set(mail.messageId, mail);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://${host}:${port}`,
    /** Every transaction, duplicates included. */
    received,
    /** Distinct messages by Message-ID. */
    messages: () => [...byId.values()],
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;
