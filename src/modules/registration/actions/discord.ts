import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  excerpt,
  Http,
  joinUrl,
  reasonFor,
  retryAfterMs,
  safeJson,
  UpstreamError,
} from '../../../platform/net/http.ts';
import type { CommandProblem } from '../bot-messages.ts';
import { maskName } from '../deidentify.ts';

/**
 * Discord for the registration module: HTTP interactions (Ed25519
 * signatures, PING, slash commands, deferred answers), follow-ups with a CSV attachment, incoming
 * webhooks for announcements, and the registration of `/event list|status|report`.
 */

export const DISCORD_API = 'https://discord.com/api/v10';
/** Discord asks for this form of User-Agent; requests without one may be blocked. */
export const USER_AGENT = 'DiscordBot (https://github.com/yeyak/yeyak, 0.1.0)';

export class DiscordError extends UpstreamError {
  constructor(reason: UpstreamError['reason'], message: string, details: UpstreamError['details'] = {}) {
    super('discord', reason, message, details);
    this.name = 'DiscordError';
  }
}

// ---------------------------------------------------------------------------------------------
// Verifying interaction requests

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map<string, KeyObject>();

/** The application's public key (64 hex characters from the Developer Portal) as a KeyObject. */
export function discordPublicKey(publicKeyHex: string): KeyObject {
  let key = keys.get(publicKeyHex);
  if (!key) {
    if (!/^[0-9a-fA-F]{64}$/.test(publicKeyHex))
      throw new Error('the Discord public key must be 64 hexadecimal characters');
    key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(publicKeyHex, 'hex')]),
      format: 'der',
      type: 'spki',
    });
    keys.set(publicKeyHex, key);
  }
  return key;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'bad_signature' };

/**
 * Checks `X-Signature-Ed25519` over `timestamp + rawBody` (the raw bytes, before any JSON
 * parsing), and that `X-Signature-Timestamp` (Unix seconds) is within `maxAgeSeconds` of `now`
 * (ms) either way, so a captured request cannot be replayed later. Anything but `ok` → answer 401.
 */
export function verifyDiscordRequest(
  publicKeyHex: string,
  signatureHex: string | null | undefined,
  timestamp: string | null | undefined,
  rawBody: string | Buffer,
  now: number = Date.now(),
  maxAgeSeconds = 300,
): VerifyResult {
  if (
    !signatureHex ||
    !timestamp ||
    !/^[0-9a-fA-F]{128}$/.test(signatureHex) ||
    !/^\d{1,12}$/.test(timestamp)
  )
    return { ok: false, reason: 'malformed' };
  if (Math.abs(now / 1000 - Number(timestamp)) > maxAgeSeconds) return { ok: false, reason: 'stale' };
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  const good = verify(null, message, discordPublicKey(publicKeyHex), Buffer.from(signatureHex, 'hex'));
  return good ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

// ---------------------------------------------------------------------------------------------
// Interactions and responses

export const InteractionType = {
  PING: 1,
  APPLICATION_COMMAND: 2,
  MESSAGE_COMPONENT: 3,
  APPLICATION_COMMAND_AUTOCOMPLETE: 4,
  MODAL_SUBMIT: 5,
} as const;

export const ResponseType = {
  PONG: 1,
  CHANNEL_MESSAGE_WITH_SOURCE: 4,
  DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: 5,
} as const;

/** Message flag: only the invoking user sees it. */
export const EPHEMERAL = 1 << 6;

export type CommandOption = {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: CommandOption[];
  focused?: boolean;
};

export type Interaction = {
  id: string;
  application_id: string;
  type: number;
  token: string;
  data?: { id?: string; name: string; type?: number; options?: CommandOption[]; guild_id?: string };
  guild_id?: string;
  channel_id?: string;
  member?: { user?: { id: string; username?: string }; permissions?: string };
  user?: { id: string; username?: string };
  locale?: string;
  guild_locale?: string;
  attachment_size_limit?: number;
} & Record<string, unknown>;

export type AllowedMentions = { parse?: ('roles' | 'users' | 'everyone')[] };

export type MessageData = {
  content?: string;
  embeds?: Record<string, unknown>[];
  flags?: number;
  allowed_mentions?: AllowedMentions;
  attachments?: { id: number | string; filename?: string; description?: string }[];
  username?: string;
  avatar_url?: string;
};

/** Parses a (verified) raw body; throws on JSON that is not an interaction. */
export function parseInteraction(rawBody: string | Buffer): Interaction {
  const value = safeJson(String(rawBody)) as Partial<Interaction> | undefined;
  if (!value || typeof value !== 'object' || typeof value.type !== 'number')
    throw new Error('not a Discord interaction');
  return value as Interaction;
}

/** Answer to a PING. */
export const pong = () => ({ type: ResponseType.PONG }) as const;

// ---------------------------------------------------------------------------------------------
// Length: Discord refuses a message whose content is over 2,000 characters (the whole delivery
// fails), so every message we send goes through fitMessage, and names we quote go through clip.

export const MAX_CONTENT = 2000;
const ELLIPSIS = '…';
// Made at first use: ICU's break data is not loaded at start.
let segmenter: Intl.Segmenter | undefined;

/**
 * `text` in at most `max` UTF-16 units (never more than Discord counts), cut between graphemes and
 * ending in "…" when it was cut. A backslash left dangling by the cut is dropped, so it cannot
 * escape the ellipsis.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > max - ELLIPSIS.length) break;
    out += segment;
  }
  const slashes = /\\+$/.exec(out)?.[0].length ?? 0;
  if (slashes % 2 === 1) out = out.slice(0, -1);
  return out + ELLIPSIS;
}

/** Escaped for markdown and shortened: how a slug, event, ticket or attendee name is quoted. */
export function quoted(text: string, max = 100): string {
  return escapeMarkdown(clip(text, max));
}

/**
 * Content within 2,000 characters: whole lines are kept while they fit and a last "…" line says
 * some were left out; a single line too long is clipped.
 */
export function fitContent(content: string): string {
  if (content.length <= MAX_CONTENT) return content;
  const lines = content.split('\n');
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    const add = (kept.length ? 1 : 0) + line.length;
    if (size + add > MAX_CONTENT - 2) break;
    kept.push(line);
    size += add;
  }
  if (kept.length === 0) return clip(content, MAX_CONTENT);
  return `${kept.join('\n')}\n${ELLIPSIS}`;
}

/** The one gate before Discord: content fitted, mentions off unless given. */
export function fitMessage(m: MessageData): MessageData {
  return {
    allowed_mentions: { parse: [] },
    ...m,
    ...(typeof m.content === 'string' ? { content: fitContent(m.content) } : {}),
  };
}

/** An immediate message; mentions are off unless given. */
export function channelMessage(message: string | MessageData, opts: { ephemeral?: boolean } = {}) {
  const data: MessageData = fitMessage(typeof message === 'string' ? { content: message } : message);
  if (opts.ephemeral) data.flags = (data.flags ?? 0) | EPHEMERAL;
  return { type: ResponseType.CHANNEL_MESSAGE_WITH_SOURCE, data } as const;
}

/** "Thinking…": answer now, then edit the original or follow up within 15 minutes. */
export function deferredMessage(opts: { ephemeral?: boolean } = {}) {
  return opts.ephemeral
    ? ({ type: ResponseType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, data: { flags: EPHEMERAL } } as const)
    : ({ type: ResponseType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE } as const);
}

// ---------------------------------------------------------------------------------------------
// The /event command

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const EVENT_COMMANDS = [
  {
    name: 'event',
    type: 1,
    description: 'Registration status and reports',
    // Manage Server by default; a server admin can open it to other roles in the server settings.
    default_member_permissions: String(1 << 5),
    options: [
      { type: 1, name: 'list', description: 'Events whose registrations yeyak follows' },
      {
        type: 1,
        name: 'status',
        description: 'Tickets sold so far, by ticket type',
        options: [{ type: 3, name: 'slug', description: 'Event slug, e.g. 2025-individual', required: true }],
      },
      {
        type: 1,
        name: 'report',
        description: 'De-identified registrations between two dates, as a CSV file',
        options: [
          { type: 3, name: 'slug', description: 'Event slug, e.g. 2025-individual', required: true },
          {
            type: 3,
            name: 'from',
            description: 'First day, YYYY-MM-DD',
            required: true,
            min_length: 10,
            max_length: 10,
          },
          {
            type: 3,
            name: 'to',
            description: 'Last day, YYYY-MM-DD',
            required: true,
            min_length: 10,
            max_length: 10,
          },
        ],
      },
    ],
  },
] as const;

export type EventCommand =
  | { name: 'list' }
  | { name: 'status'; slug: string }
  | { name: 'report'; slug: string; from: string; to: string };

/**
 * Reads `/event <sub> …` out of an APPLICATION_COMMAND interaction. Returns an error text fit to
 * show the user when the command or its options are not what we registered.
 */
export function readEventCommand(
  i: Interaction,
): { ok: true; command: EventCommand } | { ok: false; error: string; problem: CommandProblem } {
  if (i.type !== InteractionType.APPLICATION_COMMAND || i.data?.name !== 'event')
    return { ok: false, error: 'unknown command', problem: 'unknown' };
  const sub = i.data.options?.[0];
  if (sub?.type !== 1) return { ok: false, error: 'choose list, status or report', problem: 'choose' };
  const opt = (name: string) => {
    const v = sub.options?.find((o) => o.name === name)?.value;
    return typeof v === 'string' ? v.trim() : undefined;
  };
  if (sub.name === 'list') return { ok: true, command: { name: 'list' } };
  const slug = opt('slug');
  if (!slug) return { ok: false, error: 'slug is required', problem: 'slug' };
  if (sub.name === 'status') return { ok: true, command: { name: 'status', slug } };
  if (sub.name === 'report') {
    const from = opt('from');
    const to = opt('to');
    for (const [k, v] of [
      ['from', from],
      ['to', to],
    ] as const)
      if (!v || !DATE.test(v) || Number.isNaN(Date.parse(v)))
        return { ok: false, error: `${k} must be YYYY-MM-DD`, problem: k };
    if ((from as string) > (to as string))
      return { ok: false, error: 'from must not be after to', problem: 'order' };
    return { ok: true, command: { name: 'report', slug, from: from as string, to: to as string } };
  }
  return { ok: false, error: `unknown subcommand ${sub.name}`, problem: 'choose' };
}

// ---------------------------------------------------------------------------------------------
// Sending

export type DiscordFile = {
  filename: string;
  data: string | Buffer | Uint8Array;
  contentType?: string;
  description?: string;
};

const sharedHttp = new Http('discord');

/** JSON, or multipart with `payload_json` and `files[n]` when there are files. */
function encode(
  message: MessageData,
  files: DiscordFile[] = [],
): { body: string | FormData; headers: Record<string, string> } {
  if (files.length === 0)
    return { body: JSON.stringify(message), headers: { 'content-type': 'application/json' } };
  const payload: MessageData = {
    ...message,
    attachments: [
      ...(message.attachments ?? []),
      ...files.map((f, i) => ({
        id: i,
        filename: f.filename,
        ...(f.description ? { description: f.description } : {}),
      })),
    ],
  };
  const form = new FormData();
  form.append('payload_json', JSON.stringify(payload));
  files.forEach((f, i) => {
    const bytes = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data;
    form.append(
      `files[${i}]`,
      new Blob([new Uint8Array(bytes)], { type: f.contentType ?? 'application/octet-stream' }),
      f.filename,
    );
  });
  return { body: form, headers: {} };
}

async function call(
  http: Http,
  method: string,
  url: string,
  what: string,
  message: unknown,
  opts: { headers?: Record<string, string>; files?: DiscordFile[]; idempotent?: boolean } = {},
): Promise<unknown> {
  const { body, headers } =
    method === 'PUT'
      ? { body: JSON.stringify(message), headers: { 'content-type': 'application/json' } }
      : encode(fitMessage(message as MessageData), opts.files);
  const { res, text } = await http.request(url, {
    method,
    body,
    headers: { 'user-agent': USER_AGENT, ...headers, ...opts.headers },
    idempotent: opts.idempotent ?? false,
  });
  if (res.status === 204) return undefined;
  const parsed = safeJson(text) as { message?: string; code?: number } | undefined;
  if (!res.ok) {
    const reason = reasonFor(res.status);
    const detail = parsed?.message
      ? `${parsed.message}${parsed.code ? ` (code ${parsed.code})` : ''}`
      : excerpt(text);
    // Discord gives the wait in the Retry-After header and in the body's retry_after.
    const retry = retryAfterMs(res, parsed);
    throw new DiscordError(reason, `Discord refused ${what}: HTTP ${res.status} ${detail}`, {
      upstreamStatus: res.status,
      ...(retry !== undefined ? { retryAfterMs: retry } : {}),
    });
  }
  return parsed;
}

export type SendOptions = { baseUrl?: string; http?: Http };

/**
 * A new follow-up message to an interaction: `POST /webhooks/{application_id}/{token}`, multipart
 * when there are files. No bot token needed; the interaction token is valid for 15 minutes.
 */
export async function sendFollowup(
  applicationId: string,
  token: string,
  message: MessageData,
  files: DiscordFile[] = [],
  opts: SendOptions = {},
): Promise<unknown> {
  const url = joinUrl(opts.baseUrl ?? DISCORD_API, `/webhooks/${enc(applicationId)}/${enc(token)}`);
  return call(opts.http ?? sharedHttp, 'POST', url, 'the follow-up', message, { files });
}

/** Replaces the "thinking…" of a deferred answer: `PATCH …/messages/@original`. */
export async function editOriginalResponse(
  applicationId: string,
  token: string,
  message: MessageData,
  files: DiscordFile[] = [],
  opts: SendOptions = {},
): Promise<unknown> {
  const url = joinUrl(
    opts.baseUrl ?? DISCORD_API,
    `/webhooks/${enc(applicationId)}/${enc(token)}/messages/@original`,
  );
  return call(opts.http ?? sharedHttp, 'PATCH', url, 'the edit of the original response', message, {
    files,
    idempotent: true,
  });
}

/**
 * Posts to an incoming webhook (`https://discord.com/api/webhooks/{id}/{token}`; the URL is the
 * secret). With `wait` Discord answers with the created message, otherwise 204.
 */
export async function postWebhook(
  webhookUrl: string,
  message: MessageData,
  opts: { wait?: boolean; files?: DiscordFile[]; http?: Http } = {},
): Promise<unknown> {
  if (!message.content && !message.embeds?.length && !opts.files?.length)
    throw new DiscordError('rejected', 'a webhook message needs content, embeds or a file');
  const url = new URL(webhookUrl);
  if (opts.wait) url.searchParams.set('wait', 'true');
  return call(opts.http ?? sharedHttp, 'POST', url.toString(), 'the webhook post', message, {
    files: opts.files,
  });
}

/**
 * Replaces the application's commands (`PUT …/commands`, bulk overwrite): in one guild (instant,
 * good for testing) when `guildId` is given, globally otherwise.
 */
export async function registerCommands(
  appId: string,
  guildId: string | undefined,
  botToken: string,
  baseUrl: string = DISCORD_API,
  commands: readonly unknown[] = EVENT_COMMANDS,
  http: Http = sharedHttp,
): Promise<{ id: string; name: string }[]> {
  const path = guildId
    ? `/applications/${enc(appId)}/guilds/${enc(guildId)}/commands`
    : `/applications/${enc(appId)}/commands`;
  const out = await call(http, 'PUT', joinUrl(baseUrl, path), 'the command registration', commands, {
    headers: { authorization: `Bot ${botToken}` },
    idempotent: true,
  });
  if (!Array.isArray(out))
    throw new DiscordError('bad_response', 'Discord did not return the registered commands');
  return out as { id: string; name: string }[];
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// Announcements

/** Escapes Discord markdown, so a masked `J*** S****` does not turn into italics. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_~`|>#[\]])/g, '\\$1').replace(/@/g, '@\u200b');
}

/**
 * The channel announcement for a new attendee: masked name, ticket type, running total. `total` is
 * the admission number taken when the attendee was recorded (tickets registered so far, this one
 * included), so it is unique per event however the posts race.
 */
export function announcement(input: {
  name?: string;
  ticketName: string;
  /** tickets in this registration, when more than one */
  quantity?: number;
  total: number;
  eventName?: string;
}): MessageData {
  const who = input.name ? quoted(maskName(input.name)) : 'Someone';
  const what = quoted(input.ticketName) + (input.quantity && input.quantity > 1 ? ` ×${input.quantity}` : '');
  const where = input.eventName ? ` for ${quoted(input.eventName, 200)}` : '';
  return {
    content: `🎉 ${who} registered${where} (${what}). Total: ${input.total.toLocaleString('en-US')}`,
    allowed_mentions: { parse: [] },
  };
}
