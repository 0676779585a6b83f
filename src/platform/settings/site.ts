import { z } from 'zod';
import { metricsToken } from '../metrics-route.ts';
import { retentionDays } from '../serverlog/index.ts';
import { defineSetting } from './spec.ts';

/** A notice the operator shows above every page (maintenance, a holiday, a new feature); empty = none. */
export const siteNotice = defineSetting({
  key: 'site.notice',
  schema: z.string().trim().max(300, 'at most 300 characters'),
  default: '',
  access: 'public',
  label: {
    en: 'Notice shown above every page (empty: none)',
    ko: '모든 페이지 위에 보이는 공지 (비우면 없음)',
  },
});

/** The platform's own settings (modules declare theirs in their definition). */
export const platformSettings = [siteNotice, retentionDays, metricsToken];
