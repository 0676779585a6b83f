import * as oidc from 'openid-client';
import { z } from 'zod';
import { AppError, fieldError, type Message } from '../errors.ts';
import { msg } from '../messages/index.ts';
import { excerpt, safeJson, UpstreamError } from '../net/http.ts';
import type { Provider } from './config.ts';
import type { OAuthClient } from './providers.ts';

/** Who the provider says signed in. */
export type Profile = {
  provider: Provider;
  subject: string;
  email?: string;
  emailVerified: boolean;
  name: string;
};

/** Why a callback was refused; the page shows a message per code, the server log names it too. */
export class OAuthRefused extends AppError {
  constructor(
    status: number,
    readonly reason: string,
    message: Message,
    field?: string,
  ) {
    super(status, message, { reason, ...(field ? { errors: [fieldError(field, message)] } : {}) });
  }
}

/** What a failed id_token check was about, from openid-client's error chain. */
function idTokenProblem(err: unknown): string | undefined {
  const texts: string[] = [];
  let claim: string | undefined;
  for (let e: unknown = err, i = 0; e && i < 5; i++) {
    const x = e as { message?: unknown; cause?: unknown; code?: unknown };
    if (typeof x.message === 'string') texts.push(x.message);
    const c = x.cause as { claim?: unknown } | undefined;
    if (c && typeof c.claim === 'string') claim ??= c.claim;
    e = x.cause;
  }
  const all = texts.join(' | ');
  if (/signature verification failed|verification key/i.test(all)) return 'signature';
  if (claim === 'exp' || /"exp"/.test(all)) return 'expired';
  if (claim === 'iss' || /"iss"/.test(all)) return 'issuer';
  if (claim === 'aud' || /"aud"|"azp"/.test(all)) return 'audience';
  if (claim === 'nonce' || /"nonce"/.test(all)) return 'nonce';
  if (/id_token|JWT/i.test(all)) return 'invalid';
  return undefined;
}

/**
 * Trades the authorization code for tokens (client_secret_post; Naver's `expires_in` arrives as a
 * string, which openid-client reads as a number), checks the id_token where there is one, and reads
 * the identity. Refusals are 4xx OAuthRefused; an unreachable or broken provider is an UpstreamError.
 */
export async function exchange(
  c: OAuthClient,
  input: { redirectUri: string; code: string; state: string; verifier: string; nonce: string },
): Promise<{ profile: Omit<Profile, 'name'> & { name?: string } }> {
  const current = new URL(input.redirectUri);
  current.searchParams.set('code', input.code);
  current.searchParams.set('state', input.state);
  await c.prepare();
  let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    tokens = await oidc.authorizationCodeGrant(
      c.config,
      current,
      {
        expectedState: input.state,
        ...(c.pkce ? { pkceCodeVerifier: input.verifier } : {}),
        ...(c.idToken ? { expectedNonce: input.nonce, idTokenExpected: true } : {}),
      },
      // Naver's token request repeats the state.
      c.provider === 'naver' ? { state: input.state } : undefined,
    );
  } catch (err) {
    if (err instanceof UpstreamError) throw err;
    if (err instanceof oidc.ResponseBodyError) {
      if (err.error === 'invalid_grant')
        throw new OAuthRefused(
          400,
          'invalid_grant',
          msg('oauth.invalid_grant', { provider: c.provider }),
          'query.code',
        );
      throw new UpstreamError(
        c.provider,
        'rejected',
        `${c.provider} refused the token request: ${err.error}`,
      );
    }
    const problem = idTokenProblem(err);
    if (problem)
      throw new OAuthRefused(
        400,
        `id_token_${problem}`,
        msg('oauth.id_token', { provider: c.provider, problem }),
      );
    throw new UpstreamError(c.provider, 'bad_response', `${c.provider} token answer unusable`, {
      cause: err,
    });
  }
  const claims = c.idToken ? tokens.claims() : undefined;
  if (c.provider === 'apple') {
    if (!claims) throw new OAuthRefused(400, 'id_token_invalid', msg('oauth.id_token_missing'));
    const verified = claims.email_verified === true || claims.email_verified === 'true';
    return {
      profile: {
        provider: 'apple',
        subject: claims.sub,
        email: typeof claims.email === 'string' ? claims.email : undefined,
        emailVerified: verified,
      },
    };
  }
  const me = await userinfo(c, tokens.access_token);
  if (claims && claims.sub !== me.subject) {
    throw new OAuthRefused(400, 'id_token_subject', msg('oauth.id_token_subject', { provider: c.provider }));
  }
  return { profile: me };
}

const kakaoMe = z.object({
  id: z.union([z.number().int(), z.string().regex(/^\d{1,30}$/)]),
  kakao_account: z
    .object({
      email: z.string().max(254).optional(),
      is_email_valid: z.boolean().optional(),
      is_email_verified: z.boolean().optional(),
      profile: z
        .object({ nickname: z.string().max(100).optional() })
        .partial()
        .optional(),
    })
    .partial()
    .optional(),
});

const naverMe = z.object({
  resultcode: z.string(),
  message: z.string().optional(),
  response: z
    .object({
      id: z.string().min(1).max(200),
      email: z.string().max(254).optional(),
      name: z.string().max(100).optional(),
      nickname: z.string().max(100).optional(),
    })
    .optional(),
});

/** Kakao `GET /v2/user/me`, Naver `GET /v1/nid/me`, both with the access token as Bearer. */
async function userinfo(
  c: OAuthClient,
  accessToken: string,
): Promise<Omit<Profile, 'name'> & { name?: string }> {
  if (!c.userinfoUrl) throw new UpstreamError(c.provider, 'unsupported', `${c.provider} has no profile API`);
  const { res, text } = await c.http.request(c.userinfoUrl, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (!res.ok) {
    throw new UpstreamError(
      c.provider,
      'rejected',
      `${c.provider} profile answered ${res.status}: ${excerpt(text)}`,
      {
        upstreamStatus: res.status,
      },
    );
  }
  const body = safeJson(text);
  if (c.provider === 'kakao') {
    const p = kakaoMe.safeParse(body);
    if (!p.success)
      throw new UpstreamError('kakao', 'bad_response', 'kakao profile not in the documented shape');
    const a = p.data.kakao_account ?? {};
    // An address Kakao marks invalid (is_email_valid false) is no address to reach anyone at.
    const email = a.email && a.is_email_valid !== false ? a.email : undefined;
    return {
      provider: 'kakao',
      subject: String(p.data.id),
      email,
      emailVerified: Boolean(email && a.is_email_verified === true),
      name: a.profile?.nickname,
    };
  }
  const p = naverMe.safeParse(body);
  if (!p.success || p.data.resultcode !== '00' || !p.data.response) {
    throw new UpstreamError('naver', 'bad_response', 'naver profile not in the documented shape');
  }
  const r = p.data.response;
  return {
    provider: 'naver',
    subject: r.id,
    email: r.email || undefined,
    // Naver's profile does not say whether the address was verified.
    emailVerified: false,
    name: r.name || r.nickname,
  };
}

/**
 * Apple's `user` form field ({"name":{"firstName","lastName"},"email"}), sent on the first
 * authorization only. It crosses the browser, so it is used for nothing but the display name.
 */
export function appleName(user: string | undefined): string | undefined {
  if (!user) return undefined;
  const p = z
    .object({
      name: z
        .object({ firstName: z.string().max(50).optional(), lastName: z.string().max(50).optional() })
        .optional(),
    })
    .safeParse(safeJson(user));
  const first = p.success ? (p.data.name?.firstName ?? '').trim() : '';
  const last = p.success ? (p.data.name?.lastName ?? '').trim() : '';
  if (!first && !last) return undefined;
  // Korean names read family name first, without a space.
  const hangul = /^[\u3131-\u318e\uac00-\ud7a3]+$/;
  return hangul.test(first) && hangul.test(last)
    ? `${last}${first}`
    : [first, last].filter(Boolean).join(' ');
}
