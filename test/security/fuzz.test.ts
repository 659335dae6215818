// Property-based schema fuzzing (issue 8, item 3): requests built from the app's own OpenAPI
// document with fast-check, sent through app.inject with and without the admin token. Every
// answer must be < 500; every 4xx a problem+json body matching the Problem schema (status equal
// to the HTTP status); every 2xx JSON body must validate against the documented response schema.
// Client headers (User-Agent, Referer, X-Forwarded-* …) vary too, and `fields` gets real field
// lists, so projected answers are checked against their documented (…Partial) schemas.
import { test } from 'tap'
import fc from 'fast-check'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { ValidateFunction } from 'ajv'
import { admin, buildTestApp } from '../helper.js'
import { CLIENT_HEADERS, HUGE, withHeader, type HeaderValue } from './client-headers.js'
import { createAd, serveOne } from '../fixtures/ads.js'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { createComment } from '../fixtures/comments.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'

const SEED = 20260807
const RUNS_PER_OPERATION = 44 // each run sends the case twice: with and without the admin token

type Json = Record<string, any>
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

const DOC_ID = 'https://broadsheet.test/openapi.json'

/** Rewrites local `#/components/...` refs to point into the document registered under DOC_ID. */
function absolutise (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolutise)
  if (schema && typeof schema === 'object') {
    const out: Json = {}
    for (const [k, v] of Object.entries(schema)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? DOC_ID + v : absolutise(v)
    }
    return out
  }
  return schema
}

/** Resolves a local $ref against the document (for building generators). */
function deref (doc: Json, schema: Json | undefined, seen = 0): Json {
  let s = schema ?? {}
  while (typeof s.$ref === 'string' && seen++ < 20) {
    const parts = (s.$ref as string).replace(/^#\//, '').split('/')
    s = parts.reduce<Json>((acc, p) => acc?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc) ?? {}
  }
  return s
}

// ---- hostile building blocks ----------------------------------------------------------------

const nasty = fc.constantFrom(
  '', ' ', '\u0000', 'a\u0000b', '%00', '\uFFFF', '\uD800', '💥🧨', 'ñandú', '𝕏'.repeat(20), 'الصفحة', '日本語',
  '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE articles; --', '$' + '{jndi:ldap://x}',
  'null', 'undefined', 'true', '[]', '{}', 'NaN', 'Infinity', '-0', '0x10', '1e309', '1.5', '00001',
  '9007199254740993', '-9223372036854775809', '99999999999999999999999999', '-1', '0'
)
const unicodeStr = fc.string({ unit: 'binary', maxLength: 40 })
const hugeStr = fc.tuple(fc.constantFrom('a', 'é', '\u0000', '😀', 'x '), fc.integer({ min: 10_000, max: 100_000 }))
  .map(([ch, n]) => ch.repeat(Math.ceil(n / ch.length)).slice(0, n))
const longStr = fc.tuple(fc.constantFrom('a', '-', '1', 'é'), fc.integer({ min: 200, max: 3000 })).map(([ch, n]) => ch.repeat(n))
const hugeNumber = fc.constantFrom(
  0, -1, 1, -0, 2 ** 31, 2 ** 31 - 1, 2 ** 53, -(2 ** 53), 2 ** 63, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1.5, 0.0001, 5e-324
)
const hostileString = fc.oneof({ weight: 3, arbitrary: nasty }, { weight: 3, arbitrary: unicodeStr }, { weight: 1, arbitrary: longStr })

function deep (depth: number, leaf: unknown, asArray: boolean): unknown {
  let v: unknown = leaf
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v }
  return v
}
const deepJson = fc.tuple(fc.integer({ min: 50, max: 400 }), fc.boolean(), fc.jsonValue({ maxDepth: 1 }))
  .map(([d, arr, leaf]) => deep(d, leaf, arr))
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(null), hugeNumber, nasty)
const bigArray = fc.tuple(fc.integer({ min: 1000, max: 1500 }), fc.oneof(fc.constant(1), fc.constant('x'), fc.constant({ a: 1 }), fc.constant(null)))
  .map(([n, item]) => Array.from({ length: n }, () => item))

/** Anything but a value of the right type. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyJson },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: bigArray },
  { weight: 1, arbitrary: hugeStr }
)

// ---- generators from JSON Schema ------------------------------------------------------------

function typesOf (s: Json): string[] {
  if (Array.isArray(s.type)) return s.type
  if (typeof s.type === 'string') return [s.type]
  if (s.properties) return ['object']
  if (s.items) return ['array']
  return []
}

function stringFor (s: Json): fc.Arbitrary<string> {
  const min = typeof s.minLength === 'number' ? s.minLength : 0
  const max = Math.min(typeof s.maxLength === 'number' ? s.maxLength : 60, 200)
  const opts: Array<fc.Arbitrary<string>> = []
  switch (s.format) {
    case 'date-time': opts.push(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString())); break
    case 'date': opts.push(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))); break
    case 'email': opts.push(fc.emailAddress()); break
    case 'uri': case 'url': opts.push(fc.webUrl()); break
    case 'uuid': opts.push(fc.uuid()); break
  }
  if (typeof s.pattern === 'string') {
    try {
      const re = new RegExp(s.pattern)
      opts.push(fc.stringMatching(re).filter((x) => x.length <= Math.max(max, 1) && x.length >= min))
    } catch { /* a pattern fast-check cannot read: fall back to plain strings */ }
  }
  opts.push(fc.string({ minLength: min, maxLength: Math.max(min, max) }))
  if (max >= 1) opts.push(fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, Math.min(max, 20)) }))
  if (min <= 0 && max >= 1) opts.push(fc.constantFrom('a', '-'))
  // Boundaries: exactly max, one too long.
  if (typeof s.maxLength === 'number' && s.maxLength <= 100_000) opts.push(fc.constant('b'.repeat(s.maxLength)), fc.constant('c'.repeat(s.maxLength + 1)))
  return fc.oneof(...opts)
}

function numberFor (s: Json, integer: boolean): fc.Arbitrary<number> {
  const min = typeof s.minimum === 'number' ? s.minimum : (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (integer ? 1 : 0.001) : -1e6)
  const max = typeof s.maximum === 'number' ? s.maximum : (typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (integer ? 1 : 0.001) : 1e6)
  const lo = Math.max(min, -1e12)
  const hi = Math.min(max, 1e12)
  const inRange = integer ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true })
  return fc.oneof(inRange, fc.constantFrom(min, max, min - 1, max + 1), hugeNumber)
}

/** A mostly-valid value for a schema, with some hostile ones mixed in at every level. */
function valueFor (doc: Json, schema: Json | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(doc, schema)
  if (depth > 6) return fc.constant(null)
  if (s.const !== undefined) return fc.constant(s.const)
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]))
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined
  if (Array.isArray(union) && union.length > 0) return fc.oneof(...union.map((u) => valueFor(doc, u, depth + 1)))
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return valueFor(doc, { ...s, allOf: undefined, ...deref(doc, s.allOf[0]) }, depth + 1)
  const types = typesOf(s)
  if (types.length === 0) return anyJson
  return fc.oneof(...types.map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'null': return fc.constant(null)
      case 'boolean': return fc.boolean()
      case 'integer': return numberFor(s, true)
      case 'number': return numberFor(s, false)
      case 'string': return stringFor(s)
      case 'array': {
        const item = Array.isArray(s.prefixItems)
          ? fc.tuple(...(s.prefixItems as Json[]).map((p) => valueFor(doc, p, depth + 1)))
          : null
        if (item) return item
        const min = typeof s.minItems === 'number' ? s.minItems : 0
        const max = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 5, 8)
        return fc.array(valueFor(doc, s.items as Json | undefined, depth + 1), { minLength: min, maxLength: Math.max(min, max) })
      }
      case 'object': {
        const props = (s.properties ?? {}) as Record<string, Json>
        const required = new Set((s.required ?? []) as string[])
        const model: Record<string, fc.Arbitrary<unknown>> = {}
        for (const [k, v] of Object.entries(props)) model[k] = valueFor(doc, v, depth + 1)
        const requiredKeys = Object.keys(props).filter((k) => required.has(k))
        return fc.record(model, { requiredKeys })
      }
      default: return anyJson
    }
  }))
}

/** A body for a schema: valid-ish, or broken in one of the ways the brief lists. */
function bodyFor (doc: Json, schema: Json | undefined): fc.Arbitrary<unknown> {
  const s = deref(doc, schema)
  const valid = valueFor(doc, s)
  const props = Object.keys((s.properties ?? {}) as object)
  const prop = props.length > 0 ? fc.constantFrom(...props) : fc.constant('x')
  const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? v as Json : {})
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    // One field of the wrong type (or hostile string, huge string, deep value, big array).
    { weight: 4, arbitrary: fc.tuple(valid, prop, fc.oneof(wrongValue, hostileString)).map(([v, k, bad]) => ({ ...asObject(v), [k]: bad })) },
    // A required field missing.
    { weight: 2, arbitrary: fc.tuple(valid, prop).map(([v, k]) => { const o = { ...asObject(v) }; delete o[k]; return o }) },
    // Extra fields, including prototype-ish names.
    { weight: 2, arbitrary: fc.tuple(valid, fc.constantFrom('__proto__', 'constructor', 'id', 'revision', 'createdAt', 'commentCount', 'zzz', 'status', '\u0000'), anyJson).map(([v, k, x]) => ({ ...asObject(v), [k]: x })) },
    // Whole body of the wrong shape.
    { weight: 2, arbitrary: wrongValue },
    { weight: 1, arbitrary: fc.constant({}) }
  )
}

/** Percent-encodes a value; RAW-marked values (already broken encodings) go in as they are. */
const RAW = '\u0001raw:'
function enc (v: string): string {
  return v.startsWith(RAW) ? v.slice(RAW.length) : encodeURIComponent(v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'))
}
const brokenEncoding = fc.constantFrom('%FF', '%C0%AF', '%E0%80', '%', '%zz', '%00', '%ED%A0%80', 'a%2Fb', '..%2F..%2F', '%u0041').map((v) => RAW + v)

// ---- client headers (issue 17): absent, empty, huge, odd bytes, repeated -----------------------

/** Latin-1 and control characters (not CR or LF, which no HTTP parser lets through). */
const oddChar = fc.integer({ min: 0, max: 0xff }).filter((c) => c !== 10 && c !== 13).map((c) => String.fromCharCode(c))
type ClientHeaderKind = 'absent' | 'empty' | 'huge' | 'odd bytes' | 'non-ASCII' | 'repeated' | 'plain'
/** Mostly absent (User-Agent: mostly a real one), else one of the odd kinds. */
const clientHeaderValue = (name: string): fc.Arbitrary<[ClientHeaderKind, HeaderValue]> => fc.oneof(
  { weight: name === 'user-agent' ? 3 : 30, arbitrary: fc.constant<[ClientHeaderKind, HeaderValue]>(['absent', undefined]) },
  { weight: 2, arbitrary: fc.constant<[ClientHeaderKind, HeaderValue]>(['empty', '']) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('A', 'é', '1.2.3.4, ', '\u0001'), fc.integer({ min: HUGE, max: HUGE + 4096 })).map(([ch, n]): [ClientHeaderKind, HeaderValue] => ['huge', ch.repeat(Math.ceil(n / ch.length))]) },
  { weight: 2, arbitrary: fc.string({ unit: oddChar, minLength: 1, maxLength: 40 }).map((v): [ClientHeaderKind, HeaderValue] => ['odd bytes', v]) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((v): [ClientHeaderKind, HeaderValue] => ['non-ASCII', v]) },
  { weight: 1, arbitrary: fc.array(fc.string({ unit: oddChar, maxLength: 12 }), { minLength: 2, maxLength: 3 }).map((v): [ClientHeaderKind, HeaderValue] => ['repeated', v]) },
  { weight: name === 'user-agent' ? 30 : 1, arbitrary: fc.constantFrom('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)', 'curl/8.5.0', 'https://news.example/a?b=c', 'en-GB,en;q=0.8', '203.0.113.9, 10.0.0.1', 'https', 'cdn.example:443').map((v): [ClientHeaderKind, HeaderValue] => ['plain', v]) }
)
const clientHeaders = fc.tuple(...CLIENT_HEADERS.map((name) => clientHeaderValue(name)))
  .map((values) => CLIENT_HEADERS.map((name, i) => [name, values[i]![0], values[i]![1]] as const))

// ---- requests --------------------------------------------------------------------------------

interface Operation {
  method: string
  path: string
  op: Json
  params: Json[]
  bodySchema?: Json
  hasBody: boolean
}

interface Fuzzed {
  url: string
  /** An empty path parameter: with ignoreTrailingSlash the request may reach another route (the list). */
  emptyPathParam: boolean
  headers: Record<string, HeaderValue>
  /** The odd client headers of this request, as 'name kind'. */
  oddHeaders: string[]
  payload?: string
}

const RAW_INVALID = ['{', '{"a":', '[1,2', '{"title": "x",}', 'nul', "{'a':1}", '\u0000', '{"a":"\\uZZZZ"}', '{"a":1}{"b":2}', '   ', '{"__proto__":{"admin":true}}']
const WRONG_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/jsonx', 'image/png', '*/*']

function paramValue (doc: Json, p: Json, pool: string[]): fc.Arbitrary<string> {
  const schema = deref(doc, p.schema as Json)
  const fromSchema = valueFor(doc, schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''))
  return fc.oneof(
    { weight: 4, arbitrary: fromSchema },
    { weight: 3, arbitrary: fc.constantFrom(...pool) },
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: hugeNumber.map(String) },
    { weight: 1, arbitrary: brokenEncoding },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(501), '1'.repeat(499), 'é'.repeat(300)) }
  )
}

/** A `fields` value made of real field names: a few, in any order, sometimes with spaces or repeats. */
function fieldList (names: string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.subarray(names, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean())
    .map(([picked, spaced, repeated]) => (repeated ? [...picked, picked[0]!] : picked).join(spaced ? ' , ' : ','))
}

/** The property names of an operation's documented 200 item (a page's or list's `data` items): what `fields` may name. */
function fieldNamesOf (doc: Json, op: Json): string[] {
  let s = deref(doc, op.responses?.['200']?.content?.['application/json']?.schema as Json | undefined)
  const first = (s.anyOf ?? s.oneOf) as Json[] | undefined
  if (first?.[0]) s = deref(doc, first[0])
  const data = deref(doc, s.properties?.data as Json | undefined)
  if (data.items) s = deref(doc, data.items as Json)
  return Object.keys((s.properties ?? {}) as object)
}

function requestFor (doc: Json, o: Operation, pool: string[], fieldNames: string[]): fc.Arbitrary<Fuzzed> {
  const pathParams = o.params.filter((p) => p.in === 'path')
  const queryParams = o.params.filter((p) => p.in === 'query')
  const headerParams = o.params.filter((p) => p.in === 'header')
  const pathArb = fc.tuple(...pathParams.map((p) => paramValue(doc, p, pool))).map((values) => {
    let path = o.path
    pathParams.forEach((p, i) => { path = path.replace(`{${p.name as string}}`, enc(values[i] ?? '')) })
    return { path, emptyPathParam: values.some((v) => v === '') }
  })
  const queryArb = fc.array(
    fc.oneof(
      ...queryParams.map((p) => fc.tuple(fc.constant(p.name as string), fc.array(
        p.name === 'fields' && fieldNames.length > 0 ? fc.oneof({ weight: 3, arbitrary: fieldList(fieldNames) }, { weight: 1, arbitrary: paramValue(doc, p, pool) }) : paramValue(doc, p, pool),
        { minLength: 1, maxLength: p.name === 'fields' ? 1 : 3 }))),
      fc.tuple(fc.constantFrom('unknown', '__proto__', 'constructor', 'fields[]', ''), fc.array(hostileString, { minLength: 1, maxLength: 2 }))
    ),
    { maxLength: Math.min(queryParams.length + 1, 5) }
  ).map((pairs) => pairs.flatMap(([k, vs]) => vs.map((v) => `${enc(k)}=${enc(v)}`)).join('&'))
  // Half the reads of a projectable route ask for real fields too, so projected answers reach the schema check.
  const projection = fieldNames.length > 0 ? fc.option(fieldList(fieldNames), { nil: undefined, freq: 2 }) : fc.constant(undefined)
  const fullQueryArb = fc.tuple(queryArb, projection).map(([q, f]) => (f === undefined ? q : [q, `fields=${enc(f)}`].filter(Boolean).join('&')))
  const headerArb = fc.record(Object.fromEntries(headerParams.map((p) => [p.name as string, fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('"1"', '"r1"', 'W/"1"', '*', '"', 'not-quoted', 'x'.repeat(300), 'fuzz-key-1', 'fuzz-key-2'),
    fc.string({ unit: fc.constantFrom(...'abc"123-_*W/ '.split('')), maxLength: 40 })
  )])) as Record<string, fc.Arbitrary<string | undefined>>)
  const bodyArb: fc.Arbitrary<{ payload?: string, contentType?: string }> = o.hasBody || o.method !== 'GET'
    ? fc.oneof(
      { weight: o.hasBody ? 10 : 1, arbitrary: bodyFor(doc, o.bodySchema).map((b) => ({ payload: JSON.stringify(b) ?? 'null', contentType: 'application/json' })) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_INVALID).map((payload) => ({ payload, contentType: 'application/json' })) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WRONG_TYPES), fc.oneof(fc.constant('{"a":1}'), fc.constant('a=1&b=2'), unicodeStr)).map(([contentType, payload]) => ({ payload, contentType })) },
      { weight: 1, arbitrary: fc.constant({}) }
    )
    : fc.constant({})
  return fc.tuple(pathArb, fullQueryArb, headerArb, bodyArb, clientHeaders).map(([{ path, emptyPathParam }, query, hdrs, body, client]) => {
    let headers: Record<string, HeaderValue> = {}
    for (const [k, v] of Object.entries(hdrs)) if (typeof v === 'string') headers[k] = v
    if (body.contentType) headers['content-type'] = body.contentType
    const oddHeaders: string[] = []
    for (const [name, kind, value] of client) {
      headers = withHeader(headers, name, value)
      // Only User-Agent is there unless removed (light-my-request, like browsers, sends one).
      if (kind !== 'plain' && (kind !== 'absent' || name === 'user-agent')) oddHeaders.push(`${name} ${kind}`)
    }
    return { url: query ? `${path}?${query}` : path, emptyPathParam, headers, oddHeaders, ...(body.payload !== undefined ? { payload: body.payload } : {}) }
  })
}

/** The `code` of a JSON error body, for grouping failures. */
function codeOf (body: string): string {
  try { return String((JSON.parse(body) as Json).code ?? 'no code') } catch { return 'not JSON' }
}

// ---- the test --------------------------------------------------------------------------------

test('schema fuzzing from the OpenAPI document: no 5xx, problem+json errors, documented 2xx bodies', async (t) => {
  const started = Date.now()
  const app = await buildTestApp(t)

  // Real objects, so path and query parameters can hit existing ids and slugs.
  const category = await createTaxon(app, 'categories', { name: 'Fuzz World' })
  const tag = await createTaxon(app, 'tags', { name: 'Fuzz Tag' })
  const author = await createTaxon(app, 'authors', { name: 'Fuzz Author' })
  const published = await createPublishedArticle(app, { title: 'Fuzzed published story', body: 'Some *markdown* body', category: category.slug, tags: [tag.slug], author: author.slug })
  const draft = await createArticle(app, { title: 'Fuzzed draft story' })
  const comment = await createComment(app, published.id)
  const { slot, campaign, creative } = await createAd(app)
  const served = await serveOne(app, slot.key)
  const token = await tokenFor(app, 'editor')
  const adToken = (url: string) => new URL(url).pathname.split('/').pop() ?? ''
  const pool = [...new Set([
    published.id, published.slug, draft.id, draft.slug, category.id, category.slug, tag.id, tag.slug, author.id, author.slug,
    comment.id, slot.id, slot.key, campaign.id, creative.id, token.id, 1, 2, adToken(served.impressionUrl), adToken(served.clickUrl)
  ].map(String))]

  const doc = app.swagger() as Json
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true })
  addFormats(ajv)
  ajv.addSchema({ $id: DOC_ID, components: absolutise(doc.components) as Json })
  const validators = new Map<unknown, ValidateFunction>()
  const validatorFor = (schema: Json): ValidateFunction => {
    let v = validators.get(schema)
    if (!v) { v = ajv.compile(absolutise(schema) as Json); validators.set(schema, v) }
    return v
  }
  const problemValidator = validatorFor({ $ref: '#/components/schemas/Problem' })
  // The check below can fail: a projection is not an Article, but is a documented answer of GET /v1/articles/{idOrSlug}.
  const articleAnswer = doc.paths['/v1/articles/{idOrSlug}'].get.responses['200'].content['application/json'].schema as Json
  t.notOk(validatorFor({ $ref: '#/components/schemas/Article' })({ id: 1, title: 'x' }), 'ajv rejects a projected article against Article')
  t.ok(validatorFor(articleAnswer)({ id: 1, title: 'x' }), 'the documented answer accepts a projected article')
  t.notOk(validatorFor(articleAnswer)({ id: 1, title: 2 }), 'the documented answer still checks the projected properties')

  const operations: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method) || !op?.responses) continue
      const content = op.requestBody?.content?.['application/json']
      operations.push({ method: method.toUpperCase(), path, op, params: (op.parameters ?? []) as Json[], bodySchema: content?.schema, hasBody: !!content })
    }
  }
  // Destructive operations last, revoking tokens very last: the fixtures stay reachable longest.
  const rank = (o: Operation) => (o.path.startsWith('/v1/tokens/') && o.method === 'DELETE' ? 2 : o.method === 'DELETE' ? 1 : 0)
  operations.sort((a, b) => rank(a) - rank(b))

  let sent = 0
  let reroutedChecked = 0
  let headerCases = 0
  let serverErrors = 0
  let mismatches = 0
  let checked = 0
  let projectedChecked = 0
  const fieldNames = new Map(operations.map((o) => [o, o.params.some((p) => p.name === 'fields') ? fieldNamesOf(doc, o.op) : []]))
  // An empty path parameter can reach another route (`/v1/articles/` is the list): its 2xx is
  // checked against the operation actually reached.
  const templates = operations.map((o) => ({ o, re: new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`), params: o.params.filter((p) => p.in === 'path').length }))
  const reached = (method: string, url: string): Operation | undefined => templates
    .filter((c) => c.o.method === method && c.re.test(url.split('?')[0]!))
    .sort((a, b) => a.params - b.params)[0]?.o
  let ip = 0
  // Failures grouped by what went wrong (status and kind): the operations hit, and the first examples.
  const failures = new Map<string, { operations: Set<string>, count: number, examples: string[] }>()
  const undocumented = new Map<string, number>()
  const statusCounts = new Map<number, number>()
  let label = ''
  const record = (key: string, message: string) => {
    const group = failures.get(key) ?? { operations: new Set<string>(), count: 0, examples: [] }
    failures.set(key, group)
    group.count++
    if (!group.operations.has(label) && group.examples.length < 3) group.examples.push(`[operation ${label}] ${message}`)
    group.operations.add(label)
  }
  const excerpt = (s: string | undefined) => (s === undefined ? '(none)' : s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s)

  for (const o of operations) {
    label = `${o.method} ${o.path}`
    await fc.assert(fc.asyncProperty(requestFor(doc, o, pool, fieldNames.get(o)!), async (req) => {
      if (req.oddHeaders.length > 0) headerCases += 2
      for (const auth of [true, false]) {
        ip++
        const res = await app.inject({
          method: o.method as 'GET',
          url: req.url,
          headers: { ...req.headers, ...(auth ? admin : {}) } as Record<string, string>,
          remoteAddress: `10.200.${(ip >> 8) & 255}.${ip & 255}`,
          ...(req.payload !== undefined ? { payload: req.payload } : {})
        })
        sent++
        const status = res.statusCode
        statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1)
        const where = `${o.method} ${excerpt(req.url)} ${auth ? '[admin]' : '[no token]'} headers=${excerpt(JSON.stringify(req.headers))} body=${excerpt(req.payload)}`
        const target = req.emptyPathParam ? reached(o.method, req.url) : o
        const documented = (target?.op.responses as Json | undefined)?.[String(status)] as Json | undefined
        if (!documented && status !== 404 && status !== 429) undocumented.set(`${label} → ${status}`, (undocumented.get(`${label} → ${status}`) ?? 0) + 1)
        if (status >= 500) {
          serverErrors++
          record(`${status} server error`, `${status} for ${where}\n  answer: ${excerpt(res.body)}`)
          continue
        }
        const type = String(res.headers['content-type'] ?? '')
        if (status >= 400) {
          if (!type.startsWith('application/problem+json')) { record(`${status} not problem+json (${codeOf(res.body)})`, `${status} not problem+json (${type}) for ${where}\n  answer: ${excerpt(res.body)}`); continue }
          let body: unknown
          try { body = JSON.parse(res.body) } catch { record(`${status} body not JSON`, `${status} body not JSON for ${where}: ${excerpt(res.body)}`); continue }
          if (!problemValidator(body)) record(`${status} not a Problem`, `${status} body does not match Problem (${ajv.errorsText(problemValidator.errors)}) for ${where}: ${excerpt(res.body)}`)
          else if ((body as Json).status !== status) record(`${status} problem status mismatch`, `problem status ${String((body as Json).status)} ≠ HTTP ${status} for ${where}`)
          continue
        }
        if (status >= 200 && status < 300) {
          const schema = documented?.content?.['application/json']?.schema as Json | undefined
          if (!target) { record(`${status} from no documented route (${label})`, `${status} for ${where}, which no documented path matches`); continue }
          if (target !== o) reroutedChecked++
          if (!documented) { record(`${status} undocumented success (${label})`, `undocumented success status ${status} for ${where}`); continue }
          if (!schema) {
            if (res.body.length > 0 && status !== 204) record(`${status} undocumented body (${label})`, `${status} has a body but none is documented for ${where}: ${excerpt(res.body)}`)
            continue
          }
          if (!type.startsWith('application/json')) { record(`${status} wrong content type (${label})`, `${status} is ${type}, documented application/json, for ${where}`); continue }
          let body: unknown
          try { body = JSON.parse(res.body) } catch { record(`${status} body not JSON`, `${status} body not JSON for ${where}: ${excerpt(res.body)}`); continue }
          const validate = validatorFor(schema)
          checked++
          if (/[?&]fields=/.test(req.url)) projectedChecked++
          if (!validate(body)) {
            mismatches++
            record(`${status} schema mismatch (${label})`, `${status} body does not match its documented schema (${ajv.errorsText(validate.errors)}) for ${where}: ${excerpt(res.body)}`)
          }
        }
      }
    }), { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true })
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  t.comment(`fast-check seed ${SEED}: ${sent} requests to ${operations.length} operations in ${seconds} s`)
  t.comment(`statuses: ${[...statusCounts].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`)
  if (undocumented.size > 0) t.comment(`undocumented statuses (not failures): ${[...undocumented].map(([k, n]) => `${k} (${n})`).join('; ')}`)
  t.ok(sent >= operations.length * RUNS_PER_OPERATION * 2, `sent ${sent} requests`)
  t.equal(operations.length > 50, true, 'every documented operation was fuzzed')
  t.comment(`client header cases (requests without User-Agent or with an empty, huge, odd-byte, non-ASCII or repeated client header): ${headerCases}; 5xx: ${serverErrors}`)
  t.comment(`2xx JSON bodies checked against their documented schema: ${checked} (${projectedChecked} with fields, ${reroutedChecked} rerouted by an empty path parameter); mismatches: ${mismatches}`)
  t.ok(projectedChecked > 0, 'some projected (fields) answers were checked')
  t.ok(headerCases > sent / 4, 'a good share of the requests carried odd client headers')
  for (const [kind, group] of failures) {
    t.fail(`${kind}: ${group.count} responses from ${group.operations.size} operations (${[...group.operations].join(', ')})\n${group.examples.join('\n')}`)
  }
  t.equal(failures.size, 0, 'no 5xx, every 4xx is a matching problem+json, every 2xx matches its documented schema')
})
