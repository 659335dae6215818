// The bench database on PostgreSQL: the SQLite bench site copied into its own schema (kept and
// reused across runs), and PostgreSQL's processes pinned to the server's core while the bench
// runs, so server and database share one core as SQLite shares the server's process.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpus } from 'node:os'
import pg from 'pg'

/** The URL of the schema `bench_<articles>` in `databaseUrl`, holding a copy of the SQLite bench site. */
export async function benchPostgres (databaseUrl: string, sqlitePath: string, articles: number, root: string): Promise<string> {
  const schema = `bench_${articles}`
  const url = new URL(databaseUrl)
  url.searchParams.set('options', `-c search_path=${schema},public`)
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const present = await client.query('select 1 from information_schema.tables where table_schema = $1 and table_name = $2', [schema, 'articles'])
    if (present.rowCount === 1) {
      const count = await client.query(`select count(*)::int as n from "${schema}".articles`)
      if (count.rows[0].n === articles) return url.toString()
    }
    await client.query(`drop schema if exists "${schema}" cascade`)
    await client.query(`create schema "${schema}"`)
  } finally {
    await client.end()
  }
  const started = Date.now()
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'copy', '--from', sqlitePath, '--to', url.toString()], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  process.stderr.write(`copied the bench site into PostgreSQL schema ${schema} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  // The copy ends with VACUUM ANALYZE: statistics and visibility map as a settled site has them.
  return url.toString()
}

/** PostgreSQL's processes on this machine (the postmaster and its backends). */
function postgresPids (): string[] {
  const found = spawnSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' })
  return found.stdout.split('\n').filter(Boolean)
}

/** Pins every PostgreSQL process (and the backends it forks later) to `core`; returns the undo. */
export function pinPostgres (core: number): () => void {
  const pids = postgresPids()
  for (const pid of pids) spawnSync('taskset', ['-a', '-cp', String(core), pid], { stdio: 'ignore' })
  return () => {
    const all = `0-${cpus().length - 1}`
    for (const pid of postgresPids()) spawnSync('taskset', ['-a', '-cp', all, pid], { stdio: 'ignore' })
  }
}
