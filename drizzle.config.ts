import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Core migrations only; later modules have drizzle.<module>.config.ts and their own folder.
  schema: ['./src/platform/schema.ts', './src/modules/tickets/schema.ts'],
  out: './drizzle',
});
