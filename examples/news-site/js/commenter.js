// What the "Leave a reply" form sends, and the commenter token it keeps between visits. No DOM
// here, so the logic runs (and is tested) outside a browser too.

/** The localStorage key of the token the last post answered. */
export const COMMENTER_TOKEN_KEY = 'broadsheet.commenterToken'

/** The stored commenter token, or null (none yet, or storage disabled as in some private modes). */
export function storedCommenterToken (storage) {
  try {
    return storage?.getItem(COMMENTER_TOKEN_KEY) || null
  } catch {
    return null
  }
}

/**
 * Keeps the token of a post's answer: the API approves a returning commenter at once only when
 * a later post sends it back. A storage that refuses just means the next post waits for a moderator.
 */
export function rememberCommenterToken (storage, posted) {
  const token = posted?.commenterToken
  if (typeof token !== 'string' || token === '') return
  try {
    storage?.setItem(COMMENTER_TOKEN_KEY, token)
  } catch {}
}

/**
 * The JSON body of a post from the form's values (FormData entries): the honeypot as typed, the
 * website only when given, the parent when replying and the stored commenter token when there is one.
 */
export function replyBody (values, { parentId = null, storage } = {}) {
  const body = {
    body: String(values.body ?? ''),
    authorName: String(values.authorName ?? ''),
    authorEmail: String(values.authorEmail ?? ''),
    homepage: String(values.homepage ?? '')
  }
  const website = String(values.authorUrl ?? '').trim()
  if (website) body.authorUrl = website
  if (parentId !== null) body.parentId = parentId
  const token = storedCommenterToken(storage)
  if (token) body.commenterToken = token
  return body
}
