import { readFileSync } from 'node:fs';
import { type CryptoKey, generateKeyPair, importPKCS8, SignJWT } from 'jose';

/**
 * Apple takes no fixed client secret: the secret is a JWT the client signs itself with the `.p8`
 * key from Apple's developer site — header `{alg: ES256, kid: <Key ID>}`, claims `{iss: <Team ID>,
 * iat, exp (at most 6 months later), aud: "https://appleid.apple.com", sub: <Services ID>}`. One is
 * signed, kept, and signed again an hour before it expires, so a token request never waits on it.
 */
export const APPLE_SECRET_LIFETIME_S = 24 * 3600;
export const APPLE_SECRET_RENEW_BEFORE_S = 3600;

export type AppleSecretOptions = {
  teamId: string;
  keyId: string;
  /** the Services ID */
  clientId: string;
  /** Apple's issuer, https://appleid.apple.com */
  audience: string;
  key: CryptoKey;
  now?: () => number;
};

export class AppleClientSecret {
  private cached?: { jwt: string; exp: number };
  /** how many secrets were signed (tests check the cache) */
  signed = 0;

  constructor(private readonly opts: AppleSecretOptions) {}

  async current(): Promise<string> {
    const nowS = Math.floor((this.opts.now ?? Date.now)() / 1000);
    if (this.cached && this.cached.exp - nowS > APPLE_SECRET_RENEW_BEFORE_S) return this.cached.jwt;
    const exp = nowS + APPLE_SECRET_LIFETIME_S;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.opts.keyId })
      .setIssuer(this.opts.teamId)
      .setIssuedAt(nowS)
      .setExpirationTime(exp)
      .setAudience(this.opts.audience)
      .setSubject(this.opts.clientId)
      .sign(this.opts.key);
    this.cached = { jwt, exp };
    this.signed++;
    return jwt;
  }
}

/** Reads the `.p8` file (PKCS #8 PEM, P-256); a clear error names the file when it is not one. */
export async function readAppleKey(file: string): Promise<CryptoKey> {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`OAUTH_APPLE_PRIVATE_KEY_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return await importPKCS8(pem.trim(), 'ES256');
  } catch {
    throw new Error(`OAUTH_APPLE_PRIVATE_KEY_FILE: ${file} is not a PKCS #8 P-256 private key (.p8)`);
  }
}

/** The demo's Apple key: made at start, never stored (the stand-in checks the claims, not the key). */
export async function demoAppleKey(): Promise<CryptoKey> {
  return (await generateKeyPair('ES256')).privateKey;
}
