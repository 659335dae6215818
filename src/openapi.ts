// Generates the OpenAPI document as committed in openapi/openapi.json.
import { fileURLToPath } from 'node:url'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'

export const openApiPath = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url))

/** The OpenAPI document as the app generates it, formatted as committed. */
export async function generateOpenApi (): Promise<string> {
  const app = await buildApp({ config: loadConfig({ DATABASE_URL: ':memory:', BROADSHEET_DEMO: 'false', LOG_LEVEL: 'silent' }) })
  try {
    await app.ready()
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}
