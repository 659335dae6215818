import t from 'tap'
import { z } from 'zod'
import { validatorCompiler } from '../../src/http/validation.js'
import { IfMatchHeadersSchema } from '../../src/http/schemas.js'

// Optional headers are validated only when sent: zod would copy every header of every
// request to find none of them.

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
