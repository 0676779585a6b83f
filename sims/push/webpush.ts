/**
 * The receiving end of Web Push, as a push service and a browser do it together: a subscription's
 * key pair and auth secret (what `PushManager.subscribe()` makes), the VAPID check (RFC 8292) and
 * the decryption of an aes128gcm body (RFC 8291 over RFC 8188).
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';

export type SimSubscription = {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** the browser's private key: only the stand-in has it, as only the browser would */
  privateKey: Buffer;
};

export function makeSubscription(id: string, endpoint: string): SimSubscription {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    id,
    endpoint,
    keys: {
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
    privateKey: ecdh.getPrivateKey(),
  };
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();
/** HKDF with one block of output (RFC 5869), all RFC 8291 needs. */
const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) =>
  hmac(hmac(salt, ikm), Buffer.concat([info, Buffer.from([1])])).subarray(0, length);

/**
 * RFC 8291 §3.4 + RFC 8188 §2: header = salt(16) | rs(4) | idlen(1) | keyid (the sender's public
 * key, 65 bytes); one record of ciphertext + 16-byte tag; the plaintext ends with the delimiter
 * 0x02 and optional zero padding. Throws on anything that does not decrypt.
 */
export function decryptAes128gcm(body: Buffer, sub: SimSubscription): Buffer {
  if (body.length < 21 + 65 + 17) throw new Error('body too short for an aes128gcm record');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (idlen !== 65) throw new Error(`keyid must be the 65-byte sender key (got ${idlen} bytes)`);
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (record.length > rs) throw new Error('more than one record (the stand-in takes one)');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(sub.privateKey);
  const uaPublic = ecdh.getPublicKey();
  const secret = ecdh.computeSecret(asPublic);
  const auth = Buffer.from(sub.keys.auth, 'base64url');
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(auth, secret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (end < 0 || plain[end] !== 2) throw new Error('no last-record delimiter (0x02)');
  return plain.subarray(0, end);
}

export type VapidClaims = { aud: string; exp: number; sub: string };

/**
 * RFC 8292: `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256 over the application
 * server's key `k`, `aud` is the push resource's origin, `exp` at most 24 hours ahead, `sub` a
 * mailto: or https: contact. Answers the claims or throws why not.
 */
export function checkVapid(
  header: string | undefined,
  origin: string,
  now = Date.now(),
): VapidClaims & { k: string } {
  const m = /^vapid\s+(.*)$/i.exec(header ?? '');
  if (!m) throw new Error('no "vapid" Authorization');
  const params = Object.fromEntries(
    m[1].split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const { t, k } = params as { t?: string; k?: string };
  if (!t || !k) throw new Error('vapid needs t= and k=');
  const raw = Buffer.from(k, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not an uncompressed P-256 key');
  const [h, c, s] = t.split('.');
  if (!h || !c || !s) throw new Error('t is not a JWT');
  const jose = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  if (jose.alg !== 'ES256') throw new Error(`JWT alg must be ES256 (got ${jose.alg})`);
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${c}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new Error('JWT signature does not verify with k');
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Partial<VapidClaims>;
  if (claims.aud !== origin) throw new Error(`aud must be ${origin} (got ${claims.aud})`);
  const secs = now / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < secs || claims.exp > secs + 24 * 3600)
    throw new Error('exp must be in the next 24 hours');
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))
    throw new Error('sub must be a mailto: or https: contact');
  return { aud: claims.aud, exp: claims.exp, sub: claims.sub, k };
}
