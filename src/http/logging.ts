import type { FastifyRequest } from 'fastify'

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

const SENSITIVE_QUERY = /([?&](?:email|token|preview|secret)=)[^&#]*/gi

/** The request as logged: method, url with sensitive query values masked, and the client address. */
export function requestSerializer (req: FastifyRequest) {
  return {
    method: req.method,
    url: req.url.replace(SENSITIVE_QUERY, '$1[redacted]'),
    remoteAddress: req.ip
  }
}
