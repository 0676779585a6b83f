import { type FormEvent, useState } from 'react';
import type { AdminUserView } from '../../../../src/platform/auth/admin.ts';
import { api, post } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field, fieldErrors, useAction, useConfirm } from '../../ui.tsx';

/** The admin memo (only admins read it) and "end all sessions", under one account's row. */
export function UserDetails({ u, onChanged }: { u: AdminUserView; onChanged: () => void }) {
  const { t } = useI18n();
  const [memo, setMemo] = useState(u.memo);
  const [done, setDone] = useState('');
  const { busy, error, run } = useAction();
  const { ask, element } = useConfirm();
  const errs = fieldErrors(error);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    await run(async () => {
      await api('PATCH', `/api/admin/users/${u.id}`, { memo });
      setDone(t('admin.users.memoSaved'));
      onChanged();
    });
  };
  const revoke = async () => {
    if (!(await ask(t('admin.users.revokeAsk', { email: u.email })))) return;
    setDone('');
    await run(async () => {
      const { revoked } = await post<{ revoked: number }>(`/api/admin/users/${u.id}/revoke-sessions`);
      setDone(t('admin.users.revoked', { n: revoked }));
    });
  };
  return (
    <form className="form user-details" onSubmit={save} noValidate data-testid="user-details">
      {u.intro && <p className="muted small">{u.intro}</p>}
      <Field label={t('admin.users.memo')} error={errs['body.memo']} hint={t('admin.users.memoHint')}>
        <textarea name="memo" rows={3} value={memo} onChange={(e) => setMemo(e.target.value)} />
      </Field>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
      {done && (
        <div className="alert alert-success" role="status">
          {done}
        </div>
      )}
      {element}
      <div className="row">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
          {t('common.save')}
        </button>
        {u.state !== 'withdrawn' && (
          <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={revoke}>
            {t('admin.users.revoke')}
          </button>
        )}
      </div>
    </form>
  );
}
