import {
  excerpt,
  Http,
  type HttpOptions,
  joinUrl,
  reasonFor,
  safeJson,
  UpstreamError,
} from '../../../platform/net/http.ts';

/**
 * Gather guest list (Gather's HTTP API). `POST /api/setEmailGuestlist` with
 * `overwrite: false` (the default) merges the given e-mails into the list and leaves everyone else
 * alone, so adding needs no read first. There is no call to delete one guest: the only way is to
 * read the list and write it back whole with `overwrite: true`, which can drop a guest someone
 * adds between the read and the write. Removal is therefore off unless the operator opts in.
 */

export class GatherError extends UpstreamError {
  constructor(reason: UpstreamError['reason'], message: string, details: UpstreamError['details'] = {}) {
    super('gather', reason, message, details);
    this.name = 'GatherError';
  }
}

/** One guest-list entry; Gather keys the list by e-mail and treats the fields as free strings. */
export type GatherGuest = { name?: string; affiliation?: string; role?: string };
export type GatherGuestlist = Record<string, GatherGuest>;

export type GatherClientOptions = HttpOptions & {
  /** `https://api.gather.town` by default */
  baseUrl?: string;
  apiKey: string;
  /** `<id>\<Name>`; a `<id>/<Name>` from the space URL is converted */
  spaceId: string;
  /**
   * Allow `removeGuest` to rewrite the whole list (read, drop one, write with overwrite). Off by
   * default: that write races with anyone editing the list at the same moment.
   */
  allowRemoval?: boolean;
};

export type RemoveResult =
  | { removed: true }
  | { removed: false; reason: 'unsupported' | 'absent'; message: string };

/** Gather keys guests by e-mail; compare them trimmed and lower-cased. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** `abc123/My Space` → `abc123\My Space` (the form the API wants). */
export const normaliseSpaceId = (spaceId: string) => spaceId.trim().replace('/', '\\');

export function createGatherClient(opts: GatherClientOptions) {
  if (!opts.apiKey) throw new Error('Gather apiKey is required');
  if (!opts.spaceId) throw new Error('Gather spaceId is required');
  const baseUrl = opts.baseUrl ?? 'https://api.gather.town';
  const spaceId = normaliseSpaceId(opts.spaceId);
  const http = new Http('gather', opts);

  function fail(status: number, text: string, what: string): never {
    const reason = reasonFor(status);
    const message =
      reason === 'unauthorized'
        ? `Gather refused the API key for ${what} (HTTP ${status}); the key's owner must be Admin or Builder of the space`
        : reason === 'not_found'
          ? `Gather does not know the space ${spaceId} (${what})`
          : `Gather answered HTTP ${status} to ${what}: ${excerpt(text)}`;
    throw new GatherError(reason, message, { upstreamStatus: status });
  }

  async function getGuestlist(): Promise<GatherGuestlist> {
    const q = new URLSearchParams({ apiKey: opts.apiKey, spaceId });
    const { res, text } = await http.request(joinUrl(baseUrl, `/api/getEmailGuestlist?${q}`));
    if (!res.ok) fail(res.status, text, 'getEmailGuestlist');
    const body = safeJson(text);
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new GatherError(
        'bad_response',
        'Gather getEmailGuestlist did not return an object keyed by e-mail',
      );
    return body as GatherGuestlist;
  }

  async function setGuestlist(guestlist: GatherGuestlist, overwrite: boolean): Promise<void> {
    const { res, text } = await http.request(joinUrl(baseUrl, '/api/setEmailGuestlist'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // The merge is idempotent, so a retry after a lost answer is safe; an overwrite is too.
      idempotent: true,
      body: JSON.stringify({ apiKey: opts.apiKey, spaceId, guestlist, overwrite }),
    });
    // Documented as "returns nothing": any 2xx is success, whatever the body.
    if (!res.ok) fail(res.status, text, 'setEmailGuestlist');
  }

  return {
    http,
    spaceId,
    getGuestlist,

    /**
     * Adds (or updates) guests, leaving every other entry as it is: one POST with
     * `overwrite: false`. E-mails are trimmed and lower-cased.
     */
    async addGuests(guests: GatherGuestlist | { email: string; guest?: GatherGuest }[]): Promise<number> {
      const list: GatherGuestlist = {};
      const entries = Array.isArray(guests)
        ? guests.map((g) => [g.email, g.guest ?? {}] as const)
        : Object.entries(guests);
      for (const [email, guest] of entries) {
        const key = normaliseEmail(email);
        if (!/^[^@\s]+@[^@\s]+$/.test(key))
          throw new GatherError('rejected', `not an e-mail address: ${email}`);
        list[key] = guest;
      }
      if (Object.keys(list).length === 0) return 0;
      await setGuestlist(list, false);
      return Object.keys(list).length;
    },

    /**
     * Takes one guest off the list where that is allowed (see `allowRemoval`). Reads the list,
     * writes it back without the guest, and reads again to check no one else was lost.
     */
    async removeGuest(email: string): Promise<RemoveResult> {
      if (!opts.allowRemoval)
        return {
          removed: false,
          reason: 'unsupported',
          message:
            "Gather's API cannot delete one guest; removal would overwrite the whole list and is disabled (allowRemoval)",
        };
      const key = normaliseEmail(email);
      const current = await getGuestlist();
      const match = Object.keys(current).find((k) => normaliseEmail(k) === key);
      if (match === undefined)
        return { removed: false, reason: 'absent', message: `${key} is not on the list` };
      const rest = { ...current };
      delete rest[match];
      await setGuestlist(rest, true);
      const after = await getGuestlist();
      const lost = Object.keys(rest).filter((k) => !(k in after));
      if (lost.length > 0)
        throw new GatherError(
          'bad_response',
          `Gather lost ${lost.length} other guest(s) while removing ${key}`,
        );
      return { removed: true };
    },
  };
}
