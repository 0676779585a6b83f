export type FieldError = { path: string; message: string };

/** A failure the user can act on; routes turn it into an envelope with this HTTP status. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, errors?: FieldError[]) =>
  new AppError(400, message, errors ? { errors } : undefined);
export const unauthorized = (message = 'login required') => new AppError(401, message);
export const forbidden = (message = 'not allowed') => new AppError(403, message);
export const notFound = (what: string) => new AppError(404, `${what} not found`);
export const conflict = (message: string, data?: Record<string, unknown>) => new AppError(409, message, data);
/** For a bad value in one field, so the answer names it like schema errors do. */
export const invalidField = (path: string, message: string) =>
  badRequest(`${path}: ${message}`, [{ path, message }]);
