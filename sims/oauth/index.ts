import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose';
import { SIM_ACCOUNTS, type SimAccount, type SimProvider } from './accounts.ts';
import { AUTOPOST_JS, consentPage, errorPage, formPostPage } from './pages.ts';

/**
 * A stand-in for Kakao, Naver and Apple sign-in, each under its own path (`/kakao`, `/naver`,
 * `/apple`) with the provider's own endpoint paths below it:
 *
 * - Kakao: `GET /kakao/oauth/authorize`, `POST /kakao/oauth/token`, `GET /kakao/v2/user/me`,
 *   `GET /kakao/.well-known/jwks.json` (id_token with the `openid` scope, issuer https://kauth.kakao.com)
 * - Naver: `GET /naver/oauth2.0/authorize`, `POST|GET /naver/oauth2.0/token` (`expires_in` a string),
 *   `GET /naver/v1/nid/me` (`{resultcode:"00", message:"success", response:{id, …}}`)
 * - Apple: `GET /apple/auth/authorize` (form_post required with the `name`/`email` scopes),
 *   `POST /apple/auth/token` (client_secret: an ES256 JWT whose claims are checked), `GET /apple/auth/keys`
 *
 * The authorize page lists test accounts and a "deny consent" button (→ `error=access_denied`).
 * Codes live 10 minutes and work once (a second use → `invalid_grant`). Tests may post `tamper`
 * (iss | aud | nonce | exp | key | sub) with the account choice to get a bad id_token.
 */

const ISSUER: Record<SimProvider, string> = {
  kakao: 'https://kauth.kakao.com',
  naver: 'https://nid.naver.com',
  apple: 'https://appleid.apple.com',
};
const KID = 'sim-oauth-1';
const CODE_MS = 10 * 60_000;

type Grant = {
  provider: SimProvider;
  clientId: string;
  redirectUri: string;
  account: SimAccount;
  scope: string;
  nonce?: string;
  challenge?: string;
  tamper?: string;
  at: number;
  used: boolean;
};

type Form = Record<string, string>;

const token = () => randomBytes(24).toString('base64url');
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');

function formOf(body: unknown): Form {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function redirectWith(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}

const oauthError = (reply: FastifyReply, status: number, error: string, description: string, extra = {}) =>
  reply
    .code(status)
    .type('application/json;charset=utf-8')
    .send({ error, error_description: description, ...extra });

export const oauthStandIn: FastifyPluginAsync = async (app: FastifyInstance) => {
  // Keys are made at first use, not at registration: RSA key generation on a busy machine must not
  // hold up yeyak's start (Fastify gives a plugin 10 s).
  let keys: Promise<{ privateKey: CryptoKey; stranger: CryptoKey; jwk: JWK }> | undefined;
  const keysOnce = () => {
    keys ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      // Signs "tamper: key" id_tokens under the same kid: only the signature is wrong.
      const stranger = (await generateKeyPair('RS256')).privateKey;
      const jwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
      return { privateKey: privateKey as CryptoKey, stranger, jwk };
    })();
    return keys;
  };
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, { provider: SimProvider; account: SimAccount; scope: string }>();
  /** Apple sends the `user` field on an account's first authorization of a client only. */
  const appleSeen = new Set<string>();

  // Forms are this stand-in's business only (yeyak's own API stays JSON).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  const idToken = async (g: Grant): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const t = g.tamper;
    const claims: Record<string, unknown> = {
      iss: t === 'iss' ? 'https://evil.example' : ISSUER[g.provider],
      aud: t === 'aud' ? 'another-client' : g.clientId,
      sub: t === 'sub' ? '999' : g.account.id,
      iat: t === 'exp' ? now - 7200 : now,
      exp: t === 'exp' ? now - 3600 : now + 3600,
      auth_time: now,
      ...(g.nonce ? { nonce: t === 'nonce' ? 'not-the-nonce' : g.nonce } : {}),
    };
    if (g.provider === 'kakao') {
      claims.nickname = g.account.name;
      if (g.account.email && /account_email/.test(g.scope)) claims.email = g.account.email;
    }
    if (g.provider === 'apple') {
      claims.nonce_supported = true;
      if (g.account.email && /email/.test(g.scope)) {
        // Apple writes these booleans as strings.
        claims.email = g.account.email;
        claims.email_verified = 'true';
        claims.is_private_email = g.account.email.endsWith('@privaterelay.appleid.com') ? 'true' : 'false';
      }
    }
    const k = await keysOnce();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
      .sign(t === 'key' ? k.stranger : k.privateKey);
  };

  for (const provider of ['kakao', 'naver', 'apple'] as SimProvider[]) {
    const paths =
      provider === 'kakao'
        ? { authorize: '/oauth/authorize', token: '/oauth/token' }
        : provider === 'naver'
          ? { authorize: '/oauth2.0/authorize', token: '/oauth2.0/token' }
          : { authorize: '/auth/authorize', token: '/auth/token' };
    const base = `/${provider}`;

    const checkAuthorize = (q: Form): string | undefined => {
      if (!q.client_id) return 'client_id is required';
      if (q.response_type !== 'code') return 'response_type must be code';
      try {
        if (!['http:', 'https:'].includes(new URL(q.redirect_uri ?? '').protocol))
          return 'redirect_uri is invalid';
      } catch {
        return 'redirect_uri is invalid';
      }
      if (
        provider === 'apple' &&
        /(^| )(name|email)( |$)/.test(q.scope ?? '') &&
        q.response_mode !== 'form_post'
      ) {
        return 'response_mode must be form_post when name or email scope is requested';
      }
      return undefined;
    };

    app.get(base + paths.authorize, async (req, reply) => {
      const q = formOf(req.query);
      const bad = checkAuthorize(q);
      if (bad) return reply.code(400).type('text/html; charset=utf-8').send(errorPage(bad));
      return reply.type('text/html; charset=utf-8').send(consentPage(provider, q, q.client_id));
    });

    // The consent page posts here: an account choice or a refusal.
    app.post(base + paths.authorize, async (req, reply) => {
      const f = formOf(req.body);
      const bad = checkAuthorize(f);
      if (bad) return reply.code(400).type('text/html; charset=utf-8').send(errorPage(bad));
      const answer = async (params: Record<string, string>) => {
        if (provider !== 'apple') return reply.redirect(redirectWith(f.redirect_uri, params), 302);
        const script = `${app.prefix}/apple/autopost.js`;
        return reply.type('text/html; charset=utf-8').send(formPostPage(f.redirect_uri, params, script));
      };
      const state: Record<string, string> = f.state ? { state: f.state } : {};
      if (f.deny)
        return answer({ error: 'access_denied', error_description: 'User denied access', ...state });
      const account = SIM_ACCOUNTS[provider].find((a) => a.id === f.account);
      if (!account)
        return reply.code(400).type('text/html; charset=utf-8').send(errorPage('pick an account'));
      const code = token();
      const g: Grant = {
        provider,
        clientId: f.client_id,
        redirectUri: f.redirect_uri,
        account,
        scope: f.scope ?? '',
        nonce: f.nonce || undefined,
        challenge: f.code_challenge || undefined,
        tamper: f.tamper || undefined,
        at: Date.now(),
        used: false,
      };
      grants.set(code, g);
      if (provider !== 'apple') return answer({ code, ...state });
      const fields: Record<string, string> = { code, ...state, id_token: await idToken(g) };
      const seen = `${g.clientId}:${account.id}`;
      if (!appleSeen.has(seen) && /(^| )name( |$)/.test(g.scope)) {
        appleSeen.add(seen);
        fields.user = JSON.stringify({
          name: { firstName: account.firstName, lastName: account.lastName },
          email: account.email,
        });
      }
      return answer(fields);
    });

    const tokenHandler = async (req: FastifyRequest, reply: FastifyReply) => {
      const f = { ...formOf(req.query), ...formOf(req.body) };
      if (f.grant_type !== 'authorization_code')
        return oauthError(reply, 400, 'unsupported_grant_type', 'grant_type must be authorization_code');
      if (!f.client_id) return oauthError(reply, 401, 'invalid_client', 'client_id is required');
      const clientProblem = checkClientSecret(provider, f);
      if (clientProblem) return oauthError(reply, 401, 'invalid_client', clientProblem);
      const g = grants.get(f.code ?? '');
      const extra = provider === 'kakao' ? { error_code: 'KOE320' } : {};
      if (!g || g.used || Date.now() - g.at > CODE_MS || g.provider !== provider)
        return oauthError(reply, 400, 'invalid_grant', 'authorization code not found or already used', extra);
      // A presented code is spent even when the rest of the request is wrong.
      g.used = true;
      if (g.clientId !== f.client_id)
        return oauthError(reply, 400, 'invalid_grant', 'client_id mismatch', extra);
      if (provider !== 'naver' && f.redirect_uri !== g.redirectUri)
        return oauthError(reply, 400, 'invalid_grant', 'redirect_uri mismatch', extra);
      if (g.challenge && s256(f.code_verifier ?? '') !== g.challenge)
        return oauthError(reply, 400, 'invalid_grant', 'code_verifier does not match', extra);
      const access = token();
      tokens.set(access, { provider, account: g.account, scope: g.scope });
      const json = (body: Record<string, unknown>) => reply.type('application/json;charset=utf-8').send(body);
      if (provider === 'naver')
        return json({
          access_token: access,
          refresh_token: token(),
          token_type: 'bearer',
          expires_in: '3600',
        });
      if (provider === 'kakao') {
        return json({
          token_type: 'bearer',
          access_token: access,
          ...(/(^| )openid( |$)/.test(g.scope) ? { id_token: await idToken(g) } : {}),
          expires_in: 21599,
          refresh_token: token(),
          refresh_token_expires_in: 5183999,
          scope: g.scope,
        });
      }
      return json({
        access_token: access,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: token(),
        id_token: await idToken(g),
      });
    };
    app.post(base + paths.token, tokenHandler);
    if (provider === 'naver') app.get(base + paths.token, tokenHandler);
  }

  const bearer = (req: FastifyRequest) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return m ? tokens.get(m[1]) : undefined;
  };

  app.get('/kakao/v2/user/me', async (req, reply) => {
    const t = bearer(req);
    if (t?.provider !== 'kakao')
      return reply.code(401).send({ msg: 'this access token does not exist', code: -401 });
    const a = t.account;
    const withEmail = Boolean(a.email) && /account_email/.test(t.scope);
    return reply.send({
      id: Number(a.id),
      connected_at: new Date().toISOString(),
      properties: { nickname: a.name },
      kakao_account: {
        profile_nickname_needs_agreement: false,
        profile: { nickname: a.name, is_default_image: true },
        has_email: Boolean(a.email),
        email_needs_agreement: !withEmail,
        ...(withEmail ? { is_email_valid: true, is_email_verified: a.emailVerified, email: a.email } : {}),
      },
    });
  });

  app.get('/naver/v1/nid/me', async (req, reply) => {
    const t = bearer(req);
    if (t?.provider !== 'naver')
      return reply
        .code(401)
        .send({ resultcode: '024', message: 'Authentication failed / 인증에 실패했습니다.' });
    const a = t.account;
    return reply.send({
      resultcode: '00',
      message: 'success',
      response: { id: a.id, nickname: a.name.slice(1), name: a.name, ...(a.email ? { email: a.email } : {}) },
    });
  });

  const jwks = async () => ({ keys: [(await keysOnce()).jwk] });
  app.get('/kakao/.well-known/jwks.json', jwks);
  app.get('/apple/auth/keys', jwks);
  app.get('/apple/autopost.js', async (_req, reply) => reply.type('text/javascript').send(AUTOPOST_JS));
};

/**
 * Kakao: a secret when the app has one (the stand-in takes any); Naver: required. Apple: the signed
 * JWT described by Apple — header ES256 with a kid, iss (Team ID), sub = client_id, aud Apple, at
 * most 6 months between iat and exp, not expired. Its signature is not checked: the stand-in does
 * not hold the operator's public key.
 */
function checkClientSecret(provider: SimProvider, f: Form): string | undefined {
  if (provider === 'naver' && !f.client_secret) return 'client_secret is required';
  if (provider !== 'apple') return undefined;
  try {
    const h = decodeProtectedHeader(f.client_secret ?? '');
    const c = decodeJwt(f.client_secret ?? '');
    const now = Math.floor(Date.now() / 1000);
    if (h.alg !== 'ES256' || !h.kid) return 'client_secret header must be ES256 with a kid';
    if (!c.iss) return 'client_secret needs iss (Team ID)';
    if (c.sub !== f.client_id) return 'client_secret sub must be the client_id';
    if (c.aud !== ISSUER.apple) return 'client_secret aud must be https://appleid.apple.com';
    if (typeof c.exp !== 'number' || typeof c.iat !== 'number' || c.exp <= now)
      return 'client_secret expired';
    if (c.exp - c.iat > 15_777_000) return 'client_secret lives longer than 6 months';
  } catch {
    return 'client_secret is not a JWT';
  }
  return undefined;
}
