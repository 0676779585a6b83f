import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/modules/registration/actions/discord.ts';
import { createGatherClient } from '../../src/modules/registration/actions/gather.ts';
import { createKktixClient } from '../../src/modules/registration/sources/kktix.ts';
import {
  checkOutboundUrl,
  forbiddenAddress,
  guardedFetch,
  MAX_REDIRECTS,
  type OutboundPolicy,
  OutboundRefused,
  outboundPolicy,
  type Resolve,
  setOutboundPolicy,
} from '../../src/platform/net/outbound.ts';
import { backends, login, startApp, type TestApp } from '../helpers.ts';

/** Names a test resolver knows: as a public DNS would answer for a rebinding or nip.io-style name. */
const resolve: Resolve = async (host) => {
  const table: Record<string, string[]> = {
    localhost: ['127.0.0.1'],
    '127.0.0.1.nip.io': ['127.0.0.1'],
    'public.example': ['127.0.0.1'], // the redirector below, allowed by name in its tests
    'both.example': ['93.184.216.34', '10.0.0.7'],
    'mapped.example': ['::ffff:169.254.169.254'],
  };
  const found = table[host];
  if (!found) throw new Error(`ENOTFOUND ${host}`);
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const none: OutboundPolicy = { allow: [], resolve };
const loopback: OutboundPolicy = {
  allow: ['127.0.0.1', 'localhost', '[::1]', '127.0.0.1.nip.io', 'public.example'],
  resolve,
};

describe('outbound guard', () => {
  let target: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    // Dual-stack, so 127.0.0.1, [::1] and [::ffff:127.0.0.1] all reach it when allowed.
    target = createServer((req, res) => {
      hits++;
      const hops = /^\/hop\/(\d+)$/.exec(req.url ?? '');
      if (req.url === '/to-loopback') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/inside` });
        return res.end();
      }
      if (req.url === '/to-metadata') {
        res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      }
      if (hops) {
        res.writeHead(302, { location: `/hop/${Number(hops[1]) + 1}` });
        return res.end();
      }
      res.end(`inside ${req.method} ${req.url}`);
    });
    await new Promise<void>((r) => target.listen(0, '::', r));
    port = (target.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => target.close(() => r())));

  const inside = () => [
    `http://127.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://2130706433:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://0x7f.1:${port}/`,
    `http://127.0.0.1.nip.io:${port}/`,
  ];

  it('refuses loopback in every spelling, and reaches none of it', async () => {
    const before = hits;
    for (const url of inside()) {
      await expect(guardedFetch(url, {}, none), url).rejects.toBeInstanceOf(OutboundRefused);
      await expect(checkOutboundUrl(url, none), url).rejects.toBeInstanceOf(OutboundRefused);
    }
    expect(hits).toBe(before);
  });

  it('refuses private, link-local, metadata and other inside addresses', async () => {
    for (const url of [
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://[fd12:3456::1]/',
      'http://[::]/',
      'http://0.0.0.0/',
      'http://224.0.0.1/',
      'http://[::ffff:a9fe:a9fe]/', // 169.254.169.254 mapped
      'http://[64:ff9b::a00:1]/', // 10.0.0.1 through NAT64
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://both.example/', // one public, one private address
      'http://mapped.example/', // a name whose AAAA hides the metadata address
      'ftp://example.com/',
      'http://user:pw@93.184.216.34/',
    ])
      await expect(guardedFetch(url, {}, none), url).rejects.toBeInstanceOf(OutboundRefused);
  });

  it('tells public addresses from inside ones', () => {
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001::200e'])
      expect(forbiddenAddress(ip), ip).toBe(false);
    for (const ip of [
      '127.0.0.2',
      '::1',
      '::ffff:10.0.0.1',
      '::10.0.0.1',
      '2002:a9fe:a9fe::1',
      'fe80::1%eth0',
    ])
      expect(forbiddenAddress(ip), ip).toBe(true);
  });

  it('re-checks every redirect: a public-looking address cannot send the request inside', async () => {
    // public.example is allowed by name (it is the stand-in); where it redirects is not.
    const onlyRedirector: OutboundPolicy = { allow: ['public.example'], resolve };
    const before = hits;
    await expect(
      guardedFetch(`http://public.example:${port}/to-loopback`, {}, onlyRedirector),
    ).rejects.toBeInstanceOf(OutboundRefused);
    await expect(
      guardedFetch(
        `http://public.example:${port}/to-metadata`,
        { method: 'POST', body: 'x' },
        onlyRedirector,
      ),
    ).rejects.toBeInstanceOf(OutboundRefused);
    expect(hits - before).toBe(2); // the redirector only, never /inside
  });

  it('allows the listed hosts, and follows their redirects up to a limit', async () => {
    for (const url of inside()) {
      const res = await guardedFetch(url, {}, loopback);
      expect(await res.text(), url).toBe('inside GET /');
    }
    const hop = await guardedFetch(`http://public.example:${port}/to-loopback`, {}, loopback);
    expect(await hop.text()).toBe('inside GET /inside');
    // A POST redirected by 302 goes on as a GET, as browsers do.
    const post = await guardedFetch(
      `http://127.0.0.1:${port}/to-loopback`,
      { method: 'POST', body: 'x' },
      loopback,
    );
    expect(await post.text()).toBe('inside GET /inside');
    await expect(guardedFetch(`http://127.0.0.1:${port}/hop/0`, {}, loopback)).rejects.toThrow(
      `more than ${MAX_REDIRECTS} redirects`,
    );
    // A port in the entry limits it to that port.
    const portOnly: OutboundPolicy = { allow: [`127.0.0.1:${port + 1}`], resolve };
    await expect(guardedFetch(`http://127.0.0.1:${port}/`, {}, portOnly)).rejects.toBeInstanceOf(
      OutboundRefused,
    );
  });
  it('is what the KKTIX, Gather and Discord adapters fetch with', async () => {
    const saved = outboundPolicy();
    const before = hits;
    setOutboundPolicy({ allow: [] });
    try {
      const base = `http://127.0.0.1:${port}`;
      await expect(postWebhook(`${base}/api/webhooks/1/x`, { content: 'hi' })).rejects.toThrow(/refused/);
      await expect(
        createKktixClient({ baseUrl: base, token: 'token-123456' }).listAttendanceBooks('1'),
      ).rejects.toThrow(/refused/);
      await expect(
        createGatherClient({ baseUrl: base, apiKey: 'key-1234', spaceId: 'a\\b' }).getGuestlist(),
      ).rejects.toThrow(/refused/);
    } finally {
      setOutboundPolicy(saved);
    }
    expect(hits).toBe(before);
  });
});

describe.each(backends)('organiser URLs on %s', (backend) => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof login>>;

  beforeAll(async () => {
    // No allow list at all: as a deployment without stand-ins.
    t = await startApp(backend, { outboundAllow: [] });
    org = await login(t, 'organizer');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const event = (over: Record<string, unknown>) => ({
    slug: `ev-${Date.now()}`,
    name: 'Guarded',
    source: 'kktix',
    kktix: { baseUrl: 'http://169.254.169.254/latest', eventId: '1', token: 'token-123456' },
    ...over,
  });

  it('answers 400 naming the field for an inside address, and fetches nothing', async () => {
    const r = await org.api.post('/api/registration/events', event({}));
    expect(r.status).toBe(400);
    expect(r.body.data).toEqual({
      errors: [{ path: 'body.kktix.baseUrl', message: expect.stringMatching(/not a public address/) }],
    });
    const hook = await org.api.post(
      '/api/registration/events',
      event({
        kktix: { baseUrl: 'http://[::ffff:127.0.0.1]:1/', eventId: '1', token: 'token-123456' },
        discord: { enabled: true, webhookUrl: 'http://2130706433/api/webhooks/1/x' },
        gather: { enabled: false, baseUrl: 'http://10.0.0.1/' },
      }),
    );
    expect(hook.status).toBe(400);
    expect((hook.body.data as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'body.kktix.baseUrl',
      'body.gather.baseUrl',
      'body.discord.webhookUrl',
    ]);
  });
});
