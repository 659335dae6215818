import t from 'tap'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
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

/** Every schema object in the document with where it sits, for checks that look at all of them. */
function schemasIn (node: unknown, where: string, out: Array<{ where: string, schema: Json }> = []): Array<{ where: string, schema: Json }> {
  if (Array.isArray(node)) { node.forEach((item, i) => schemasIn(item, `${where}/${i}`, out)); return out }
  if (node === null || typeof node !== 'object') return out
  out.push({ where, schema: node as Json })
  for (const [key, value] of Object.entries(node)) schemasIn(value, `${where}/${key}`, out)
  return out
}
const everything = schemasIn(document, '#')

/** The non-null branches of a property's schema (a nullable one is anyOf [T, null]). */
function branches (schema: Json): Json[] {
  return schema.anyOf ? schema.anyOf.filter((s: Json) => s.type !== 'null') : [schema]
}

t.test('every timestamp property (*At) is a string with format date-time', async (t) => {
  let seen = 0
  for (const { where, schema } of everything) {
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
      if (!/[a-z]At$/.test(name) || where.includes('/examples')) continue
      seen++
      for (const branch of branches(property)) {
        t.equal(branch.format, 'date-time', `${where}.${name} has format date-time`)
      }
    }
  }
  t.ok(seen > 40, 'the check saw the timestamps')
})

/** A lower bound of 0 or more, given as minimum or exclusiveMinimum. */
const boundedBelow = (schema: Json) => (schema.minimum ?? schema.exclusiveMinimum ?? -1) >= 0

t.test('integers have real bounds: never zod\'s safe-integer default, ids and counts never negative', async (t) => {
  for (const { where, schema } of everything) {
    if (schema.type === 'integer') t.not(schema.minimum, -Number.MAX_SAFE_INTEGER, `${where} has a real minimum`)
  }
  const named: Array<{ where: string, name: string, schema: Json }> = []
  for (const { where, schema } of everything) {
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
      named.push({ where: `${where}.${name}`, name, schema: property })
    }
    if (typeof schema.name === 'string' && schema.in && schema.schema) named.push({ where, name: schema.name, schema: schema.schema })
  }
  let seen = 0
  for (const { where, name, schema } of named) {
    if (!/^(id|count|limit|total|revision)$|(Id|Count)$/.test(name)) continue
    for (const branch of branches(schema).flatMap((s) => (s.type === 'array' ? [s.items] : [s]))) {
      if (branch?.type !== 'integer') continue
      seen++
      t.ok(boundedBelow(branch), `${where} is at least 0`)
    }
  }
  t.ok(seen > 40, 'the check saw the ids and counts')
})

/** Keys under which a value is a schema (or a map of schemas) rather than data such as an example. */
const SCHEMA_KEYS = new Set(['schema', 'items', 'additionalProperties', 'not', 'propertyNames', 'contains'])

t.test('every schema is typed: no {} that accepts anything', async (t) => {
  const untyped: string[] = []
  const visit = (node: unknown, where: string, isSchema: boolean): void => {
    if (Array.isArray(node)) { node.forEach((item, i) => visit(item, `${where}/${i}`, isSchema)); return }
    if (node === null || typeof node !== 'object') return
    if (isSchema && Object.keys(node).filter((k) => !['description', 'title', 'examples', 'default'].includes(k)).length === 0) untyped.push(where)
    for (const [key, value] of Object.entries(node)) {
      if (key === 'examples' || key === 'example' || key === 'default') continue
      if (key === 'properties' || key === 'schemas' || key === '$defs') {
        for (const [name, child] of Object.entries(value as Json)) visit(child, `${where}/${key}/${name}`, true)
      } else {
        visit(value, `${where}/${key}`, SCHEMA_KEYS.has(key) || key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'prefixItems')
      }
    }
  }
  visit(document, '#', false)
  t.same(untyped, [], 'no untyped schema')
})

t.test('one cover-image type: every coverImage is the CoverImage schema', async (t) => {
  let seen = 0
  for (const { where, schema } of everything) {
    const property = schema.properties?.coverImage
    if (!property) continue
    for (const branch of branches(property)) {
      seen++
      t.match(branch.$ref, /^#\/components\/schemas\/CoverImage(Input)?$/, `${where}.coverImage is a CoverImage`)
    }
  }
  t.ok(seen >= 4, 'the check saw the cover images')
})

// Routes that ignore any token (config.ignoreToken): the liveness and readiness probes answer
// everyone alike, so a probe never fails on a proxy's Authorization header or on an address
// that used up its failed-authentication budget. They declare no security and no 401 or 429.
const IGNORE_TOKEN = ['GET /health', 'GET /ready']

t.test('public reads declare an optional token, so Swagger UI sends one and drafts can be tried; only the probes are exempt', async (t) => {
  let publicReads = 0
  for (const { name, method, op } of operations) {
    if (IGNORE_TOKEN.includes(name)) continue
    const needsToken = op.security?.length > 0 && op.security.every((r: Json) => Object.keys(r).length > 0)
    if (method !== 'get' || needsToken) continue
    publicReads++
    t.same(op.security, [{}, { bearerAuth: [] }], `${name} takes a token optionally`)
    t.ok(op.responses['401'], `${name} documents the 401 of a bad token`)
  }
  t.ok(publicReads >= 15, `the check saw ${publicReads} public reads`)
})

t.test('the probes take no token: no security requirement, no 401 or 429', async (t) => {
  for (const name of IGNORE_TOKEN) {
    const probe = operations.find((o) => o.name === name)
    if (!probe) { t.fail(`${name} is not in the document`); continue }
    t.equal(probe.op.security, undefined, `${name} declares no security`)
    t.same(Object.keys(probe.op.responses).filter((status) => status === '401' || status === '429'), [], `${name} answers no 401 or 429`)
    t.ok(probe.op.responses['200'], `${name} documents its 200`)
  }
  t.ok(operations.find((o) => o.name === 'GET /ready')?.op.responses['503'], 'GET /ready documents its 503')
})

t.test('response headers are documented: X-Request-Id everywhere, Location on 201, Retry-After on 429, ETag on reads', async (t) => {
  const header = (response: Json, name: string) => response.headers?.[name]?.$ref
  for (const { name, method, op } of operations) {
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      t.equal(header(response, 'X-Request-Id'), '#/components/headers/XRequestId', `${name} ${status} documents X-Request-Id`)
      if (status === '201') t.equal(header(response, 'Location'), '#/components/headers/Location', `${name} 201 documents Location`)
      if (status === '429') {
        t.equal(header(response, 'Retry-After'), '#/components/headers/RetryAfter', `${name} 429 documents Retry-After`)
        t.ok(header(response, 'RateLimit-Remaining'), `${name} 429 documents RateLimit-*`)
      }
      if (method === 'get' && status === '200' && op.responses['304']) {
        t.ok(header(response, 'ETag') && header(response, 'Cache-Control'), `${name} 200 documents ETag and Cache-Control`)
      }
    }
  }
  for (const id of ['serveAds', 'createComment', 'countAdImpression']) {
    const op = operations.find((o) => o.op.operationId === id)!.op
    const success = Object.entries(op.responses as Record<string, Json>).find(([status]) => status.startsWith('2'))![1]
    t.ok(header(success, 'RateLimit-Limit'), `${id} documents RateLimit-* on its answer`)
  }
  for (const name of Object.keys(document.components.headers)) {
    t.ok(document.components.headers[name].schema, `components.headers.${name} has a schema`)
  }
})

t.test('every request body has an example, and every example of a named schema fits that schema', async (t) => {
  const schemas = document.components.schemas as Record<string, Json>
  const named = (schema: Json): Json[] => (schema.anyOf ?? [schema]).map((s: Json) => (s.$ref ? schemas[s.$ref.split('/').pop()] : s))
  for (const { name, op } of operations) {
    const body = op.requestBody?.content?.['application/json']?.schema
    if (body) t.ok(named(body).some((s) => s?.examples?.length > 0), `${name} has a request body example`)
  }
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
  const ajv = addFormats(new Ajv2020({ strict: false, validateFormats: true }))
  const id = 'urn:broadsheet:openapi'
  ajv.addSchema({ $id: id, components: document.components })
  let checked = 0
  for (const [schemaName, schema] of Object.entries(schemas)) {
    const validate = ajv.compile({ $ref: `${id}#/components/schemas/${schemaName}` })
    for (const example of schema.examples ?? []) {
      checked++
      t.ok(validate(example), `the example of ${schemaName} fits it`, { errors: validate.errors })
    }
  }
  t.ok(checked >= 20, `checked ${checked} examples`)
})

// Composite answers still without an example: the serve decision and the article page.
const ANSWERS_WITHOUT_EXAMPLE = new Set(['serveAds', 'getArticlePage'])

t.test('every main answer (200 or 201 JSON) has an example', async (t) => {
  const schemas = document.components.schemas as Record<string, Json>
  const exampled = (schema: Json | undefined): boolean => {
    const s = schema?.$ref ? schemas[schema.$ref.split('/').pop()] : schema
    return Boolean(s?.examples?.length) || (s?.anyOf ?? []).some(exampled)
  }
  for (const { name, op } of operations) {
    const [status, answer] = Object.entries(op.responses as Record<string, Json>).find(([s]) => s === '200' || s === '201') ?? []
    const media = answer?.content?.['application/json']
    if (!media || ANSWERS_WITHOUT_EXAMPLE.has(op.operationId)) continue
    t.ok(media.example !== undefined || media.examples || exampled(media.schema), `${name} ${status} has an example`)
  }
})
