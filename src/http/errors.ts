// Errors of the HTTP protocol itself (credentials, If-Match, Host, request budgets), thrown by
// src/http and routes; the error handler answers each with its statusCode, and its code names
// the `type`. What the domain refuses is a domain error (src/lib/errors.ts) instead.
import createError from '@fastify/error'

export const PreconditionFailedError = createError('CMS_ERR_PRECONDITION_FAILED', 'The resource has changed since you read it (If-Match is stale); nothing was changed', 412)
export const UnauthorizedError = createError<[string]>('CMS_ERR_UNAUTHORIZED', '%s', 401)
export const BadHostError = createError<[string]>('CMS_ERR_BAD_HOST', '%s', 400)
export const TooManyRequestsError = createError<[string]>('CMS_ERR_RATE_LIMITED', '%s', 429)
export const ServiceUnavailableError = createError<[string]>('CMS_ERR_UNAVAILABLE', '%s', 503)

const kinds: Record<string, string> = {
  CMS_ERR_PRECONDITION_FAILED: 'precondition-failed',
  CMS_ERR_UNAUTHORIZED: 'unauthorized',
  CMS_ERR_RATE_LIMITED: 'rate-limited',
  CMS_ERR_BAD_HOST: 'bad-host',
  CMS_ERR_IDEMPOTENCY_MISMATCH: 'idempotency-key-reused',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json'
}

/** The problem `type` suffix for an error code, or one derived from the status. */
export function problemKind (code: string | undefined, status: number): string {
  if (code && kinds[code]) return kinds[code]
  if (status === 404) return 'not-found'
  if (status === 409) return 'conflict'
  if (status === 429) return 'rate-limited'
  if (status >= 500) return 'internal'
  return 'bad-request'
}
