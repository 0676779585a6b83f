/**
 * Registration figures: one KKTIX sync of an event with 5,000 attendees of whom 50 are new
 * (requests and time, at the client's default 100 ms pacing), and purchase → welcome mail accepted
 * by SMTP through the webhook and at the default 3-minute poll interval.
 *
 *   node --import tsx bench/registration.ts [--attendees 5000] [--new 50]
 */
import { startDiscordSim } from '../sims/discord/index.ts';
import { startGatherSim } from '../sims/gather/index.ts';
import { startKktixSim } from '../sims/kktix/index.ts';
import { contactOf } from '../src/modules/registration/sources/kktix.ts';
import { eventually, login, startApp, startSmtp } from '../test/helpers.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('attendees', 5000);
const NEW = arg('new', 50);
const EVENT = 9001;

const kktix = await startKktixSim({ seed: 5, events: [{ id: EVENT, name: 'Bench', attendees: N }] });
const gather = await startGatherSim();
const discord = await startDiscordSim();
const smtp = await startSmtp();
const t = await startApp('pglite', {
  smtpUrl: smtp.url,
  registrationKktixIntervalMs: 0,
  discord: { publicKey: discord.publicKeyHex, applicationId: discord.applicationId, apiUrl: discord.api },
});
try {
  const org = await login(t, 'organizer');
  const created = await org.api.post<{ event: { id: string; webhookPath: string } }>(
    '/api/registration/events',
    {
      slug: 'bench',
      name: 'Bench',
      source: 'kktix',
      kktix: { baseUrl: kktix.url, eventId: String(EVENT), token: kktix.token() },
      gather: { enabled: true, baseUrl: gather.url, spaceId: gather.spaceId, apiKey: gather.apiKey },
      mail: { enabled: true },
      discord: { enabled: true, webhookUrl: discord.createWebhook() },
    },
  );
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const ev = created.body.data!.event;
  const baselineStart = Date.now();
  await eventually(
    async () => {
      const e = await org.api.get<{ event: { sync: { lastOkAt: string | null } } }>(
        `/api/registration/events/${ev.id}`,
      );
      return e.body.data!.event.sync.lastOkAt !== null;
    },
    600_000,
    200,
  );
  console.log(`baseline sync of ${N} attendees (unpaced): ${Date.now() - baselineStart} ms`);

  // The default pacing from here on: 100 ms between KKTIX requests.
  t.config.registrationKktixIntervalMs = 100;
  const fresh = kktix.addPaid(EVENT, NEW);
  kktix.resetRequests();
  const s0 = Date.now();
  const sync = await org.api.post<{ sync: Record<string, number> }>(`/api/registration/events/${ev.id}/sync`);
  const syncMs = Date.now() - s0;
  console.log(
    `sync of ${N + NEW} attendees, ${NEW} new: ${syncMs} ms, ${sync.body.data!.sync.requests} KKTIX requests (${kktix.requests.length} seen by the sim), added ${sync.body.data!.sync.added}`,
  );
  await eventually(
    async () =>
      fresh.every((a) =>
        smtp.messages.some((m) => JSON.stringify(m.parsed.to).includes(contactOf(a).email as string)),
      ),
    120_000,
  );
  const pipelineMs = Date.now() - s0;
  console.log(`…and all ${NEW} welcome mails accepted by SMTP ${pipelineMs} ms after the sync started`);

  // Webhook: one purchase, one batch, until its mail is accepted.
  const w0 = Date.now();
  const [one] = kktix.addPaid(EVENT, 1);
  await kktix.sendWebhook(t.url + ev.webhookPath);
  await eventually(
    async () =>
      smtp.messages.some((m) => JSON.stringify(m.parsed.to).includes(contactOf(one).email as string)),
    60_000,
    20,
  );
  const webhookMs = Date.now() - w0;
  console.log(`purchase → webhook → welcome mail accepted: ${webhookMs} ms`);

  // Poll: a purchase waits for the next poll (uniform over the interval), then the same pipeline.
  const p0 = Date.now();
  const [two] = kktix.addPaid(EVENT, 1);
  await org.api.post(`/api/registration/events/${ev.id}/sync`);
  await eventually(
    async () =>
      smtp.messages.some((m) => JSON.stringify(m.parsed.to).includes(contactOf(two).email as string)),
    60_000,
    20,
  );
  const pollPipeline = Date.now() - p0;
  console.log(
    `purchase → poll → welcome mail accepted: pipeline ${pollPipeline} ms; at the default 3 min interval that is ≤ ${(180 + pollPipeline / 1000).toFixed(1)} s worst case, ${(90 + pollPipeline / 1000).toFixed(1)} s on average`,
  );
} finally {
  await t.stop();
  await kktix.close();
  await gather.close();
  await discord.close();
  await smtp.close();
}
