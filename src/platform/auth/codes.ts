import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { sha256 } from '../crypto.ts';
import type { Db } from '../db.ts';
import { type CodePurpose, verificationCodes } from '../schema.ts';

/** A mailed code lives this long … */
export const CODE_MINUTES = 30;
/** … and takes this many wrong guesses before it is spent (the per-account RULES bound it over codes). */
export const CODE_TRIES = 5;

export type CodeCheck = 'ok' | 'wrong' | 'missing';

/** The hash stored for a code; the purpose is in it, so a code of one purpose is no code of another. */
const hashOf = (userId: string, purpose: CodePurpose, code: string) =>
  sha256(purpose === 'signup' ? `${userId}:${code}` : `${userId}:${purpose}:${code}`);

/**
 * Six-digit codes mailed for a purpose (sign-up, password reset, withdrawal). Exactly one live code
 * per account and purpose: issuing replaces the old one (and its count of wrong guesses).
 */
export class Codes {
  constructor(private readonly ctx: Context) {}

  /** A fresh code, stored only as a hash; the caller mails it. */
  async issue(userId: string, purpose: CodePurpose): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = {
      codeHash: hashOf(userId, purpose, code),
      attempts: 0,
      expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000),
    };
    await this.ctx.database.db
      .insert(verificationCodes)
      .values({ userId, purpose, ...row })
      .onConflictDoUpdate({ target: [verificationCodes.userId, verificationCodes.purpose], set: row });
    return code;
  }

  /**
   * Checks a guess inside the caller's transaction. A right one is used up at once; a wrong one is
   * counted (the caller commits the count before refusing); an expired or spent code is 'missing'.
   */
  async check(tx: Db, userId: string, purpose: CodePurpose, code: string): Promise<CodeCheck> {
    const where = and(eq(verificationCodes.userId, userId), eq(verificationCodes.purpose, purpose));
    const [c] = await tx.select().from(verificationCodes).where(where).for('update');
    if (!c || c.expiresAt < new Date() || c.attempts >= CODE_TRIES) return 'missing';
    if (c.codeHash !== hashOf(userId, purpose, code)) {
      await tx
        .update(verificationCodes)
        .set({ attempts: c.attempts + 1 })
        .where(where);
      return 'wrong';
    }
    await tx.delete(verificationCodes).where(where);
    return 'ok';
  }
}
