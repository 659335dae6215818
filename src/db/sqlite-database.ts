/**
 * The Database interface over better-sqlite3. Statements run synchronously and resolve at
 * once; what the async interface adds is a gate: while a transaction is open on the one
 * connection, every other statement waits for it, so no request ever reads another's
 * uncommitted rows or slips a write into its transaction (which a rollback would undo).
 */
import { SQL } from 'drizzle-orm'
import type { Statement } from 'better-sqlite3'
import type { Db } from './client.js'
import type { Database, Executor, Tables } from './database.js'
import * as schema from './schema.js'
import { allRows, firstRow, runTemplate } from './statements.js'

interface Builder { all: () => unknown[], get: () => unknown, run: () => { changes: number } }

/** One transaction at a time; `busy` says whether one is open. */
class Gate {
  private tail: Promise<void> = Promise.resolve()
  private current: Promise<void> | null = null

  get busy (): boolean { return this.current !== null }

  /** Resolves once no transaction is open. */
  async idle (): Promise<void> {
    while (this.current !== null) await this.current
  }

  /** Runs `fn` alone: after every transaction queued before it. */
  async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const before = this.tail
    let release!: () => void
    const done = new Promise<void>((resolve) => { release = resolve })
    this.tail = before.then(() => done)
    await before
    this.current = done
    try {
      return await fn()
    } finally {
      this.current = null
      release()
    }
  }
}

/** Wraps an open SQLite connection (see client.ts) as a Database. */
export function sqliteDatabase (db: Db): Database {
  const gate = new Gate()
  const tables = schema as Tables
  // Savepoints are named by their depth, so their statements are prepared once per depth.
  let savepoints = 0
  const savepointStatements: Array<{ begin: Statement, release: Statement, rollback: Statement }> = []
  const savepointAt = (depth: number) => (savepointStatements[depth] ??= {
    begin: db.$client.prepare(`savepoint sp${depth}`),
    release: db.$client.prepare(`release sp${depth}`),
    rollback: db.$client.prepare(`rollback to sp${depth}`)
  })
  const control = { begin: db.$client.prepare('begin immediate'), commit: db.$client.prepare('commit'), rollback: db.$client.prepare('rollback') }
  const dataVersion = db.$client.prepare('pragma data_version').pluck()

  // instanceof, not drizzle's is(): one copy of drizzle-orm is loaded, and is() walks prototypes on every statement.
  type Values = Record<string, unknown> | undefined
  const execAll = (query: SQL | Builder, values?: Values): unknown[] => query instanceof SQL ? allRows(db, query, values) : (query as Builder).all()
  const execGet = (query: SQL | Builder, values?: Values): unknown => query instanceof SQL ? firstRow(db, query, values) : (query as Builder).get()
  const execRun = (query: SQL | Builder, values?: Values): number => query instanceof SQL
    ? (values === undefined ? db.run(query).changes : runTemplate(db, query, values))
    : (query as Builder).run().changes

  /** Statements inside a transaction run at once; the transaction holds the gate. */
  const inside: Executor = {
    dialect: 'sqlite',
    orm: db,
    tables,
    all: (async (query: SQL | Builder, values?: Values) => execAll(query, values)) as Executor['all'],
    get: (async (query: SQL | Builder, values?: Values) => execGet(query, values)) as Executor['get'],
    run: async (query, values) => execRun(query as SQL | Builder, values),
    async transaction (fn) {
      const depth = ++savepoints
      const { begin, release, rollback } = savepointAt(depth)
      begin.run()
      try {
        const result = await fn(inside)
        release.run()
        return result
      } catch (err) {
        rollback.run()
        release.run()
        throw err
      } finally {
        savepoints--
      }
    }
  }

  /** Outside a transaction: run at once when none is open, else after it. */
  async function outside<T> (exec: () => T): Promise<T> {
    if (gate.busy) await gate.idle()
    return exec()
  }

  return {
    dialect: 'sqlite',
    orm: db,
    tables,
    all: ((query: SQL | Builder, values?: Values) => outside(() => execAll(query, values))) as Executor['all'],
    get: ((query: SQL | Builder, values?: Values) => outside(() => execGet(query, values))) as Executor['get'],
    run: (query, values) => outside(() => execRun(query as SQL | Builder, values)),
    transaction: (fn) => gate.exclusive(async () => {
      control.begin.run()
      try {
        const result = await fn(inside)
        control.commit.run()
        return result
      } catch (err) {
        // A failed COMMIT (or a statement error SQLite answered by rolling back) leaves no transaction.
        if (db.$client.inTransaction) control.rollback.run()
        throw err
      }
    }),
    async ping () {
      db.$client.prepare('select 1').get()
    },
    dataVersion: () => dataVersion.get() as number,
    async close () {
      await gate.idle()
      db.$client.close()
    }
  }
}
