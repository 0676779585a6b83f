import type { User } from './auth/service.ts';
import { notFound } from './errors.ts';

/**
 * The one access rule for objects that belong to someone: the owner and admins may act on them.
 * Anyone else gets the answer a missing object gets (404 naming what), never a 403 that would
 * confirm the id exists.
 */
function mayActOn(actor: User, ownerId: string | null | undefined): boolean {
  return actor.role === 'admin' || (!!ownerId && ownerId === actor.id);
}

/** The row when `actor` may act on it; otherwise (or when there is none) the 404 of a missing `what`. */
export function ownedOr404<T>(
  actor: User,
  row: T | undefined,
  ownerOf: (row: T) => string | null,
  what: string,
): T {
  if (row === undefined || !mayActOn(actor, ownerOf(row))) throw notFound(what);
  return row;
}

/** The owner to filter a listing by: none for admins (they see all), the actor otherwise. */
export function ownerFilter(actor: User): string | undefined {
  return actor.role === 'admin' ? undefined : actor.id;
}
