import { readFile } from 'node:fs/promises'
import t from 'tap'
import { compileErrors, validate } from '@readme/openapi-parser'
import { generateOpenApi, openApiPath } from '../src/openapi.js'
import { buildTestApp } from './helper.js'

t.test('openapi/openapi.json equals what the app generates (run npm run openapi after a change)', async (t) => {
  const committed = await readFile(openApiPath, 'utf8')
  const generated = await generateOpenApi()
  t.equal(committed, generated, 'the committed OpenAPI document has drifted from the code')
})

t.test('the OpenAPI document passes an OpenAPI 3.1 validator', async (t) => {
  const document = JSON.parse(await generateOpenApi())
  const result = await validate(document, { validate: { errors: { colorize: false } } })
  t.ok(result.valid, result.valid ? 'valid' : compileErrors(result))
})

t.test('every operation has tags, a summary, a success and an error response', async (t) => {
  const document = JSON.parse(await generateOpenApi())
  const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })))
  t.ok(operations.length >= 15)
  for (const { name, op } of operations) {
    t.ok(op.tags?.length > 0, `${name} has tags`)
    t.ok(op.summary, `${name} has a summary`)
    const statuses = Object.keys(op.responses)
    t.ok(statuses.some((s) => s.startsWith('2') || s.startsWith('3')), `${name} documents a success`)
    t.ok(statuses.includes('500'), `${name} documents 500`)
    for (const status of statuses.filter((s) => Number(s) >= 400)) {
      t.ok(op.responses[status].content?.['application/problem+json'], `${name} ${status} is problem+json`)
    }
    if (op.security) {
      // A token is optional where one alternative is the empty requirement {}: no 403 there.
      const optional = op.security.some((requirement: object) => Object.keys(requirement).length === 0)
      t.ok(statuses.includes('401') && (optional || statuses.includes('403')), `${name} documents 401${optional ? '' : ' and 403'}`)
    }
  }
})

t.test('GET /openapi.json serves the same document', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), JSON.parse(await generateOpenApi()))
})
