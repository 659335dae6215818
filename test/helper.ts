import type { Test } from 'tap'
import { buildApp, type App } from '../src/app.js'
import { loadConfig } from '../src/config.js'

export const BOOTSTRAP = 'test-bootstrap-token-0123456789abcdef'

/** Builds the production app on a fresh in-memory database, closed when the test ends. */
export async function build (t: Test, env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: ':memory:',
    LOG_LEVEL: 'silent',
    BROADSHEET_DEMO: 'false',
    BROADSHEET_BOOTSTRAP_TOKEN: BOOTSTRAP,
    ...env
  })
  const app = await buildApp({ config })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** Authorization header for a bearer secret. */
export function bearer (token: string) {
  return { authorization: `Bearer ${token}` }
}

export const admin = bearer(BOOTSTRAP)
