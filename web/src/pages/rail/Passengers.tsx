import { Field } from '../../ui.tsx';
import { useRailT } from './i18n.ts';

export const PASSENGER_TYPES = [
  'adult',
  'child',
  'senior',
  'disability1to3',
  'disability4to6',
  'toddler',
] as const;
export type PassengerType = (typeof PASSENGER_TYPES)[number];
/** The types an operator sells: a toddler (동반유아) ticket only Korail. */
export const passengerTypesOf = (provider: 'srt' | 'korail') =>
  PASSENGER_TYPES.filter((k) => k !== 'toddler' || provider === 'korail');

/**
 * One count per passenger type, with each count's error under it and the errors about the whole
 * group (none, too many, only children) under the group.
 */
export function PassengerFields({
  legend,
  values,
  onChange,
  errors,
  groupError,
  testId,
  inputWidth,
  provider,
}: {
  /** Which operator's passenger types to offer. */
  provider: 'srt' | 'korail';
  legend: string;
  values: Record<PassengerType, string | number>;
  onChange: (type: PassengerType, value: string) => void;
  /** Field errors by path (`body.passengers.adult`…). */
  errors: Record<string, string | undefined>;
  groupError?: string;
  testId: string;
  inputWidth?: number;
}) {
  const t = useRailT();
  return (
    <fieldset
      className={groupError ? 'field-invalid' : undefined}
      data-testid={testId}
      style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}
    >
      <legend className="field-label" style={{ padding: 0, marginBottom: 6 }}>
        {legend}
      </legend>
      <div
        className={inputWidth ? 'actions' : undefined}
        style={
          inputWidth
            ? undefined
            : { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(130px, 1fr))', gap: 14 }
        }
      >
        {passengerTypesOf(provider).map((k) => (
          <Field key={k} label={t(`pax.${k}`)} error={errors[`body.passengers.${k}`]}>
            <input
              type="number"
              name={k}
              min={0}
              max={9}
              value={values[k]}
              onChange={(e) => onChange(k, e.target.value)}
              style={inputWidth ? { width: inputWidth } : undefined}
            />
          </Field>
        ))}
      </div>
      {groupError && (
        <div className="field-error" style={{ marginTop: 4 }}>
          {groupError}
        </div>
      )}
    </fieldset>
  );
}
