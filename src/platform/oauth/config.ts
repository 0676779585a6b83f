import { z } from 'zod';

/**
 * Social login (Kakao, Naver, Apple). A provider is offered when its client id is set; in demo mode
 * a provider with nothing configured uses the stand-in in sims/oauth instead (see providers.ts).
 * Every endpoint defaults to the provider's real address and can be pointed elsewhere (a stand-in,
 * a proxy). The variables are read in platform/config.ts.
 */
export const PROVIDERS = ['kakao', 'naver', 'apple'] as const;
export type Provider = (typeof PROVIDERS)[number];

const httpUrl = z.string().refine((v) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, 'must be a URL starting with http:// or https://');

export const oauthEnv = z.object({
  OAUTH_KAKAO_CLIENT_ID: z.string().min(1).max(200).optional(),
  OAUTH_KAKAO_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  OAUTH_KAKAO_SCOPE: z
    .string()
    .regex(/^[\w ]{1,300}$/, 'scopes separated by spaces')
    .default('openid account_email profile_nickname'),
  OAUTH_KAKAO_AUTHORIZE_URL: httpUrl.default('https://kauth.kakao.com/oauth/authorize'),
  OAUTH_KAKAO_TOKEN_URL: httpUrl.default('https://kauth.kakao.com/oauth/token'),
  OAUTH_KAKAO_USERINFO_URL: httpUrl.default('https://kapi.kakao.com/v2/user/me'),
  OAUTH_KAKAO_JWKS_URL: httpUrl.default('https://kauth.kakao.com/.well-known/jwks.json'),
  OAUTH_NAVER_CLIENT_ID: z.string().min(1).max(200).optional(),
  OAUTH_NAVER_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  OAUTH_NAVER_AUTHORIZE_URL: httpUrl.default('https://nid.naver.com/oauth2.0/authorize'),
  OAUTH_NAVER_TOKEN_URL: httpUrl.default('https://nid.naver.com/oauth2.0/token'),
  OAUTH_NAVER_USERINFO_URL: httpUrl.default('https://openapi.naver.com/v1/nid/me'),
  /** Apple: the Services ID (web sign-in uses it, not the app's Bundle ID). */
  OAUTH_APPLE_CLIENT_ID: z.string().min(1).max(200).optional(),
  OAUTH_APPLE_TEAM_ID: z.string().min(1).max(40).optional(),
  OAUTH_APPLE_KEY_ID: z.string().min(1).max(40).optional(),
  /** Path of the .p8 private key file Apple gave for Sign in with Apple. */
  OAUTH_APPLE_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  OAUTH_APPLE_AUTHORIZE_URL: httpUrl.default('https://appleid.apple.com/auth/authorize'),
  OAUTH_APPLE_TOKEN_URL: httpUrl.default('https://appleid.apple.com/auth/token'),
  OAUTH_APPLE_JWKS_URL: httpUrl.default('https://appleid.apple.com/auth/keys'),
});

export type OAuthEnv = z.infer<typeof oauthEnv>;

export type ProviderEndpoints = {
  authorizeUrl: string;
  tokenUrl: string;
  /** Kakao and Naver: the profile API; Apple has none (the id_token carries the identity). */
  userinfoUrl?: string;
  /** Kakao (OIDC) and Apple: the keys id_tokens are signed with. */
  jwksUrl?: string;
};

export type ProviderConfig = ProviderEndpoints & {
  clientId?: string;
  clientSecret?: string;
  /** Kakao only (Naver takes none, Apple's is fixed). */
  scope?: string;
};

export type AppleKeyConfig = { teamId?: string; keyId?: string; privateKeyFile?: string };

export type OAuthConfig = {
  kakao: ProviderConfig;
  naver: ProviderConfig;
  apple: ProviderConfig & AppleKeyConfig;
};

export function readOAuthConfig(e: OAuthEnv): OAuthConfig {
  return {
    kakao: {
      clientId: e.OAUTH_KAKAO_CLIENT_ID,
      clientSecret: e.OAUTH_KAKAO_CLIENT_SECRET,
      scope: e.OAUTH_KAKAO_SCOPE,
      authorizeUrl: e.OAUTH_KAKAO_AUTHORIZE_URL,
      tokenUrl: e.OAUTH_KAKAO_TOKEN_URL,
      userinfoUrl: e.OAUTH_KAKAO_USERINFO_URL,
      jwksUrl: e.OAUTH_KAKAO_JWKS_URL,
    },
    naver: {
      clientId: e.OAUTH_NAVER_CLIENT_ID,
      clientSecret: e.OAUTH_NAVER_CLIENT_SECRET,
      authorizeUrl: e.OAUTH_NAVER_AUTHORIZE_URL,
      tokenUrl: e.OAUTH_NAVER_TOKEN_URL,
      userinfoUrl: e.OAUTH_NAVER_USERINFO_URL,
    },
    apple: {
      clientId: e.OAUTH_APPLE_CLIENT_ID,
      teamId: e.OAUTH_APPLE_TEAM_ID,
      keyId: e.OAUTH_APPLE_KEY_ID,
      privateKeyFile: e.OAUTH_APPLE_PRIVATE_KEY_FILE,
      authorizeUrl: e.OAUTH_APPLE_AUTHORIZE_URL,
      tokenUrl: e.OAUTH_APPLE_TOKEN_URL,
      jwksUrl: e.OAUTH_APPLE_JWKS_URL,
    },
  };
}
