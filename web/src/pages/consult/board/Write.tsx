import { type FormEvent, useEffect, useState } from 'react';
import type { PostView } from '../../../../../src/modules/consult/board.ts';
import { get, post, put } from '../../../api.ts';
import { useAuth } from '../../../auth.tsx';
import { useI18n } from '../../../i18n.tsx';
import { navigate } from '../../../router.tsx';
import { ErrorBox, Field, fieldErrors, Loading, useAction } from '../../../ui.tsx';
import { ImageUpload } from '../../../upload.tsx';
import { ConsultLayout } from '../Layout.tsx';

type Image = { id: string; url: string };

/** /consult/board/new and /consult/board/:id/edit: title, text, up to five photos (admins: notice). */
export function WritePage({ id }: { id?: string }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [notice, setNotice] = useState(false);
  const [images, setImages] = useState<Image[]>([]);
  const [loaded, setLoaded] = useState(!id);
  const load = useAction();
  const save = useAction();
  const errors = fieldErrors(save.error);

  useEffect(() => {
    if (!id) return;
    void load.run(async () => {
      const { post: p } = await get<{ post: PostView }>(`/api/consult/board/${encodeURIComponent(id)}`);
      setTitle(p.title);
      setBody(p.body);
      setNotice(p.notice);
      setImages(p.images.map((i) => ({ id: i.id, url: i.url })));
      setLoaded(true);
    });
  }, [id, load.run]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      const input = {
        title,
        body,
        imageFileIds: images.map((i) => i.id),
        ...(user?.role === 'admin' ? { notice } : {}),
      };
      const answer = id
        ? await put<{ post: PostView }>(`/api/consult/board/${id}`, input)
        : await post<{ post: PostView }>('/api/consult/board', input);
      navigate(`/consult/board/${answer.post.id}`, { replace: true });
    });
  };

  return (
    <ConsultLayout title={id ? t('consult.browse.editTitle') : t('consult.browse.writeTitle')}>
      <ErrorBox error={load.error} />
      {!loaded && !load.error && <Loading />}
      {loaded && (
        <form className="form card" onSubmit={submit}>
          <Field label={t('consult.browse.title')} error={errors['body.title']}>
            <input
              value={title}
              maxLength={100}
              required
              name="title"
              onChange={(e) => setTitle(e.target.value)}
            />
          </Field>
          <Field label={t('consult.browse.body')} error={errors['body.body']}>
            <textarea
              rows={10}
              value={body}
              maxLength={10_000}
              required
              name="body"
              onChange={(e) => setBody(e.target.value)}
            />
          </Field>
          <Field
            label={t('consult.browse.images')}
            error={Object.entries(errors).find(([k]) => k.startsWith('body.imageFileIds'))?.[1]}
          >
            <div className="cb-images">
              {images.map((i) => (
                <span key={i.id} className="cb-thumb">
                  <img src={i.url} alt="" />
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    onClick={() => setImages(images.filter((x) => x.id !== i.id))}
                  >
                    {t('consult.browse.removeImage')}
                  </button>
                </span>
              ))}
            </div>
            {images.length < 5 && (
              <ImageUpload
                purpose="post"
                onUploaded={(f) => setImages([...images, { id: f.id, url: f.variants['512'] }])}
              />
            )}
          </Field>
          {user?.role === 'admin' && (
            <label className="cb-filters">
              <input type="checkbox" checked={notice} onChange={(e) => setNotice(e.target.checked)} />
              {t('consult.browse.asNotice')}
            </label>
          )}
          <ErrorBox error={Object.keys(errors).length ? undefined : save.error} />
          <button type="submit" className="btn btn-primary" disabled={save.busy} data-testid="publish">
            {id ? t('consult.browse.saveEdit') : t('consult.browse.publish')}
          </button>
        </form>
      )}
    </ConsultLayout>
  );
}
