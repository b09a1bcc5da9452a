import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file: migrations are plain SQL applied at start
// (server/db/migrate.ts), so no schema engine is ever downloaded.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
