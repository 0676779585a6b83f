import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordSim } from '../../sims/discord/index.ts';
import { startGatherSim } from '../../sims/gather/index.ts';
import { startKktixSim } from '../../sims/kktix/index.ts';
import { announcement, postWebhook } from '../../src/modules/registration/actions/discord.ts';
import { createGatherClient } from '../../src/modules/registration/actions/gather.ts';
import { deidentifyAttendee } from '../../src/modules/registration/deidentify.ts';
import {
  contactOf,
  createKktixClient,
  diffAttendees,
  isActive,
} from '../../src/modules/registration/sources/kktix.ts';
import { toCsv, toNdjson } from '../../src/platform/csv.ts';

const SECRET = 'flow-test-secret-0123456789abcdefghijkl';

/** The adapters composed the way the pipeline job will: sync, diff, act, export. */
describe('one polling round across the stand-ins', () => {
  let kktixSim: Awaited<ReturnType<typeof startKktixSim>>;
  let gatherSim: Awaited<ReturnType<typeof startGatherSim>>;
  let discordSim: Awaited<ReturnType<typeof startDiscordSim>>;
  beforeAll(async () => {
    kktixSim = await startKktixSim({
      seed: 3,
      events: [{ id: 3001, name: 'Conf 2025 Registration', attendees: 200 }],
    });
    gatherSim = await startGatherSim({ guestlist: { 'organiser@example.org': { role: 'owner' } } });
    discordSim = await startDiscordSim();
  });
  afterAll(async () => {
    await kktixSim.close();
    await gatherSim.close();
    await discordSim.close();
  });

  it('lets new attendees in, announces them, takes refunds out and exports without PII', async () => {
    const kktix = createKktixClient({ baseUrl: kktixSim.url, token: kktixSim.token(), minIntervalMs: 0 });
    const gather = createGatherClient({
      baseUrl: gatherSim.url,
      apiKey: gatherSim.apiKey,
      spaceId: gatherSim.spaceId,
      allowRemoval: true,
    });
    const hook = discordSim.createWebhook();

    const first = await kktix.syncEvent(3001);
    expect(first.attendees.size).toBe(200);
    const added = kktixSim.addPaid(3001, 3);
    const [refunded] = kktixSim.refund(3001, 1);
    const second = await kktix.syncEvent(3001, { known: first.attendees });
    const diff = diffAttendees(first.attendees, second.attendees);
    expect(diff.added).toHaveLength(3);
    expect(diff.refunded.map((a) => a.id)).toEqual([refunded.id]);

    let total = [...first.attendees.values()].filter(isActive).length - diff.refunded.length;
    for (const a of diff.added) {
      const c = contactOf(a);
      await gather.addGuests([
        { email: c.email as string, guest: { role: 'guest', affiliation: 'Attendee' } },
      ]);
      await postWebhook(hook, announcement({ name: c.name, ticketName: a.ticket_name, total: ++total }));
    }
    for (const a of diff.refunded) await gather.removeGuest(contactOf(a).email as string);

    const list = gatherSim.guestlist();
    expect(Object.keys(list).sort()).toEqual(
      ['organiser@example.org', ...added.map((a) => contactOf(a).email as string)].sort(),
    );
    const posts = discordSim.messages
      .filter((m) => m.kind === 'webhook')
      .map((m) => String(m.payload.content));
    expect(posts).toHaveLength(3);
    expect(posts[2]).toMatch(/Total: 202$/);
    for (const a of added) expect(posts.join('\n')).not.toContain(contactOf(a).name as string);

    const rows = [...second.attendees.values()].map((a) =>
      deidentifyAttendee(a, { secret: SECRET, scope: 'flow' }),
    );
    const exported = toCsv(rows) + toNdjson(rows);
    for (const a of second.attendees.values()) {
      const c = contactOf(a);
      expect(exported).not.toContain(c.email as string);
      expect(exported).not.toContain(c.phone as string);
    }
    expect(rows.every((r) => typeof r.email_pseudonym === 'string' && typeof r.paid_date === 'string')).toBe(
      true,
    );
  });
});
