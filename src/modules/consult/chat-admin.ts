import { and, eq, isNull, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { selectRows } from '../../platform/db.ts';
import { conflict, invalidField } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { bump, type Chat, membersOf } from './chat.ts';
import { consultMessages, consultReports, consultRooms } from './schema.ts';

// Keeping chats safe: a member blocks the other side (the room then takes no messages) or reports the
// room or one message; admins see every room, reported ones first, read them, and resolve reports.

export type AdminRoomView = {
  id: string;
  kind: 'counselor' | 'inquiry';
  user: { id: string; name: string };
  counselor: { id: string; name: string } | null;
  lastMessage: { text: string; kind: string; at: string } | null;
  openReports: number;
  blocked: boolean;
  createdAt: string;
};

export type ReportView = {
  id: string;
  messageId: number | null;
  reason: string;
  createdAt: string;
  resolvedAt: string | null;
};

export class ChatAdmin {
  constructor(
    private readonly ctx: Context,
    private readonly chat: Chat,
  ) {}

  /** Either member blocks a counselor room; the one who blocked may lift it. */
  async block(actor: User, roomId: string, on: boolean): Promise<{ blocked: boolean }> {
    const { room, side } = await this.chat.roomFor(actor, roomId);
    if (side === 'admin' || room.kind !== 'counselor')
      throw invalidField('params.id', msg('consult.block_counselor_only'));
    await this.ctx.tx(async (tx) => {
      const changed = await tx
        .update(consultRooms)
        .set({ blockedBy: on ? actor.id : null })
        .where(
          and(
            eq(consultRooms.id, room.id),
            on ? isNull(consultRooms.blockedBy) : eq(consultRooms.blockedBy, actor.id),
          ),
        )
        .returning({ id: consultRooms.id });
      if (!changed.length) {
        if (on) throw conflict(msg('consult.already_blocked'));
        throw conflict(msg('consult.unblock_by_blocker'));
      }
      await bump(tx, membersOf(room));
    });
    return { blocked: on };
  }

  /** A member reports the room (or one message in it); admins see reported rooms first. */
  async report(actor: User, roomId: string, input: { reason: string; messageId?: number }) {
    const { room, side } = await this.chat.roomFor(actor, roomId);
    if (side === 'admin') throw invalidField('params.id', msg('consult.admin_no_report'));
    const reason = input.reason.trim();
    if (!reason) throw invalidField('body.reason', 'required');
    if (reason.length > 1000) throw invalidField('body.reason', msg('validation.max_length', { max: 1000 }));
    if (input.messageId !== undefined) {
      const [m] = await this.ctx.database.db
        .select({ id: consultMessages.id })
        .from(consultMessages)
        .where(and(eq(consultMessages.id, input.messageId), eq(consultMessages.roomId, room.id)));
      if (!m) throw invalidField('body.messageId', msg('consult.not_in_room'));
    }
    const [row] = await this.ctx.database.db
      .insert(consultReports)
      .values({ roomId: room.id, messageId: input.messageId ?? null, reporterId: actor.id, reason })
      .returning({ id: consultReports.id });
    await this.ctx.serverLog.write({
      level: 'warn',
      source: 'consult',
      message: 'chat reported',
      data: { roomId: room.id, reportId: row?.id, messageId: input.messageId ?? null },
      actorId: actor.id,
    });
    return { id: row?.id as string };
  }

  /** Every room for admins: rooms with open reports first, then inquiries waiting, then the newest. */
  async rooms(opts: { kind?: 'counselor' | 'inquiry'; offset: number; limit: number }) {
    const rows = await selectRows<Record<string, unknown>>(
      this.ctx.database.db,
      sql`select r.id, r.kind, r.user_id, r.counselor_id, r.blocked_by, r.created_at,
                 coalesce(u.nickname, nullif(u.name, ''), u.email) as user_name, c.name as counselor_name,
                 m.kind as last_kind, m.body as last_body, m.created_at as last_at,
                 (select count(*) from consult_reports p where p.room_id = r.id and p.resolved_at is null)::int as open_reports
          from consult_rooms r
          join users u on u.id = r.user_id
          left join consult_counselors c on c.id = r.counselor_id
          left join consult_messages m on m.id = r.last_message_id
          ${opts.kind ? sql`where r.kind = ${opts.kind}` : sql``}
          order by (select count(*) from consult_reports p where p.room_id = r.id and p.resolved_at is null) > 0 desc,
                   coalesce(r.last_message_at, r.created_at) desc
          offset ${opts.offset} limit ${opts.limit + 1}`,
    );
    const rooms: AdminRoomView[] = rows.slice(0, opts.limit).map((r) => ({
      id: String(r.id),
      kind: r.kind as AdminRoomView['kind'],
      user: { id: String(r.user_id), name: String(r.user_name) },
      counselor: r.counselor_id ? { id: String(r.counselor_id), name: String(r.counselor_name) } : null,
      lastMessage: r.last_kind
        ? {
            kind: String(r.last_kind),
            text: String(r.last_body ?? '').slice(0, 100),
            at: new Date(r.last_at as string).toISOString(),
          }
        : null,
      openReports: Number(r.open_reports),
      blocked: !!r.blocked_by,
      createdAt: new Date(r.created_at as string).toISOString(),
    }));
    return { rooms, more: rows.length > opts.limit };
  }

  async reports(roomId: string): Promise<ReportView[]> {
    const rows = await this.ctx.database.db
      .select()
      .from(consultReports)
      .where(eq(consultReports.roomId, roomId))
      .orderBy(sql`${consultReports.createdAt} desc`)
      .limit(100);
    return rows.map((r) => ({
      id: r.id,
      messageId: r.messageId,
      reason: r.reason,
      createdAt: r.createdAt.toISOString(),
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
    }));
  }

  /** Marks the room's open reports resolved (written to the server log). */
  async resolve(actor: User, roomId: string): Promise<{ resolved: number }> {
    const { room } = await this.chat.roomFor(actor, roomId);
    const done = await this.ctx.database.db
      .update(consultReports)
      .set({ resolvedAt: sql`now()` })
      .where(and(eq(consultReports.roomId, room.id), isNull(consultReports.resolvedAt)))
      .returning({ id: consultReports.id });
    await this.ctx.serverLog.write({
      level: 'info',
      source: 'consult',
      message: 'chat reports resolved',
      data: { roomId: room.id, resolved: done.length },
      actorId: actor.id,
    });
    return { resolved: done.length };
  }
}
