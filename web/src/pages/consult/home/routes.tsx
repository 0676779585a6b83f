import { guarded, type ModulePages } from '../../module.tsx';
import { BoardPage } from '../board/List.tsx';
import { PostPage } from '../board/Post.tsx';
import { WritePage } from '../board/Write.tsx';
import { BookmarksPage } from '../counselors/Bookmarks.tsx';
import { CounselorsPage } from '../counselors/List.tsx';
import { CounselorPage } from '../counselors/Profile.tsx';
import { ReviewsPage } from '../counselors/Review.tsx';
import { ConsultHomePage } from './Home.tsx';
import { consultBrowseWords } from './i18n.ts';
import { ConsultNotFoundPage, ConsultNotificationsPage, ContactPage, TermsPage } from './Pages.tsx';

/** Browsing the marketplace: home, counselors and profiles, bookmarks, reviews, board, contact, terms. */
export const consultBrowsePages: ModulePages = {
  routes: [
    { pattern: '/consult', render: () => <ConsultHomePage /> },
    { pattern: '/consult/counselors', render: () => <CounselorsPage /> },
    { pattern: '/consult/counselors/:id', render: (p) => <CounselorPage id={p.id} /> },
    guarded('/consult/bookmarks', () => <BookmarksPage />),
    guarded('/consult/reviews', () => <ReviewsPage />),
    { pattern: '/consult/board', render: () => <BoardPage /> },
    guarded('/consult/board/new', () => <WritePage />),
    { pattern: '/consult/board/:id', render: (p) => <PostPage id={p.id} /> },
    guarded('/consult/board/:id/edit', (p) => <WritePage id={p.id} />),
    { pattern: '/consult/contact', render: () => <ContactPage /> },
    { pattern: '/consult/terms', render: () => <TermsPage /> },
    guarded('/consult/notifications', () => <ConsultNotificationsPage />),
  ],
  nav: [],
  words: consultBrowseWords,
};

/**
 * The marketplace's 404 for any /consult address no area answers. Its patterns match anything up to
 * five segments deep, so it must come after every other area in consultAreas.
 */
export const consultNotFoundPages: ModulePages = {
  routes: ['/:a', '/:a/:b', '/:a/:b/:c', '/:a/:b/:c/:d', '/:a/:b/:c/:d/:e'].map((rest) => ({
    pattern: `/consult${rest}`,
    render: () => <ConsultNotFoundPage />,
  })),
  nav: [],
};
