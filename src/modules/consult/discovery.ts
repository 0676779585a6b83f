import { and, asc, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { fileUrl } from '../../platform/uploads/index.ts';
import { consultCounselors, consultItems, type LINE_STATUSES, type Service } from './schema.ts';

// What anyone may read about counselors: the list with its filters and ranking, and one public
// profile. The public columns are picked one by one, so memo, contact, address and search weight
// cannot reach an answer by a `select *`.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A counselor as a card in a list. `rating` is the average of stars (null before the first review). */
export type CounselorCard = {
  id: string;
  name: string;
  grade: string;
  ratePer30s: number;
  lineStatus: (typeof LINE_STATUSES)[number];
  imageUrl: string | null;
  intro: string;
  categories: string[];
  services: Service[];
  likeCount: number;
  reviewCount: number;
  rating: number | null;
};

export type PublicItem = {
  id: string;
  kind: Service;
  title: string;
  description: string;
  price: number;
};

/** The profile page: the card, the detailed intro and what they sell (active items only). */
export type CounselorProfile = CounselorCard & { detail: string; items: PublicItem[] };

export type SearchInput = {
  category?: string;
  service?: Service;
  online?: boolean;
  q?: string;
  page: number;
  limit: number;
};

export type SearchResult = { counselors: CounselorCard[]; total: number; page: number; pages: number };

const c = consultCounselors;

/** The only columns any public answer takes from consult_counselors. */
export const cardColumns = {
  id: c.id,
  name: c.name,
  grade: c.grade,
  ratePer30s: c.ratePer30s,
  lineStatus: c.lineStatus,
  imageFileId: c.imageFileId,
  intro: c.intro,
  categories: c.categories,
  services: c.services,
  likeCount: c.likeCount,
  reviewCount: c.reviewCount,
  ratingSum: c.ratingSum,
};

type CardRow = {
  id: string;
  name: string;
  grade: string;
  ratePer30s: number;
  lineStatus: (typeof LINE_STATUSES)[number];
  imageFileId: string | null;
  intro: string;
  categories: string[];
  services: Service[];
  likeCount: number;
  reviewCount: number;
  ratingSum: number;
};

/** Shown to the public: active, linked to an account, still listed by the 060 service. */
export const isPublic: SQL = and(
  eq(c.state, 'active'),
  sql`${c.userId} is not null`,
  isNull(c.goneAt),
) as SQL;

/** Average stars, one decimal; null without reviews. */
export const ratingOf = (sum: number, count: number) =>
  count > 0 ? Math.round((sum / count) * 10) / 10 : null;

export const toCard = (r: CardRow): CounselorCard => ({
  id: r.id,
  name: r.name,
  grade: r.grade,
  ratePer30s: r.ratePer30s,
  lineStatus: r.lineStatus,
  imageUrl: r.imageFileId ? fileUrl(r.imageFileId, '512') : null,
  intro: r.intro,
  categories: r.categories,
  services: r.services,
  likeCount: r.likeCount,
  reviewCount: r.reviewCount,
  rating: ratingOf(r.ratingSum, r.reviewCount),
});

/** `%` and `_` typed by a user are letters to look for, not wildcards. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** Search weight first, then who can take a call now (online, busy, offline), then the average rating. */
export const ranking = [
  desc(c.searchWeight),
  sql`case ${c.lineStatus} when 'online' then 0 when 'busy' then 1 else 2 end`,
  sql`${c.ratingSum}::float8 / nullif(${c.reviewCount}, 0) desc nulls last`,
  desc(c.reviewCount),
  asc(c.name),
  asc(c.id),
];

export class Discovery {
  constructor(private readonly ctx: Context) {}

  private where(input: Omit<SearchInput, 'page' | 'limit'>): SQL {
    const parts: SQL[] = [isPublic];
    if (input.category) parts.push(sql`${c.categories} @> ${JSON.stringify([input.category])}::jsonb`);
    if (input.service) parts.push(sql`${c.services} @> ${JSON.stringify([input.service])}::jsonb`);
    if (input.online) parts.push(eq(c.lineStatus, 'online'));
    const q = input.q?.trim();
    if (q) parts.push(sql`${c.name} ilike ${likePattern(q)}`);
    return and(...parts) as SQL;
  }

  /** The counselor list: filtered, ranked, a page at a time. */
  async search(input: SearchInput): Promise<SearchResult> {
    const db = this.ctx.database.db;
    const where = this.where(input);
    const [rows, [count]] = await Promise.all([
      db
        .select(cardColumns)
        .from(c)
        .where(where)
        .orderBy(...ranking)
        .limit(input.limit)
        .offset((input.page - 1) * input.limit),
      db.select({ n: sql<number>`count(*)::int` }).from(c).where(where),
    ]);
    const total = count?.n ?? 0;
    return {
      counselors: rows.map(toCard),
      total,
      page: input.page,
      pages: Math.max(1, Math.ceil(total / input.limit)),
    };
  }

  /** Counselors online now, best ranked first (the home page). */
  async online(limit: number): Promise<CounselorCard[]> {
    const rows = await this.ctx.database.db
      .select(cardColumns)
      .from(c)
      .where(and(isPublic, eq(c.lineStatus, 'online')))
      .orderBy(...ranking)
      .limit(limit);
    return rows.map(toCard);
  }

  /** One public counselor's card, or undefined (hidden, suspended, unlinked, gone, or no such id). */
  async card(id: string, db: Executor = this.ctx.database.db): Promise<CounselorCard | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await db
      .select(cardColumns)
      .from(c)
      .where(and(isPublic, eq(c.id, id)));
    return row ? toCard(row) : undefined;
  }

  async cardOr404(id: string, db?: Executor): Promise<CounselorCard> {
    const card = await this.card(id, db);
    if (!card) throw notFound('counselor');
    return card;
  }

  /** The public profile with the active items (read here for display; the chat area owns items). */
  async profile(id: string): Promise<CounselorProfile> {
    if (!UUID.test(id)) throw notFound('counselor');
    const db = this.ctx.database.db;
    const [row] = await db
      .select({ ...cardColumns, detail: c.detail })
      .from(c)
      .where(and(isPublic, eq(c.id, id)));
    if (!row) throw notFound('counselor');
    const items = await db
      .select({
        id: consultItems.id,
        kind: consultItems.kind,
        title: consultItems.title,
        description: consultItems.description,
        price: consultItems.price,
      })
      .from(consultItems)
      .where(and(eq(consultItems.counselorId, id), eq(consultItems.active, true)))
      .orderBy(asc(consultItems.kind), asc(consultItems.price), asc(consultItems.createdAt));
    return { ...toCard(row), detail: row.detail, items };
  }
}
