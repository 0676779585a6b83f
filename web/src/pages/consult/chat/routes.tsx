import { guarded, type ModulePages } from '../../module.tsx';
import { AdminChatRoom, AdminChats } from './AdminChats.tsx';
import { ChatList, OpenChat } from './ChatList.tsx';
import { ChatRoom } from './ChatRoom.tsx';
import { consultChatWords } from './i18n.ts';
import { MyItems } from './MyItems.tsx';
import { Pay } from './Pay.tsx';
import './chat.css';

/** The chat area: chats, a room, the purchase page, the counselor's items, the admins' chats. */
export const consultChatPages: ModulePages = {
  routes: [
    guarded('/consult/chats', () => <ChatList />),
    guarded('/consult/chats/:id', (p) => <ChatRoom id={p.id as string} />),
    guarded('/consult/counselors/:id/chat', (p) => <OpenChat counselorId={p.id as string} />),
    guarded('/consult/counselors/:id/pay/:request', (p) => (
      <Pay counselorId={p.id as string} requestId={p.request as string} />
    )),
    guarded('/consult/me/items', () => <MyItems />, ['counselor', 'admin']),
    guarded('/consult/admin/chats', () => <AdminChats />, ['admin']),
    guarded('/consult/admin/chats/:id', (p) => <AdminChatRoom id={p.id as string} />, ['admin']),
  ],
  nav: [],
  words: consultChatWords,
};
