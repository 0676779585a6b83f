import { defineConfig } from 'drizzle-kit';

/** The platform's migrations (users, sessions, outbox, mailbox, rate limits); journal __drizzle_migrations. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/platform/schema.ts',
  out: './drizzle/platform',
});
