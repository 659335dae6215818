// The one place a domain error gets its HTTP answer. A Record over every code: a new domain
// error without an answer here fails the type check instead of becoming a 500.
import { DomainError, FieldError, type DomainErrorCode } from '../lib/errors.js'
import { problem, type Problem } from './problem.js'

const answers: Record<DomainErrorCode, { status: number, kind: string }> = {
  CMS_ERR_INVALID_FIELD: { status: 400, kind: 'validation' },
  CMS_ERR_FORBIDDEN: { status: 403, kind: 'forbidden' },
  CMS_ERR_NOT_FOUND: { status: 404, kind: 'not-found' },
  CMS_ERR_SLUG_TAKEN: { status: 409, kind: 'slug-taken' },
  CMS_ERR_KEY_TAKEN: { status: 409, kind: 'key-taken' },
  CMS_ERR_IN_USE: { status: 409, kind: 'in-use' },
  CMS_ERR_DUPLICATE: { status: 409, kind: 'duplicate' }
}

/** The problem+json body of a domain error: its code's status and type, its message as detail, and `errors[]` for a FieldError. */
export function domainProblem (error: DomainError, requestId: string): Problem {
  const { status, kind } = answers[error.code]
  return problem(status, kind, error.message, error instanceof FieldError ? { requestId, errors: error.errors } : { requestId })
}
