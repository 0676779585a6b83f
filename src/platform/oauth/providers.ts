import type { CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import type { Context } from '../context.ts';
import { Http } from '../net/http.ts';
import { AppleClientSecret, demoAppleKey, readAppleKey } from './apple-secret.ts';
import { PROVIDERS, type Provider, type ProviderConfig } from './config.ts';

/**
 * The three providers as openid-client sees them. Kakao (with the `openid` scope) and Apple are
 * OpenID Connect: their token answer carries an id_token, checked against the provider's issuer,
 * our client id, the nonce we sent, its expiry and its signature (the provider's JWKS). Naver is plain
 * OAuth 2.0: the identity comes from its profile API. Every request leaves through the platform
 * HTTP client (timeouts, one error type).
 */

/** The issuers id_tokens must name (Kakao's and Apple's published ones; Naver issues none). */
export const ISSUERS: Record<Provider, string> = {
  kakao: 'https://kauth.kakao.com',
  naver: 'https://nid.naver.com',
  apple: 'https://appleid.apple.com',
};

/** The stand-in's paths under /sim/oauth/<provider>: the real ones, on one host per provider. */
export const STAND_IN_PATHS: Record<
  Provider,
  { authorize: string; token: string; userinfo?: string; jwks?: string }
> = {
  kakao: {
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    userinfo: '/v2/user/me',
    jwks: '/.well-known/jwks.json',
  },
  naver: { authorize: '/oauth2.0/authorize', token: '/oauth2.0/token', userinfo: '/v1/nid/me' },
  apple: { authorize: '/auth/authorize', token: '/auth/token', jwks: '/auth/keys' },
};

/** Client ids the demo uses with the stand-in (no secret worth keeping). */
export const DEMO_CLIENT = { id: (p: Provider) => `yeyak-demo-${p}`, secret: 'yeyak-demo-secret' };

export type OAuthClient = {
  provider: Provider;
  clientId: string;
  /** true when this provider is the demo's stand-in */
  standIn: boolean;
  config: oidc.Configuration;
  /** whether the token answer must carry an id_token (and the authorization request a nonce) */
  idToken: boolean;
  /** whether the provider takes PKCE (Kakao documents code_challenge; Naver and Apple do not) */
  pkce: boolean;
  scope?: string;
  /** Apple answers with a cross-site form POST (needed when `name`/`email` are asked for). */
  formPost: boolean;
  userinfoUrl?: string;
  http: Http;
  /** Runs before a token request (Apple: renews the client-secret JWT when due). */
  prepare: () => Promise<void>;
};

/** Statuses whose Response may carry no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** openid-client's fetch, sent through the platform client (timeouts, retries of safe requests). */
function viaHttp(http: Http): oidc.CustomFetch {
  return async (url, o) => {
    const { res, text } = await http.request(url, {
      method: o.method,
      headers: o.headers,
      body: o.body as RequestInit['body'],
      redirect: o.redirect,
      signal: o.signal,
    });
    return new Response(NULL_BODY.has(res.status) ? null : text, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

export class OAuthClients {
  private readonly built = new Map<Provider, { key: string; client: OAuthClient }>();
  private readonly appleSecrets = new Map<string, AppleClientSecret>();
  private appleKey?: Promise<CryptoKey>;

  constructor(
    private readonly ctx: Context,
    private readonly opts: { now?: () => number } = {},
  ) {}

  /** Operator settings problems, found at start rather than at someone's first sign-in. */
  async check(): Promise<void> {
    const a = this.ctx.config.oauth.apple;
    if (!a.clientId) return;
    const missing = (['teamId', 'keyId', 'privateKeyFile'] as const).filter((k) => !a[k]);
    if (missing.length) {
      const names = { teamId: 'TEAM_ID', keyId: 'KEY_ID', privateKeyFile: 'PRIVATE_KEY_FILE' };
      throw new Error(
        `OAUTH_APPLE_CLIENT_ID is set but ${missing.map((m) => `OAUTH_APPLE_${names[m]}`).join(', ')} not`,
      );
    }
    await this.appleKeyOnce();
  }

  private appleKeyOnce(): Promise<CryptoKey> {
    const file = this.ctx.config.oauth.apple.privateKeyFile;
    this.appleKey ??= file ? readAppleKey(file) : demoAppleKey();
    return this.appleKey;
  }

  /** The providers offered: configured ones, and in demo mode the unconfigured ones (stand-in). */
  enabled(): Provider[] {
    return PROVIDERS.filter((p) => this.ctx.config.oauth[p].clientId || this.ctx.config.demo);
  }

  /** The provider's client, or undefined when it is not offered. */
  get(provider: Provider): OAuthClient | undefined {
    const set: ProviderConfig = this.ctx.config.oauth[provider];
    let standIn = false;
    let ep = {
      authorize: set.authorizeUrl,
      token: set.tokenUrl,
      userinfo: set.userinfoUrl,
      jwks: set.jwksUrl,
    };
    if (!set.clientId) {
      if (!this.ctx.config.demo) return undefined;
      standIn = true;
      // The browser reaches the authorize page at the public address; the server calls itself.
      const paths = STAND_IN_PATHS[provider];
      const pub = `${this.ctx.config.publicUrl.replace(/\/+$/, '')}/sim/oauth/${provider}`;
      const self = `${this.ctx.selfUrl().replace(/\/+$/, '')}/sim/oauth/${provider}`;
      ep = {
        authorize: pub + paths.authorize,
        token: self + paths.token,
        userinfo: paths.userinfo && self + paths.userinfo,
        jwks: paths.jwks && self + paths.jwks,
      };
    }
    const key = JSON.stringify(ep);
    const hit = this.built.get(provider);
    if (hit?.key === key) return hit.client;
    const client = this.build(provider, set, ep, standIn);
    this.built.set(provider, { key, client });
    return client;
  }

  private build(
    provider: Provider,
    set: ProviderConfig,
    ep: { authorize: string; token: string; userinfo?: string; jwks?: string },
    standIn: boolean,
  ): OAuthClient {
    const clientId = set.clientId ?? DEMO_CLIENT.id(provider);
    const secret = standIn ? DEMO_CLIENT.secret : set.clientSecret;
    const scope = provider === 'kakao' ? set.scope : provider === 'apple' ? 'name email' : undefined;
    const idToken = provider === 'apple' || (provider === 'kakao' && /(^| )openid( |$)/.test(scope ?? ''));
    const http = new Http(`oauth-${provider}`, {
      // Operator-configured endpoints (or the stand-in on loopback), not addresses users typed.
      fetch: (input, init) => fetch(input, init),
      timeoutMs: 10_000,
      attempts: 2,
    });
    let prepare = async () => {};
    let auth: oidc.ClientAuth = secret ? oidc.ClientSecretPost(secret) : oidc.None();
    if (provider === 'apple') {
      let current = '';
      const a = this.ctx.config.oauth.apple;
      const teamId = a.teamId ?? 'DEMOTEAM01';
      const keyId = a.keyId ?? 'DEMOKEY001';
      const cacheKey = `${teamId}:${keyId}:${clientId}`;
      prepare = async () => {
        let s = this.appleSecrets.get(cacheKey);
        if (!s) {
          s = new AppleClientSecret({
            teamId,
            keyId,
            clientId,
            audience: ISSUERS.apple,
            key: await this.appleKeyOnce(),
            now: this.opts.now,
          });
          this.appleSecrets.set(cacheKey, s);
        }
        current = await s.current();
      };
      // client_secret_post with the signed JWT as the secret.
      auth = (_as, c, body) => {
        body.set('client_id', c.client_id);
        body.set('client_secret', current);
      };
    }
    const config = new oidc.Configuration(
      {
        issuer: ISSUERS[provider],
        authorization_endpoint: ep.authorize,
        token_endpoint: ep.token,
        ...(ep.jwks ? { jwks_uri: ep.jwks } : {}),
      },
      clientId,
      { id_token_signed_response_alg: 'RS256' },
      auth,
    );
    config[oidc.customFetch] = viaHttp(http);
    config.timeout = 10;
    if ([ep.authorize, ep.token, ep.userinfo, ep.jwks].some((u) => u?.startsWith('http:'))) {
      oidc.allowInsecureRequests(config);
    }
    // Check each id_token's signature against the provider's published keys.
    if (idToken) oidc.enableNonRepudiationChecks(config);
    return {
      provider,
      clientId,
      standIn,
      config,
      idToken,
      pkce: provider === 'kakao',
      scope,
      formPost: provider === 'apple',
      userinfoUrl: ep.userinfo,
      http,
      prepare,
    };
  }

  /** The Apple secret signer (tests check its cache). */
  appleSecret(): AppleClientSecret | undefined {
    return [...this.appleSecrets.values()][0];
  }
}
