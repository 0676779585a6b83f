import { consult } from './consult.ts';
import { consultNotices } from './consult-notices.ts';
import { consultRefusals } from './consult-refusals.ts';
import { platform } from './platform.ts';
import { platformRefusals } from './platform-refusals.ts';
import { rail } from './rail.ts';
import { railMail } from './rail-mail.ts';
import { registration } from './registration.ts';
import { tickets } from './tickets.ts';
import { ticketsMail } from './tickets-mail.ts';
import { validation } from './validation.ts';

/** Every code's texts, one part per module (a code's prefix is its module). */
export const catalog = {
  ...validation,
  ...platform,
  ...platformRefusals,
  ...tickets,
  ...ticketsMail,
  ...rail,
  ...railMail,
  ...registration,
  ...consult,
  ...consultNotices,
  ...consultRefusals,
};

/** The parts, so a test can see that no code is defined twice. */
export const parts = {
  validation,
  platform,
  platformRefusals,
  tickets,
  ticketsMail,
  rail,
  railMail,
  registration,
  consult,
  consultNotices,
  consultRefusals,
};
