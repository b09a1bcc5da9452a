// Only `prisma dev` (a local Prisma Postgres) imports this; the platform runs PGlite or PostgreSQL instead.
throw new Error(
  '@prisma/streams-local is not installed in this project (see package.json "overrides"): `prisma dev` needs Node >= 22 and is not used here',
);
