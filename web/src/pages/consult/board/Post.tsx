import { useState } from 'react';
import type { PostView } from '../../../../../src/modules/consult/board.ts';
import { del, get, post } from '../../../api.ts';
import { useAuth } from '../../../auth.tsx';
import { useI18n } from '../../../i18n.tsx';
import { Link, navigate } from '../../../router.tsx';
import { ErrorBox, Field, fieldErrors, Loading, useAction, useConfirm, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { shortDate } from './List.tsx';

/** /consult/board/:id: the post as text (never markup), its photos and comments. */
export function PostPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const { data, error, loading, reload } = useLoad(
    () => get<{ post: PostView }>(`/api/consult/board/${encodeURIComponent(id)}`),
    [id, user?.id],
  );
  const act = useAction();
  const confirm = useConfirm();
  const [comment, setComment] = useState('');
  const p = data?.post;
  const admin = user?.role === 'admin';
  const errors = fieldErrors(act.error);

  return (
    <ConsultLayout title={p?.title ?? t('consult.browse.boardTitle')}>
      {confirm.element}
      <ErrorBox error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {p && (
        <>
          {p.hidden && <div className="alert alert-warn">{t('consult.browse.postHidden')}</div>}
          <article className="card cb-section" data-testid="post">
            <div className="cb-meta">
              {p.notice && <span className="badge badge-blue">{t('consult.browse.notice')}</span>}
              <span>{p.author ?? t('consult.browse.member')}</span>
              <span>{shortDate(p.createdAt, lang)}</span>
              {p.updatedAt !== p.createdAt && <span>({t('consult.browse.edited')})</span>}
            </div>
            <p className="cb-text" data-testid="post-body">
              {p.body}
            </p>
            {p.images.length > 0 && (
              <div className="cb-images">
                {p.images.map((i) => (
                  <a key={i.id} href={i.full} target="_blank" rel="noreferrer">
                    <img src={i.url} alt="" loading="lazy" />
                  </a>
                ))}
              </div>
            )}
            <div className="cb-actions">
              {p.mine && (
                <Link className="btn btn-small" to={`/consult/board/${p.id}/edit`}>
                  {t('consult.browse.edit')}
                </Link>
              )}
              {admin && (
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={act.busy}
                  onClick={() =>
                    act.run(async () => {
                      await post(`/api/consult/board/${p.id}/hide`, { hidden: !p.hidden });
                      await reload();
                    })
                  }
                >
                  {p.hidden ? t('consult.browse.unhide') : t('consult.browse.hide')}
                </button>
              )}
              {(p.mine || admin) && (
                <button
                  type="button"
                  className="btn btn-small btn-danger-ghost"
                  disabled={act.busy}
                  onClick={async () => {
                    if (!(await confirm.ask(t('consult.browse.deleteAsk')))) return;
                    await act.run(async () => {
                      await del(`/api/consult/board/${p.id}`);
                      navigate('/consult/board');
                    });
                  }}
                >
                  {t('consult.browse.delete')}
                </button>
              )}
            </div>
          </article>
          <section className="cb-section">
            <h2>{t('consult.browse.commentsTitle')}</h2>
            {p.comments.length === 0 ? (
              <p className="empty">{t('consult.browse.noComments')}</p>
            ) : (
              <ul className="cb-list" data-testid="comments">
                {p.comments.map((c) => (
                  <li key={c.id}>
                    <div className="cb-meta">
                      <span>{c.author ?? t('consult.browse.member')}</span>
                      <span>{shortDate(c.createdAt, lang)}</span>
                      {c.hidden && <span className="badge badge-gray">{t('consult.browse.hidden')}</span>}
                      {(c.mine || admin) && (
                        <button
                          type="button"
                          className="btn btn-small btn-ghost"
                          onClick={async () => {
                            if (!(await confirm.ask(t('consult.browse.deleteCommentAsk')))) return;
                            await act.run(async () => {
                              await del(`/api/consult/comments/${c.id}`);
                              await reload();
                            });
                          }}
                        >
                          {t('consult.browse.delete')}
                        </button>
                      )}
                      {admin && !c.hidden && (
                        <button
                          type="button"
                          className="btn btn-small btn-ghost"
                          onClick={() =>
                            act.run(async () => {
                              await post(`/api/consult/comments/${c.id}/hide`);
                              await reload();
                            })
                          }
                        >
                          {t('consult.browse.hide')}
                        </button>
                      )}
                    </div>
                    <p className="cb-text">{c.body}</p>
                  </li>
                ))}
              </ul>
            )}
            {user && !p.hidden && (
              <form
                className="form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void act.run(async () => {
                    await post(`/api/consult/board/${p.id}/comments`, { body: comment });
                    setComment('');
                    await reload();
                  });
                }}
              >
                <Field label={t('consult.browse.addComment')} error={errors['body.body']}>
                  <textarea
                    rows={2}
                    maxLength={1000}
                    placeholder={t('consult.browse.commentPlaceholder')}
                    value={comment}
                    onChange={(e) => setComment(e.target.value)}
                  />
                </Field>
                <button type="submit" className="btn btn-small btn-primary" disabled={act.busy}>
                  {t('consult.browse.addComment')}
                </button>
              </form>
            )}
            <ErrorBox error={errors['body.body'] ? undefined : act.error} />
          </section>
        </>
      )}
    </ConsultLayout>
  );
}
