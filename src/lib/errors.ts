// Domain errors: what went wrong, named by a stable code in @fastify/error's style, with no
// HTTP status. Repositories and domain modules throw them; src/http/domain-errors.ts alone
// decides the problem+json answer of each code.

export type DomainErrorCode =
  | 'CMS_ERR_INVALID_FIELD'
  | 'CMS_ERR_FORBIDDEN'
  | 'CMS_ERR_NOT_FOUND'
  | 'CMS_ERR_SLUG_TAKEN'
  | 'CMS_ERR_KEY_TAKEN'
  | 'CMS_ERR_IN_USE'
  | 'CMS_ERR_DUPLICATE'

/** The base of every domain error: a code and a sentence a caller can read. */
export class DomainError extends Error {
  constructor (readonly code: DomainErrorCode, message: string) {
    super(message)
    this.name = 'DomainError'
  }
}

/** A domain error class whose message is built from its arguments, as `createError` does. */
function domainError<Args extends unknown[]> (code: DomainErrorCode, message: (...args: Args) => string) {
  return class extends DomainError {
    constructor (...args: Args) { super(code, message(...args)) }
  }
}

/** The thing asked for does not exist, or the caller may not know it does. */
export const NotFoundError = domainError('CMS_ERR_NOT_FOUND', (detail: string) => detail)
/** The caller may not do this to this thing (its role or byline does not allow it). */
export const ForbiddenError = domainError('CMS_ERR_FORBIDDEN', (detail: string) => detail)
export const SlugTakenError = domainError('CMS_ERR_SLUG_TAKEN', (slug: string) => `The slug "${slug}" is already taken`)
export const KeyTakenError = domainError('CMS_ERR_KEY_TAKEN', (key: string) => `The key "${key}" is already taken`)
/** Something still refers to the thing to delete. */
export const InUseError = domainError('CMS_ERR_IN_USE', (detail: string) => detail)
export const DuplicateCommentError = domainError('CMS_ERR_DUPLICATE', () => 'You already posted this comment on this article')

/** Input that passed its schema but breaks a rule of the domain; names every field at fault. */
export class FieldError extends DomainError {
  /** Every bad field; the first is `path` and `message`. */
  readonly errors: Array<{ path: string, message: string }>
  constructor (readonly path: string, message: string, more: Array<{ path: string, message: string }> = []) {
    super('CMS_ERR_INVALID_FIELD', more.length > 0 ? `${1 + more.length} fields are invalid: ${[message, ...more.map((e) => e.message)].join('; ')}` : message)
    this.name = 'FieldError'
    this.errors = [{ path, message }, ...more]
  }

  /** One error naming all the fields, or none when the list is empty. */
  static of (errors: Array<{ path: string, message: string }>): FieldError | undefined {
    const [first, ...rest] = errors
    return first ? new FieldError(first.path, first.message, rest) : undefined
  }
}

/** The message for a field a caller may not send (unknown or read-only). */
export function unknownFieldMessage (key: string): string {
  return `"${key}" is not a field you can set here`
}
