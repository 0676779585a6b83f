import { asc, eq } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { columnsOf, type Row } from '../../platform/csv.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import { bigQueryColumns, loadToBigQuery } from './bigquery.ts';
import { type AttendeeLike, dateIn, deidentifyAttendee, questionKind } from './deidentify.ts';
import type { RegistrationDeps } from './deps.ts';
import { audit } from './reports.ts';
import { registrationAttendees } from './schema.ts';
import { type AttendeeRow, type EventRow, type RegistrationExportColumns, timeZoneOf } from './views.ts';

/** Exports: the attendee rows as files (de-identified, or raw and audited) and into BigQuery. */

/** Export rows: de-identified (pseudonyms, masked names, dates kept) or raw (audited). */
export async function exportRows(
  deps: RegistrationDeps,
  actor: User,
  ev: EventRow,
  kind: 'deidentified' | 'raw',
  format: string,
): Promise<Row[]> {
  const rows = await attendeesByPaidTime(deps, ev.id);
  await audit(deps, actor, ev.id, kind === 'raw' ? 'export_raw' : 'export_deidentified', rows.length, format);
  if (kind === 'raw')
    return rows.map((r) => ({
      attendee_id: r.externalId,
      ticket_name: r.ticketName,
      name: r.name,
      email: r.email,
      phone: r.phone,
      quantity: r.quantity,
      active: r.active,
      paid_at: r.paidAt?.toISOString(),
      refunded_at: r.refundedAt?.toISOString(),
    }));
  return rows.map((r) => deidentifiedRow(deps, ev, r));
}

function deidentifiedRow(deps: RegistrationDeps, ev: EventRow, r: AttendeeRow): Row {
  const tz = timeZoneOf(ev);
  return {
    event: ev.slug,
    ...deidentifyAttendee(r.record as AttendeeLike, {
      secret: deps.keys.pseudonym,
      scope: ev.id,
      timeZone: tz,
      paidAt: ev.settings.deidentify?.paidAt ?? 'hour',
      safeQuestions: ev.settings.deidentify?.safeQuestions ?? [],
    }),
    quantity: r.quantity,
    active: r.active,
    refunded_date: r.refundedAt ? dateIn(r.refundedAt.getTime(), tz) : undefined,
  };
}

/**
 * The form questions an organiser may mark safe (contact and dropped fields are never exported
 * in clear), and the de-identified export's columns with their BigQuery names. Names only, no
 * personal data, so not audited.
 */
export async function exportColumns(
  deps: RegistrationDeps,
  ev: EventRow,
): Promise<RegistrationExportColumns> {
  const rows = await attendeesByPaidTime(deps, ev.id);
  const questions = new Set<string>();
  for (const r of rows)
    for (const [q] of (r.record as AttendeeLike).data ?? [])
      if (['answer', 'name'].includes(questionKind(q))) questions.add(q);
  return {
    questions: [...questions],
    columns: bigQueryColumns(columnsOf(rows.map((r) => deidentifiedRow(deps, ev, r)))),
  };
}

/** De-identified rows into the event's BigQuery table (a load job), audited like a download. */
export async function exportToBigQuery(deps: RegistrationDeps, actor: User, ev: EventRow) {
  const target = ev.settings.bigquery;
  if (!target) throw invalidField('settings.bigquery', 'set the BigQuery project, dataset and table first');
  const rows = await exportRows(deps, actor, ev, 'deidentified', 'bigquery');
  try {
    return await loadToBigQuery(rows, target);
  } catch (err) {
    throw new AppError(502, msg('registration.bigquery_failed', { reason: (err as Error).message }));
  }
}

/** Every attendee of an event, in the order they paid. */
function attendeesByPaidTime(deps: RegistrationDeps, eventId: string) {
  return deps.ctx.database.db
    .select()
    .from(registrationAttendees)
    .where(eq(registrationAttendees.eventId, eventId))
    .orderBy(asc(registrationAttendees.paidAt), asc(registrationAttendees.externalId));
}
