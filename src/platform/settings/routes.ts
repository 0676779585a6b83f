import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import { type App, ok } from '../http/app.ts';
import type { RuntimeSettings } from './index.ts';

const tags = ['settings'];

/** Runtime settings: admins read and change them all; everyone reads the public ones. */
export function settingsRoutes(app: App, auth: Auth, settings: RuntimeSettings) {
  const admin = auth.guard(['admin']);
  app.get(
    '/api/settings',
    { schema: { tags, summary: 'The public settings (what the web shows every visitor)' } },
    async (_req, reply) => {
      const list = await settings.list(false);
      return ok(reply, { settings: Object.fromEntries(list.map((s) => [s.key, s.value])) });
    },
  );

  app.get(
    '/api/admin/settings',
    {
      onRequest: admin,
      schema: { tags, summary: 'Every setting with its default, schema and last change (admins)' },
    },
    async (_req, reply) => ok(reply, { settings: await settings.list(true) }),
  );

  app.put(
    '/api/admin/settings',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Change settings all at once (a bad value is a 400 naming values.<key>; nothing changes)',
        body: z
          .object({
            values: z.record(z.string().max(100), z.unknown()).optional(),
            reset: z.array(z.string().max(100)).max(100).optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const actor = await auth.require(req, ['admin']);
      const changed = await settings.update(actor.id, req.body);
      return ok(reply, { changed, settings: await settings.list(true) }, 'settings saved');
    },
  );
}
