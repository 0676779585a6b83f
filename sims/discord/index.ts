import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the parts of Discord the registration module talks to:
 * - it plays Discord towards our interactions endpoint: signs requests with its own Ed25519 key
 *   (`timestamp + body`), sends PINGs and `/event …` commands, can send bad or stale signatures,
 *   and holds us to the 3-second initial deadline;
 * - it serves `POST /webhooks/{id}/{token}` (incoming webhooks and interaction follow-ups, JSON or
 *   multipart with `payload_json` + `files[n]`), `PATCH …/messages/@original`, and the command
 *   registration endpoints (`PUT`/`GET /applications/{app}[/guilds/{guild}]/commands`), recording
 *   everything it receives.
 */

export type SimFile = { field: string; filename: string; contentType: string; data: Buffer; text: string };

export type SimMessage = {
  id: string;
  kind: 'webhook' | 'followup' | 'edit_original';
  webhookId: string;
  token: string;
  contentType: 'json' | 'multipart';
  payload: Record<string, unknown>;
  files: SimFile[];
};

export type SimInteraction = {
  id: string;
  token: string;
  sentAt: number;
  status: number;
  response: unknown;
  elapsedMs: number;
  /** the initial answer came in time and was a valid interaction response */
  acknowledged: boolean;
};

export type DiscordSimOptions = {
  applicationId?: string;
  /** the server (guild) commands come from unless a call names another, default a fixed snowflake */
  guildId?: string;
  botToken?: string;
  /** initial response deadline, default 3000 ms (Discord's) */
  deadlineMs?: number;
  /** how long a token takes follow-ups, default 15 min */
  tokenLifetimeMs?: number;
  /** clock in ms, default Date.now */
  now?: () => number;
  host?: string;
  port?: number;
};

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_FILE = 10 * 1024 * 1024;

let snowflake = 1_300_000_000_000_000_000n;
const nextId = () => String(++snowflake);

/** Splits a multipart/form-data body into its parts. */
export function parseMultipart(body: Buffer, contentType: string) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw new Error('multipart without boundary');
  const boundary = Buffer.from(`--${m[1] ?? m[2].trim()}`);
  const parts: { name: string; filename?: string; contentType?: string; data: Buffer }[] = [];
  let pos = body.indexOf(boundary);
  for (let guard = 0; pos !== -1 && guard < 1000; guard++) {
    let start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    start += 2; // CRLF after the boundary
    const next = body.indexOf(boundary, start);
    if (next === -1) throw new Error('multipart body is not terminated');
    const part = body.subarray(start, next - 2); // CRLF before the next boundary
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new Error('multipart part without headers');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error('multipart part without a name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim();
    parts.push({ name, filename, contentType: type, data: part.subarray(headerEnd + 4) });
    pos = next;
  }
  return parts;
}

/** Checks a command definition the way Discord's docs state the rules; returns the first problem. */
function commandProblem(cmd: unknown, path: string): string | undefined {
  const c = cmd as { name?: unknown; description?: unknown; type?: unknown; options?: unknown };
  if (!c || typeof c !== 'object') return `${path}: not an object`;
  if (typeof c.name !== 'string' || !NAME.test(c.name) || c.name !== c.name.toLowerCase())
    return `${path}.name: invalid`;
  const chatInput = c.type === undefined || c.type === 1;
  if (
    chatInput &&
    (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100)
  )
    return `${path}.description: 1-100 characters`;
  return optionsProblem(c.options, `${path}.options`, 0);
}

function optionsProblem(options: unknown, path: string, depth: number): string | undefined {
  if (options === undefined) return undefined;
  if (!Array.isArray(options) || options.length > 25) return `${path}: at most 25 options`;
  let optionalSeen = false;
  for (const [i, o] of options.entries()) {
    const p = `${path}[${i}]`;
    if (typeof o?.name !== 'string' || !NAME.test(o.name) || o.name !== o.name.toLowerCase())
      return `${p}.name: invalid`;
    if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100)
      return `${p}.description: 1-100 characters`;
    if (!Number.isInteger(o.type) || o.type < 1 || o.type > 11) return `${p}.type: invalid`;
    if (o.type === 1 || o.type === 2) {
      if (depth > (o.type === 2 ? 0 : 1)) return `${p}: nesting is command → group → subcommand`;
      const inner = optionsProblem(o.options, `${p}.options`, depth + 1);
      if (inner) return inner;
      continue;
    }
    if (o.required) {
      if (optionalSeen) return `${p}: required options must come before optional ones`;
    } else optionalSeen = true;
    if (o.choices !== undefined && (!Array.isArray(o.choices) || o.choices.length > 25))
      return `${p}.choices: at most 25`;
  }
  return undefined;
}

export async function startDiscordSim(options: DiscordSimOptions = {}) {
  const applicationId = options.applicationId ?? '1234567890123456789';
  const defaultGuild = options.guildId ?? '1300000000000000555';
  const botToken = options.botToken ?? 'sim-bot-token';
  const deadlineMs = options.deadlineMs ?? 3000;
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyHex = (publicKey.export({ format: 'der', type: 'spki' }) as Buffer)
    .subarray(12)
    .toString('hex');

  const messages: SimMessage[] = [];
  const interactions = new Map<string, SimInteraction>(); // by token
  // Answers still on their way: a follow-up can overtake the HTTP answer it follows.
  const inFlight = new Map<string, Promise<unknown>>();
  const webhooks = new Map<string, string>(); // id → token
  const commands = new Map<string, Record<string, unknown>[]>(); // 'global' | guild id → commands
  const registrations: { scope: string; count: number }[] = [];

  function send(res: ServerResponse, status: number, body?: unknown) {
    if (body === undefined) res.writeHead(status).end();
    else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  const invalid = (res: ServerResponse, problem: string) =>
    send(res, 400, {
      message: 'Invalid Form Body',
      code: 50035,
      errors: { _errors: [{ message: problem }] },
    });

  /** Reads a JSON or multipart message body. */
  function readMessage(req: IncomingMessage, raw: Buffer) {
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const parts = parseMultipart(raw, type);
      const json = parts.find((p) => p.name === 'payload_json');
      const payload = json ? JSON.parse(json.data.toString('utf8')) : {};
      const files: SimFile[] = parts
        .filter((p) => /^files\[\d+\]$/.test(p.name))
        .map((p) => ({
          field: p.name,
          filename: p.filename ?? '',
          contentType: p.contentType ?? 'application/octet-stream',
          data: p.data,
          text: p.data.toString('utf8'),
        }));
      return { contentType: 'multipart' as const, payload, files };
    }
    if (type.startsWith('application/json'))
      return {
        contentType: 'json' as const,
        payload: JSON.parse(raw.toString('utf8')),
        files: [] as SimFile[],
      };
    throw new Error('Content-Type must be application/json or multipart/form-data');
  }

  /** The shared validation of Execute Webhook / follow-up / edit bodies. */
  function messageProblem(
    payload: Record<string, unknown>,
    files: SimFile[],
    editing: boolean,
  ): string | undefined {
    const content = payload.content;
    if (content !== undefined && (typeof content !== 'string' || content.length > 2000))
      return 'content: at most 2000 characters';
    const embeds = payload.embeds;
    if (embeds !== undefined && (!Array.isArray(embeds) || embeds.length > 10)) return 'embeds: at most 10';
    if (
      !editing &&
      !content &&
      !(Array.isArray(embeds) && embeds.length) &&
      files.length === 0 &&
      !payload.poll
    )
      return 'Cannot send an empty message';
    for (const f of files) {
      if (!f.filename) return `${f.field}: a file needs a filename`;
      if (f.data.length > MAX_FILE) return `${f.field}: larger than 10 MiB`;
    }
    const attachments = payload.attachments;
    if (attachments !== undefined) {
      if (!Array.isArray(attachments)) return 'attachments: must be a list';
      for (const a of attachments as { id?: unknown; filename?: unknown }[]) {
        const file = files.find((f) => f.field === `files[${a.id}]`);
        if (!file) return `attachments: id ${String(a.id)} has no files[${String(a.id)}] part`;
        if (a.filename !== undefined && a.filename !== file.filename)
          return `attachments: id ${String(a.id)} filename differs from its part`;
      }
    }
    return undefined;
  }

  function messageObject(m: SimMessage) {
    return {
      id: m.id,
      type: 0,
      channel_id: '999',
      content: (m.payload.content as string) ?? '',
      webhook_id: m.webhookId,
      attachments: m.files.map((f, i) => ({
        id: nextId(),
        filename: f.filename,
        size: f.data.length,
        content_type: f.contentType,
        url: `https://cdn.discordapp.sim/attachments/${m.id}/${i}/${encodeURIComponent(f.filename)}`,
      })),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname.replace(/^\/api(\/v\d+)?/, '');
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);

    // Webhooks: execute / follow-up, and edit original.
    if (seg[0] === 'webhooks' && seg.length >= 3) {
      const [, id, token] = seg;
      const editOriginal = seg.length === 5 && seg[3] === 'messages' && seg[4] === '@original';
      if (!(seg.length === 3 && req.method === 'POST') && !(editOriginal && req.method === 'PATCH'))
        return send(res, 405, { message: '405: Method Not Allowed', code: 0 });
      let kind: SimMessage['kind'];
      if (id === applicationId) {
        await inFlight.get(token);
        const it = interactions.get(token);
        if (!it?.acknowledged) return send(res, 404, { message: 'Unknown Webhook', code: 10015 });
        if (now() - it.sentAt > tokenLifetimeMs)
          return send(res, 401, { message: 'Invalid Webhook Token', code: 50027 });
        kind = editOriginal ? 'edit_original' : 'followup';
      } else {
        if (webhooks.get(id) !== token || editOriginal)
          return send(res, 404, { message: 'Unknown Webhook', code: 10015 });
        kind = 'webhook';
      }
      let read: ReturnType<typeof readMessage>;
      try {
        read = readMessage(req, raw);
      } catch (err) {
        return send(res, 400, { message: (err as Error).message, code: 50109 });
      }
      const problem = messageProblem(read.payload, read.files, editOriginal);
      if (problem) return invalid(res, problem);
      const m: SimMessage = { id: nextId(), kind, webhookId: id, token, ...read };
      messages.push(m);
      // Execute Webhook answers 204 unless ?wait=true; follow-ups always wait.
      if (kind === 'webhook' && url.searchParams.get('wait') !== 'true') return send(res, 204);
      return send(res, 200, messageObject(m));
    }

    // Command registration.
    if (seg[0] === 'applications' && seg[seg.length - 1] === 'commands') {
      const guild =
        seg.length === 5 && seg[2] === 'guilds' ? seg[3] : seg.length === 3 ? 'global' : undefined;
      if (!guild || seg[1] !== applicationId)
        return send(res, 404, { message: 'Unknown Application', code: 10002 });
      if (req.headers.authorization !== `Bot ${botToken}`)
        return send(res, 401, { message: '401: Unauthorized', code: 0 });
      if (!String(req.headers['user-agent'] ?? '').startsWith('DiscordBot'))
        return send(res, 403, {
          message: 'missing DiscordBot User-Agent (Cloudflare would block this)',
          code: 0,
        });
      if (req.method === 'GET') return send(res, 200, commands.get(guild) ?? []);
      if (req.method !== 'PUT') return send(res, 405, { message: '405: Method Not Allowed', code: 0 });
      let list: unknown;
      try {
        list = JSON.parse(raw.toString('utf8'));
      } catch {
        return invalid(res, 'body is not JSON');
      }
      if (!Array.isArray(list) || list.length > 100) return invalid(res, 'a list of at most 100 commands');
      for (const [i, c] of list.entries()) {
        const problem = commandProblem(c, `[${i}]`);
        if (problem) return invalid(res, problem);
      }
      const stored = list.map((c) => ({
        id: nextId(),
        application_id: applicationId,
        ...(guild === 'global' ? {} : { guild_id: guild }),
        version: nextId(),
        type: 1,
        ...(c as Record<string, unknown>),
      }));
      commands.set(guild, stored);
      registrations.push({ scope: guild, count: stored.length });
      return send(res, 200, stored);
    }
    return send(res, 404, { message: '404: Not Found', code: 0 });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((err) =>
        send(res, 500, { message: (err as Error).message, code: 0 }),
      );
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  function signed(body: string, key: KeyObject, timestamp: string) {
    return sign(null, Buffer.from(timestamp + body, 'utf8'), key).toString('hex');
  }

  /**
   * A `/event <sub>` APPLICATION_COMMAND interaction, as Discord structures subcommands. It comes
   * from `guildId` (default: the sim's guild); `null` makes it a DM, which has `user` instead of
   * `member` and no `guild_id`.
   */
  function commandInteraction(
    sub: string,
    values: Record<string, string> = {},
    where: { guildId?: string | null; guildLocale?: string; locale?: string } = {},
  ) {
    const guild = where.guildId === undefined ? defaultGuild : where.guildId;
    // Discord sends the server's language with every interaction from a server (en-US unless the
    // server set another), and the user's own language always; a DM has only the latter.
    const guildLocale = where.guildLocale ?? 'en-US';
    const user = { id: '42', username: 'organiser' };
    return {
      id: nextId(),
      application_id: applicationId,
      type: 2,
      token: `sim-${randomBytes(24).toString('base64url')}`,
      version: 1,
      ...(guild
        ? { guild_id: guild, guild_locale: guildLocale, member: { user, permissions: '2147483647' } }
        : { user, context: 1 }),
      channel_id: '999',
      locale: where.locale ?? 'zh-TW',
      attachment_size_limit: MAX_FILE,
      data: {
        id: nextId(),
        name: 'event',
        type: 1,
        options: [
          {
            type: 1,
            name: sub,
            ...(Object.keys(values).length
              ? { options: Object.entries(values).map(([name, value]) => ({ type: 3, name, value })) }
              : {}),
          },
        ],
      },
    };
  }

  /**
   * Sends an interaction to `url` as Discord would. `signature`: 'valid' (default), 'bad' (signed
   * by another key) or 'stale' (timestamp `staleSeconds` old, default 600). The answer counts as an
   * acknowledgement only if it is a 200 with a PONG (for PING) or a type 4/5 response within the
   * deadline; only then do follow-ups with its token work.
   */
  async function sendInteraction(
    url: string,
    interaction: Record<string, unknown>,
    opts: { signature?: 'valid' | 'bad' | 'stale'; staleSeconds?: number } = {},
  ) {
    const body = JSON.stringify(interaction);
    const mode = opts.signature ?? 'valid';
    const seconds = Math.floor(now() / 1000) - (mode === 'stale' ? (opts.staleSeconds ?? 600) : 0);
    const timestamp = String(seconds);
    const key = mode === 'bad' ? generateKeyPairSync('ed25519').privateKey : privateKey;
    const started = Date.now();
    const token = String(interaction.token);
    let settle = () => {};
    inFlight.set(
      token,
      new Promise<void>((r) => {
        settle = r;
      }),
    );
    try {
      return await exchange();
    } finally {
      inFlight.delete(token);
      settle();
    }
    async function exchange() {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
          'x-signature-ed25519': signed(body, key, timestamp),
          'x-signature-timestamp': timestamp,
        },
        body,
        signal: AbortSignal.timeout(deadlineMs + 2000),
      });
      const text = await res.text();
      const elapsedMs = Date.now() - started;
      let response: unknown = text;
      try {
        response = JSON.parse(text);
      } catch {}
      const type = (response as { type?: unknown })?.type;
      const expected = interaction.type === 1 ? [1] : [4, 5];
      // Discord shows "The application did not respond" for an answer it cannot post, e.g. one
      // whose content is over 2,000 characters.
      const content = (response as { data?: { content?: unknown } })?.data?.content;
      const acknowledged =
        res.status === 200 &&
        (content === undefined || (typeof content === 'string' && content.length <= 2000)) &&
        elapsedMs <= deadlineMs &&
        expected.includes(type as number) &&
        String(res.headers.get('content-type')).startsWith('application/json');
      const record: SimInteraction = {
        id: String(interaction.id),
        token: String(interaction.token),
        sentAt: now(),
        status: res.status,
        response,
        elapsedMs,
        acknowledged,
      };
      interactions.set(record.token, record);
      return { ...record, late: elapsedMs > deadlineMs };
    }
  }

  return {
    url: origin,
    /** base URL for the Discord client (`…/api/v10`) */
    api: `${origin}/api/v10`,
    applicationId,
    /** the guild commands come from by default */
    guildId: defaultGuild,
    botToken,
    publicKeyHex,
    messages,
    registrations,
    commands: (guildId?: string) => commands.get(guildId ?? 'global') ?? [],
    /** a new incoming webhook; returns its URL */
    createWebhook() {
      const id = nextId();
      const token = randomBytes(32).toString('base64url');
      webhooks.set(id, token);
      return `${origin}/api/webhooks/${id}/${token}`;
    },
    commandInteraction,
    sendInteraction,
    /** a PING, signed */
    ping: (url: string, opts?: Parameters<typeof sendInteraction>[2]) =>
      sendInteraction(
        url,
        { id: nextId(), application_id: applicationId, type: 1, token: `sim-${nextId()}`, version: 1 },
        opts,
      ),
    /**
     * `/event <sub> [values]`, signed; `guildId` picks the server it comes from (null: a DM),
     * `guildLocale` that server's language (default en-US), `locale` the user's (default zh-TW).
     */
    command: (
      url: string,
      sub: string,
      values?: Record<string, string>,
      opts: Parameters<typeof sendInteraction>[2] & {
        guildId?: string | null;
        guildLocale?: string;
        locale?: string;
      } = {},
    ) => sendInteraction(url, commandInteraction(sub, values, opts), opts),
    /** signs arbitrary text with the application's key (for unit tests of the verifier) */
    sign: (timestamp: string, body: string) => signed(body, privateKey, timestamp),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type DiscordSim = Awaited<ReturnType<typeof startDiscordSim>>;
