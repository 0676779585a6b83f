import { asc, eq } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { consultPointItems } from './schema.ts';

// Point items: the packages the shop sells (pay `price` won, get `points` paid points and `bonus`
// bonus points). Admins edit them; a purchase copies the item's figures, so a later edit never
// changes what an earlier buyer gets.

export type PointItem = {
  id: string;
  name: string;
  price: number;
  points: number;
  bonus: number;
  active: boolean;
  position: number;
};

export type PointItemInput = Omit<PointItem, 'id'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const view = (r: typeof consultPointItems.$inferSelect): PointItem => ({
  id: r.id,
  name: r.name,
  price: r.price,
  points: r.points,
  bonus: r.bonus,
  active: r.active,
  position: r.position,
});

export class PointItems {
  constructor(private readonly ctx: Context) {}

  /** Every item (admins) or the active ones (the shop), in the admins' order. */
  async list(opts: { activeOnly: boolean }): Promise<PointItem[]> {
    const rows = await this.ctx.database.db
      .select()
      .from(consultPointItems)
      .where(opts.activeOnly ? eq(consultPointItems.active, true) : undefined)
      .orderBy(asc(consultPointItems.position), asc(consultPointItems.price), asc(consultPointItems.id));
    return rows.map(view);
  }

  async byIdOr404(id: string): Promise<PointItem> {
    const [row] = UUID.test(id)
      ? await this.ctx.database.db.select().from(consultPointItems).where(eq(consultPointItems.id, id))
      : [];
    if (!row) throw notFound('point item');
    return view(row);
  }

  /** The item a buyer asked for: 400 on `field` when it does not exist or is not on sale. */
  async forSale(id: string, field = 'body.itemId'): Promise<PointItem> {
    const [row] = UUID.test(id)
      ? await this.ctx.database.db.select().from(consultPointItems).where(eq(consultPointItems.id, id))
      : [];
    if (!row) throw invalidField(field, msg('consult.no_point_item'));
    if (!row.active) throw invalidField(field, msg('consult.point_item_off'));
    return view(row);
  }

  async create(input: PointItemInput): Promise<PointItem> {
    const [row] = await this.ctx.database.db.insert(consultPointItems).values(input).returning();
    return view(row);
  }

  async update(id: string, input: Partial<PointItemInput>): Promise<PointItem> {
    await this.byIdOr404(id);
    const [row] = await this.ctx.database.db
      .update(consultPointItems)
      .set(input)
      .where(eq(consultPointItems.id, id))
      .returning();
    return view(row);
  }
}
