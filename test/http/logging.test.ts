import { existsSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import t from 'tap'
import { prettyTransport } from '../../src/http/logging.js'

const missing = (name: string): string => {
  throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' })
}

t.test('on a terminal with pino-pretty installed, logs go through it', async (t) => {
  const transport = prettyTransport(true, 'info')
  t.ok(transport, 'a transport')
  t.ok(isAbsolute(transport!.target) && existsSync(transport!.target), 'the resolved pino-pretty file')
  t.match(transport!.target, /pino-pretty/)
})

t.test('without pino-pretty (a production install without dev dependencies) logs stay JSON lines', async (t) => {
  t.equal(prettyTransport(true, 'info', missing), undefined)
})

t.test('off a terminal or with logging silenced there is no transport', async (t) => {
  t.equal(prettyTransport(false, 'info'), undefined)
  t.equal(prettyTransport(true, 'silent'), undefined)
})
