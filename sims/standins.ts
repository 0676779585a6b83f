import Fastify, { type FastifyPluginAsync } from 'fastify';
import { oauthStandIn } from './oauth/index.ts';
import { payletterStandIn } from './payletter/index.ts';
import { phone060StandIn } from './phone060/index.ts';
import { pushStandIn } from './push/index.ts';

/**
 * Stand-ins for outside services that yeyak reaches through an adapter with a configured base URL.
 * In demo mode (no URL or keys configured) each runs inside yeyak under `/sim/<name>`; `yeyak sim
 * <name>` runs one alone, under the same path, so an adapter's base URL looks the same either way.
 */
export type StandIn = {
  name: string;
  /** one line for `yeyak sim --help` */
  description: string;
  plugin: FastifyPluginAsync;
};

/** Every stand-in, listed here (import it above and add it to the list). */
export const standIns: StandIn[] = [
  {
    name: 'payletter',
    description: 'Payletter KR API v1.0: payment request, payment page, callback and return, status, cancel',
    plugin: payletterStandIn,
  },
  {
    name: 'push',
    description: 'FCM HTTP v1 messages:send and a Web Push endpoint (VAPID check, aes128gcm decryption)',
    plugin: pushStandIn,
  },
  {
    name: 'oauth',
    description: 'Kakao, Naver and Apple sign-in (authorize page with test accounts, token, profile, JWKS)',
    plugin: oauthStandIn,
  },
  {
    name: 'phone060',
    description:
      '060 phone consultations: counselors, prepaid lines, tickets, signed call webhooks, call simulator',
    plugin: phone060StandIn,
  },
];

export const standInPath = (name: string) => `/sim/${name}`;

/** Runs one stand-in alone on its own port (0: any free port); tests and `yeyak sim` use it. */
export async function startStandIn(name: string, port = 0, host = '127.0.0.1') {
  const s = standIns.find((x) => x.name === name);
  if (!s) throw new Error(`no stand-in named ${name} (there are: ${standIns.map((x) => x.name).join(', ')})`);
  const app = Fastify({ logger: false });
  await app.register(s.plugin, { prefix: standInPath(name) });
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    /** the stand-in's base URL (what the adapter's *_URL setting takes) */
    url: `http://${host}:${bound}${standInPath(name)}`,
    close: () => app.close(),
  };
}
