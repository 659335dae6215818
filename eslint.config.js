import neostandard from 'neostandard'
import globals from 'globals'

/** Fastify's own packages, closed to a layer below HTTP. */
const fastifyPackages = (layer) => ['fastify', 'fastify-plugin', 'fastify-type-provider-zod']
  .map((name) => ({ name, message: `${layer} knows nothing of Fastify.` }))

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'coverage/**', '.tap/**', 'migrations/**', 'node_modules/**', 'artifacts/**', 'clients/typescript/schema.d.ts']
  }),
  {
    // Layering: the data layer knows no HTTP and no resource, so repositories and the CLI can
    // use it without the web server; it may use src/lib and itself.
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: fastifyPackages('src/db'),
        patterns: [{ regex: '^\\.\\./(?!lib/)', message: 'src/db imports only src/lib and src/db.' }]
      }]
    }
  },
  {
    // Pure helpers: no Fastify, no database and nothing else of src, so any layer can use them.
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...fastifyPackages('src/lib'), ...['better-sqlite3', 'drizzle-orm'].map((name) => ({ name, message: 'src/lib has no database access.' }))],
        patterns: [
          { regex: '^\\.\\./', message: 'src/lib imports nothing else of src.' },
          { regex: '^(?:@fastify/|drizzle-orm/)', message: 'src/lib uses neither Fastify nor the database.' }
        ]
      }]
    }
  },
  {
    // The demo news site runs in the browser as plain ES modules.
    files: ['examples/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } }
  }
]
