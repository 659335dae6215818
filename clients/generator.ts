import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript'

const source = new URL('../openapi/openapi.json', import.meta.url)

/** The committed types of the typed client, which `npm run client:generate` writes. */
export const committedClientTypes = new URL('./typescript/schema.d.ts', import.meta.url)

/**
 * The TypeScript types openapi-typescript writes for the committed OpenAPI document. Defaults
 * leave a field optional: the API fills them in, so a caller need not send them.
 */
export async function generateClientTypes (): Promise<string> {
  return COMMENT_HEADER + astToString(await openapiTS(source, { defaultNonNullable: false, silent: true }))
}

/** The one line to print when `target` (missing or not) differs from `generated`, else null. */
export async function clientDrift (target: URL | string, generated: string): Promise<string | null> {
  if (await readFile(target, 'utf8').catch(() => null) === generated) return null
  return 'The typed client differs from what openapi/openapi.json generates: run `npm run client:generate`'
}

/**
 * `client:generate` writes clients/typescript/schema.d.ts (or `--out <file>`); with `--check`
 * it writes nothing and answers 1 when that file differs, so CI catches a stale client.
 */
export async function runClientGenerator (args: string[], report: (line: string) => void = console.error): Promise<number> {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean', default: false }, out: { type: 'string' } } })
  const target = values.out === undefined ? committedClientTypes : resolve(values.out)
  const generated = await generateClientTypes()
  if (!values.check) {
    await writeFile(target, generated)
    return 0
  }
  const drift = await clientDrift(target, generated)
  if (drift === null) return 0
  report(drift)
  return 1
}
