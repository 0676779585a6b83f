import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { msg, render, zodCode } from '../../platform/messages/index.ts';
import { zodFieldError } from '../../platform/messages/validation.ts';
import type { Counselors } from './counselors.ts';
import { consultItems, SERVICES, type Service } from './schema.ts';

// A counselor's service items: what a payment request sells. The counselor edits their own; anyone
// reads a counselor's active ones. Every price set or changed is written to the server log.

export type ItemView = {
  id: string;
  counselorId: string;
  kind: Service;
  title: string;
  description: string;
  /** Points; for `phone` per 30 seconds. */
  price: number;
  active: boolean;
};

/** `market` (the fortune market) is a known word, refused with its own message until it opens. */
const kind = z.string().superRefine((v, c) => {
  if (v === 'market') c.addIssue({ code: 'custom', message: zodCode('consult.market_not_open') });
  else if (!(SERVICES as readonly string[]).includes(v))
    c.addIssue({ code: 'invalid_value', values: [...SERVICES], message: `one of ${SERVICES.join(', ')}` });
});

export const itemInput = z
  .object({
    kind,
    // No messages of their own: the schema's issue becomes a catalog code (validation.*) in the reader's language.
    title: z.string().trim().min(1).max(100),
    description: z.string().max(2000).default(''),
    price: z.number().int().min(1).max(10_000_000),
    active: z.boolean().default(true),
  })
  .strict();
export const itemChange = itemInput.partial().strict();
export type ItemInput = z.input<typeof itemInput>;
export type ItemChange = z.input<typeof itemChange>;

const view = (r: typeof consultItems.$inferSelect): ItemView => ({
  id: r.id,
  counselorId: r.counselorId,
  kind: r.kind,
  title: r.title,
  description: r.description,
  price: r.price,
  active: r.active,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Items {
  constructor(
    private readonly ctx: Context,
    private readonly counselors: Counselors,
  ) {}

  /** The counselor the signed-in account acts as; 403 for anyone else. */
  async counselorOf(user: User) {
    const c = await this.counselors.byUser(user.id);
    if (!c) throw forbidden(msg('consult.counselor_only_items'));
    return c;
  }

  /** What anyone sees on a counselor's profile: their active items, cheapest kind first. */
  async active(counselorId: string): Promise<ItemView[]> {
    const c = await this.counselors.byIdOr404(counselorId);
    if (c.state !== 'active') throw notFound('counselor');
    const rows = await this.ctx.database.db
      .select()
      .from(consultItems)
      .where(and(eq(consultItems.counselorId, c.id), eq(consultItems.active, true)))
      .orderBy(asc(consultItems.kind), asc(consultItems.price), asc(consultItems.createdAt));
    return rows.map(view);
  }

  async mine(user: User): Promise<ItemView[]> {
    const c = await this.counselorOf(user);
    const rows = await this.ctx.database.db
      .select()
      .from(consultItems)
      .where(eq(consultItems.counselorId, c.id))
      .orderBy(asc(consultItems.createdAt));
    return rows.map(view);
  }

  /** An item by id (any state), or undefined. */
  async byId(id: string) {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.ctx.database.db.select().from(consultItems).where(eq(consultItems.id, id));
    return row;
  }

  async create(user: User, raw: ItemInput): Promise<ItemView> {
    const input = parse(itemInput, raw);
    const c = await this.counselorOf(user);
    const [row] = await this.ctx.database.db
      .insert(consultItems)
      .values({ counselorId: c.id, ...input, kind: input.kind as Service })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await this.ctx.serverLog.write({
      level: 'info',
      source: 'consult',
      message: 'service item price set',
      data: { itemId: row.id, counselorId: c.id, kind: row.kind, from: null, to: row.price },
      actorId: user.id,
    });
    return view(row);
  }

  /** Changes the counselor's own item; someone else's item is a 404. */
  async update(user: User, id: string, raw: ItemChange): Promise<ItemView> {
    const change = parse(itemChange, raw);
    const c = await this.counselorOf(user);
    const before = await this.byId(id);
    if (!before || before.counselorId !== c.id) throw notFound('item');
    const [row] = await this.ctx.database.db
      .update(consultItems)
      .set({ ...change, kind: change.kind as Service | undefined, updatedAt: sql`now()` })
      .where(eq(consultItems.id, before.id))
      .returning();
    if (!row) throw notFound('item');
    if (row.price !== before.price)
      await this.ctx.serverLog.write({
        level: 'info',
        source: 'consult',
        message: 'service item price changed',
        data: { itemId: row.id, counselorId: c.id, kind: row.kind, from: before.price, to: row.price },
        actorId: user.id,
      });
    return view(row);
  }
}

/** Parses with the schema, answering the first problem as a 400 naming `body.<field>`. */
function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = ['body', ...(issue?.path ?? []).map(String)].join('.');
  if (!issue) throw invalidField(path, msg('validation.invalid'));
  const e = zodFieldError(path, issue);
  throw invalidField(path, { key: e.key, params: e.params, text: render(e.key, e.params, 'en') });
}
