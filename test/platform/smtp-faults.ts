import type { AddressInfo, Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** What the server does with a message it has received in full (it is kept either way). */
export type Answer = 'ok' | 'drop' | { delayMs: number; drop?: boolean };

type Received = { messageId: string; to: string; parsed: ParsedMail; at: number };

/**
 * A real SMTP server for fault tests: every message is kept once received in full (the receiver has
 * it), then answered as `decide` says: 250, the connection dropped without the 250, or 250 later.
 */
export async function startFaultySmtp(decide: (n: number, mail: Received) => Answer = () => 'ok') {
  const received: Received[] = [];
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const parsed = await simpleParser(Buffer.concat(chunks));
        const mail = {
          messageId: parsed.messageId ?? '',
          to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '',
          parsed,
          at: Date.now(),
        };
        received.push(mail);
        const answer = decide(received.length, mail);
        if (answer === 'ok') return callback();
        if (answer !== 'drop') await new Promise((r) => setTimeout(r, answer.delayMs));
        if (answer === 'drop' || answer.drop) {
          // The message is in, the 250 never leaves: the sender cannot know it was delivered.
          const connections = (
            server as unknown as { connections: Set<{ session?: { id: string }; _socket: Socket }> }
          ).connections;
          for (const c of connections) if (c.session?.id === session.id) c._socket.destroy();
          return;
        }
        callback();
      });
    },
  });
  // A sender killed mid-session (kill -9 is what these tests do) resets its connection; smtp-server
  // reports that as an 'error' event, which without a listener ends the test process.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    distinct: () => new Set(received.map((m) => m.messageId)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
