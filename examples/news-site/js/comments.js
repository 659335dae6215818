// Approved comments (threaded) and the "Leave a reply" form, which posts JSON to the API and
// shows each validation message next to its field. The commenter token of each answer is kept
// in localStorage and sent with the next post, so a returning commenter is shown at once.

import { api, ApiError } from './api.js'
import { rememberCommenterToken, replyBody } from './commenter.js'
import { formatClock, formatShortDate, fragmentFromHtml, h, time } from './dom.js'

/** Form fields by API path (the problem's errors[].path); the inputs carry the same names. */
const FIELDS = ['body', 'authorName', 'authorEmail', 'authorUrl']

// Reading localStorage itself throws where storage is blocked (some privacy settings).
const storage = () => {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

const countText = (n) => (n === 0 ? 'No comments yet' : n === 1 ? '1 comment' : `${n} comments`)

const safeUrl = (value) => {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

/** A round avatar with the commenter's initial, tinted from their avatarHash (no third party). */
function avatar (comment) {
  const el = h('span', { class: 'avatar', 'aria-hidden': 'true' }, (comment.authorName.trim()[0] ?? '?').toUpperCase())
  const hue = parseInt((comment.avatarHash || '0').slice(0, 6), 16) % 360
  el.style.setProperty('--avatar-hue', String(Number.isFinite(hue) ? hue : 210))
  return el
}

function renderComment (comment, onReply) {
  const url = comment.authorUrl ? safeUrl(comment.authorUrl) : null
  const name = url
    ? h('a', { class: 'comment__author', href: url, rel: 'nofollow ugc' }, comment.authorName)
    : h('span', { class: 'comment__author' }, comment.authorName)
  const body = h('div', { class: 'comment__body' })
  body.append(fragmentFromHtml(comment.html))
  const reply = h('button', { type: 'button', class: 'comment__reply', 'aria-label': `Reply to ${comment.authorName}` }, 'Reply')
  reply.addEventListener('click', () => onReply(comment))
  const item = h('li', { class: 'comment', id: `comment-${comment.id}`, 'data-comment-id': comment.id },
    h('article', { class: 'comment__card' },
      h('header', { class: 'comment__meta' },
        avatar(comment),
        h('span', { class: 'comment__who' }, name,
          h('a', { class: 'comment__date', href: `#comment-${comment.id}` },
            time(comment.createdAt, `${formatShortDate(comment.createdAt)} at ${formatClock(comment.createdAt)}`)))),
      body,
      h('footer', { class: 'comment__actions' }, reply)))
  if (comment.replies?.length) {
    item.append(h('ol', { class: 'comment-list comment-list--replies' }, comment.replies.map((r) => renderComment(r, onReply))))
  }
  return item
}

/**
 * Renders the comments section into `section` (which holds the static form of article.html).
 * `initial` is the first page of /comments?tree=true, or an Error when it failed.
 */
export function setupComments (section, { slug, article, commentCount, initial }) {
  let count = commentCount
  const heading = section.querySelector('#comments-title')
  const list = section.querySelector('.comment-list')
  const more = section.querySelector('[data-more-comments]')
  const listMessage = section.querySelector('[data-comments-message]')
  const form = section.querySelector('form.reply-form')
  const status = section.querySelector('[data-form-status]')
  const replying = section.querySelector('[data-replying]')
  const submit = form.querySelector('button[type="submit"]')
  let parent = null
  let nextCursor = null
  let idempotencyKey = null

  const setCount = (n) => { count = n; heading.textContent = countText(n) }

  function startReply (comment) {
    parent = comment
    replying.querySelector('[data-replying-name]').textContent = comment.authorName
    replying.hidden = false
    form.elements.body.focus()
  }
  function cancelReply () {
    parent = null
    replying.hidden = true
  }
  replying.querySelector('button').addEventListener('click', cancelReply)

  function showPage (page) {
    list.append(...page.data.map((c) => renderComment(c, startReply)))
    nextCursor = page.meta?.nextCursor ?? null
    more.hidden = nextCursor === null
  }
  more.addEventListener('click', async () => {
    more.disabled = true
    try {
      showPage(await api.comments(slug, { cursor: nextCursor }))
    } catch {
      listMessage.textContent = 'More comments could not be loaded. Please try again.'
    } finally {
      more.disabled = false
    }
  })

  setCount(count)
  if (initial instanceof Error) listMessage.textContent = 'The comments could not be loaded right now.'
  else showPage(initial)

  if (!article.commentsEnabled) {
    form.hidden = true
    section.querySelector('[data-closed]').hidden = false
    return
  }

  // ---- the form ----
  const errorOf = (name) => section.querySelector(`#comment-${name}-error`)
  function clearErrors () {
    for (const name of FIELDS) {
      form.elements[name].removeAttribute('aria-invalid')
      errorOf(name).textContent = ''
    }
    status.textContent = ''
    status.className = 'form-status'
  }
  function say (text, kind) {
    status.textContent = text
    status.className = `form-status form-status--${kind}`
  }

  function showProblem (error) {
    if (!(error instanceof ApiError)) {
      say('We could not reach the server. Check your connection and try again.', 'error')
      return
    }
    const problem = error.problem
    if (error.status === 400 && Array.isArray(problem.errors) && problem.errors.length > 0) {
      const general = []
      let first = null
      for (const { path, message } of problem.errors) {
        const name = String(path ?? '').split('.')[0]
        if (FIELDS.includes(name)) {
          const el = errorOf(name)
          el.textContent = el.textContent ? `${el.textContent} ${message}` : message
          form.elements[name].setAttribute('aria-invalid', 'true')
          first ??= form.elements[name]
        } else {
          general.push(message)
        }
      }
      say(general.length > 0 ? general.join(' ') : 'Please correct the highlighted fields.', 'error')
      first?.focus()
      return
    }
    if (error.status === 429) {
      const seconds = Number(error.headers?.get('retry-after'))
      const wait = Number.isFinite(seconds) && seconds > 0 ? `in ${seconds} second${seconds === 1 ? '' : 's'}` : 'in a minute'
      say(`You are posting comments too quickly. Please try again ${wait}.`, 'error')
      return
    }
    if (error.status === 403) { say(problem.detail || 'Comments are closed on this article.', 'error'); return }
    if (error.status === 404) { say('This article is no longer open for comments.', 'error'); return }
    if (error.status === 409) { say(problem.detail || 'You already posted this comment.', 'error'); return }
    if (error.status === 413) { say('Your comment is too long.', 'error'); return }
    say(problem.detail || `Your comment could not be posted (error ${error.status}). Please try again.`, 'error')
  }

  function showPosted (comment) {
    const node = renderComment({ ...comment, replies: [] }, startReply)
    const parentItem = comment.parentId ? list.querySelector(`#comment-${comment.parentId}`) : null
    if (parentItem) {
      let replies = parentItem.querySelector(':scope > .comment-list--replies')
      if (!replies) { replies = h('ol', { class: 'comment-list comment-list--replies' }); parentItem.append(replies) }
      replies.append(node)
    } else {
      list.append(node)
    }
    node.classList.add('comment--new')
    setCount(count + 1)
  }

  // A changed form is a new attempt, with a new idempotency key.
  form.addEventListener('input', () => { idempotencyKey = null })

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    clearErrors()
    const values = Object.fromEntries(new FormData(form).entries())
    const body = replyBody(values, { parentId: parent?.id ?? null, storage: storage() })
    // The same key for a retry of the same attempt: the API never stores it twice.
    idempotencyKey ??= globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`
    submit.disabled = true
    form.setAttribute('aria-busy', 'true')
    say('Posting your comment…', 'info')
    try {
      const posted = await api.postComment(slug, body, idempotencyKey)
      idempotencyKey = null
      rememberCommenterToken(storage(), posted)
      form.elements.body.value = ''
      cancelReply()
      if (posted.status === 'approved') {
        showPosted(posted)
        say('Thank you: your comment is published.', 'success')
      } else {
        say(`Thank you, ${posted.authorName}. Your comment is awaiting moderation.`, 'success')
      }
    } catch (error) {
      // A definite answer ends this attempt; a network failure keeps the key for the retry.
      if (error instanceof ApiError) idempotencyKey = null
      showProblem(error)
    } finally {
      submit.disabled = false
      form.removeAttribute('aria-busy')
    }
  })
}
