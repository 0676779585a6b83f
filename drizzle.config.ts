import { defineConfig } from 'drizzle-kit';

/**
 * The platform's migrations (users, sessions, outbox, mailbox, rate limits, runtime settings,
 * notification settings, in-app notifications, ledger, server log, uploaded files, payment orders,
 * push devices and consents, social sign-in); journal __drizzle_migrations.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './src/platform/schema.ts',
    './src/platform/settings/schema.ts',
    './src/platform/ledger/schema.ts',
    './src/platform/serverlog/schema.ts',
    './src/platform/uploads/schema.ts',
    './src/platform/notify/schema.ts',
    './src/platform/payments/schema.ts',
    './src/platform/push/schema.ts',
    './src/platform/oauth/schema.ts',
  ],
  out: './drizzle/platform',
});
