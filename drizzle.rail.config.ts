import { defineConfig } from 'drizzle-kit';

/** Migrations of the rail module only (drizzle/rail/, own journal table; see migrationSets in db.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/rail/schema.ts',
  out: './drizzle/rail',
});
