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

export async function startSmtpSink(host = '127.0.0.1') {
  const received: SunkMail[] = [];
  const byId = new Map<string, SunkMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = raw.split(/\r?\n\r?\n/)[0] ?? '';
        const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
        const messageId = /^message-id:\s*(.+)$/im.exec(unfolded)?.[1]?.trim() ?? '';
        const subject = /^subject:\s*(.+)$/im.exec(unfolded)?.[1]?.trim() ?? '';
        const mail = { messageId, to: session.envelope.rcptTo.map((r) => r.address), subject, raw };
        received.push(mail);
        if (!byId.has(messageId)) byId.set(messageId, mail);
        callback();
      });
    },
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
