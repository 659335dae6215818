// The command line (npm run cli): migrations, tokens, backup, import, rerender, OpenAPI.
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { readFile, writeFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from './config.js'
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { databasePath, openDatabase } from './db/client.js'
import { connectDatabase } from './db/connect.js'
import { DatabaseStartError, dialectOf, redactDatabaseUrl } from './db/database.js'
import { CopyError, copySite } from './db/copy.js'
import { createSearchIndex, indexAllArticles } from './articles/search-index.js'
import { createTokensRepository } from './tokens/repository.js'
import { generateOpenApi, openApiPath } from './openapi.js'
import { importArticles } from './articles/import.js'
import { rerenderArticles } from './articles/rerender.js'
import { roles, type Role } from './lib/roles.js'

const usage = `Usage: npm run cli -- <command>

  migrate                                   apply database migrations
  token create --role <role> --name <name> [--author <id>]
                                            create an API token and print its secret once
  openapi [--check]                         write openapi/openapi.json (--check: fail if it differs)
  backup <file>                             copy the database into <file> while the server runs
                                            (SQLite's online backup API: a consistent snapshot)
  import <file.json | -> [--atomic]         create or update articles from a JSON array (matched
                                            by slug); prints a report; --atomic: all or nothing
  copy --from <DATABASE_URL> --to <DATABASE_URL>
                                            copy a whole site into a new, empty database (SQLite
                                            to PostgreSQL or back), then check every table's rows
  rerender                                  render every article's html again from its body with
                                            the current sanitizer (e.g. the user-content- id prefix)
`

async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function fail (message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

/** The command-line interface: migrations, tokens and the OpenAPI document. */
async function main (argv: string[]) {
  const [command, ...rest] = argv
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message)
    throw err
  }

  switch (command) {
    case 'migrate': {
      // Opening the database migrates it, on SQLite and on PostgreSQL.
      const database = await connectDatabase(config)
      await database.close()
      process.stdout.write('Migrations applied.\n')
      return
    }
    case 'token': {
      const [sub, ...args] = rest
      if (sub !== 'create') fail(usage)
      const { values } = parseArgs({ args, options: { role: { type: 'string' }, name: { type: 'string' }, author: { type: 'string' } } })
      if (!values.role || !(roles as readonly string[]).includes(values.role)) fail(`--role must be one of ${roles.join(', ')}`)
      if (!values.name?.trim()) fail('--name is required')
      const role = values.role as Role
      const authorId = values.author ? Number(values.author) : null
      if ((role === 'author' || role === 'contributor') && !authorId) fail(`${role === 'author' ? 'an' : 'a'} ${role} token needs --author <id>`)
      const database = await connectDatabase(config)
      const repo = createTokensRepository(database)
      if (authorId && !await repo.authorExists(authorId)) fail(`there is no author with id ${authorId}`)
      const created = await repo.create({ name: values.name.trim(), role, authorId })
      await database.close()
      process.stderr.write(`Created token ${created.id} (${role}, "${created.name}"). The secret is shown once:\n`)
      process.stdout.write(`${created.token}\n`)
      return
    }
    case 'openapi': {
      const { values } = parseArgs({ args: rest, options: { check: { type: 'boolean' } } })
      const generated = await generateOpenApi()
      if (values.check) {
        const committed = await readFile(openApiPath, 'utf8').catch(() => '')
        if (committed !== generated) fail('openapi/openapi.json differs from what the app generates: run npm run openapi')
        process.stdout.write('openapi/openapi.json is up to date.\n')
        return
      }
      await writeFile(openApiPath, generated)
      process.stdout.write(`Wrote ${openApiPath}\n`)
      return
    }
    case 'copy': {
      const { values: opts } = parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' } } })
      if (!opts.from || !opts.to) fail('copy needs --from <DATABASE_URL> and --to <DATABASE_URL>')
      if (opts.from === opts.to) fail('copy needs two different databases')
      const from = await connectDatabase({ databaseUrl: opts.from, pgPoolSize: 2 })
      try {
        const to = await connectDatabase({ databaseUrl: opts.to, pgPoolSize: 2 })
        try {
          const searchIndex = createSearchIndex(to.dialect)
          const started = Date.now()
          const report = await copySite(from, to, { afterArticles: async (tx) => { await indexAllArticles(tx, searchIndex) } })
          // Statistics and the visibility map now, not at autovacuum's next pass: the first
          // reads of a copied site then plan as later ones do, and index-only scans skip the heap.
          if (to.dialect === 'postgres') await to.run(sql`vacuum analyze`)
          for (const { table, rows } of report.tables) process.stdout.write(`${table.padEnd(20)} ${rows}\n`)
          process.stdout.write(`Copied ${report.rows} rows from ${redactDatabaseUrl(opts.from)} to ${redactDatabaseUrl(opts.to)} in ${Date.now() - started} ms; every table's count checked\n`)
        } finally {
          await to.close()
        }
      } catch (err) {
        if (err instanceof CopyError) fail(err.message)
        throw err
      } finally {
        await from.close()
      }
      return
    }
    case 'backup': {
      const target = rest[0]
      if (!target) fail('backup needs a file name to write the copy to')
      if (dialectOf(config.databaseUrl) === 'postgres') fail('backup copies a SQLite file; back PostgreSQL up with its own tools: pg_dump --format=custom --file=broadsheet.dump "$DATABASE_URL" (see docs/operations.md)')
      if (databasePath(config.databaseUrl) === ':memory:') fail('DATABASE_URL is :memory:, there is nothing on disk to back up')
      if (existsSync(target)) fail(`${target} exists already; choose a new file so no backup is overwritten`)
      const db = openDatabase(config.databaseUrl)
      const started = Date.now()
      const meta = await db.$client.backup(target)
      db.$client.close()
      // Prove the copy is whole before calling it a backup.
      const copy = new Database(target, { readonly: true })
      const check = copy.pragma('integrity_check', { simple: true })
      copy.close()
      if (check !== 'ok') fail(`the backup in ${target} failed its integrity check: ${String(check)}`)
      process.stdout.write(`Backed up ${meta.totalPages} pages to ${target} in ${Date.now() - started} ms (integrity_check: ok)\n`)
      return
    }
    case 'import': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { atomic: { type: 'boolean' } } })
      const source = positionals[0]
      if (!source) fail('import needs a file name, or - for standard input')
      const text = source === '-' ? await readStdin() : await readFile(source, 'utf8').catch((err: Error) => fail(`cannot read ${source}: ${err.message}`))
      let items: unknown
      try {
        items = JSON.parse(text)
      } catch (err) {
        fail(`${source} is not JSON: ${(err as Error).message}`)
      }
      if (!Array.isArray(items)) fail('the import file must hold a JSON array of articles')
      const database = await connectDatabase(config)
      const report = await importArticles(database, items, { atomic: values.atomic ?? false, now: new Date().toISOString() }).finally(() => database.close())
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
      process.stderr.write(`${report.created} created, ${report.updated} updated, ${report.failed} failed${report.atomic && report.failed > 0 ? ' (nothing written: --atomic)' : ''}\n`)
      if (report.failed > 0) process.exit(1)
      return
    }
    case 'rerender': {
      const database = await connectDatabase(config)
      const { checked, changed } = await rerenderArticles(database).finally(() => database.close())
      process.stdout.write(`Rendered ${checked} articles again; ${changed} changed.\n`)
      return
    }
    default:
      process.stdout.write(usage)
      if (command && command !== 'help') process.exit(1)
  }
}

try {
  await main(process.argv.slice(2))
} catch (err) {
  // A database that cannot be used is reported as the server reports it: one line.
  if (err instanceof DatabaseStartError) fail(err.message)
  // An unknown or malformed option (node:util parseArgs): its message, not a stack.
  if (typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS')) fail((err as Error).message)
  throw err
}
