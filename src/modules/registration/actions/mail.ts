import { zonedParts } from '../../../platform/time.ts';
import type { RegistrationDeps } from '../deps.ts';
import {
  defaultsIn,
  type MailData,
  mailTemplatesOf,
  renderMailTemplate,
  TemplateError,
} from '../mail-template.ts';
import { type AttendeeRow, type EventRow, timeZoneOf } from '../views.ts';
import type { ActionOutcome } from './runner.ts';

/**
 * The welcome mail of one admission, from the event's Liquid templates. A template that cannot be
 * used fails this action with the reason (retry after fixing it); nothing is sent and the job itself
 * succeeds, so the queue does not retry it blindly.
 */
export async function sendWelcomeMail(
  deps: RegistrationDeps,
  ev: EventRow,
  att: AttendeeRow,
  admission: number,
): Promise<ActionOutcome> {
  if (!att.email) return { status: 'skipped', message: 'no e-mail address' };
  const data = mailData(ev, att);
  const templates = defaultsIn(
    mailTemplatesOf(ev.settings.mail),
    await deps.ctx.notify.langOf(ev.organizerId),
  );
  if (templates.needsAttention) return { status: 'failed', message: templates.needsAttention };
  let html: string;
  let subject: string;
  try {
    html = renderMailTemplate(templates.template, data, 'html');
    subject = renderMailTemplate(templates.subject, data, 'text');
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return { status: 'failed', message: `the mail template does not render: ${err.message}` };
  }
  await deps.ctx.mailer.send({
    // One Message-ID per attendee admission, so a repeated send is recognisably the same mail.
    key: `registration.${ev.id}.${att.externalId}.${admission}.welcome`,
    to: att.email,
    subject: subject.replace(/[\r\n]+/g, ' ').slice(0, 200),
    html,
    text: html
      .replace(/<br\s*\/?>|<\/p>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
  });
  return { status: 'done' };
}

function mailData(ev: EventRow, att: AttendeeRow): MailData {
  const tz = timeZoneOf(ev);
  const when = ev.startsAt ? zonedParts(ev.startsAt, tz) : undefined;
  return {
    name: att.name || (att.email ? att.email.split('@')[0] : ''),
    email: att.email ?? '',
    eventName: ev.name,
    slug: ev.slug,
    ticketName: att.ticketName,
    quantity: att.quantity,
    venueLink: ev.settings.venueLink ?? '',
    date: when ? `${when.date} ${when.time} (${tz})` : '',
  };
}
