import { codeOfEnglish, type Msg } from './messages/index.ts';

/** A field's problem; `key`/`params` name it in the message catalog so the reader sees it in their language. */
export type FieldError = {
  path: string;
  message: string;
  key?: string;
  params?: Record<string, string | number>;
};

/** A message given as English text (older call sites) or as a catalog code (`msg(...)`). */
export type Message = string | Msg;

const textOf = (m: Message) => (typeof m === 'string' ? m : m.text);
/** The code of a message: its own, or the catalog's code for exactly this English text. */
function coded(m: Message): { key?: string; params?: Record<string, string | number> } {
  if (typeof m !== 'string') return m.params ? { key: m.key, params: m.params } : { key: m.key };
  const key = codeOfEnglish(m);
  return key ? { key } : {};
}

/** A failure the user can act on; routes turn it into an envelope with this HTTP status. */
export class AppError extends Error {
  /** The message's catalog code and parameters, when it has one. */
  public readonly key?: string;
  public readonly params?: Record<string, string | number>;
  constructor(
    public readonly status: number,
    message: Message,
    public readonly data?: Record<string, unknown>,
  ) {
    super(textOf(message));
    const c = coded(message);
    this.key = c.key;
    this.params = c.params;
  }
}

/** A field error from a message, carrying its code. */
export const fieldError = (path: string, message: Message): FieldError => ({
  path,
  message: textOf(message),
  ...coded(message),
});

export const badRequest = (message: Message, errors?: FieldError[]) =>
  new AppError(400, message, errors ? { errors: errors.map(withCode) } : undefined);
export const unauthorized = (message: Message = 'login required') => new AppError(401, message);
export const forbidden = (message: Message = 'not allowed') => new AppError(403, message);
export const notFound = (what: string | Msg) =>
  typeof what === 'string'
    ? new AppError(404, { key: 'common.not_found', params: { what }, text: `${what} not found` })
    : new AppError(404, what);
export const conflict = (message: Message, data?: Record<string, unknown>) =>
  new AppError(409, message, data);
/** For a bad value in one field, so the answer names it like schema errors do. */
export const invalidField = (path: string, message: Message) => {
  const e = fieldError(path, message);
  return new AppError(
    400,
    e.key
      ? ({ key: e.key, params: e.params, text: `${path}: ${e.message}` } as Msg)
      : `${path}: ${e.message}`,
    { errors: [e] },
  );
};

/** A field error written as text gets the catalog's code for that text, when there is one. */
function withCode(e: FieldError): FieldError {
  if (e.key) return e;
  const key = codeOfEnglish(e.message);
  return key ? { ...e, key } : e;
}
