import createError from '@fastify/error'

// Domain errors thrown by repositories and handlers; the error handler turns each into
// problem+json using its statusCode, and its code names the `type`.

export const NotFoundError = createError<[string]>('CMS_ERR_NOT_FOUND', '%s', 404)
export const SlugTakenError = createError<[string]>('CMS_ERR_SLUG_TAKEN', 'The slug "%s" is already taken', 409)
export const InUseError = createError<[string]>('CMS_ERR_IN_USE', '%s', 409)
export const PreconditionFailedError = createError('CMS_ERR_PRECONDITION_FAILED', 'The resource has changed since you read it (If-Match is stale); nothing was changed', 412)
export const UnauthorizedError = createError<[string]>('CMS_ERR_UNAUTHORIZED', '%s', 401)
export const ForbiddenError = createError<[string]>('CMS_ERR_FORBIDDEN', '%s', 403)
export const BadHostError = createError<[string]>('CMS_ERR_BAD_HOST', '%s', 400)
export const TooManyRequestsError = createError<[string]>('CMS_ERR_RATE_LIMITED', '%s', 429)

/** A 400 that names the field at fault, shaped like a validation error. */
export class FieldError extends Error {
  readonly statusCode = 400
  readonly code = 'CMS_ERR_VALIDATION'
  /** Every bad field; the first is `path` and `message`. */
  readonly errors: Array<{ path: string, message: string }>
  constructor (readonly path: string, message: string, more: Array<{ path: string, message: string }> = []) {
    super(more.length > 0 ? `${1 + more.length} fields are invalid: ${[message, ...more.map((e) => e.message)].join('; ')}` : message)
    this.name = 'FieldError'
    this.errors = [{ path, message }, ...more]
  }

  /** One error naming all the fields, or none when the list is empty. */
  static of (errors: Array<{ path: string, message: string }>): FieldError | undefined {
    const [first, ...rest] = errors
    return first ? new FieldError(first.path, first.message, rest) : undefined
  }
}

/** "An author", "A contributor": the role with its article, for messages. */
export function aRole (role: string): string {
  return `${/^[aeiou]/i.test(role) ? 'An' : 'A'} ${role}`
}

const kinds: Record<string, string> = {
  CMS_ERR_NOT_FOUND: 'not-found',
  CMS_ERR_SLUG_TAKEN: 'slug-taken',
  CMS_ERR_KEY_TAKEN: 'key-taken',
  CMS_ERR_IN_USE: 'in-use',
  CMS_ERR_PRECONDITION_FAILED: 'precondition-failed',
  CMS_ERR_UNAUTHORIZED: 'unauthorized',
  CMS_ERR_FORBIDDEN: 'forbidden',
  CMS_ERR_RATE_LIMITED: 'rate-limited',
  CMS_ERR_VALIDATION: 'validation',
  CMS_ERR_BAD_HOST: 'bad-host',
  CMS_ERR_DUPLICATE: 'duplicate',
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
