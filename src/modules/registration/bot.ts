import type { Context } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { msg } from '../../platform/messages/index.ts';
import {
  channelMessage,
  DISCORD_API,
  deferredMessage,
  type EventCommand,
  editOriginalResponse,
  type Interaction,
  InteractionType,
  parseInteraction,
  pong,
  quoted,
  readEventCommand,
  sendFollowup,
  verifyDiscordRequest,
} from './actions/discord.ts';
import { type BotLang, botLang, botText, count, type SaleState } from './bot-messages.ts';
import { checkRange, MAX_REPORT_DAYS } from './reports.ts';
import type { Registration } from './service.ts';

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
          await ctx.serverLog.write({
            level: 'warn',
            source: 'discord',
            message: `refused a Discord interaction: invalid request signature (${check.reason})`,
            requestId: String(req.id),
          });
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
        const lang = botLang(interaction);
        const t = botText[lang];
        if (!read.ok) return channelMessage(`⚠️ ${t.command[read.problem]}`, { ephemeral: true });
        const cmd = read.command;
        // Each server sees only the events connected to it; a DM (no guild) sees none.
        const guildId = typeof interaction.guild_id === 'string' ? interaction.guild_id : undefined;
        // Quick checks first, so a bad slug or range is an immediate, private answer.
        if (cmd.name !== 'list') {
          const ev = await reg.eventBySlugInGuild(cmd.slug, guildId);
          if (!ev) return channelMessage(`⚠️ ${t.unknownSlug(quoted(cmd.slug))}`, { ephemeral: true });
          if (cmd.name === 'report') {
            const days = (Date.parse(cmd.to) - Date.parse(cmd.from)) / 86_400_000 + 1;
            if (days > MAX_REPORT_DAYS)
              return channelMessage(`⚠️ ${t.tooLong(days, MAX_REPORT_DAYS)}`, { ephemeral: true });
            try {
              checkRange(cmd.from, cmd.to);
            } catch (err) {
              return channelMessage(`⚠️ ${(err as Error).message}`, { ephemeral: true });
            }
          }
        }
        const apiUrl = ctx.config.discord?.apiUrl ?? DISCORD_API;
        const work = answer(reg, cmd, guildId, lang);
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
              { content: `⚠️ ${t.failed}` },
              [],
              { baseUrl: apiUrl },
            ).catch(() => {});
          });
        return deferredMessage();
      },
    );
  });
}

async function answer(
  reg: Registration,
  cmd: EventCommand,
  guildId: string | undefined,
  lang: BotLang,
): Promise<Answer> {
  const t = botText[lang];
  const n = (x: number) => count(lang, x);
  if (cmd.name === 'list') {
    const events = await reg.eventsForGuild(guildId);
    if (events.length === 0) return { content: guildId ? t.noEvents : t.dmOnly };
    const rows = await Promise.all(
      events.map(async (e) => {
        const [st, state] = await Promise.all([reg.status(e), reg.saleState(e)]);
        const sold = st.reduce((x, r) => x + r.sold, 0);
        return {
          state,
          line: `• \`${quoted(e.slug)}\` ${quoted(e.name)}: ${t.state[state]} · ${t.sold(n(sold))}`,
        };
      }),
    );
    // Events on sale first; the order within each group stays by slug.
    const order: SaleState[] = ['on_sale', 'ended'];
    rows.sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state));
    return { content: rows.map((r) => r.line).join('\n') };
  }
  const ev = await reg.eventBySlugInGuild(cmd.slug, guildId);
  if (!ev) throw new AppError(404, msg('registration.unknown_slug', { slug: cmd.slug }));
  if (cmd.name === 'status') {
    const [st, state] = await Promise.all([reg.status(ev), reg.saleState(ev)]);
    const sold = st.reduce((x, r) => x + r.sold, 0);
    const lines = st.map(
      (r) =>
        `• ${quoted(r.ticketName)}: ${t.ticketLine(n(r.sold), r.total === 'unlimited' ? undefined : n(r.total))}`,
    );
    const last = ev.lastOkAt
      ? ` (${t.synced(ev.lastOkAt.toISOString().slice(0, 16).replace('T', ' '))})`
      : '';
    return {
      content: [`**${quoted(ev.name, 200)}** (${t.state[state]}): ${t.sold(n(sold))}${last}`, ...lines].join(
        '\n',
      ),
    };
  }
  const csv = await reg.reportCsv(ev, cmd.from, cmd.to);
  return {
    content: t.report(quoted(ev.name, 200), cmd.from, cmd.to),
    file: { filename: `${ev.slug}-${cmd.from}-${cmd.to}.csv`, data: csv },
  };
}
