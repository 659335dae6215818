import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { clientDrift, committedClientTypes, generateClientTypes, runClientGenerator } from '../clients/generator.js'
import { createBroadsheetClient } from '../clients/typescript/index.js'
import { BOOTSTRAP, buildTestApp, tempDir } from './helper.js'

// Each generation takes about a second of CPU; a busy machine may stretch that well past tap's 30 s default.
t.setTimeout(90_000)

const DRIFT = 'The typed client differs from what openapi/openapi.json generates: run `npm run client:generate`'

t.test('clients/typescript/schema.d.ts is what openapi/openapi.json generates (run npm run client:generate)', async (t) => {
  const generated = await generateClientTypes()
  t.equal(await readFile(committedClientTypes, 'utf8'), generated, 'the committed client has drifted from the OpenAPI document')
  t.equal(await clientDrift(committedClientTypes, generated), null)
})

t.test('the drift check names npm run client:generate when the client is stale or missing', async (t) => {
  const dir = await tempDir(t)
  const stale = join(dir, 'stale.d.ts')
  await writeFile(stale, 'export interface paths {}\n')
  t.equal(await clientDrift(stale, 'export interface paths { "/v1/articles": never }\n'), DRIFT)
  t.equal(await clientDrift(join(dir, 'missing.d.ts'), ''), DRIFT)
})

t.test('client:generate writes the client; client:check reports one line and answers 1 when it is stale', async (t) => {
  const dir = await tempDir(t)
  const out = join(dir, 'schema.d.ts')
  const stale = join(dir, 'stale.d.ts')
  await writeFile(stale, 'export interface paths {}\n')
  const lines: string[] = []
  const report = (line: string) => { lines.push(line) }

  t.equal(await runClientGenerator(['--out', out], report), 0)
  t.equal(await readFile(out, 'utf8'), await readFile(committedClientTypes, 'utf8'), 'client:generate wrote the committed client')
  t.equal(await runClientGenerator(['--check', '--out', out], report), 0, 'the check passes on what it generated')
  t.same(lines, [])

  t.equal(await runClientGenerator(['--check', '--out', stale], report), 1)
  t.same(lines, [DRIFT], 'one line saying what to run')
  t.equal(await readFile(stale, 'utf8'), 'export interface paths {}\n', 'the check wrote nothing')
})

t.test('createBroadsheetClient reads anonymously and writes with its token as the bearer', async (t) => {
  const app = await buildTestApp(t)
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const anonymous = createBroadsheetClient({ baseUrl })
  const editor = createBroadsheetClient({ baseUrl, token: BOOTSTRAP })

  const refused = await anonymous.POST('/v1/articles', { body: { title: 'Sea wall holds' } })
  t.equal(refused.response.status, 401, 'no token, no Authorization header')
  t.match(refused.error, { type: 'urn:broadsheet:problem:unauthorized', status: 401 })

  const created = await editor.POST('/v1/articles', { body: { title: 'Sea wall holds', status: 'published' } })
  t.equal(created.response.status, 201)
  t.match(created.data, { slug: 'sea-wall-holds', title: 'Sea wall holds', status: 'published', format: 'markdown' })

  const list = await anonymous.GET('/v1/articles', { params: { query: { limit: 5 } } })
  t.equal(list.response.status, 200)
  t.same(list.data?.data.map((article) => 'title' in article && article.title), ['Sea wall holds'])
  const one = await anonymous.GET('/v1/articles/{idOrSlug}', { params: { path: { idOrSlug: 'sea-wall-holds' } } })
  t.match(one.data, { title: 'Sea wall holds' })
})
