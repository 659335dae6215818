import t from 'tap'
import { generateOpenApi } from '../src/openapi.js'

// What a client generator (openapi-typescript, openapi-generator) needs from the document,
// checked on the document the app generates so a new route cannot regress it.

type Json = Record<string, any>
interface Operation { name: string, method: string, path: string, op: Json }

const document: Json = JSON.parse(await generateOpenApi())
const operations: Operation[] = Object.entries(document.paths as Record<string, Json>)
  .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, op })))

t.test('every operation has a camelCase operationId, unique in the document', async (t) => {
  const seen = new Map<string, string>()
  for (const { name, op } of operations) {
    t.match(op.operationId, /^[a-z][a-zA-Z0-9]*$/, `${name} has a camelCase operationId`)
    if (seen.has(op.operationId)) t.fail(`${name} and ${seen.get(op.operationId)} share the operationId ${op.operationId}`)
    seen.set(op.operationId, name)
  }
  t.equal(seen.size, operations.length)
})

t.test('summaries use the right article before a vowel', async (t) => {
  for (const { name, op } of operations) {
    t.notMatch(op.summary, /\ba [aeiou]/i, `${name}: "${op.summary}"`)
  }
})
