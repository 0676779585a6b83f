import { defineConfig } from 'drizzle-kit';

/** The registration module's own migrations (applied after the core set, journal __drizzle_migrations_registration). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/registration/schema.ts',
  out: './drizzle/registration',
});
