// The server entry point: config from the environment, heap flags, listen, graceful close.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { DatabaseStartError } from './db/database.js'
import { tuneHeap } from './lib/heap.js'

/** Entry point: load config, build the app, listen, and close gracefully on signals. */
async function main () {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(1)
    }
    throw err
  }

  const v8Flags = tuneHeap()
  let app
  try {
    app = await buildApp({ config })
  } catch (err) {
    // A database that cannot be used is the operator's to fix: one line, no stack.
    if (err instanceof DatabaseStartError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  if (v8Flags.length > 0) app.log.info({ v8Flags }, 'V8 heap flags set')

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, run onClose (closes the database).
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an uncaught error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })

  await app.listen({ port: config.port, host: config.host })
}

await main()
