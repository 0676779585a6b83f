import { isOrganizer } from '../../auth.tsx';
import { guarded, type ModulePages, staff } from '../module.tsx';
import { CheckInPage } from './CheckIn.tsx';
import { EventPage } from './Event.tsx';
import { EventFormPage } from './EventForm.tsx';
import { EventsPage } from './Events.tsx';
import { HoldPage } from './Hold.tsx';
import { ticketsWords } from './i18n.ts';
import { MyTicketsPage } from './MyTickets.tsx';
import { OrganizerEventsPage } from './Organizer.tsx';
import { SalesPage } from './Sales.tsx';

/** Tickets: the shows on sale, holds, my tickets, and the organiser's events, sales and check-in. */
export const ticketsPages: ModulePages = {
  routes: [
    { pattern: '/', render: () => <EventsPage /> },
    { pattern: '/events/:id', render: (p) => <EventPage idOrCode={p.id} /> },
    guarded('/holds/:id', (p) => <HoldPage id={p.id} />),
    guarded('/my/tickets', () => <MyTicketsPage />),
    guarded('/organizer', () => <OrganizerEventsPage />, staff),
    guarded('/organizer/events/new', () => <EventFormPage />, staff),
    guarded('/organizer/events/:id/edit', (p) => <EventFormPage id={p.id} />, staff),
    guarded('/organizer/events/:id/sales', (p) => <SalesPage id={p.id} />, staff),
    guarded('/organizer/events/:id/checkin', (p) => <CheckInPage id={p.id} />, staff),
  ],
  nav: [
    { to: '/', k: 'nav.events', show: () => true },
    { to: '/my/tickets', k: 'nav.myTickets', show: (user) => !!user },
    { to: '/organizer', k: 'nav.organizer', show: isOrganizer },
  ],
  words: ticketsWords,
};
