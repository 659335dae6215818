import t from 'tap'
import {
  DomainError, DuplicateCommentError, FieldError, ForbiddenError, InUseError, KeyTakenError, NotFoundError, SlugTakenError
} from '../../src/lib/errors.js'

t.test('a domain error carries a stable code and a message, and no HTTP status', async (t) => {
  const cases: Array<[DomainError, string, string]> = [
    [new NotFoundError('There is no article "x"'), 'CMS_ERR_NOT_FOUND', 'There is no article "x"'],
    [new ForbiddenError('Comments are closed'), 'CMS_ERR_FORBIDDEN', 'Comments are closed'],
    [new SlugTakenError('sea-wall'), 'CMS_ERR_SLUG_TAKEN', 'The slug "sea-wall" is already taken'],
    [new KeyTakenError('top'), 'CMS_ERR_KEY_TAKEN', 'The key "top" is already taken'],
    [new InUseError('2 articles use this tag'), 'CMS_ERR_IN_USE', '2 articles use this tag'],
    [new DuplicateCommentError(), 'CMS_ERR_DUPLICATE', 'You already posted this comment on this article'],
    [new FieldError('title', 'Required'), 'CMS_ERR_INVALID_FIELD', 'Required']
  ]
  for (const [error, code, message] of cases) {
    t.ok(error instanceof DomainError, `${code} is a DomainError`)
    t.equal(error.code, code)
    t.equal(error.message, message)
    t.notOk('statusCode' in error, `${code} has no statusCode`)
  }
})

t.test('a FieldError names every field; the message joins them', async (t) => {
  const error = FieldError.of([{ path: 'a', message: 'A is bad' }, { path: 'b', message: 'B is bad' }])!
  t.equal(error.path, 'a')
  t.same(error.errors, [{ path: 'a', message: 'A is bad' }, { path: 'b', message: 'B is bad' }])
  t.equal(error.message, '2 fields are invalid: A is bad; B is bad')
  t.equal(FieldError.of([]), undefined)
})
