/**
 * What background work (the scheduler, the ad counters) writes to: Fastify's pino logger fits
 * it, and so does a stub in a test, without the domain depending on Fastify.
 */
export interface Log {
  info: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}
