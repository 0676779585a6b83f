import { and, eq, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { type Executor, selectRows, type Tx } from '../../platform/db.ts';
import { conflict, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events/outbox.ts';
import { msg } from '../../platform/messages/index.ts';
import {
  type ChatUpdates,
  type MessageKind,
  type MessageRow,
  type MessageView,
  membersOf,
  messageView,
  type RoomRow,
  type RoomView,
  type RoomViewWithId,
  roomOfRow,
  roomQuery,
  roomView,
  type Side,
  sideOf,
  strip,
} from './chat-views.ts';
import type { Counselors } from './counselors.ts';
import { consultChatVersions, consultMessages, consultReads, consultRooms } from './schema.ts';

export type { ChatUpdates, MessageKind, MessageView, RoomRow, RoomView, Side };
export { membersOf, sideOf };

// Chat by polling: rooms user↔counselor (one per pair) and user↔admins (one inquiry room per user),
// messages appended one per call. Every message and read mark bumps the change counter of the members
// it concerns in the same transaction, so an idle poll compares one counter with the client's ETag.

export const CHAT_MESSAGE_TOPIC = 'consult.chat_message';
export const MAX_TEXT = 2000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPDATES_PAGE = 200;

export class Chat {
  constructor(
    private readonly ctx: Context,
    private readonly counselors: Counselors,
  ) {}

  /** The room and who is in it, or undefined. */
  async room(id: string, exec: Executor = this.ctx.database.db): Promise<RoomRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const [r] = await selectRows<Record<string, unknown>>(
      exec,
      sql`select r.id, r.kind, r.user_id, r.counselor_id, c.user_id as counselor_user_id, r.blocked_by,
                 r.last_message_id
          from consult_rooms r left join consult_counselors c on c.id = r.counselor_id
          where r.id = ${id}`,
    );
    if (!r) return undefined;
    return {
      id: String(r.id),
      kind: r.kind as RoomRow['kind'],
      userId: String(r.user_id),
      counselorId: (r.counselor_id as string | null) ?? null,
      counselorUserId: (r.counselor_user_id as string | null) ?? null,
      blockedBy: (r.blocked_by as string | null) ?? null,
      lastMessageId: Number(r.last_message_id),
    };
  }

  /**
   * The room when the actor is in it (admins: any room, to read); otherwise the 404 of a missing
   * room, and the attempt goes to the server log.
   */
  async roomFor(actor: User, id: string): Promise<{ room: RoomRow; side: Side }> {
    const room = await this.room(id);
    const side = room ? sideOf(room, actor.id) : undefined;
    if (room && side) return { room, side };
    if (room && actor.role === 'admin') return { room, side: 'admin' };
    if (room)
      await this.ctx.serverLog.write({
        level: 'warn',
        source: 'consult',
        message: 'chat room asked for by someone not in it',
        data: { roomId: room.id },
        actorId: actor.id,
      });
    throw notFound('room');
  }

  /** The user's room with a counselor, made on first use (one per pair). */
  async openWithCounselor(actor: User, counselorId: string): Promise<RoomRow> {
    const c = await this.counselors.byIdOr404(counselorId);
    if (c.state !== 'active' || c.goneAt || !c.userId) throw notFound('counselor');
    if (c.userId === actor.id) throw invalidField('params.id', msg('consult.chat_self'));
    await this.ctx.database.db
      .insert(consultRooms)
      .values({ kind: 'counselor', userId: actor.id, counselorId: c.id })
      .onConflictDoNothing();
    const [row] = await this.ctx.database.db
      .select({ id: consultRooms.id })
      .from(consultRooms)
      .where(and(eq(consultRooms.userId, actor.id), eq(consultRooms.counselorId, c.id)));
    return (await this.room(row?.id ?? '')) as RoomRow;
  }

  /** The user's inquiry room with the admins, made on first use (one per user). */
  async openInquiry(actor: User): Promise<RoomRow> {
    await this.ctx.database.db
      .insert(consultRooms)
      .values({ kind: 'inquiry', userId: actor.id })
      .onConflictDoNothing();
    const [row] = await this.ctx.database.db
      .select({ id: consultRooms.id })
      .from(consultRooms)
      .where(and(eq(consultRooms.userId, actor.id), eq(consultRooms.kind, 'inquiry')));
    return (await this.room(row?.id ?? '')) as RoomRow;
  }

  /** One text or image message from the actor. Admins write only in inquiry rooms. */
  async send(actor: User, roomId: string, input: { text?: string; fileId?: string }): Promise<MessageView> {
    const { room, side } = await this.roomFor(actor, roomId);
    if (side === 'admin' && room.kind !== 'inquiry') throw forbidden(msg('consult.admin_read_only'));
    if (room.blockedBy) throw conflict('this chat is blocked', { code: 'consult.room_blocked' });
    const hasText = input.text !== undefined;
    if (hasText === (input.fileId !== undefined))
      throw invalidField('body.text', msg('consult.text_or_image'));
    if (hasText) {
      const text = input.text as string;
      if (!text.trim()) throw invalidField('body.text', 'required');
      if (text.length > MAX_TEXT)
        throw invalidField('body.text', msg('validation.max_length', { max: MAX_TEXT }));
    } else {
      const id = input.fileId as string;
      if (!(await this.ctx.uploads.ownedBy(actor.id, [id])).has(id))
        throw invalidField('body.fileId', msg('consult.not_your_image'));
    }
    const row = await this.ctx.tx((tx) =>
      this.append(tx, room, {
        senderId: actor.id,
        kind: hasText ? 'text' : 'image',
        body: hasText ? (input.text as string) : '',
        fileId: input.fileId,
      }),
    );
    return messageView(row, room, actor.id);
  }

  /**
   * Appends a message in the caller's transaction: the room's last message, the members' counters,
   * the sender's read mark, and (for people's messages) the event that notifies the other side.
   */
  async append(
    tx: Tx,
    room: RoomRow,
    m: { senderId: string | null; kind: MessageKind; body?: string; fileId?: string; requestId?: string },
  ): Promise<MessageRow> {
    const [row] = await tx
      .insert(consultMessages)
      .values({
        roomId: room.id,
        senderId: m.senderId,
        kind: m.kind,
        body: m.body ?? '',
        fileId: m.fileId ?? null,
        requestId: m.requestId ?? null,
      })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    await tx
      .update(consultRooms)
      .set({ lastMessageId: row.id, lastMessageAt: row.createdAt })
      .where(eq(consultRooms.id, room.id));
    const members = membersOf(room);
    if (m.senderId && members.includes(m.senderId)) await this.readTo(tx, room.id, m.senderId, row.id);
    await bump(tx, members);
    const recipients = members.filter((u) => u !== m.senderId);
    if (m.senderId && (m.kind === 'text' || m.kind === 'image') && recipients.length)
      await emit(tx, CHAT_MESSAGE_TOPIC, { messageId: row.id, roomId: room.id, recipients });
    return {
      id: row.id,
      room_id: row.roomId,
      sender_id: row.senderId,
      kind: row.kind,
      body: row.body,
      file_id: row.fileId,
      request_id: row.requestId,
      created_at: row.createdAt.toISOString(),
    };
  }

  /** Moves the read mark forward only. */
  private async readTo(tx: Executor, roomId: string, userId: string, upTo: number): Promise<boolean> {
    const moved = await tx
      .insert(consultReads)
      .values({ roomId, userId, lastReadId: upTo })
      .onConflictDoUpdate({
        target: [consultReads.roomId, consultReads.userId],
        set: { lastReadId: upTo },
        setWhere: sql`${consultReads.lastReadId} < ${upTo}`,
      })
      .returning({ id: consultReads.lastReadId });
    return moved.length > 0;
  }

  /** Marks the room read up to `upTo` (at most its last message); the reader's counter moves if it did. */
  async markRead(actor: User, roomId: string, upTo: number): Promise<{ lastReadId: number }> {
    const { room, side } = await this.roomFor(actor, roomId);
    if (side === 'admin') return { lastReadId: room.lastMessageId };
    const to = Math.min(upTo, room.lastMessageId);
    await this.ctx.tx(async (tx) => {
      if (to > 0 && (await this.readTo(tx, room.id, actor.id, to))) await bump(tx, [actor.id]);
    });
    return { lastReadId: to };
  }

  /** The asker's change counter: the one read an idle poll costs. */
  async version(userId: string): Promise<number> {
    const [row] = await this.ctx.database.db
      .select({ v: consultChatVersions.version })
      .from(consultChatVersions)
      .where(eq(consultChatVersions.userId, userId));
    return row?.v ?? 0;
  }

  /** Rooms the asker is in, most recent first, with unread counts. */
  async rooms(actor: User): Promise<RoomView[]> {
    return (await this.roomRows(actor)).map(strip);
  }

  private async roomRows(actor: User): Promise<RoomViewWithId[]> {
    const me = actor.id;
    const rows = await selectRows<Record<string, unknown>>(
      this.ctx.database.db,
      roomQuery(me, sql`r.user_id = ${me} or c.user_id = ${me}`, 100),
    );
    return rows.map((r) => roomView(r, me, undefined));
  }

  /**
   * What changed for the asker: all their rooms (unread counts) and the messages after `after`.
   * Without `after`, no messages: the cursor to start from. With `roomId`, only that room's messages
   * (a room page polls this way, from its last message).
   */
  async updates(
    actor: User,
    version: number,
    after: number | undefined,
    roomId?: string,
  ): Promise<ChatUpdates> {
    const rooms = await this.roomRows(actor);
    const unread = rooms.reduce((n, r) => n + r.unread, 0);
    const newest = Math.max(0, ...rooms.map((r) => r.lastMessage?.id ?? 0));
    if (after === undefined)
      return { version, cursor: newest, unread, rooms: rooms.map(strip), messages: [] };
    const me = actor.id;
    const rows = await selectRows<MessageRow>(
      this.ctx.database.db,
      sql`select m.*, r.user_id as room_user_id, r.kind as room_kind, c.user_id as counselor_user_id
          from consult_messages m
          join consult_rooms r on r.id = m.room_id
          left join consult_counselors c on c.id = r.counselor_id
          where m.id > ${after} and (r.user_id = ${me} or c.user_id = ${me})
            ${roomId ? sql`and m.room_id = ${roomId}` : sql``}
          order by m.id limit ${UPDATES_PAGE}`,
    );
    const messages = rows.map((r) => messageView(r, roomOfRow(r), me));
    const last = messages.at(-1)?.id;
    return {
      version,
      // One room's page keeps its own cursor: newer messages elsewhere do not move it.
      cursor: last ?? (roomId ? after : Math.max(after, newest)),
      unread,
      rooms: rooms.map(strip),
      messages,
    };
  }

  /** A room's messages, newest page first: `before` (a message id) pages back. */
  async messages(
    actor: User,
    roomId: string,
    opts: { before?: number; limit: number },
  ): Promise<{ room: RoomView; messages: MessageView[]; more: boolean }> {
    const { room, side } = await this.roomFor(actor, roomId);
    const rows = await selectRows<MessageRow>(
      this.ctx.database.db,
      sql`select * from consult_messages where room_id = ${room.id}
          ${opts.before ? sql`and id < ${opts.before}` : sql``}
          order by id desc limit ${opts.limit + 1}`,
    );
    const more = rows.length > opts.limit;
    const messages = rows
      .slice(0, opts.limit)
      .reverse()
      .map((r) => messageView(r, room, actor.id));
    return { room: await this.roomViewOf(room, actor.id, side), messages, more };
  }

  /** One room as the asker sees it. */
  async roomViewOf(room: RoomRow, me: string, side?: Side): Promise<RoomView> {
    const [r] = await selectRows<Record<string, unknown>>(
      this.ctx.database.db,
      roomQuery(me, sql`r.id = ${room.id}`, 1),
    );
    return strip(roomView(r as Record<string, unknown>, me, side));
  }
}

/** Bumps the counters of these users (sorted, so two writers never wait on each other in a cycle). */
export async function bump(tx: Executor, userIds: string[]) {
  const ids = [...new Set(userIds)].sort();
  if (!ids.length) return;
  await tx
    .insert(consultChatVersions)
    .values(ids.map((userId) => ({ userId, version: 1 })))
    .onConflictDoUpdate({
      target: consultChatVersions.userId,
      set: { version: sql`${consultChatVersions.version} + 1` },
    });
}
