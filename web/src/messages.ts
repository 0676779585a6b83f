import { isCode, type Lang as MessageLang, render } from '../../src/platform/messages/index.ts';
import { fieldName } from '../../src/platform/messages/validation.ts';

/**
 * The server names each message by a catalog code with parameters (`key`, `params` in its envelope
 * and field errors) beside its English text. The web renders the code in the page's language from
 * the same catalog the server uses; text without a code (an older server, an outside service's own
 * words) is shown as written.
 */
export type Coded = { key?: string; params?: Record<string, string | number> };

// Texts the server sent with a code, so a field error handed around as text still renders by code.
const coded = new Map<string, Coded>();

/** Notes the code of a text the server sent; api.ts calls it for every error it receives. */
export function remember(text: string | undefined, c: Coded) {
  if (text && c.key && isCode(c.key)) coded.set(text, { key: c.key, params: c.params });
}

/** A coded message in `lang`; `fallback` when it has no code the catalog knows. */
export function codedMessage(c: Coded, fallback: string, lang: MessageLang): string {
  return c.key && isCode(c.key) ? render(c.key, c.params, lang) : fallback;
}

/** A message the server sent, in `lang`. */
export function serverMessage(message: string, lang: MessageLang): string {
  const c = coded.get(message);
  return c ? codedMessage(c, message, lang) : message;
}

/** A field's label for its path (`body.ticketsEventId` → 'yeyak 공연'), never the path itself. */
export function fieldLabel(path: string, lang: MessageLang): string {
  const name = fieldName(path);
  const key = `field.${name}`;
  return isCode(key) ? render(key, undefined, lang) : name;
}
