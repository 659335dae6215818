// npx tsx bench/pg-round-trip.ts <DATABASE_URL> [sql] [parameter]
// The floor under every PostgreSQL answer: how many times a second node-postgres runs one
// named statement (default `select 1`) with 50 callers on a pool of 10, for 5 seconds. Pin
// it and PostgreSQL to one core (taskset) to see what a round trip costs when they share it,
// as `npm run bench -- --database …` runs them.
import pg from 'pg'

const [url, text = 'select 1', parameter] = process.argv.slice(2)
if (!url) throw new Error('usage: npx tsx bench/pg-round-trip.ts <DATABASE_URL> [sql] [parameter]')
const pool = new pg.Pool({ connectionString: url, max: 10 })
const values = parameter === undefined ? [] : [parameter]
const seconds = 5
const end = Date.now() + seconds * 1000
let done = 0
await Promise.all(Array.from({ length: 50 }, async () => {
  while (Date.now() < end) {
    await pool.query({ name: 'round-trip', text, values })
    done++
  }
}))
await pool.end()
process.stdout.write(`${Math.round(done / seconds)} statements a second: ${text}\n`)
