import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordSim } from '../../sims/discord/index.ts';
import {
  announcement,
  channelMessage,
  clip,
  DiscordError,
  deferredMessage,
  EVENT_COMMANDS,
  editOriginalResponse,
  fitContent,
  type Interaction,
  parseInteraction,
  pong,
  postWebhook,
  readEventCommand,
  registerCommands,
  sendFollowup,
  verifyDiscordRequest,
} from '../../src/modules/registration/actions/discord.ts';
import { toCsv } from '../../src/platform/csv.ts';

type Sim = Awaited<ReturnType<typeof startDiscordSim>>;

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<DiscordError> {
  try {
    await p;
  } catch (e) {
    return e as DiscordError;
  }
  throw new Error('expected a rejection');
}

const REPORT_ROWS = [
  { attendee_id: '1', ticket_name: 'Regular 一般票', name_masked: '王*明', paid_date: '2025-07-01' },
  { attendee_id: '2', ticket_name: 'Student 學生票', name_masked: 'J*** S****', paid_date: '2025-07-02' },
];

/**
 * A minimal interactions endpoint built from the adapter's pieces, the way the route at
 * POST /api/discord/interactions will use them.
 */
async function startBot(sim: Sim, opts: { delayMs?: number } = {}) {
  const rejected: string[] = [];
  const followups: Promise<unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const check = verifyDiscordRequest(
        sim.publicKeyHex,
        req.headers['x-signature-ed25519'] as string | undefined,
        req.headers['x-signature-timestamp'] as string | undefined,
        raw,
      );
      if (!check.ok) {
        rejected.push(check.reason);
        return reply(401, { code: 401, description: 'invalid request signature' });
      }
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const i: Interaction = parseInteraction(raw);
      if (i.type === 1) return reply(200, pong());
      const read = readEventCommand(i);
      if (!read.ok) return reply(200, channelMessage(read.error, { ephemeral: true }));
      const cmd = read.command;
      if (cmd.name === 'list') return reply(200, channelMessage('2025-individual, 2025-corporate'));
      if (cmd.name === 'status') return reply(200, channelMessage(`${cmd.slug}: 2 sold`));
      // A report takes longer than 3 s in real life: defer, then follow up with the file.
      reply(200, deferredMessage());
      followups.push(
        sendFollowup(
          i.application_id,
          i.token,
          { content: `Registrations of ${cmd.slug}, ${cmd.from} – ${cmd.to}` },
          [
            {
              filename: `${cmd.slug}-${cmd.from}-${cmd.to}.csv`,
              data: toCsv(REPORT_ROWS, { bom: true }),
              contentType: 'text/csv; charset=utf-8',
              description: 'de-identified registrations',
            },
          ],
          { baseUrl: sim.api },
        ).catch((e) => e),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/discord/interactions`,
    rejected,
    followups,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('verifyDiscordRequest', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startDiscordSim();
  });
  afterAll(() => sim.close());

  it('accepts a good signature and rejects bad, stale, tampered and malformed ones', () => {
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    const body = '{"type":1}';
    const sig = sim.sign(ts, body);
    expect(verifyDiscordRequest(sim.publicKeyHex, sig, ts, body, now)).toEqual({ ok: true });
    expect(verifyDiscordRequest(sim.publicKeyHex, sig, ts, Buffer.from(body), now)).toEqual({ ok: true });
    expect(verifyDiscordRequest(sim.publicKeyHex, sig, ts, '{"type":2}', now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(verifyDiscordRequest(sim.publicKeyHex, flipped, ts, body, now).ok).toBe(false);
    // 6 minutes later the same request is stale; so is one from 6 minutes in the future
    expect(verifyDiscordRequest(sim.publicKeyHex, sig, ts, body, now + 360_000)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyDiscordRequest(sim.publicKeyHex, sig, ts, body, now - 360_000)).toMatchObject({
      reason: 'stale',
    });
    expect(verifyDiscordRequest(sim.publicKeyHex, sig, ts, body, now + 240_000)).toEqual({ ok: true });
    expect(verifyDiscordRequest(sim.publicKeyHex, 'zz', ts, body, now)).toMatchObject({
      reason: 'malformed',
    });
    expect(verifyDiscordRequest(sim.publicKeyHex, undefined, ts, body, now)).toMatchObject({
      reason: 'malformed',
    });
    expect(verifyDiscordRequest(sim.publicKeyHex, sig, 'abc', body, now)).toMatchObject({
      reason: 'malformed',
    });
  });
});

describe('Discord interactions over HTTP with the stand-in', () => {
  let sim: Sim;
  let bot: Awaited<ReturnType<typeof startBot>>;
  beforeAll(async () => {
    sim = await startDiscordSim();
    bot = await startBot(sim);
  });
  afterAll(async () => {
    await bot.close();
    await sim.close();
  });

  it('answers a signed PING with PONG', async () => {
    const r = await sim.ping(bot.url);
    expect(r.status).toBe(200);
    expect(r.response).toEqual({ type: 1 });
    expect(r.acknowledged).toBe(true);
  });

  it('rejects a bad and a stale signature with 401', async () => {
    const bad = await sim.ping(bot.url, { signature: 'bad' });
    const stale = await sim.command(bot.url, 'list', {}, { signature: 'stale' });
    expect([bad.status, stale.status]).toEqual([401, 401]);
    expect(bot.rejected).toEqual(['bad_signature', 'stale']);
  });

  it('answers /event list and /event status at once', async () => {
    const list = await sim.command(bot.url, 'list');
    expect(list.response).toMatchObject({
      type: 4,
      data: { content: expect.stringContaining('2025-individual') },
    });
    const status = await sim.command(bot.url, 'status', { slug: '2025-individual' });
    expect(status.response).toMatchObject({ type: 4, data: { content: '2025-individual: 2 sold' } });
    const wrong = await sim.command(bot.url, 'report', { slug: 'x', from: '2025-13-01', to: '2025-07-01' });
    expect(wrong.response).toMatchObject({
      type: 4,
      data: { flags: 64, content: 'from must be YYYY-MM-DD' },
    });
  });

  it('defers /event report and follows up with a CSV file the stand-in parses', async () => {
    const before = sim.messages.length;
    const r = await sim.command(bot.url, 'report', {
      slug: '2025-individual',
      from: '2025-07-01',
      to: '2025-07-31',
    });
    expect(r.response).toEqual({ type: 5 });
    expect(r.acknowledged).toBe(true);
    const answer = (await bot.followups.at(-1)) as { attachments: { filename: string; size: number }[] };
    expect(answer).not.toBeInstanceOf(Error);
    expect(answer.attachments[0].filename).toBe('2025-individual-2025-07-01-2025-07-31.csv');

    const m = sim.messages[before];
    expect(m.kind).toBe('followup');
    expect(m.contentType).toBe('multipart');
    expect(m.payload).toMatchObject({
      content: 'Registrations of 2025-individual, 2025-07-01 – 2025-07-31',
      attachments: [{ id: 0, filename: '2025-individual-2025-07-01-2025-07-31.csv' }],
      allowed_mentions: { parse: [] },
    });
    expect(m.files).toHaveLength(1);
    expect(m.files[0].field).toBe('files[0]');
    expect(m.files[0].contentType).toMatch(/^text\/csv/);
    const rows = m.files[0].text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(rows).toEqual([
      'attendee_id,ticket_name,name_masked,paid_date',
      '1,Regular 一般票,王*明,2025-07-01',
      '2,Student 學生票,J*** S****,2025-07-02',
    ]);
  });

  it('can edit the deferred original with a file too', async () => {
    const i = sim.commandInteraction('report', { slug: 's', from: '2025-01-01', to: '2025-01-02' });
    const r = await sim.sendInteraction(bot.url, i);
    expect(r.acknowledged).toBe(true);
    await bot.followups.at(-1);
    await editOriginalResponse(
      sim.applicationId,
      i.token,
      { content: 'done' },
      [{ filename: 'r.csv', data: 'a\r\n1\r\n' }],
      {
        baseUrl: sim.api,
      },
    );
    const m = sim.messages.at(-1);
    expect(m?.kind).toBe('edit_original');
    expect(m?.files[0].text).toBe('a\r\n1\r\n');
  });

  it('a follow-up with an unknown token is a typed error', async () => {
    const err = await rejection(
      sendFollowup(sim.applicationId, 'no-such-token', { content: 'x' }, [], {
        baseUrl: sim.api,
      }),
    );
    expect(err).toBeInstanceOf(DiscordError);
    expect(err.reason).toBe('not_found');
    expect(err.message).toMatch(/Unknown Webhook/);
  });
});

describe('deadlines and token lifetime', () => {
  it('an answer after the deadline does not acknowledge; follow-ups then fail', async () => {
    const sim = await startDiscordSim({ deadlineMs: 100 });
    const bot = await startBot(sim, { delayMs: 250 });
    try {
      const r = await sim.command(bot.url, 'report', { slug: 's', from: '2025-01-01', to: '2025-01-02' });
      expect(r.late).toBe(true);
      expect(r.acknowledged).toBe(false);
      const err = await bot.followups.at(-1);
      expect(err).toBeInstanceOf(DiscordError);
    } finally {
      await bot.close();
      await sim.close();
    }
  });

  it('follow-ups stop 15 minutes after the interaction', async () => {
    let clock = Date.now();
    const sim = await startDiscordSim({ now: () => clock });
    const bot = await startBot(sim);
    try {
      const i = sim.commandInteraction('list');
      expect((await sim.sendInteraction(bot.url, i)).acknowledged).toBe(true);
      await sendFollowup(sim.applicationId, i.token, { content: 'in time' }, [], { baseUrl: sim.api });
      clock += 16 * 60_000;
      const err = await rejection(
        sendFollowup(sim.applicationId, i.token, { content: 'late' }, [], {
          baseUrl: sim.api,
        }),
      );
      expect(err).toBeInstanceOf(DiscordError);
      expect(err.reason).toBe('unauthorized');
      expect(sim.messages.map((m) => m.payload.content)).toEqual(['in time']);
    } finally {
      await bot.close();
      await sim.close();
    }
  });
});

describe('incoming webhooks and command registration', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startDiscordSim();
  });
  afterAll(() => sim.close());

  it('posts an announcement with a masked, escaped name and no mentions', async () => {
    const hook = sim.createWebhook();
    const msg = announcement({ name: 'John Smith', ticketName: 'Regular 一般票', total: 1234 });
    expect(await postWebhook(hook, msg)).toBeUndefined(); // 204 without wait
    const created = (await postWebhook(
      hook,
      announcement({ name: '王小明', ticketName: 'VIP', total: 1235 }),
      {
        wait: true,
      },
    )) as { id: string; content: string };
    expect(created.content).toContain('王\\*明');
    const [first] = sim.messages.filter((m) => m.kind === 'webhook');
    expect(first.payload).toEqual({
      content: '🎉 J\\*\\*\\* S\\*\\*\\*\\* registered (Regular 一般票). Total: 1,234',
      allowed_mentions: { parse: [] },
    });
    const evil = announcement({ name: '@everyone', ticketName: 'x', total: 1 });
    expect(evil.content).not.toContain('@everyone');
  });

  it('an unknown webhook is a typed error; an empty message is refused before sending', async () => {
    const err = await rejection(postWebhook(`${sim.api}/webhooks/1/nope`, { content: 'x' }));
    expect(err).toBeInstanceOf(DiscordError);
    expect(err.reason).toBe('not_found');
    await expect(postWebhook(sim.createWebhook(), {})).rejects.toBeInstanceOf(DiscordError);
  });

  it('registers /event list|status|report in a guild and globally (bulk overwrite)', async () => {
    const guild = await registerCommands(sim.applicationId, '555', sim.botToken, sim.api);
    expect(guild.map((c) => c.name)).toEqual(['event']);
    expect((sim.commands('555')[0].options as { name: string }[]).map((o) => o.name)).toEqual([
      'list',
      'status',
      'report',
    ]);
    await registerCommands(sim.applicationId, undefined, sim.botToken, sim.api);
    await registerCommands(sim.applicationId, undefined, sim.botToken, sim.api); // idempotent
    expect(sim.commands()).toHaveLength(1);
    expect(sim.registrations).toEqual([
      { scope: '555', count: 1 },
      { scope: 'global', count: 1 },
      { scope: 'global', count: 1 },
    ]);
  });

  it('a wrong bot token or an invalid definition is a typed error', async () => {
    const wrong = await rejection(registerCommands(sim.applicationId, '555', 'nope', sim.api));
    expect(wrong).toBeInstanceOf(DiscordError);
    expect(wrong.reason).toBe('unauthorized');
    const bad = [
      {
        ...EVENT_COMMANDS[0],
        options: [
          {
            type: 1,
            name: 'report',
            description: 'd',
            options: [
              { type: 3, name: 'from', description: 'f' },
              { type: 3, name: 'to', description: 't', required: true },
            ],
          },
        ],
      },
    ];
    const invalid = await registerCommands(sim.applicationId, '555', sim.botToken, sim.api, bad).catch(
      (e) => e,
    );
    expect(invalid).toBeInstanceOf(DiscordError);
    expect(invalid.reason).toBe('rejected');
    expect(invalid.message).toMatch(/Invalid Form Body/);
  });
});

describe('readEventCommand', () => {
  const i = (sub: string, values: Record<string, string> = {}) =>
    ({
      id: '1',
      application_id: '2',
      token: 't',
      type: 2,
      data: {
        name: 'event',
        type: 1,
        options: [
          {
            type: 1,
            name: sub,
            options: Object.entries(values).map(([name, value]) => ({ type: 3, name, value })),
          },
        ],
      },
    }) as Interaction;

  it('reads the three subcommands and refuses bad input', () => {
    expect(readEventCommand(i('list'))).toEqual({ ok: true, command: { name: 'list' } });
    expect(readEventCommand(i('status', { slug: ' abc ' }))).toEqual({
      ok: true,
      command: { name: 'status', slug: 'abc' },
    });
    expect(readEventCommand(i('report', { slug: 'a', from: '2025-07-01', to: '2025-07-31' }))).toEqual({
      ok: true,
      command: { name: 'report', slug: 'a', from: '2025-07-01', to: '2025-07-31' },
    });
    expect(readEventCommand(i('report', { slug: 'a', from: '2025-08-01', to: '2025-07-31' }))).toMatchObject({
      ok: false,
    });
    expect(readEventCommand(i('status'))).toEqual({ ok: false, error: 'slug is required', problem: 'slug' });
    expect(readEventCommand(i('nuke'))).toMatchObject({ ok: false });
    expect(readEventCommand({ ...i('list'), type: 1 })).toMatchObject({ ok: false });
  });
});

describe('the 2,000-character limit', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startDiscordSim();
  });
  afterAll(() => sim.close());
  const long = (s: string) => s.repeat(Math.ceil(3000 / s.length)).slice(0, 3000);

  it('clips between graphemes, ends with an ellipsis, leaves no dangling escape', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('abcdefghij', 5)).toBe('abcd…');
    const family = '👨‍👩‍👧';
    const cut = clip(family.repeat(10), 20);
    expect(cut.length).toBeLessThanOrEqual(20);
    expect(cut.replace('…', '').length % family.length).toBe(0);
    expect(clip('ab\\*cd', 4)).toBe('ab…');
    expect(fitContent(long('x'))).toHaveLength(2000);
    const lines = Array.from({ length: 300 }, (_v, i) => `• line ${i}`).join('\n');
    const fitted = fitContent(lines);
    expect(fitted.length).toBeLessThanOrEqual(2000);
    expect(fitted.endsWith('\n…')).toBe(true);
    expect(lines.startsWith(fitted.slice(0, -2))).toBe(true);
  });

  it('announces a 3,000-character attendee name, shortened, instead of failing the delivery', async () => {
    const hook = sim.createWebhook();
    for (const name of [long('王小明'), long('John Smith '), long('@everyone *_')]) {
      const msg = announcement({ name, ticketName: long('VIP 票'), total: 7, eventName: long('Conf ') });
      await postWebhook(hook, msg);
    }
    const sent = sim.messages.filter((m) => m.kind === 'webhook').map((m) => String(m.payload.content));
    expect(sent).toHaveLength(3);
    for (const content of sent) {
      expect(content.length).toBeLessThanOrEqual(2000);
      expect(content).toMatch(/… registered for .*…/);
      expect(content).toMatch(/Total: 7$/);
    }
    expect(sent[2]).not.toContain('@everyone');
  });

  it('fits follow-ups, edits and immediate answers too (one gate for every send)', async () => {
    const bot = await startBot(sim);
    const status = await sim.command(bot.url, 'status', { slug: long('s') });
    expect(status.acknowledged).toBe(true);
    expect(JSON.stringify(status.response).length).toBeLessThan(2200);
    const report = await sim.command(bot.url, 'report', { slug: 'x', from: '2025-07-01', to: '2025-07-02' });
    await sendFollowup(sim.applicationId, report.token, { content: long('y') }, [], { baseUrl: sim.api });
    await editOriginalResponse(sim.applicationId, report.token, { content: long('z') }, [], {
      baseUrl: sim.api,
    });
    const mine = sim.messages.filter((m) => /^[yz]+…$/.test(String(m.payload.content)));
    expect(mine.map((m) => String(m.payload.content).length)).toEqual([2000, 2000]);
    expect(channelMessage(long('w')).data.content).toHaveLength(2000);
    await bot.close();
  });
});
