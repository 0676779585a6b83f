import { type SQL, sql } from 'drizzle-orm';
import { fileUrl } from '../../platform/uploads/index.ts';
import type { consultMessages } from './schema.ts';

// How chat rooms and messages look to the one asking: their side of the room, unread counts, the
// other side's shown name (never an e-mail).

export type MessageKind = (typeof consultMessages.$inferSelect)['kind'];
/** Who wrote a message, as the room sees it. */
export type Side = 'user' | 'counselor' | 'admin' | 'system';

export type MessageView = {
  id: number;
  roomId: string;
  from: Side;
  mine: boolean;
  kind: MessageKind;
  /** As written; the web shows it as text (escaped), never as HTML. */
  text: string;
  image: { small: string; large: string } | null;
  requestId: string | null;
  createdAt: string;
};

export type RoomView = {
  id: string;
  kind: 'counselor' | 'inquiry';
  /** The side the asker is on in this room (admins reading any room: 'admin'). */
  me: Side;
  counselor: { id: string; name: string; image: string | null } | null;
  user: { id: string; name: string };
  lastMessage: { kind: MessageKind; text: string; at: string } | null;
  unread: number;
  blocked: boolean;
  blockedByMe: boolean;
};

/** A room with who is in it. */
export type RoomRow = {
  id: string;
  kind: 'counselor' | 'inquiry';
  userId: string;
  counselorId: string | null;
  counselorUserId: string | null;
  blockedBy: string | null;
  lastMessageId: number;
};

export type ChatUpdates = {
  /** The asker's change counter when this answer was made (the ETag says it too). */
  version: number;
  /** The newest message id covered: send it back as `after`. */
  cursor: number;
  unread: number;
  rooms: RoomView[];
  /** Messages after the cursor asked for, oldest first (none when no cursor was given). */
  messages: MessageView[];
};

/** Which side `userId` is on in a room, or undefined when they are not in it. */
export function sideOf(room: RoomRow, userId: string | null): Side | undefined {
  if (userId === null) return 'system';
  if (userId === room.userId) return 'user';
  if (room.counselorUserId && userId === room.counselorUserId) return 'counselor';
  return undefined;
}

/** The members whose counters a change in the room bumps (admins read inquiry rooms on their own page). */
export const membersOf = (room: RoomRow) =>
  [room.userId, room.counselorUserId].filter((u): u is string => !!u);

export type MessageRow = Record<string, unknown>;

export function messageView(r: MessageRow, room: RoomRow, me: string): MessageView {
  const sender = (r.sender_id as string | null) ?? null;
  const fileId = r.file_id as string | null;
  return {
    id: Number(r.id),
    roomId: String(r.room_id),
    from: sideOf(room, sender) ?? 'admin',
    mine: sender !== null && sender === me,
    kind: r.kind as MessageKind,
    text: String(r.body ?? ''),
    image: fileId ? { small: fileUrl(fileId, '512'), large: fileUrl(fileId, '1280') } : null,
    requestId: (r.request_id as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
  };
}

/** The name others see: the nickname, else the account name, never the e-mail. */
const shownName = sql`coalesce(u.nickname, nullif(u.name, ''), '회원')`;

/** Rooms (matching `where`) with their last message and the asker's unread count, newest first. */
export function roomQuery(me: string, where: SQL, limit: number): SQL {
  return sql`select r.id, r.kind, r.user_id, r.counselor_id, r.blocked_by, r.last_message_id, c.user_id as counselor_user_id,
                 c.name as counselor_name, c.image_file_id as counselor_image, ${shownName} as user_name,
                 m.kind as last_kind, m.body as last_body, m.created_at as last_at,
                 (select count(*) from consult_messages x
                   where x.room_id = r.id and x.id > coalesce(rd.last_read_id, 0)
                     and x.sender_id is distinct from ${me})::int as unread
          from consult_rooms r
          left join consult_counselors c on c.id = r.counselor_id
          join users u on u.id = r.user_id
          left join consult_messages m on m.id = r.last_message_id
          left join consult_reads rd on rd.room_id = r.id and rd.user_id = ${me}
          where ${where}
          order by coalesce(r.last_message_at, r.created_at) desc
          limit ${limit}`;
}

export function roomOfRow(r: MessageRow): RoomRow {
  return {
    id: String(r.room_id),
    kind: r.room_kind as RoomRow['kind'],
    userId: String(r.room_user_id),
    counselorId: null,
    counselorUserId: (r.counselor_user_id as string | null) ?? null,
    blockedBy: null,
    lastMessageId: 0,
  };
}

export type RoomViewWithId = RoomView & { lastMessage: (RoomView['lastMessage'] & { id: number }) | null };

export function roomView(r: Record<string, unknown>, me: string, side: Side | undefined): RoomViewWithId {
  const counselorId = r.counselor_id as string | null;
  const image = r.counselor_image as string | null;
  const blockedBy = r.blocked_by as string | null;
  const room: RoomRow = {
    id: String(r.id),
    kind: r.kind as RoomRow['kind'],
    userId: String(r.user_id),
    counselorId,
    counselorUserId: (r.counselor_user_id as string | null) ?? null,
    blockedBy,
    lastMessageId: Number(r.last_message_id),
  };
  return {
    id: room.id,
    kind: room.kind,
    me: side ?? sideOf(room, me) ?? 'admin',
    counselor: counselorId
      ? { id: counselorId, name: String(r.counselor_name), image: image ? fileUrl(image, '128') : null }
      : null,
    user: { id: room.userId, name: String(r.user_name) },
    lastMessage: r.last_kind
      ? {
          id: room.lastMessageId,
          kind: r.last_kind as MessageKind,
          text: String(r.last_body ?? '').slice(0, 100),
          at: new Date(r.last_at as string).toISOString(),
        }
      : null,
    unread: Number(r.unread ?? 0),
    blocked: !!blockedBy,
    blockedByMe: blockedBy === me,
  };
}

/** The view without the internal message id of the last message. */
export function strip(r: RoomViewWithId): RoomView {
  const { lastMessage, ...rest } = r;
  return {
    ...rest,
    lastMessage: lastMessage ? { kind: lastMessage.kind, text: lastMessage.text, at: lastMessage.at } : null,
  };
}
