import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, client, createEvent, login, startApp, type TestApp } from './helpers.ts';

/**
 * Every route of the OpenAPI document, every method, with generated inputs: a valid-looking example
 * (as nobody, user, organiser and admin), then each field missing, of the wrong type, too long, with a
 * NUL or a lone surrogate, huge, negative, empty, an array or nested junk; bad %-escapes and over-long
 * path parameters; bad JSON and wrong content types. No answer may be a 5xx, every answer (except
 * downloads and the Kakao skill's own format) is the envelope with `code` = status, every 400 names a
 * field, and nothing carries a secret. Deterministic: one seeded generator, requests one at a time.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  default?: unknown;
  additionalProperties?: boolean | Schema;
};
type Parameter = { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};
type Role = 'nobody' | 'user' | 'organizer' | 'admin';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** mulberry32: small, seeded, the same sequence on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values that pass the regexes of our schemas, by field name (the generator cannot invert a regex). */
const HINTS: Record<string, Json> = {
  code: 'FZ01',
  slug: 'fz-01',
  eventId: '12345',
  discordGuildId: '123456789012345678',
  projectId: 'fuzz-project',
  datasetId: 'fuzz_ds',
  tableId: 'fuzz_t',
  date: '2026-12-25',
  time: '0900',
  timeFrom: '0600',
  timeTo: '2300',
  from: '2026-01-01',
  to: '2026-12-31',
  provider: 'srt',
  trainNo: '301',
  email: 'fuzz@test.yeyak',
  memberEmail: 'fuzz@test.yeyak',
  password: 'password-123',
  reservationDate: '2026-12-25',
  reservationTime: '19:30',
  telegramChatId: '12345',
};

/** Every URL the generator writes points at a closed local port: an outside service that refuses. */
const DOWN_URL = 'http://127.0.0.1:9/down';

class Generator {
  constructor(
    private readonly doc: OpenApi,
    private readonly ids: (name: string) => Json,
  ) {}

  resolve(s: Schema | undefined): Schema {
    let cur = s ?? {};
    for (let i = 0; i < 10 && cur.$ref; i++) {
      cur = this.doc.components?.schemas?.[cur.$ref.split('/').pop() ?? ''] ?? {};
    }
    if (cur.allOf?.length) return Object.assign({}, ...cur.allOf.map((x) => this.resolve(x)));
    return cur;
  }

  example(raw: Schema | undefined, name = '', depth = 0): Json {
    const s = this.resolve(raw);
    const alt = (s.anyOf ?? s.oneOf)?.map((x) => this.resolve(x)).find((x) => x.type !== 'null');
    if (alt) return this.example(alt, name, depth);
    if (s.const !== undefined) return s.const as Json;
    if (s.enum?.length) return s.enum[0] as Json;
    const type = [s.type].flat().find((x) => x && x !== 'null');
    if (name in HINTS && (type === 'string' || type === undefined)) return HINTS[name];
    if (/id$/i.test(name) && s.format === 'uuid') return this.ids(name);
    switch (type) {
      case 'string':
        if (s.format === 'uuid') return this.ids(name);
        if (s.format === 'email') return 'fuzz@test.yeyak';
        if (s.format === 'date-time') return new Date(Date.now() + 86_400_000 * 7).toISOString();
        if (s.format === 'uri' || /url|link/i.test(name)) return DOWN_URL;
        return 'x'.repeat(Math.max(1, Math.min(s.minLength ?? 1, 64)));
      case 'integer':
      case 'number': {
        const min = typeof s.minimum === 'number' ? s.minimum : 1;
        return Math.max(min, Math.min(1, s.maximum ?? 1));
      }
      case 'boolean':
        return true;
      case 'array':
        return depth > 6
          ? []
          : Array.from({ length: Math.max(1, s.minItems ?? 1) }, () =>
              this.example(s.items, name, depth + 1),
            );
      default: {
        if (!s.properties || depth > 6) return {};
        const out: Record<string, Json> = {};
        for (const [k, v] of Object.entries(s.properties)) out[k] = this.example(v, k, depth + 1);
        return out;
      }
    }
  }
}

/** Paths to every leaf (and object) inside an example, to mutate one at a time. */
function fieldPaths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (prefix.length > 4) return out;
  if (Array.isArray(value)) {
    if (value.length) fieldPaths(value[0], [...prefix, 0], out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      fieldPaths(v, [...prefix, k], out);
    }
  }
  return out;
}

function withField(value: Json, path: (string | number)[], replace: Json | undefined): Json {
  const copy = structuredClone(value);
  let cur = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (replace === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = replace;
  return copy;
}

/** Bad values for one field: (label, value); undefined removes the field. */
function junk(rand: () => number): [string, Json | undefined][] {
  const n = Math.floor(rand() * 1000);
  return [
    ['missing', undefined],
    ['null', null],
    ['wrong type', 12345 + n],
    ['string for number', `x${n}`],
    ['too long', 'a'.repeat(20_000 + n)],
    ['NUL', `a\u0000b${n}`],
    ['lone surrogate', `a\ud800b${n}`],
    ['huge', 1e308],
    ['beyond int64', 2 ** 64 + n],
    ['negative', -1 - n],
    ['fraction', 0.5],
    ['empty', ''],
    ['array for string', [`x${n}`]],
    ['nested junk', { a: { b: [1, { c: null }, 'd\u0000'] }, __proto__x: n }],
  ];
}

const PARAM_JUNK: [string, string][] = [
  ['NUL', 'a%00b'],
  ['lone surrogate (CESU)', '%ED%A0%80'],
  ['bad escape', '%ff%fe'],
  ['half escape', '%E0%A4%A'],
  ['too long', 'a'.repeat(150)],
  ['long but allowed', 'b'.repeat(99)],
  ['negative', '-1'],
  ['huge', '99999999999999999999999'],
  ['slash', 'a%2Fb'],
  ['dots', '..'],
  ['sql', "1'%20or%20'1'='1"],
];

const QUERY_JUNK: [string, string][] = [
  ['NUL', 'a%00b'],
  ['lone surrogate', '%ED%A0%80'],
  ['bad escape', '%ff'],
  ['too long', 'a'.repeat(5000)],
  ['empty', ''],
  ['negative', '-1'],
  ['huge', '1e308'],
];

type Finding = { request: string; status: number; problem: string; body: string };

describe.each(backends)('fuzz over the OpenAPI document on %s', (backend) => {
  let t: TestApp;
  const secret = `fuzz-secret-${randomBytes(12).toString('hex')}`;
  const tokens: Partial<Record<Role, string>> = {};
  const emails: Partial<Record<Role | 'other', string>> = {};
  let ids: Record<string, Json> = {};

  beforeAll(async () => {
    t = await startApp(
      backend,
      { secret },
      {
        env: {
          RAIL_SRT_URL: DOWN_URL,
          RAIL_KORAIL_URL: DOWN_URL,
          RAIL_NETFUNNEL_URL: DOWN_URL,
          TELEGRAM_API_URL: DOWN_URL,
          KAKAO_API_URL: DOWN_URL,
          DISCORD_API_URL: DOWN_URL,
        },
      },
    );
    for (const role of ['user', 'organizer', 'admin'] as const) {
      const l = await login(t, role);
      tokens[role] = l.token;
      emails[role] = l.email;
    }
    emails.other = (await login(t, 'user')).email;
    // Real rows, so valid-looking requests reach the use cases and not only "not found".
    const organizer = client(t.url, tokens.organizer);
    const event = await createEvent(organizer);
    const reg = await organizer.post<{ event: { id: string } }>('/api/registration/events', {
      slug: 'fuzz-tickets',
      name: 'fuzz',
      source: 'tickets',
      ticketsEventId: event.id,
      gather: { enabled: true, baseUrl: DOWN_URL, spaceId: 'space', apiKey: 'gather-key-sealed' },
      discord: { enabled: true, webhookUrl: `${DOWN_URL}/webhook` },
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    ids = {
      event: event.id,
      ticketType: event.showtimes[0].ticketTypes[0].id,
      registration: reg.body.data?.event.id ?? null,
    };
  }, 600_000);
  afterAll(async () => t?.stop());

  it('answers every generated input with a non-5xx envelope and no secret', async () => {
    const rand = prng(20261202);
    const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as OpenApi;
    const idFor =
      (path: string) =>
      (name: string): Json => {
        if (/ticketType/i.test(name)) return ids.ticketType;
        if (path.includes('/registration/') && name === 'id') return ids.registration;
        if (/event/i.test(name) || path.startsWith('/api/events') || path.startsWith('/api/organizer/events'))
          return ids.event;
        return '00000000-0000-4000-8000-000000000000';
      };
    const sealedBlob = /v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}/;
    const findings: Finding[] = [];
    const counts = {
      requests: 0,
      '5xx': 0,
      upstream: 0,
      nonEnvelope: 0,
      unnamed400: 0,
      leaks: 0,
      timeouts: 0,
    };

    const send = async (
      role: Role,
      method: string,
      url: string,
      body: string | undefined,
      contentType = 'application/json',
    ) => {
      counts.requests++;
      const request = `${role} ${method} ${url.slice(0, 120)} ${body?.slice(0, 120) ?? ''}`;
      let res: Response;
      let text: string;
      try {
        res = await fetch(t.url + url, {
          method,
          headers: {
            ...(body !== undefined ? { 'content-type': contentType } : {}),
            ...(tokens[role as keyof typeof tokens]
              ? { authorization: `Bearer ${tokens[role as keyof typeof tokens]}` }
              : {}),
          },
          body,
          signal: AbortSignal.timeout(120_000),
        });
        text = await res.text();
      } catch (err) {
        counts.timeouts++;
        findings.push({ request, status: 0, problem: `no answer: ${(err as Error).message}`, body: '' });
        return 0;
      }
      const note = (problem: string) =>
        findings.push({ request, status: res.status, problem, body: text.slice(0, 300) });
      // 502/503 are the answers for an outside service that is down or refuses; anything else is our fault.
      if (res.status >= 500 && res.status !== 502 && res.status !== 503) {
        counts['5xx']++;
        note('5xx');
      }
      if (res.status === 502 || res.status === 503) counts.upstream++;
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      let parsed:
        | { code?: unknown; description?: unknown; data?: { errors?: { path?: unknown }[] } }
        | undefined;
      try {
        parsed = isJson ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      // The Kakao skill answers Kakao's own SkillResponse (version 2.0) whatever the status, so the
      // chat shows the user what went wrong instead of Kakao's failure notice.
      const skillAnswer =
        url.startsWith('/api/kakao/skill') &&
        (parsed as { version?: unknown } | undefined)?.version === '2.0';
      const envelopeOk = parsed && parsed.code === res.status && typeof parsed.description === 'string';
      // Downloads (CSV, raw mail) are not envelopes when they succeed.
      if (!envelopeOk && !skillAnswer && !(res.status < 300 && !isJson)) {
        counts.nonEnvelope++;
        note('not the envelope');
      }
      if (res.status === 400) {
        const errors = parsed?.data?.errors;
        if (
          !Array.isArray(errors) ||
          !errors.length ||
          !errors.every((e) => typeof e.path === 'string' && e.path)
        ) {
          counts.unnamed400++;
          note(`${res.status} without a field path`);
        }
      }
      const others =
        role === 'nobody' || role === 'user' ? [emails.organizer, emails.admin, emails.other] : [];
      const leak =
        text.includes('scrypt') ||
        text.includes(secret) ||
        sealedBlob.test(text) ||
        text.includes('kktix-token-sealed') ||
        text.includes('gather-key-sealed') ||
        others.some((e) => e && text.includes(e));
      if (leak) {
        counts.leaks++;
        note('leak');
      }
      return res.status;
    };

    for (const [openPath, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const M = method.toUpperCase();
        const gen = new Generator(doc, idFor(openPath));
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
        const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
        const pathValues: Record<string, string> = {};
        for (const p of pathParams)
          pathValues[p.name] = encodeURIComponent(String(gen.example(p.schema, p.name)));
        const buildPath = (values: Record<string, string>) =>
          openPath.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'x');
        const query: Record<string, string> = {};
        for (const p of queryParams) {
          const v = gen.example(p.schema, p.name);
          if (p.required || rand() < 0.5) query[p.name] = String(v);
        }
        const qs = (q: Record<string, string>) => {
          const s = Object.entries(q)
            .map(([k, v]) => `${k}=${v}`)
            .join('&');
          return s ? `?${s}` : '';
        };
        const bodySchema = op.requestBody?.content?.['application/json']?.schema;
        const example = bodySchema ? gen.example(bodySchema) : undefined;
        const isLogout = openPath === '/api/auth/logout';
        const sendBody = (b: Json | undefined) =>
          b === undefined ? (M === 'GET' || M === 'DELETE' ? undefined : '{}') : JSON.stringify(b);
        const url = buildPath(pathValues) + qs(query);

        // Logging out ends the session: that route gets a throwaway one each time.
        const roleFor = async (role: Role): Promise<Role> => {
          if (isLogout && role !== 'nobody')
            tokens[role] = (await login(t, role === 'user' ? 'user' : role)).token;
          return role;
        };

        // 1. The valid-looking example as every role; mutations go as a role that got past the guards.
        const passed: Role[] = [];
        for (const role of ['nobody', 'user', 'organizer', 'admin'] as Role[]) {
          const status = await send(await roleFor(role), M, url, sendBody(example));
          if (status !== 401 && status !== 403) passed.push(role);
        }
        const pick = (): Role => (passed.length ? passed[Math.floor(rand() * passed.length)] : 'admin');

        // 2. Each path parameter bad.
        for (const p of pathParams) {
          for (const [, bad] of PARAM_JUNK) {
            await send(
              await roleFor(pick()),
              M,
              buildPath({ ...pathValues, [p.name]: bad }) + qs(query),
              sendBody(example),
            );
          }
        }
        // 3. Each query parameter bad, an unknown one, and one given twice.
        for (const p of queryParams) {
          for (const [, bad] of QUERY_JUNK) {
            await send(
              await roleFor(pick()),
              M,
              buildPath(pathValues) + qs({ ...query, [p.name]: bad }),
              sendBody(example),
            );
          }
          await send(
            await roleFor(pick()),
            M,
            `${url}${url.includes('?') ? '&' : '?'}${p.name}=1&${p.name}=2`,
            sendBody(example),
          );
        }
        await send(
          await roleFor(pick()),
          M,
          `${url}${url.includes('?') ? '&' : '?'}zz%00=1`,
          sendBody(example),
        );

        // 4. Each body field bad.
        if (example !== undefined) {
          for (const field of fieldPaths(example)) {
            // Always the values that used to break the database; four more picked by the seed.
            const all = junk(rand);
            const always = all.filter(([label]) => ['missing', 'NUL', 'lone surrogate'].includes(label));
            const rest = all.filter((j) => !always.includes(j)).sort(() => rand() - 0.5);
            for (const [, bad] of [...always, ...rest.slice(0, 4)]) {
              await send(await roleFor(pick()), M, url, JSON.stringify(withField(example, field, bad)));
            }
          }
        }
        // 5. Whole-body junk: bad JSON, wrong shapes, wrong content types.
        if (M !== 'GET' && M !== 'DELETE') {
          for (const raw of [
            '{',
            '',
            '[]',
            '"x"',
            '123',
            'null',
            '{"a":"\\ud800"}',
            '{"__proto__":{"admin":true}}',
          ]) {
            await send(await roleFor(pick()), M, url, raw);
          }
          await send(await roleFor(pick()), M, url, 'a=b', 'application/x-www-form-urlencoded');
          await send(await roleFor(pick()), M, url, 'hello', 'text/plain');
          await send(await roleFor(pick()), M, url, '<a/>', 'application/xml');
        }
      }
    }
    // The router's own errors.
    for (const [m, u] of [
      ['GET', '/api/nope'],
      ['GET', '/api/events/%ff%fe'],
      ['GET', `/api/events/${'z'.repeat(300)}`],
      ['PATCH', '/api/events'],
      ['GET', '/%'],
    ]) {
      await send('nobody', m, u, undefined);
    }

    console.log(`fuzz on ${backend}: ${JSON.stringify(counts)}`);
    // One line per kind of finding (route, problem, status, answer), with how often it happened.
    const kinds = new Map<string, { n: number; example: Finding }>();
    for (const f of findings) {
      const [, method, path] = f.request.split(' ');
      const key = `${method} ${path.split('?')[0].replace(/[0-9a-f-]{36}/g, ':id')} ${f.problem} ${f.status} ${f.body.slice(0, 60)}`;
      const k = kinds.get(key) ?? { n: 0, example: f };
      k.n++;
      kinds.set(key, k);
    }
    for (const [, k] of [...kinds].slice(0, 60)) console.log(`${k.n}x ${JSON.stringify(k.example)}`);
    expect(counts).toMatchObject({ '5xx': 0, nonEnvelope: 0, unnamed400: 0, leaks: 0, timeouts: 0 });
  }, 600_000);
});
