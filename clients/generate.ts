import { runClientGenerator } from './generator.js'

// `npm run client:generate` and `npm run client:check` (`--check`): see runClientGenerator.
process.exitCode = await runClientGenerator(process.argv.slice(2))
