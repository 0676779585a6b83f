import { defineConfig } from 'drizzle-kit';

/** The consult module's own migrations (drizzle/consult/, journal __drizzle_migrations_consult). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/consult/schema.ts',
  out: './drizzle/consult',
});
