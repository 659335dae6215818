/**
 * PostgreSQL for tests: each caller gets a schema of its own in TEST_DATABASE_URL's database
 * (created if missing), dropped when its test ends, so test files run in parallel on one
 * server. `npm run test:pg` sets BROADSHEET_TEST_DIALECT=postgres: PostgreSQL is then
 * required, and a test that would otherwise skip for want of a server fails instead.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/broadsheet_test'

/** True under `npm run test:pg`. */
export const postgresRequired = process.env.BROADSHEET_TEST_DIALECT === 'postgres'

let ready: Promise<boolean> | undefined

/** Creates the test database once per process; false when no server answers. */
function ensureDatabase (): Promise<boolean> {
  ready ??= (async () => {
    const url = new URL(TEST_DATABASE_URL)
    const name = decodeURIComponent(url.pathname.slice(1))
    const admin = new URL(url)
    admin.pathname = '/postgres'
    const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 })
    try {
      await client.connect()
    } catch {
      return false
    }
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [name])
      if (exists.rowCount === 0) {
        // Two test processes may race to create it; the loser's duplicate_database error is harmless.
        await client.query(`create database "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
          if (err.code !== '42P04' && err.code !== '23505') throw err
        })
      }
      return true
    } finally {
      await client.end()
    }
  })()
  return ready
}

/**
 * A DATABASE_URL for a new empty schema, dropped in teardown; undefined (and the test skipped)
 * when PostgreSQL does not answer and the run does not require it.
 */
export async function freshPostgresUrl (t: Test): Promise<string | undefined> {
  if (!await ensureDatabase()) {
    if (postgresRequired) throw new Error(`PostgreSQL does not answer at ${TEST_DATABASE_URL}`)
    t.comment(`PostgreSQL does not answer at ${TEST_DATABASE_URL}: its part of this test is skipped`)
    return undefined
  }
  const schema = `t_${process.pid}_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  await client.query(`create schema "${schema}"`)
  await client.end()
  t.teardown(async () => {
    const dropper = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await dropper.connect()
    await dropper.query(`drop schema "${schema}" cascade`)
    await dropper.end()
  })
  const url = new URL(TEST_DATABASE_URL)
  // public stays on the path: the unaccent extension lives there.
  url.searchParams.set('options', `-c search_path=${schema},public`)
  return url.toString()
}
