import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Gather's guest-list calls:
 * `GET /api/getEmailGuestlist?apiKey&spaceId` → `{ "<email>": {name?, affiliation?, role?} }`,
 * `POST /api/setEmailGuestlist {apiKey, spaceId, guestlist, overwrite?}` merging by e-mail unless
 * `overwrite` is true. The space id is `<id>\<Name>` (backslash).
 */

export type GatherGuest = { name?: string; affiliation?: string; role?: string };

export type GatherSimOptions = {
  apiKey?: string;
  spaceId?: string;
  /** entries already on the list (someone else's guests) */
  guestlist?: Record<string, GatherGuest>;
  host?: string;
  port?: number;
};

export async function startGatherSim(options: GatherSimOptions = {}) {
  const apiKey = options.apiKey ?? 'gather-sim-key';
  const spaceId = options.spaceId ?? 'aBcD1234\\yeyak-conf';
  let guestlist: Record<string, GatherGuest> = structuredClone(options.guestlist ?? {});
  let failure: { status: number; body: string; times: number } | undefined;
  const log: { method: string; path: string; status: number; body?: unknown }[] = [];

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://sim');
    const done = (status: number, body?: unknown) => {
      log.push({ method: req.method ?? '', path: url.pathname, status, body: parsed });
      if (body === undefined) res.writeHead(status).end();
      else if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    let parsed: Record<string, unknown> | undefined;
    if (failure && failure.times > 0) {
      failure.times--;
      return done(failure.status, failure.body);
    }
    if (req.method === 'GET' && url.pathname === '/api/getEmailGuestlist') {
      if (url.searchParams.get('apiKey') !== apiKey) return done(403, 'Forbidden: invalid apiKey');
      if (url.searchParams.get('spaceId') !== spaceId) return done(404, 'space not found');
      return done(200, guestlist);
    }
    if (req.method === 'POST' && url.pathname === '/api/setEmailGuestlist') {
      try {
        parsed = JSON.parse(raw);
      } catch {
        return done(400, 'body must be JSON (set content-type: application/json)');
      }
      const body = parsed as {
        apiKey?: unknown;
        spaceId?: unknown;
        guestlist?: unknown;
        overwrite?: unknown;
      };
      if (body.apiKey !== apiKey) return done(403, 'Forbidden: invalid apiKey');
      if (body.spaceId !== spaceId) return done(404, 'space not found');
      const list = body.guestlist;
      if (!list || typeof list !== 'object' || Array.isArray(list))
        return done(400, 'guestlist must be an object keyed by e-mail');
      for (const [email, g] of Object.entries(list)) {
        if (!email.includes('@')) return done(400, `not an e-mail: ${email}`);
        if (!g || typeof g !== 'object') return done(400, `guest ${email} must be an object`);
        for (const [k, v] of Object.entries(g))
          if (typeof v !== 'string') return done(400, `guest ${email}: ${k} must be a string`);
      }
      if (body.overwrite !== undefined && typeof body.overwrite !== 'boolean')
        return done(400, 'overwrite must be a boolean');
      if (body.overwrite === true) guestlist = structuredClone(list as Record<string, GatherGuest>);
      else guestlist = { ...guestlist, ...structuredClone(list as Record<string, GatherGuest>) };
      // Documented as "returns nothing".
      return done(200);
    }
    return done(404, 'not found');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    spaceId,
    /** a copy of the list now */
    guestlist: () => structuredClone(guestlist),
    /** replaces the list directly (as a space admin editing it in Gather would) */
    setGuestlist(list: Record<string, GatherGuest>) {
      guestlist = structuredClone(list);
    },
    /** the next `times` requests (default: all until cleared) answer `status` with `body` */
    fail(status = 500, body = 'Internal Server Error', times = Number.POSITIVE_INFINITY) {
      failure = { status, body, times };
    },
    recover() {
      failure = undefined;
    },
    requests: log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type GatherSim = Awaited<ReturnType<typeof startGatherSim>>;
