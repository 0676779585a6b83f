/**
 * What the `/event` bot says, in the language of the Discord server that asks: Discord sends the
 * server's language as `guild_locale` (the user's own as `locale`, the only one in a DM).
 */
export type BotLang = 'en' | 'ko' | 'zh-TW';
export type SaleState = 'on_sale' | 'ended';

export function botLang(interaction: { guild_locale?: unknown; locale?: unknown }): BotLang {
  const pick = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const locale = pick(interaction.guild_locale) ?? pick(interaction.locale) ?? 'en-US';
  if (locale === 'zh-TW') return 'zh-TW';
  if (locale === 'ko' || locale.startsWith('ko-')) return 'ko';
  return 'en';
}

export type BotText = {
  state: Record<SaleState, string>;
  unlimited: string;
  sold: (n: string) => string;
  /** a ticket type's line after its name: sold and total (or unlimited) */
  ticketLine: (sold: string, total: string | undefined) => string;
  synced: (at: string) => string;
  noEvents: string;
  dmOnly: string;
  unknownSlug: (slug: string) => string;
  tooLong: (days: number, max: number) => string;
  report: (name: string, from: string, to: string) => string;
  failed: string;
  command: Record<CommandProblem, string>;
};

export type CommandProblem = 'unknown' | 'choose' | 'slug' | 'from' | 'to' | 'order';

const en: BotText = {
  state: { on_sale: 'on sale', ended: 'ended' },
  unlimited: 'unlimited',
  sold: (n) => `${n} sold`,
  ticketLine: (sold, total) => `${sold} sold / ${total === undefined ? 'unlimited' : `${total} total`}`,
  synced: (at) => `synced ${at} UTC`,
  noEvents: 'No registrations are connected to this server yet (an organiser sets its server id in yeyak).',
  dmOnly: '/event works in a server whose id an organiser set in yeyak.',
  unknownSlug: (slug) => `unknown event slug \`${slug}\``,
  tooLong: (days, max) => `the range is ${days} days; at most ${max}`,
  report: (name, from, to) => `Registrations of **${name}** from ${from} to ${to}, by ticket type and day.`,
  failed: 'the answer could not be prepared; try again later',
  command: {
    unknown: 'unknown command',
    choose: 'choose list, status or report',
    slug: 'slug is required',
    from: 'from must be YYYY-MM-DD',
    to: 'to must be YYYY-MM-DD',
    order: 'from must not be after to',
  },
};

const ko: BotText = {
  state: { on_sale: '판매 중', ended: '판매 종료' },
  unlimited: '무제한',
  sold: (n) => `${n}장 판매`,
  ticketLine: (sold, total) => `${sold}장 판매 / ${total === undefined ? '무제한' : `총 ${total}장`}`,
  synced: (at) => `${at} UTC 동기화`,
  noEvents: '이 서버에 연결된 등록이 아직 없습니다 (주최자가 yeyak에서 서버 ID를 설정합니다).',
  dmOnly: '/event는 주최자가 yeyak에 ID를 설정한 서버에서 쓸 수 있습니다.',
  unknownSlug: (slug) => `알 수 없는 행사 슬러그 \`${slug}\``,
  tooLong: (days, max) => `기간이 ${days}일입니다. 최대 ${max}일까지 가능합니다`,
  report: (name, from, to) => `**${name}** 등록 현황 (${from} ~ ${to}, 티켓 종류·날짜별).`,
  failed: '답을 준비하지 못했습니다. 잠시 후 다시 시도하세요',
  command: {
    unknown: '알 수 없는 명령',
    choose: 'list, status, report 중 하나를 고르세요',
    slug: 'slug를 입력하세요',
    from: 'from은 YYYY-MM-DD 형식이어야 합니다',
    to: 'to는 YYYY-MM-DD 형식이어야 합니다',
    order: 'from이 to보다 늦을 수 없습니다',
  },
};

const zhTW: BotText = {
  state: { on_sale: '開賣中', ended: '已結束' },
  unlimited: '不限',
  sold: (n) => `已售 ${n} 張`,
  ticketLine: (sold, total) => `已售 ${sold} 張 / ${total === undefined ? '不限' : `共 ${total} 張`}`,
  synced: (at) => `${at} UTC 同步`,
  noEvents: '這個伺服器還沒有連結任何報名（主辦單位在 yeyak 設定伺服器 ID）。',
  dmOnly: '/event 只能在主辦單位於 yeyak 設定過 ID 的伺服器中使用。',
  unknownSlug: (slug) => `找不到活動代號 \`${slug}\``,
  tooLong: (days, max) => `期間為 ${days} 天；最多 ${max} 天`,
  report: (name, from, to) => `**${name}** 報名統計（${from} 至 ${to}，依票種與日期）。`,
  failed: '無法產生回覆，請稍後再試',
  command: {
    unknown: '未知的指令',
    choose: '請選擇 list、status 或 report',
    slug: '請輸入 slug',
    from: 'from 必須是 YYYY-MM-DD',
    to: 'to 必須是 YYYY-MM-DD',
    order: 'from 不可晚於 to',
  },
};

export const botText: Record<BotLang, BotText> = { en, ko, 'zh-TW': zhTW };

/** Numbers as the language writes them (all three group thousands with a comma). */
export const count = (lang: BotLang, n: number) => n.toLocaleString(lang === 'zh-TW' ? 'zh-TW' : lang);
