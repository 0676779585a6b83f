import { type Provider, TRAIN_GROUPS_OF, type TrainGroup } from './api.ts';
import { useRailT } from './i18n.ts';

/**
 * The train-type filter: a box per family the operator runs, all ticked by default (every train).
 * Unticking all of them is sent as it is, so the server's refusal shows here under the field.
 */
export function TrainTypesField({
  provider,
  value,
  onChange,
  error,
}: {
  provider: Provider;
  value: TrainGroup[];
  onChange: (v: TrainGroup[]) => void;
  error?: string;
}) {
  const t = useRailT();
  const offered: readonly TrainGroup[] = TRAIN_GROUPS_OF[provider];
  const all = offered.every((g) => value.includes(g));
  return (
    <fieldset
      className={`field${error ? ' field-invalid' : ''}`}
      data-testid="rail-train-types"
      style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}
    >
      <legend className="field-label" style={{ padding: 0, marginBottom: 6 }}>
        {t('types.label')}
      </legend>
      <div className="actions" style={{ gap: 16 }}>
        <label className="actions" style={{ gap: 6 }}>
          <input
            type="checkbox"
            name="trainTypes-all"
            checked={all}
            onChange={(e) => onChange(e.target.checked ? [...offered] : [])}
            style={{ width: 'auto' }}
          />
          {t('types.all')}
        </label>
        {offered.map((g) => (
          <label key={g} className="actions" style={{ gap: 6 }}>
            <input
              type="checkbox"
              name={`trainType-${g}`}
              value={g}
              checked={value.includes(g)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? offered.filter((x) => x === g || value.includes(x))
                    : value.filter((x) => x !== g),
                )
              }
              style={{ width: 'auto' }}
            />
            {t(`group.${g}`)}
          </label>
        ))}
      </div>
      {error ? (
        <span className="field-error">{error}</span>
      ) : (
        <span className="field-hint">{t('types.hint')}</span>
      )}
    </fieldset>
  );
}
