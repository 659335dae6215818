import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import t from 'tap'
import { projectRoot } from './helper.js'

// House rules for src/ that a reviewer would otherwise check by eye: each file opens by saying
// what it is for, and comments give reasons; the figures behind them live in
// docs/performance.md and the git log, where they are dated by their commit.

const src = join(projectRoot, 'src')
const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => join(src, name))

/** The comment text of a TypeScript source: line comments and block comments. */
function commentsOf (text: string): string[] {
  return [...text.matchAll(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g)].map((m) => m[0])
}

t.test('every file in src/ starts with a comment saying what it is for', async (t) => {
  t.ok(files.length > 50, `${files.length} files`)
  const bare = files.filter((file) => !/^(\/\/ \S|\/\*\*)/.test(readFileSync(file, 'utf8'))).map((file) => relative(projectRoot, file))
  t.same(bare, [], 'files without an opening comment')
})

t.test('comments in src/ record no measurements: no µs, ms or requests-a-second figures', async (t) => {
  const measurement = /\d\s*(µs|us\b|ms\b)|req\/s|requests a second|\bmeasured\b/
  const found = files.flatMap((file) => commentsOf(readFileSync(file, 'utf8'))
    .filter((comment) => measurement.test(comment))
    .map((comment) => `${relative(projectRoot, file)}: ${comment.slice(0, 80)}`))
  t.same(found, [])
})
