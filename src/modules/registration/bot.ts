import type { Context } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import {
  channelMessage,
  DISCORD_API,
  deferredMessage,
  type EventCommand,
  editOriginalResponse,
  escapeMarkdown,
  type Interaction,
  InteractionType,
  parseInteraction,
  pong,
  readEventCommand,
  sendFollowup,
  verifyDiscordRequest,
} from './actions/discord.ts';
import { checkRange, type Registration } from './service.ts';

/** How long a command may take before we answer "thinking…" and follow up (Discord allows 3 s). */
const DEFER_AFTER_MS = 2000;

type Answer = { content: string; file?: { filename: string; data: string } };

/**
 * `POST /api/discord/interactions`: the raw body is kept for the Ed25519 check by a content-type
 * parser registered in this route's own encapsulated scope, so other routes are unaffected.
 */
export function discordRoutes(app: App, ctx: Context, reg: Registration) {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/discord/interactions',
      {
        schema: {
          tags: ['registration'],
          summary: 'Discord HTTP interactions (signed by Discord)',
          hide: true,
        },
      },
      async (req, reply) => {
        const key = ctx.config.discord?.publicKey;
        if (!key) {
          reply.code(503);
          return { error: 'the Discord bot is not configured (DISCORD_PUBLIC_KEY)' };
        }
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from(String(req.body ?? ''));
        const sig = req.headers['x-signature-ed25519'];
        const ts = req.headers['x-signature-timestamp'];
        const check = verifyDiscordRequest(
          key,
          typeof sig === 'string' ? sig : undefined,
          typeof ts === 'string' ? ts : undefined,
          raw,
        );
        if (!check.ok) {
          reply.code(401);
          return { error: `invalid request signature (${check.reason})` };
        }
        let interaction: Interaction;
        try {
          interaction = parseInteraction(raw);
        } catch {
          reply.code(400);
          return { error: 'not a Discord interaction' };
        }
        if (interaction.type === InteractionType.PING) return pong();
        const read = readEventCommand(interaction);
        if (!read.ok) return channelMessage(`⚠️ ${read.error}`, { ephemeral: true });
        const cmd = read.command;
        // Each server sees only the events connected to it; a DM (no guild) sees none.
        const guildId = typeof interaction.guild_id === 'string' ? interaction.guild_id : undefined;
        // Quick checks first, so a bad slug or range is an immediate, private answer.
        if (cmd.name !== 'list') {
          const ev = await reg.eventBySlugInGuild(cmd.slug, guildId);
          if (!ev)
            return channelMessage(`⚠️ unknown event slug \`${escapeMarkdown(cmd.slug)}\``, {
              ephemeral: true,
            });
          if (cmd.name === 'report') {
            try {
              checkRange(cmd.from, cmd.to);
            } catch (err) {
              return channelMessage(`⚠️ ${(err as Error).message}`, { ephemeral: true });
            }
          }
        }
        const apiUrl = ctx.config.discord?.apiUrl ?? DISCORD_API;
        const work = answer(reg, cmd, guildId);
        // A report always goes as a follow-up with the CSV attached; others answer in time or defer.
        const quick =
          cmd.name === 'report'
            ? undefined
            : await Promise.race([work, new Promise<undefined>((r) => setTimeout(r, DEFER_AFTER_MS))]);
        if (quick) return channelMessage({ content: quick.content });
        void work
          .then(async (a) => {
            const files = a.file
              ? [{ filename: a.file.filename, data: a.file.data, contentType: 'text/csv' }]
              : [];
            // Replaces the "thinking…" with the answer (and the CSV, as a multipart edit).
            await editOriginalResponse(
              interaction.application_id,
              interaction.token,
              { content: a.content },
              files,
              { baseUrl: apiUrl },
            );
          })
          .catch(async (err) => {
            ctx.log.warn({ err }, 'discord follow-up failed');
            await sendFollowup(
              interaction.application_id,
              interaction.token,
              { content: `⚠️ ${(err as Error).message}`.slice(0, 1900) },
              [],
              { baseUrl: apiUrl },
            ).catch(() => {});
          });
        return deferredMessage();
      },
    );
  });
}

async function answer(reg: Registration, cmd: EventCommand, guildId: string | undefined): Promise<Answer> {
  if (cmd.name === 'list') {
    const events = await reg.eventsForGuild(guildId);
    if (events.length === 0)
      return {
        content: guildId
          ? 'No registrations are connected to this server yet (an organiser sets its server id in yeyak).'
          : '/event works in a server whose id an organiser set in yeyak.',
      };
    const lines = await Promise.all(
      events.map(async (e) => {
        const st = await reg.status(e);
        const sold = st.reduce((x, r) => x + r.sold, 0);
        return `• \`${escapeMarkdown(e.slug)}\` ${escapeMarkdown(e.name)} (${e.source}): ${sold} sold`;
      }),
    );
    return { content: lines.join('\n').slice(0, 1990) };
  }
  const ev = await reg.eventBySlugInGuild(cmd.slug, guildId);
  if (!ev) throw new AppError(404, `unknown event slug ${cmd.slug}`);
  if (cmd.name === 'status') {
    const st = await reg.status(ev);
    const sold = st.reduce((x, r) => x + r.sold, 0);
    const lines = st.map(
      (r) =>
        `• ${escapeMarkdown(r.ticketName)}: ${r.sold} sold / ${r.total === 'unlimited' ? 'unlimited' : `${r.total} total`}`,
    );
    const last = ev.lastOkAt
      ? ` (synced ${ev.lastOkAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`
      : '';
    return {
      content: [`**${escapeMarkdown(ev.name)}**: ${sold} sold${last}`, ...lines].join('\n').slice(0, 1990),
    };
  }
  const csv = await reg.reportCsv(ev, cmd.from, cmd.to);
  return {
    content: `Registrations of **${escapeMarkdown(ev.name)}** from ${cmd.from} to ${cmd.to}, by ticket type and day.`,
    file: { filename: `${ev.slug}-${cmd.from}-${cmd.to}.csv`, data: csv },
  };
}
