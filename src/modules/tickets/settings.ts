import { z } from 'zod';
import { defineSetting } from '../../platform/settings/spec.ts';

// Both start from the environment (HOLD_MINUTES, WAITLIST_OFFER_MINUTES); an admin's change applies
// to holds and offers made after it, never to running ones.
const minutes = z
  .number()
  .int('whole minutes')
  .min(1, 'at least 1 minute')
  .max(24 * 60, 'at most 1,440 minutes (a day)');

export const holdMinutes = defineSetting({
  key: 'tickets.holdMinutes',
  schema: minutes,
  default: (config) => config.holdMinutes,
  access: 'admin',
  label: { en: 'Minutes a buyer’s hold keeps the seats', ko: '구매자의 좌석 임시 확보 시간(분)' },
});

export const waitlistOfferMinutes = defineSetting({
  key: 'tickets.waitlistOfferMinutes',
  schema: minutes,
  default: (config) => config.waitlistOfferMinutes,
  access: 'admin',
  label: { en: 'Minutes a waiting-list offer stays open', ko: '대기자에게 넘긴 좌석을 기다리는 시간(분)' },
});

export const ticketSettings = [holdMinutes, waitlistOfferMinutes];
