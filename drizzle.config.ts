import { defineConfig } from 'drizzle-kit'

/** SQLite's migrations (the embedded default); PostgreSQL's are made by drizzle.postgres.config.ts. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations/sqlite'
})
