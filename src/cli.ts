import { parseArgs } from 'node:util'
import { readFile, writeFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/client.js'
import { runMigrations } from './db/migrate.js'
import { createTokensRepository } from './tokens/repository.js'
import { roles, type Role } from './tokens/secrets.js'
import { generateOpenApi, openApiPath } from './openapi.js'

const usage = `Usage: npm run cli -- <command>

  migrate                                   apply database migrations
  token create --role <role> --name <name> [--author <id>]
                                            create an API token and print its secret once
  openapi [--check]                         write openapi/openapi.json (--check: fail if it differs)
`

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
      const db = openDatabase(config.databaseUrl)
      runMigrations(db)
      db.$client.close()
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
      const db = openDatabase(config.databaseUrl)
      runMigrations(db)
      const repo = createTokensRepository(db)
      if (authorId && !repo.authorExists(authorId)) fail(`there is no author with id ${authorId}`)
      const created = repo.create({ name: values.name.trim(), role, authorId })
      db.$client.close()
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
    default:
      process.stdout.write(usage)
      if (command && command !== 'help') process.exit(1)
  }
}

await main(process.argv.slice(2))
