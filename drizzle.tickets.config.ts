import { defineConfig } from 'drizzle-kit';

/** The tickets module's own migrations (drizzle/tickets/, journal __drizzle_migrations_tickets). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/tickets/schema.ts',
  out: './drizzle/tickets',
});
