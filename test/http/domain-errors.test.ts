import t from 'tap'
import { domainProblem } from '../../src/http/domain-errors.js'
import {
  DuplicateCommentError, FieldError, ForbiddenError, InUseError, KeyTakenError, NotFoundError, SlugTakenError
} from '../../src/lib/errors.js'

t.test('each domain error maps to its problem+json status, type and title, with its message as detail', async (t) => {
  const cases = [
    [new NotFoundError('There is no article "x"'), 404, 'not-found', 'Not Found'],
    [new ForbiddenError('Comments are closed'), 403, 'forbidden', 'Forbidden'],
    [new SlugTakenError('sea-wall'), 409, 'slug-taken', 'Conflict'],
    [new KeyTakenError('top'), 409, 'key-taken', 'Conflict'],
    [new InUseError('2 articles use this tag'), 409, 'in-use', 'Conflict'],
    [new DuplicateCommentError(), 409, 'duplicate', 'Conflict']
  ] as const
  for (const [error, status, kind, title] of cases) {
    t.same(domainProblem(error, 'req-1'), { type: `urn:broadsheet:problem:${kind}`, title, status, detail: error.message, requestId: 'req-1' }, error.code)
  }
})

t.test('a FieldError is a 400 validation problem whose errors name every field', async (t) => {
  const error = FieldError.of([{ path: 'a', message: 'A is bad' }, { path: 'b', message: 'B is bad' }])!
  t.same(domainProblem(error, 'req-1'), {
    type: 'urn:broadsheet:problem:validation',
    title: 'Bad Request',
    status: 400,
    detail: '2 fields are invalid: A is bad; B is bad',
    requestId: 'req-1',
    errors: [{ path: 'a', message: 'A is bad' }, { path: 'b', message: 'B is bad' }]
  })
})
