// Logging: redaction, the request serializer, pretty output on a terminal and the lazy per-request logger.
import { createRequire } from 'node:module'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'

/** Log paths pino replaces with [redacted]: secrets, tokens and emails never reach a log line. */
export const logRedactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.token',
  '*.secret',
  '*.authorEmail',
  '*.email',
  'token',
  'secret',
  'authorEmail',
  'email'
]

const resolvePackage = createRequire(import.meta.url).resolve

/**
 * pino-pretty's transport when logs go to a terminal and it is installed. It is a dev
 * dependency: a production install (`npm ci --omit=dev`) lacks it, and then logs JSON lines
 * on a TTY too instead of failing to start.
 */
export function prettyTransport (isTTY: boolean, level: string, resolve: (name: string) => string = resolvePackage): { target: string } | undefined {
  if (!isTTY || level === 'silent') return undefined
  try {
    return { target: resolve('pino-pretty') }
  } catch {
    return undefined
  }
}

const SENSITIVE_QUERY = /([?&](?:email|token|preview|secret)=)[^&#]*/gi

/** The request as logged: method, url with sensitive query values masked, and the client address. */
export function requestSerializer (req: FastifyRequest) {
  return {
    method: req.method,
    url: req.url.replace(SENSITIVE_QUERY, '$1[redacted]'),
    remoteAddress: req.ip
  }
}

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/**
 * The per-request logger Fastify asks childLoggerFactory for: the real pino child (with its
 * reqId binding) is made the first time a line at an enabled level is written: pino's
 * child() costs a large share of a cheap request (docs/performance.md), and at the usual
 * levels most requests write no line at all. A class, so a request allocates one small
 * object and no closures.
 */
class LazyChildLogger {
  #child: FastifyBaseLogger | undefined
  constructor (readonly parent: FastifyBaseLogger, readonly bindings: Bindings, readonly options: ChildLoggerOptions) {}

  #real (): FastifyBaseLogger { return (this.#child ??= this.parent.child(this.bindings, this.options)) }
  #write (level: Level, args: unknown[]): void {
    if ((this.parent as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.(level) ?? true) (this.#real()[level] as (...a: unknown[]) => void)(...args)
  }

  get level (): string { return this.#child?.level ?? this.parent.level }
  set level (level: string) { this.#real().level = level }
  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger { return this.#real().child(bindings, options) }
  silent (): void {}
  fatal (...args: unknown[]): void { this.#write('fatal', args) }
  error (...args: unknown[]): void { this.#write('error', args) }
  warn (...args: unknown[]): void { this.#write('warn', args) }
  info (...args: unknown[]): void { this.#write('info', args) }
  debug (...args: unknown[]): void { this.#write('debug', args) }
  trace (...args: unknown[]): void { this.#write('trace', args) }
}

/** Fastify's childLoggerFactory: a lazy child, or a real one at once for route log levels or serializers (none today). */
export function lazyChildLogger (this: unknown, logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options)
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger
}
