import { defineConfig } from 'drizzle-kit'

/** PostgreSQL's migrations, from the tables of src/db/pg-schema.ts (kept in step with SQLite's by a test). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg-schema.ts',
  out: './migrations/postgres'
})
