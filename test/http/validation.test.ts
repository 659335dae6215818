import t from 'tap'
import { z } from 'zod'
import { validatorCompiler } from '../../src/http/validation.js'
import { IdOrSlugParamsSchema, IdParamsSchema, IfMatchHeadersSchema } from '../../src/http/schemas.js'

// Optional headers are validated only when sent: zod would copy every header of every
// request to find none of them. Path params that are strings with length limits are checked
// without zod when they are within them.

const compile = (schema: z.ZodType, httpPart = 'headers') => validatorCompiler({ schema, httpPart, method: 'PUT', url: '/x' }) as (data: unknown) => { value?: unknown, error?: unknown }
const sent = { host: 'example.org', 'user-agent': 'test' }

t.test('none of the optional headers sent: valid, and the request headers are left as they are', async (t) => {
  const answer = compile(IfMatchHeadersSchema)(sent)
  t.notOk(answer.error)
  t.notOk('value' in answer, 'no copy replaces the headers')
})

t.test('a header that is sent is validated by zod as before', async (t) => {
  const validate = compile(IfMatchHeadersSchema)
  t.same(validate({ ...sent, 'if-match': '"abc"' }).value, { ...sent, 'if-match': '"abc"' })
  t.ok(validate({ ...sent, 'if-match': ['"a"', '"b"'] }).error, 'a repeated header is still refused')
})

t.test('schemas that must always run still do: a required header, a default, a strict object, other request parts', async (t) => {
  t.ok(compile(z.looseObject({ 'x-required': z.string() }))(sent).error, 'a missing required header is an error')
  t.same(compile(z.looseObject({ 'x-mode': z.string().default('fast') }))(sent).value, { ...sent, 'x-mode': 'fast' })
  t.ok(compile(z.strictObject({ 'x-a': z.string().optional() }))(sent).error, 'a strict object refuses other keys')
  t.ok(compile(z.looseObject({ 'x-a': z.string().optional() }).refine(() => false, 'never'))(sent).error, 'a check on the whole object still runs')
  t.same(compile(z.object({ q: z.string().optional() }), 'querystring')({}).value, {}, 'a query string goes through zod')
})

t.test('string path params within their limits: valid as they are, without a zod copy', async (t) => {
  const validate = compile(IdOrSlugParamsSchema, 'params')
  for (const idOrSlug of ['a', '42', 'x'.repeat(200), 'ünïcode-slug']) {
    const answer = validate({ idOrSlug })
    t.notOk(answer.error, idOrSlug)
    t.notOk('value' in answer, 'the router\'s params are left as they are')
  }
  const token = compile(z.object({ token: z.string().min(1).max(10) }), 'params')
  t.notOk('value' in token({ token: 'abc' }))
})

t.test('string path params outside their limits, or missing: zod answers with its own error', async (t) => {
  const validate = compile(IdOrSlugParamsSchema, 'params')
  const long = validate({ idOrSlug: 'x'.repeat(201) })
  t.match(long.error, [{ message: 'idOrSlug is too long' }])
  t.same(long, compile(IdOrSlugParamsSchema, 'querystring')({ idOrSlug: 'x'.repeat(201) }), 'the same answer as zod\'s own validator')
  t.ok(validate({ idOrSlug: '' }).error, 'shorter than the minimum')
  t.ok(validate({}).error, 'missing')
  t.ok(compile(z.object({ token: z.string().min(3) }), 'params')({ token: 'ab' }).error)
})

t.test('other params schemas go through zod: a number, a pattern, a transform, an optional field', async (t) => {
  t.same(compile(IdParamsSchema, 'params')({ id: '7' }).value, { id: 7 }, 'an id is coerced to a number')
  t.ok(compile(z.object({ key: z.string().regex(/^[a-z]+$/) }), 'params')({ key: 'A1' }).error, 'a pattern is checked')
  t.same(compile(z.object({ key: z.string().trim() }), 'params')({ key: ' a ' }).value, { key: 'a' }, 'a transform runs')
  t.same(compile(z.object({ key: z.string().optional() }), 'params')({ key: 'a' }).value, { key: 'a' })
  t.same(compile(z.object({ key: z.string() }).refine(() => true), 'params')({ key: 'a' }).value, { key: 'a' }, 'a check on the object runs zod')
})

t.test('the NUL character: refused in a body, a query string and a path, named by its path', async (t) => {
  const body = compile(z.object({ name: z.string(), tags: z.array(z.string()) }), 'body')
  t.match(body({ name: 'a', tags: ['ok', 'b\u0000'] }).error, [{ instancePath: '/tags/1', message: 'tags.1 must not contain the NUL character (U+0000)' }])
  t.match(body({ name: 'a\u0000', tags: [] }).error, [{ instancePath: '/name', message: 'name must not contain the NUL character (U+0000)' }])
  t.same(body({ name: 'a', tags: ['b'] }).value, { name: 'a', tags: ['b'] }, 'text without it passes')
  const loose = compile(z.looseObject({}), 'body')
  t.match(loose({ 'k\u0000': 1 }).error, [{ instancePath: '/k\u0000' }], 'a key holding it')
  t.match(compile(z.object({ q: z.string() }), 'querystring')({ q: '%00\u0000' }).error, [{ instancePath: '/q' }])
  const params = compile(IdOrSlugParamsSchema, 'params')
  t.match(params({ idOrSlug: 'a\u0000b' }).error, [{ instancePath: '/idOrSlug', message: 'idOrSlug must not contain the NUL character (U+0000)' }], 'a path param within its limits still goes through zod')
  t.notOk(compile(IfMatchHeadersSchema)({ ...sent, 'if-match': '"a"' }).error, 'headers are left to HTTP, which refuses it')
})

t.test('ids: past 2147483647 an id is refused, naming the field', async (t) => {
  const validate = compile(IdParamsSchema, 'params')
  t.same(validate({ id: '2147483647' }).value, { id: 2147483647 }, 'the largest id')
  t.match(validate({ id: '2147483648' }).error, [{ instancePath: '/id', message: 'id must be at most 2147483647: ids are positive 32-bit integers' }])
})
