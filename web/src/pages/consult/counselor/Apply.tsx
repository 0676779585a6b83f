import { type FormEvent, useState } from 'react';
import type { Service } from '../../../../../src/modules/consult/schema.ts';
import { post } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { usePublicSettings } from '../../../notice.tsx';
import { ErrorBox, Field, fieldErrors, useAction } from '../../../ui.tsx';
import { useServiceName } from '../counselors/Card.tsx';
import { ConsultLayout } from '../Layout.tsx';
import './counselor.css';

// Listed here, not imported: the server's schema file would bring the database library into the bundle.
export const SERVICES: readonly Service[] = ['phone', 'chat', 'visit', 'cafe'];

/** Checkboxes for a set of words (categories, services); the chosen ones in `value`. */
export function Choices<V extends string>({
  name,
  options,
  value,
  label,
  onChange,
  error,
}: {
  name: string;
  options: readonly V[];
  value: readonly V[];
  label: (v: V) => string;
  onChange: (v: V[]) => void;
  error?: string;
}) {
  return (
    <div className={`cc-choices${error ? ' field-invalid' : ''}`} data-testid={`choices-${name}`}>
      {options.map((o) => (
        <label key={o} className="cc-choice">
          <input
            type="checkbox"
            name={name}
            value={o}
            checked={value.includes(o)}
            onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((x) => x !== o))}
          />
          <span>{label(o)}</span>
        </label>
      ))}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}

/** The categories admins set (consult.categories), for pickers. */
export function useCategories(): string[] {
  const c = usePublicSettings()['consult.categories'];
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string') : [];
}

/** The first error under a path (`body.categories.0` counts for `body.categories`). */
export const under = (errs: Record<string, string>, path: string) =>
  errs[path] ?? Object.entries(errs).find(([k]) => k.startsWith(`${path}.`))?.[1];

/** `/consult/apply`: anyone may apply as a counselor; the admins get it by mail and in the app. */
export function ApplyPage() {
  const { t } = useI18n();
  const service = useServiceName();
  const categories = useCategories();
  const [f, setF] = useState({ name: '', email: '', phone: '', intro: '', career: '' });
  const [cats, setCats] = useState<string[]>([]);
  const [services, setServices] = useState<Service[]>([]);
  const [sent, setSent] = useState<string>();
  const { busy, error, run } = useAction();
  // A field's refusal goes away once the field is edited again.
  const [edited, setEdited] = useState<string[]>([]);
  const errs = Object.fromEntries(
    Object.entries(fieldErrors(error)).filter(([k]) => !edited.includes(k.split('.')[1] ?? '')),
  );
  const text = (k: keyof typeof f) => ({
    name: k,
    value: f[k],
    onChange: (e: { target: { value: string } }) => {
      setF({ ...f, [k]: e.target.value });
      setEdited([...edited, k]);
    },
    'data-testid': `apply-${k}`,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setEdited([]);
    void run(async () => {
      await post('/api/consult/applications', { ...f, categories: cats, services });
      setSent(f.email);
    });
  };
  return (
    <ConsultLayout title={t('consult.counselor.apply')}>
      {sent ? (
        <div className="alert alert-success" role="status" data-testid="apply-sent">
          {t('consult.counselor.sent', { email: sent })}
        </div>
      ) : (
        <form className="card cc-form" onSubmit={submit} noValidate data-testid="apply-form">
          <p className="muted small">{t('consult.counselor.applyIntro')}</p>
          <Field label={t('consult.counselor.name')} error={errs['body.name']}>
            <input {...text('name')} autoComplete="name" maxLength={40} />
          </Field>
          <Field label={t('consult.counselor.email')} error={errs['body.email']}>
            <input {...text('email')} type="email" autoComplete="email" />
          </Field>
          <Field
            label={t('consult.counselor.phone')}
            error={errs['body.phone']}
            hint={t('consult.counselor.phoneHint')}
          >
            <input {...text('phone')} type="tel" autoComplete="tel" inputMode="tel" />
          </Field>
          <fieldset className="cc-fieldset">
            <legend>{t('consult.counselor.categories')}</legend>
            <Choices
              name="categories"
              options={categories}
              value={cats}
              label={(c) => c}
              onChange={setCats}
              error={under(errs, 'body.categories')}
            />
          </fieldset>
          <fieldset className="cc-fieldset">
            <legend>{t('consult.counselor.services')}</legend>
            <Choices
              name="services"
              options={SERVICES}
              value={services}
              label={service}
              onChange={setServices}
              error={under(errs, 'body.services')}
            />
          </fieldset>
          <Field label={t('consult.counselor.intro')} error={errs['body.intro']}>
            <textarea {...text('intro')} rows={4} maxLength={2000} />
          </Field>
          <Field label={t('consult.counselor.career')} error={errs['body.career']}>
            <textarea {...text('career')} rows={4} maxLength={2000} />
          </Field>
          {Object.keys(fieldErrors(error)).length === 0 && <ErrorBox error={error} />}
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="apply-send">
            {t('consult.counselor.send')}
          </button>
        </form>
      )}
    </ConsultLayout>
  );
}
