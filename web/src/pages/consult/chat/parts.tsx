import type { ChatUpdates, MessageView, RoomView } from '../../../../../src/modules/consult/chat.ts';
import type { ItemView } from '../../../../../src/modules/consult/items.ts';
import type { RequestView } from '../../../../../src/modules/consult/requests.ts';
import { post } from '../../../api.ts';
import { shortDateTime } from '../../../format.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { Badge, ErrorBox, useAction, useConfirm } from '../../../ui.tsx';

export type { ChatUpdates, ItemView, MessageView, RequestView, RoomView };
export type RoomPage = { room: RoomView; messages: MessageView[]; requests: RequestView[]; more: boolean };
export type Updates = ChatUpdates & { requests: RequestView[] };

export const TZ = 'Asia/Seoul';

export const points = (n: number, lang: string) =>
  `${n.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US')}${lang === 'ko' ? 'P' : ' P'}`;

const TONE: Record<RequestView['state'], 'green' | 'amber' | 'red' | 'gray' | 'blue'> = {
  pending: 'amber',
  paid: 'blue',
  declined: 'gray',
  withdrawn: 'gray',
  expired: 'gray',
  completed: 'green',
  refunded: 'red',
};

export function StateBadge({ state }: { state: RequestView['state'] }) {
  const { t } = useI18n();
  return <Badge tone={TONE[state]}>{t(`consult.req.state.${state}` as Key)}</Badge>;
}

/** Merges messages by id, oldest first. */
export function mergeMessages(old: MessageView[], add: MessageView[]): MessageView[] {
  const byId = new Map(old.map((m) => [m.id, m]));
  for (const m of add) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** A payment request as a card in the chat, with the moves the reader may make on it. */
export function RequestCard({ request, onChanged }: { request: RequestView; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const action = useAction();
  const confirm = useConfirm();
  const move = (name: string, ask?: Key) => () =>
    action.run(async () => {
      if (ask && !(await confirm.ask(t(ask)))) return;
      await post(`/api/consult/requests/${request.id}/${name}`);
      onChanged();
    });
  const r = request;
  return (
    <div className="chat-request" data-testid="request-card" data-state={r.state}>
      <div className="chat-request-head">
        <strong>{t('consult.req.title')}</strong>
        <StateBadge state={r.state} />
      </div>
      <div className="chat-request-title">{r.title}</div>
      <div className="chat-request-price">{points(r.price, lang)}</div>
      {r.appointmentAt && (
        <div className="muted small">
          {t('consult.req.appointment')}: {shortDateTime(r.appointmentAt, TZ, lang)}
        </div>
      )}
      {r.note && <div className="chat-request-note">{r.note}</div>}
      {r.state === 'pending' && (
        <div className="muted small">
          {t('consult.req.expires', { at: shortDateTime(r.expiresAt, TZ, lang) })}
        </div>
      )}
      <div className="chat-request-actions">
        {r.me === 'user' && r.state === 'pending' && (
          <>
            <Link
              className="btn btn-primary btn-small"
              to={`/consult/counselors/${r.counselor.id}/pay/${r.id}`}
              data-testid="request-pay"
            >
              {t('consult.req.pay')}
            </Link>
            <button type="button" className="btn btn-small" disabled={action.busy} onClick={move('decline')}>
              {t('consult.req.decline')}
            </button>
          </>
        )}
        {r.me === 'counselor' && r.state === 'pending' && (
          <button type="button" className="btn btn-small" disabled={action.busy} onClick={move('withdraw')}>
            {t('consult.req.withdraw')}
          </button>
        )}
        {r.me !== 'user' && r.state === 'paid' && (
          <>
            {r.me === 'counselor' && (
              <button
                type="button"
                className="btn btn-primary btn-small"
                disabled={action.busy}
                onClick={move('complete', 'consult.req.completeAsk')}
                data-testid="request-complete"
              >
                {t('consult.req.complete')}
              </button>
            )}
            <button
              type="button"
              className="btn btn-danger-ghost btn-small"
              disabled={action.busy}
              onClick={move('refund', 'consult.req.refundAsk')}
            >
              {t('consult.req.refund')}
            </button>
          </>
        )}
      </div>
      <ErrorBox error={action.error} />
      {confirm.element}
    </div>
  );
}

/** One message: a bubble (text shown as text, never as markup), an image, a request card or a system line. */
export function Bubble({
  m,
  request,
  otherName,
  onChanged,
}: {
  m: MessageView;
  request?: RequestView;
  otherName: string;
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  if (m.kind === 'system') {
    const key = `consult.chat.sys.${m.text}` as Key;
    const said = t(key);
    return (
      <li className="chat-system" data-testid="chat-system">
        {said === key ? m.text : said}
      </li>
    );
  }
  const who = m.mine ? t('consult.chat.you') : m.from === 'admin' ? t('consult.chat.admin') : otherName;
  return (
    <li className={`chat-msg ${m.mine ? 'chat-mine' : 'chat-theirs'}`} data-testid="chat-message">
      {!m.mine && <span className="chat-who">{who}</span>}
      {m.kind === 'request' && request ? (
        <RequestCard request={request} onChanged={onChanged} />
      ) : m.kind === 'image' && m.image ? (
        <a href={m.image.large} target="_blank" rel="noreferrer">
          <img className="chat-image" src={m.image.small} alt={t('consult.chat.image')} />
        </a>
      ) : (
        <div className="chat-text">{m.text}</div>
      )}
      <time className="chat-time" dateTime={m.createdAt}>
        {shortDateTime(m.createdAt, TZ, lang)}
      </time>
    </li>
  );
}
