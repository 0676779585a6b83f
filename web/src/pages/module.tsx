import type { ReactNode } from 'react';
import type { User } from '../api.ts';
import type { Key, Words } from '../i18n.tsx';
import { RequireAuth } from '../ui.tsx';

/** One page: a path pattern (`/events/:id`) and what to show for its parameters. */
export type PageRoute = { pattern: string; render: (p: Record<string, string>) => ReactNode };

/** A link in the top bar, shown to the users `show` accepts. */
export type NavEntry = { to: string; k: Key; show: (user: User | null) => boolean };

/** A module's pages, merged by App.tsx: its routes, its links in the top bar and its words. */
export type ModulePages = { routes: PageRoute[]; nav: NavEntry[]; words?: Words };

export const staff = ['organizer', 'admin'];

/** A page behind login (and, with `roles`, behind one of those roles). */
export function guarded(pattern: string, page: (p: Record<string, string>) => ReactNode, roles?: string[]) {
  return {
    pattern,
    render: (p: Record<string, string>) => <RequireAuth roles={roles}>{page(p)}</RequireAuth>,
  };
}
