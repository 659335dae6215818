/** Each database the data layer runs on, opened fresh and migrated, for tests that run on both. */
import type { Test } from 'tap'
import { connectDatabase, type Connected } from '../../src/db/connect.js'
import { freshPostgresUrl } from './postgres.js'

export type OpenDatabase = (t: Test) => Promise<Connected | undefined>

/** [name, open]: open gives undefined (the test returns early) only when PostgreSQL is absent and not required. */
export const testDatabases: Array<[name: 'sqlite' | 'postgres', open: OpenDatabase]> = [
  ['sqlite', async (t) => {
    const db = await connectDatabase({ databaseUrl: ':memory:', pgPoolSize: 1 })
    t.teardown(() => db.close())
    return db
  }],
  ['postgres', async (t) => {
    const url = await freshPostgresUrl(t)
    if (url === undefined) return undefined
    const db = await connectDatabase({ databaseUrl: url, pgPoolSize: 4 })
    t.teardown(() => db.close())
    return db
  }]
]
