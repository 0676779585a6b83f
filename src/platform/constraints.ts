import { constraintName, sqlState } from './db.ts';
import { AppError } from './errors.ts';

/**
 * A check constraint answered as a client error instead of a 500. `code` names the refusal in the
 * envelope's data (`ledger.insufficient`); `path` is the field it blames.
 */
export type ConstraintAnswer = { status: number; message: string; code?: string; path?: string };

/** Every registered answer, by constraint name: modules and platform parts add theirs. */
const answers = new Map<string, ConstraintAnswer>();

/** Registers the answers for a part's own check constraints (the platform knows none by name). */
export function registerConstraints(more: Record<string, ConstraintAnswer>) {
  for (const [name, answer] of Object.entries(more)) answers.set(name, answer);
}

/** The client error for a violated registered check constraint, or undefined for any other error. */
export function constraintError(err: unknown): AppError | undefined {
  if (sqlState(err) !== '23514') return undefined;
  const answer = answers.get(constraintName(err) ?? '');
  if (!answer) return undefined;
  const data: Record<string, unknown> = {};
  if (answer.code) data.code = answer.code;
  if (answer.path) data.errors = [{ path: answer.path, message: answer.message }];
  return new AppError(answer.status, answer.message, Object.keys(data).length ? data : undefined);
}
