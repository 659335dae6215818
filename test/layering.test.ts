import { execFileSync } from 'node:child_process'
import t from 'tap'

// The layering rule lives in eslint.config.js. ESLint runs in a plain node child: under tap's
// tsx loader it cannot load its own ESM-only dependencies.
const LINT = `
import { ESLint } from 'eslint'
const eslint = new ESLint()
const out = []
for (const [filePath, from] of JSON.parse(process.argv[1])) {
  const [result] = await eslint.lintText("import { x } from '" + from + "'\\nexport const y = x\\n", { filePath })
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').length)
}
process.stdout.write(JSON.stringify(out))`

const forbidden: Array<[string, string]> = [
  ...['../http/errors.js', '../articles/repository.js', '../config.js', '../../test/helper.js', 'fastify', 'fastify-plugin']
    .map((from): [string, string] => ['src/db/new-file.ts', from]),
  ...['../http/errors.js', '../db/client.js', '../articles/repository.js', 'fastify', '@fastify/error', 'drizzle-orm', 'drizzle-orm/sqlite-core', 'better-sqlite3']
    .map((from): [string, string] => ['src/lib/new-file.ts', from])
]
const allowed: Array<[string, string]> = [
  ...['../lib/bounded-map.js', './client.js', 'drizzle-orm', 'better-sqlite3'].map((from): [string, string] => ['src/db/new-file.ts', from]),
  ['src/lib/new-file.ts', './bounded-map.js'],
  ['src/lib/new-file.ts', 'node:crypto'],
  ['src/articles/new-file.ts', '../http/errors.js']
]

t.test('the lint rule keeps src/db and src/lib below HTTP and the resources', async (t) => {
  const cases = [...forbidden, ...allowed]
  const counts = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', LINT, JSON.stringify(cases)], { encoding: 'utf8' })) as number[]
  cases.forEach(([file, from], i) => {
    const isForbidden = i < forbidden.length
    t.equal(counts[i], isForbidden ? 1 : 0, `${file} ${isForbidden ? 'may not' : 'may'} import ${from}`)
  })
})
