/**
 * A stand-in for Kakao i Open Builder around a skill server: it builds real SkillPayloads (as the bot
 * system POSTs them) and sends them, receives the one-time callback posts (`/callback/<token>`, valid
 * once and for 1 minute) and the Event API (`POST /v2/bots/<botId>/talk`). Loopback only.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type KakaoReceived = {
  kind: 'callback' | 'event';
  path: string;
  headers: Record<string, unknown>;
  body: unknown;
};

export type SkillOptions = {
  userKey?: string;
  callbackUrl?: string;
  params?: Record<string, string>;
  blockName?: string;
};

/** A SkillPayload as Kakao sends it (fields per research integrations.md §4.2). */
export function skillPayload(utterance: string, o: SkillOptions = {}) {
  const params = o.params ?? {};
  return {
    intent: { id: 'intent-rail', name: o.blockName ?? '열차' },
    userRequest: {
      timezone: 'Asia/Seoul',
      params: { ignoreMe: 'true', surface: 'Kakaotalk.plusfriend' },
      block: { id: 'block-rail', name: o.blockName ?? '열차' },
      utterance,
      lang: 'ko',
      user: {
        id: o.userKey ?? 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5',
        type: 'botUserKey',
        properties: { plusfriendUserKey: 'pfk-test', isFriend: true },
      },
      ...(o.callbackUrl ? { callbackUrl: o.callbackUrl } : {}),
    },
    bot: { id: 'bot-yeyak', name: 'yeyak' },
    action: {
      id: 'action-rail',
      name: 'rail skill',
      params,
      detailParams: Object.fromEntries(
        Object.entries(params).map(([k, v]) => [k, { origin: v, value: v, groupName: '' }]),
      ),
      clientExtra: {},
    },
    flow: { trigger: { type: 'TEXT_INPUT' }, lastBlock: { id: 'block-welcome', name: '웰컴 블록' } },
    contexts: [],
  };
}

export type KakaoSim = {
  url: string;
  received: KakaoReceived[];
  /** A fresh one-time callback URL on this stand-in. */
  callbackUrl: () => string;
  /** POSTs a SkillPayload to the skill URL; answers the SkillResponse and how long it took. */
  send: (
    skillUrl: string,
    utterance: string,
    o?: SkillOptions,
  ) => Promise<{ status: number; ms: number; body: Record<string, unknown> }>;
  close: () => Promise<void>;
};

export async function startKakaoSim(): Promise<KakaoSim> {
  const received: KakaoReceived[] = [];
  const tokens = new Map<string, { used: boolean; until: number }>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: string, message: string) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ taskId: randomUUID(), status, message, timestamp: Date.now() }));
    const cb = /^\/callback\/([\w-]+)$/.exec(path);
    if (cb && req.method === 'POST') {
      const t = tokens.get(cb[1]);
      if (!t || t.used || t.until < Date.now()) return answer('FAIL', 'Invalid callback token');
      t.used = true;
      const b = body as { version?: string } | undefined;
      if (b?.version !== '2.0') return answer('FAIL', 'Invalid json response from bot-skill.');
      received.push({ kind: 'callback', path, headers: req.headers, body });
      return answer('SUCCESS', 'callback accepted');
    }
    if (/^\/v2\/bots\/[^/]+\/talk$/.test(path) && req.method === 'POST') {
      if (!String(req.headers.authorization ?? '').startsWith('KakaoAK ')) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":-401,"msg":"unauthorized"}');
        return;
      }
      received.push({ kind: 'event', path, headers: req.headers, body });
      return answer('SUCCESS', 'accepted');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    callbackUrl: () => {
      const token = randomUUID();
      tokens.set(token, { used: false, until: Date.now() + 60_000 });
      return `${url}/callback/${token}`;
    },
    send: async (skillUrl, utterance, o) => {
      const started = performance.now();
      const res = await fetch(skillUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(skillPayload(utterance, o)),
        signal: AbortSignal.timeout(5_000), // Kakao's skill timeout
      });
      const body = (await res.json()) as Record<string, unknown>;
      return { status: res.status, ms: performance.now() - started, body };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
