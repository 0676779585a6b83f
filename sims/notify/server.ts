/**
 * A stand-in for the notification services rail watches talk to: Discord and Slack incoming webhooks
 * and the Telegram Bot API (`sendMessage`, and the receiving side in telegram.ts: getUpdates,
 * setWebhook, a user's message injected by tests). It keeps every message it receives. Loopback only.
 *
 * Point yeyak at it with RAIL_DISCORD_WEBHOOK_BASE=`${url}/discord/`, RAIL_SLACK_WEBHOOK_BASE=`${url}/slack/`,
 * TELEGRAM_API_URL=`${url}/telegram`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { botMethod, type TelegramSim, telegramSim } from './telegram.ts';

export type Received = { service: 'discord' | 'slack' | 'telegram' | 'other'; path: string; body: unknown };

export type NotifySim = {
  url: string;
  messages: Received[];
  /** The Telegram bot's other side: users writing to it, its webhook, its long polls. */
  telegram: TelegramSim;
  /** Answer the next n deliveries (not Telegram's getUpdates and the like) with HTTP 500. */
  failNext: (n: number) => void;
  close: () => Promise<void>;
};

export async function startNotifySim(port = 0): Promise<NotifySim> {
  const messages: Received[] = [];
  let failing = 0;
  const telegram = telegramSim();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '/').split('?')[0];
    let body: unknown = Buffer.concat(chunks).toString('utf8');
    try {
      body = JSON.parse(String(body));
    } catch {
      // keep the text
    }
    const method = botMethod(req, path);
    if (method && method !== 'sendMessage') {
      const params = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      if (await telegram.handle(method, params, res)) return;
    }
    if (failing > 0) {
      failing--;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"try later"}');
      return;
    }
    const service = path.startsWith('/discord/')
      ? 'discord'
      : path.startsWith('/slack/')
        ? 'slack'
        : path.startsWith('/telegram/')
          ? 'telegram'
          : 'other';
    messages.push({ service, path, body });
    if (service === 'discord') res.writeHead(204).end();
    else if (service === 'slack') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, result: { message_id: messages.length } }));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    messages,
    telegram,
    failNext: (n) => {
      failing = n;
    },
    close: () =>
      new Promise<void>((r) => {
        telegram.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
