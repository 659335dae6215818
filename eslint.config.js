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
    // Layering: a resource's domain modules (repositories, queries, workflow, rendering, the ad
    // engine …) throw domain errors (src/lib/errors.ts) and never answer HTTP, so the CLI and
    // background work use them without the web server. Only a resource's HTTP edge may use
    // src/http and Fastify: its route files, its plugin.ts, and schemas.ts, whose zod shapes
    // build on src/http's pagination, fields= and timestamp schemas. src/demo/site.ts is the
    // demo site's static-file plugin. A new resource folder is covered as soon as it exists.
    files: ['src/*/**/*.ts'],
    ignores: ['src/{http,db,lib}/**', 'src/*/*routes.ts', 'src/*/plugin.ts', 'src/*/schemas.ts', 'src/demo/site.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: fastifyPackages('A repository or domain module'),
        patterns: [
          { regex: '^(?:\\.\\./)+http/', message: 'Repositories and domain modules do not use src/http: throw a domain error from src/lib/errors.ts, take helpers from src/lib.' },
          { regex: '^@fastify/', message: 'Repositories and domain modules use no Fastify package (domain errors carry no HTTP status).' }
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
