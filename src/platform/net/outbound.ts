/**
 * The one way the server fetches a URL someone typed (an organiser's KKTIX, Gather, Discord or
 * BigQuery address, a chat callback): it refuses addresses inside the server's own network —
 * loopback, private, CGNAT, link-local (the cloud metadata service), unique-local, unspecified,
 * multicast, reserved, and IPv4 hidden in IPv6 forms — checking every address a name resolves to,
 * at connect time, so the address checked is the address connected to (no DNS rebinding). Redirects
 * are followed by hand, each hop checked again, at most MAX_REDIRECTS.
 *
 * Operators list hosts that may be reached anyway (`YEYAK_OUTBOUND_ALLOW=127.0.0.1,localhost:4010`),
 * which is how tests and demos reach the stand-ins in sims/.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { Agent } from 'undici';
import { badRequest, type FieldError } from '../errors.ts';

export const MAX_REDIRECTS = 5;

/** Why a URL was refused; callers turn it into a 400 naming the field it came from. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export type OutboundPolicy = {
  /** `host` or `host:port` reachable even when private (IPv6 in brackets: `[::1]:8080`) */
  allow: readonly string[];
  /** name → addresses; the system resolver by default (tests give their own) */
  resolve?: Resolve;
};

const systemResolve: Resolve = (host) =>
  new Promise((ok, fail) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) =>
      err ? fail(err) : ok(addresses),
    ),
  );

// ---------------------------------------------------------------- addresses

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, 169.254.169.254 metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The 16 bytes of an IPv6 address (with or without a trailing dotted IPv4), or undefined. */
function v6Bytes(ip: string): number[] | undefined {
  let s = ip.replace(/^\[|\]$/g, '').split('%')[0];
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    tail.push(...dotted[1].split('.').map(Number));
    s = `${s.slice(0, -dotted[1].length)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h ? h.split(':') : []);
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...Array(Math.max(0, fill)).fill('0'), ...rest];
  if (groups.length !== 8) return undefined;
  const bytes = groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [(n >> 8) & 255, n & 255];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** An IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(ip: string): string | undefined {
  const b = v6Bytes(ip);
  if (!b) return undefined;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12); // ::ffff:a.b.c.d
  if (zero(0, 12)) return v4(12); // ::a.b.c.d (and ::1, ::)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2); // 2002::/16
  return undefined;
}

/** True for an address the server must not connect to on a user's behalf. */
export function forbiddenAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').split('%')[0];
  const kind = isIP(bare);
  if (kind === 4) return blocked.check(bare, 'ipv4');
  if (kind !== 6) return true;
  const v4 = embeddedV4(bare);
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  return blocked.check(bare, 'ipv6');
}

/** Names that point inside wherever the server runs, whatever DNS says. */
const FORBIDDEN_NAMES =
  /^(localhost|metadata|metadata\.goog|metadata\.google\.internal|instance-data)$|\.(localhost|internal|local)$/;

// ---------------------------------------------------------------- policy

const defaultPorts: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `host[:port]` entries in URL form (so `2130706433` and `127.0.0.1` are one host). */
function parseAllow(list: readonly string[]): { host: string; port?: string }[] {
  return list
    .map((e) => e.trim())
    .filter(Boolean)
    .flatMap((e) => {
      try {
        const u = new URL(`http://${e}`);
        return [{ host: u.hostname.toLowerCase(), port: /:\d+$/.test(e) ? u.port || '80' : undefined }];
      } catch {
        return [];
      }
    });
}

function allowed(url: URL, policy: OutboundPolicy): boolean {
  const port = url.port || defaultPorts[url.protocol];
  const host = url.hostname.toLowerCase();
  // [::ffff:127.0.0.1] is 127.0.0.1: an entry for one covers the other.
  const b = isIP(host.replace(/^\[|\]$/g, '')) === 6 ? v6Bytes(host) : undefined;
  const mapped = b?.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  const names = mapped && b ? [host, b.slice(12).join('.')] : [host];
  return parseAllow(policy.allow).some(
    (a) => names.includes(a.host) && (a.port === undefined || a.port === port),
  );
}

/** Splits YEYAK_OUTBOUND_ALLOW. */
export const allowListOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

let current: OutboundPolicy = { allow: allowListOf(process.env.YEYAK_OUTBOUND_ALLOW) };

/** The process-wide policy (set from configuration at start); adapters use it unless given one. */
export function setOutboundPolicy(policy: OutboundPolicy) {
  current = policy;
}
export const outboundPolicy = () => current;

/** Refuses a URL by its form and name, before any lookup; answers whether it is on the allow list. */
function precheck(url: URL, policy: OutboundPolicy): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundRefused('only http and https addresses can be used');
  if (url.username || url.password) throw new OutboundRefused('an address with a user name or password');
  if (allowed(url, policy)) return true;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (isIP(host.replace(/^\[|\]$/g, ''))) {
    if (forbiddenAddress(host)) throw new OutboundRefused(`${url.hostname} is not a public address`);
  } else if (FORBIDDEN_NAMES.test(host)) {
    throw new OutboundRefused(`${url.hostname} is not a public address`);
  }
  return false;
}

async function resolvePublic(host: string, policy: OutboundPolicy) {
  let addresses: { address: string; family: number }[];
  try {
    addresses = await (policy.resolve ?? systemResolve)(host);
  } catch {
    throw new OutboundRefused(`${host} could not be found`);
  }
  if (!addresses.length) throw new OutboundRefused(`${host} could not be found`);
  // Every address: a name with one public and one private address is refused.
  const bad = addresses.find((a) => forbiddenAddress(a.address));
  if (bad) throw new OutboundRefused(`${host} leads to ${bad.address}, which is not a public address`);
  return addresses;
}

/**
 * Checks a URL as the fetch will (form, name, every resolved address), for a clear answer when an
 * organiser saves it. The fetch checks again when it connects.
 */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy = current): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('not a valid address');
  }
  if (precheck(url, policy)) return;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (!isIP(host)) await resolvePublic(host, policy);
}

// ---------------------------------------------------------------- fetch

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** A connection pool whose every connection is made to an address checked just before. */
function guardedAgent(Agent: Undici['Agent'], policy: OutboundPolicy, trusted: boolean): Agent {
  return new Agent({
    connect: {
      lookup: (hostname: string, options: { all?: boolean }, cb: LookupCallback) => {
        const resolved = trusted
          ? (policy.resolve ?? systemResolve)(hostname)
          : resolvePublic(hostname, policy);
        resolved.then(
          (list) =>
            options.all ? cb(null, list as LookupAddress[]) : cb(null, list[0].address, list[0].family),
          (err: Error) => cb(err, ''),
        );
      },
    },
  });
}

// The undici package (its fetch takes a dispatcher per call) is loaded at the first guarded fetch.
type Undici = { Agent: typeof Agent; fetch: typeof import('undici').fetch };
let undici: Promise<Undici> | undefined;
const loadUndici = () => (undici ??= import('undici').then(({ Agent, fetch }) => ({ Agent, fetch })));

const agents = new WeakMap<OutboundPolicy, { open: Agent; guarded: Agent }>();
function agentsFor({ Agent }: Undici, policy: OutboundPolicy) {
  let a = agents.get(policy);
  if (!a) {
    a = { open: guardedAgent(Agent, policy, true), guarded: guardedAgent(Agent, policy, false) };
    agents.set(policy, a);
  }
  return a;
}

/** The OutboundRefused inside a fetch failure (undici wraps connect errors), if that is what it was. */
function refusal(err: unknown): OutboundRefused | undefined {
  for (let e = err, i = 0; e && i < 4; i++, e = (e as { cause?: unknown }).cause)
    if (e instanceof OutboundRefused) return e;
  return undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** fetch() for user-supplied URLs: same arguments, same Response; throws OutboundRefused. */
export async function guardedFetch(
  input: string | URL,
  init: RequestInit = {},
  policy: OutboundPolicy = current,
): Promise<Response> {
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body;
  const headers = new Headers(init.headers);
  if (body instanceof FormData) {
    // The global FormData is not the undici package's: send it as the bytes it encodes to.
    const encoded = new Response(body);
    headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
    body = Buffer.from(await encoded.arrayBuffer());
  }
  for (let hop = 0; ; hop++) {
    const trusted = precheck(url, policy);
    const u = await loadUndici();
    const a = agentsFor(u, policy);
    let res: Response;
    try {
      res = (await u.fetch(url, {
        ...(init as Parameters<typeof u.fetch>[1]),
        method,
        headers: headers as unknown as HeadersInit as never,
        body: body as never,
        redirect: 'manual',
        dispatcher: trusted ? a.open : a.guarded,
      })) as unknown as Response;
    } catch (err) {
      throw refusal(err) ?? err;
    }
    const location = res.headers.get('location');
    if (!REDIRECTS.has(res.status) || !location) return res;
    await res.body?.cancel().catch(() => {});
    if (hop >= MAX_REDIRECTS) throw new OutboundRefused(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    // Credentials meant for one host are not handed to another.
    if (next.origin !== url.origin) {
      headers.delete('authorization');
      headers.delete('cookie');
    }
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers.delete('content-type');
    }
    url = next;
  }
}

/** guardedFetch with the process policy, typed as the global fetch for adapters that take one. */
export const outboundFetch = ((input: string | URL, init?: RequestInit) =>
  guardedFetch(input, init)) as unknown as typeof fetch;

/**
 * Checks the URLs of a form, each under the field name the user typed it in; a refused one is a 400
 * naming its field (`body.kktix.baseUrl: … is not a public address`).
 */
export async function checkUrlFields(
  fields: [path: string, url: string | undefined | null][],
): Promise<void> {
  const errors: FieldError[] = [];
  for (const [path, url] of fields) {
    if (!url) continue;
    try {
      await checkOutboundUrl(url);
    } catch (err) {
      if (!(err instanceof OutboundRefused)) throw err;
      errors.push({ path, message: `refused: ${err.message}` });
    }
  }
  if (errors.length) throw badRequest(`${errors[0].path}: ${errors[0].message}`, errors);
}
