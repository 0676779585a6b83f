import { AppError, type FieldError } from './errors.ts';

/**
 * Runs a form's checks one after another and answers every bad field at once: a check that throws
 * a 400 naming fields is noted and the next one runs; anything else (an operator refusing, a 5xx)
 * stops at once. `done()` throws one 400 with all the fields, led by the first one's message.
 */
export class FieldChecks {
  private readonly errors: FieldError[] = [];
  private first?: AppError;

  async run<T>(check: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await check();
    } catch (err) {
      const fields = err instanceof AppError && err.status === 400 ? err.data?.errors : undefined;
      if (!Array.isArray(fields) || !fields.length) throw err;
      this.first ??= err as AppError;
      this.errors.push(
        ...(fields as FieldError[]).filter((f) => !this.errors.some((e) => e.path === f.path)),
      );
      return undefined;
    }
  }

  get failed() {
    return this.errors.length > 0;
  }

  done() {
    const first = this.first;
    if (!first) return;
    const key = first.key ? { key: first.key, params: first.params } : undefined;
    throw new AppError(
      400,
      key ? ({ ...key, text: first.message } as ConstructorParameters<typeof AppError>[1]) : first.message,
      { ...first.data, errors: this.errors },
    );
  }
}
