import { execFileSync } from 'node:child_process'
import t from 'tap'

// The layering rules live in eslint.config.js. ESLint runs in a plain node child: under tap's
// tsx loader it cannot load its own ESM-only dependencies.
const LINT = `
import { ESLint } from 'eslint'
const eslint = new ESLint()
const out = []
for (const [filePath, from, typeOnly] of JSON.parse(process.argv[1])) {
  const code = "import " + (typeOnly ? "type " : "") + "{ x } from '" + from + "'\\nexport const y: unknown = x\\n"
  const [result] = await eslint.lintText(code, { filePath })
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').length)
}
process.stdout.write(JSON.stringify(out))`

type Case = [file: string, from: string, typeOnly?: boolean]
const each = (file: string, froms: string[]): Case[] => froms.map((from): Case => [file, from])

const forbidden: Case[] = [
  ...each('src/db/new-file.ts', ['../http/errors.js', '../articles/repository.js', '../config.js', '../../test/helper.js', 'fastify', 'fastify-plugin']),
  ...each('src/lib/new-file.ts', ['../http/errors.js', '../db/client.js', '../articles/repository.js', 'fastify', '@fastify/error', 'drizzle-orm', 'drizzle-orm/sqlite-core', 'better-sqlite3']),
  // A resource's repository and every other module of it but routes, plugin and schemas.
  ...each('src/articles/repository.ts', ['../http/errors.js', '../http/pagination.js', 'fastify', 'fastify-plugin', 'fastify-type-provider-zod', '@fastify/error']),
  ['src/articles/repository.ts', '../http/auth.js', true],
  ['src/ads/engine.ts', 'fastify', true],
  ...each('src/comments/shapes.ts', ['../http/fields.js']),
  ...each('src/newsletters/repository.ts', ['../http/errors.js', '@fastify/error']),
  ...each('src/newsletters/sender.ts', ['../http/caching.js'])
]
const allowed: Case[] = [
  ...each('src/db/new-file.ts', ['../lib/cache.js', './client.js', 'drizzle-orm', 'better-sqlite3']),
  ...each('src/lib/new-file.ts', ['./cache.js', 'lru-cache', 'node:crypto', './errors.js', 'zod']),
  ...each('src/articles/repository.ts', ['../lib/errors.js', '../lib/cursor.js', '../db/client.js', '../taxonomy/repository.js', './schemas.js', 'drizzle-orm']),
  // The HTTP edge of a resource.
  ...each('src/articles/routes.ts', ['../http/errors.js', 'fastify-type-provider-zod']),
  ...each('src/articles/write-routes.ts', ['../http/caching.js', 'fastify']),
  ...each('src/articles/plugin.ts', ['fastify', '../http/errors.js']),
  ...each('src/articles/schemas.ts', ['../http/pagination.js', '../http/fields.js']),
  ...each('src/demo/site.ts', ['@fastify/static']),
  ...each('src/http/new-file.ts', ['fastify', '@fastify/error', './errors.js', '../lib/errors.js'])
]

t.test('the lint rules keep src/db, src/lib and the domain modules of resources below HTTP', async (t) => {
  const cases = [...forbidden, ...allowed]
  const counts = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', LINT, JSON.stringify(cases)], { encoding: 'utf8' })) as number[]
  cases.forEach(([file, from, typeOnly], i) => {
    const isForbidden = i < forbidden.length
    t.equal(counts[i], isForbidden ? 1 : 0, `${file} ${isForbidden ? 'may not' : 'may'} import ${typeOnly ? 'types from ' : ''}${from}`)
  })
})
