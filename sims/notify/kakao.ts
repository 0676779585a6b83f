/**
 * A stand-in for Kakao i Open Builder around a skill server (its documented skill API). It
 * builds real SkillPayloads (as the bot system POSTs them) and sends them with Kakao's 5 s timeout,
 * checks every SkillResponse against the v2.0 format, presses quick replies and list items as a
 * KakaoTalk user would (their `extra` arrives as `action.clientExtra`, no entities are extracted),
 * receives the one-time callback posts (`/callback/<token>`, valid once and for 1 minute) and the
 * Event API (`POST /v2/bots/<botId>/talk`). Loopback only.
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
  /** Entities the block extracted (`action.params`); `detailParams` is derived from them unless given. */
  params?: Record<string, string>;
  detailParams?: Record<string, { origin: string; value: string; groupName: string }>;
  clientExtra?: Record<string, unknown>;
  blockId?: string;
  blockName?: string;
  /** `flow.trigger.type`: TEXT_INPUT for typed text. */
  trigger?: string;
};

/** The skill block this stand-in plays; quick replies with `action: block` must point at it. */
export const SKILL_BLOCK_ID = 'block-rail';

/** A SkillPayload as Kakao sends it (the fields Kakao's skill guide documents). */
export function skillPayload(utterance: string, o: SkillOptions = {}) {
  const params = o.params ?? {};
  return {
    intent: { id: 'intent-rail', name: o.blockName ?? '열차' },
    userRequest: {
      timezone: 'Asia/Seoul',
      params: { ignoreMe: 'true', surface: 'Kakaotalk.plusfriend' },
      block: { id: o.blockId ?? SKILL_BLOCK_ID, name: o.blockName ?? '열차' },
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
      detailParams:
        o.detailParams ??
        Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, { origin: v, value: v, groupName: '' }]),
        ),
      clientExtra: o.clientExtra ?? {},
    },
    flow: {
      trigger: { type: o.trigger ?? 'TEXT_INPUT' },
      lastBlock: { id: 'block-welcome', name: '웰컴 블록' },
    },
    contexts: [],
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max?: number) =>
  typeof v === 'string' && v.length > 0 && (max === undefined || v.length <= max);

const BUTTON_FIELD: Record<string, string> = {
  webLink: 'webLinkUrl',
  message: 'messageText',
  phone: 'phoneNumber',
  block: 'blockId',
};

function checkButtons(where: string, buttons: unknown, max: number, problems: string[]) {
  if (buttons === undefined) return;
  if (!Array.isArray(buttons) || buttons.length > max) {
    problems.push(`${where}.buttons: at most ${max}`);
    return;
  }
  buttons.forEach((b, i) => {
    const at = `${where}.buttons[${i}]`;
    if (!isObject(b) || !str(b.label, 14)) problems.push(`${at}.label: 1 to 14 characters`);
    else if (!['webLink', 'message', 'phone', 'block', 'share', 'operator'].includes(String(b.action)))
      problems.push(`${at}.action: unknown ${String(b.action)}`);
    else if (BUTTON_FIELD[String(b.action)] && !str(b[BUTTON_FIELD[String(b.action)]]))
      problems.push(`${at}.${BUTTON_FIELD[String(b.action)]}: required for ${String(b.action)}`);
  });
}

/**
 * What Kakao would refuse in a SkillResponse v2.0; empty when it is fine. Only
 * the documented limits of the components yeyak uses are checked.
 */
export function skillResponseProblems(body: unknown, o: { callback?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ['not a JSON object'];
  if (body.version !== '2.0') problems.push('version: must be "2.0"');
  if (body.useCallback === true) {
    if (o.callback === false) problems.push('useCallback: Use callback true setting required.');
    if (body.template !== undefined) problems.push('template: not with useCallback');
    return problems;
  }
  const t = body.template;
  if (!isObject(t)) return [...problems, 'template: required'];
  const outputs = t.outputs;
  if (!Array.isArray(outputs) || outputs.length < 1 || outputs.length > 3)
    problems.push('template.outputs: 1 to 3 components');
  else
    for (const [i, c] of outputs.entries()) {
      const at = `template.outputs[${i}]`;
      if (!isObject(c)) {
        problems.push(`${at}: not an object`);
        continue;
      }
      if ('simpleText' in c) {
        const s = c.simpleText;
        if (!isObject(s) || !str(s.text, 1000)) problems.push(`${at}.simpleText.text: 1 to 1000 characters`);
      } else if ('textCard' in c) {
        const s = c.textCard;
        if (!isObject(s)) {
          problems.push(`${at}.textCard: not an object`);
          continue;
        }
        if (s.title !== undefined && !str(s.title, 50)) problems.push(`${at}.textCard.title: at most 50`);
        if (s.description !== undefined && !str(s.description, 400))
          problems.push(`${at}.textCard.description: at most 400`);
        checkButtons(`${at}.textCard`, s.buttons, 3, problems);
      } else if ('listCard' in c) {
        const s = c.listCard;
        if (!isObject(s)) {
          problems.push(`${at}.listCard: not an object`);
          continue;
        }
        if (!isObject(s.header) || !str(s.header.title))
          problems.push(`${at}.listCard.header.title: required`);
        if (!Array.isArray(s.items) || s.items.length < 1 || s.items.length > 5)
          problems.push(`${at}.listCard.items: 1 to 5`);
        else
          s.items.forEach((item, j) => {
            if (!isObject(item) || !str(item.title))
              problems.push(`${at}.listCard.items[${j}].title: required`);
            else if (item.action === 'message' && !str(item.messageText))
              problems.push(`${at}.listCard.items[${j}].messageText: required for message`);
            else if (item.action === 'block' && !str(item.blockId))
              problems.push(`${at}.listCard.items[${j}].blockId: required for block`);
          });
        checkButtons(`${at}.listCard`, s.buttons, 2, problems);
      } else if ('basicCard' in c) {
        const s = c.basicCard;
        if (!isObject(s) || !isObject(s.thumbnail)) problems.push(`${at}.basicCard.thumbnail: required`);
      }
    }
  const q = t.quickReplies;
  if (q !== undefined) {
    if (!Array.isArray(q) || q.length > 10) problems.push('template.quickReplies: at most 10');
    else
      for (const [i, r] of q.entries()) {
        const at = `template.quickReplies[${i}]`;
        if (!isObject(r) || !str(r.label)) {
          problems.push(`${at}.label: required`);
          continue;
        }
        if (r.action !== 'message' && r.action !== 'block') problems.push(`${at}.action: message or block`);
        if (r.action === 'message' && !str(r.messageText)) problems.push(`${at}.messageText: required`);
        if (r.action === 'block' && !str(r.blockId)) problems.push(`${at}.blockId: required`);
        if (r.extra !== undefined && !isObject(r.extra)) problems.push(`${at}.extra: an object`);
      }
  }
  return problems;
}

/** A quick reply, list item or button the user can press. */
export type Pressable = {
  label?: string;
  title?: string;
  action?: string;
  messageText?: string;
  blockId?: string;
  extra?: Record<string, unknown>;
};

export type SkillAnswer = { status: number; ms: number; body: Record<string, unknown> };

/** The Event API's refusal of a body that is not `{event: {name, data?}, user: [{type, id}], params?}`. */
function eventProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'request body must be a JSON object';
  if (!isObject(body.event) || !str(body.event.name)) return 'event.name is required';
  if (body.event.data !== undefined && !isObject(body.event.data)) return 'event.data must be an object';
  if (!Array.isArray(body.user) || body.user.length < 1 || body.user.length > 100)
    return 'user must be an array of 1 to 100 users';
  for (const u of body.user) {
    if (!isObject(u) || !['botUserKey', 'plusfriendUserKey', 'appUserId'].includes(String(u.type)))
      return 'user[].type must be appUserId, botUserKey or plusfriendUserKey';
    if (!str(u.id)) return 'user[].id is required';
  }
  if (body.params !== undefined && !isObject(body.params)) return 'params must be an object';
  return undefined;
}

export type KakaoSim = {
  url: string;
  received: KakaoReceived[];
  /** A fresh one-time callback URL on this stand-in. */
  callbackUrl: () => string;
  /** POSTs a SkillPayload to the skill URL; throws when the answer breaks the v2.0 format. */
  send: (skillUrl: string, utterance: string, o?: SkillOptions) => Promise<SkillAnswer>;
  /**
   * Presses a quick reply, list item or button of an earlier answer: its `messageText` becomes the
   * utterance, its `extra` the `action.clientExtra`; entities are not extracted (as Kakao documents for quick replies).
   */
  press: (skillUrl: string, item: Pressable, o?: SkillOptions) => Promise<SkillAnswer>;
  close: () => Promise<void>;
};

/**
 * `botId` and `restApiKey`, when given, are the only ones the Event API accepts. Kakao documents
 * the answer shape `{taskId, status: SUCCESS|FAIL, message, timestamp}` but not the HTTP status of a
 * refusal: this stand-in answers a bad body with 400 and that shape, a missing or wrong key with 401
 * `{code, msg}` (the form of Kakao's other REST APIs), an unknown bot with 404 and FAIL.
 */
export async function startKakaoSim(o: { botId?: string; restApiKey?: string } = {}): Promise<KakaoSim> {
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
    const answer = (status: 'SUCCESS' | 'FAIL', message: string, http = 200) =>
      res
        .writeHead(http, { 'content-type': 'application/json' })
        .end(JSON.stringify({ taskId: randomUUID(), status, message, timestamp: Date.now() }));
    const cb = /^\/callback\/([\w-]+)$/.exec(path);
    if (cb && req.method === 'POST') {
      const t = tokens.get(cb[1]);
      if (!t || t.used || t.until < Date.now()) return answer('FAIL', 'Invalid callback token');
      t.used = true;
      // The final answer has the format of a normal SkillResponse, so useCallback again is invalid.
      if (skillResponseProblems(body, { callback: false }).length || (body as Json).useCallback)
        return answer('FAIL', 'Invalid json response from bot-skill.');
      received.push({ kind: 'callback', path, headers: req.headers, body });
      return answer('SUCCESS', 'callback accepted');
    }
    const talk = /^\/v2\/bots\/([^/]+)\/talk$/.exec(path);
    if (talk && req.method === 'POST') {
      const auth = String(req.headers.authorization ?? '');
      if (!auth.startsWith('KakaoAK ') || (o.restApiKey && auth !== `KakaoAK ${o.restApiKey}`)) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: -401, msg: 'wrong appKey format or unregistered appKey' }));
        return;
      }
      if (o.botId && decodeURIComponent(talk[1]) !== o.botId) return answer('FAIL', 'bot not found', 404);
      const problem = eventProblem(body);
      if (problem) return answer('FAIL', problem, 400);
      received.push({ kind: 'event', path, headers: req.headers, body });
      return answer('SUCCESS', 'accepted');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send = async (skillUrl: string, utterance: string, so: SkillOptions = {}): Promise<SkillAnswer> => {
    const started = performance.now();
    const res = await fetch(skillUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(skillPayload(utterance, so)),
      signal: AbortSignal.timeout(5_000), // Kakao's skill timeout
    });
    const body = (await res.json()) as Record<string, unknown>;
    const ms = performance.now() - started;
    // Kakao reads every answer of a skill as a SkillResponse, a refusal too.
    {
      const problems = skillResponseProblems(body, { callback: !!so.callbackUrl });
      if (problems.length)
        throw new Error(
          `Kakao would refuse this SkillResponse: ${problems.join('; ')}\n${JSON.stringify(body)}`,
        );
    }
    return { status: res.status, ms, body };
  };
  return {
    url,
    received,
    callbackUrl: () => {
      const token = randomUUID();
      tokens.set(token, { used: false, until: Date.now() + 60_000 });
      return `${url}/callback/${token}`;
    },
    send,
    press: (skillUrl, item, so = {}) => {
      if (item.action === 'block' && item.blockId !== (so.blockId ?? SKILL_BLOCK_ID))
        throw new Error(`no block ${item.blockId} in this bot`);
      const utterance = item.messageText ?? item.label ?? item.title ?? '';
      const { params: _ignored, detailParams: _alsoIgnored, ...rest } = so;
      return send(skillUrl, utterance, {
        ...rest,
        clientExtra: item.extra ?? {},
        trigger: item.action === 'block' ? 'QUICKREPLY_BUTTON_BLOCK' : 'QUICKREPLY_BUTTON_MESSAGE',
      });
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
