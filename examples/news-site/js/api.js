// The Broadsheet API, same origin as this page: every URL here is relative to the server root.

/** An answer that was not 2xx, carrying the RFC 9457 problem the API sent (or a stand-in). */
export class ApiError extends Error {
  constructor (status, problem, headers) {
    super(problem?.detail || problem?.title || `The server answered ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.problem = problem ?? {}
    this.headers = headers
  }
}

async function parse (response) {
  if (response.status === 204) return null
  const type = response.headers.get('content-type') ?? ''
  if (!/json/.test(type)) return null
  try {
    return await response.json()
  } catch {
    return null
  }
}

async function request (path, init = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...init.headers } })
  const body = await parse(response)
  if (!response.ok) throw new ApiError(response.status, body, response.headers)
  return body
}

const query = (params) => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

export const api = {
  /** Published articles, newest first: { data, meta }. */
  articles: (params = {}) => request(`/v1/articles${query(params)}`),
  /** Sections of the site for the navigation. */
  sections: () => request('/v1/categories?fields=slug,name&limit=100'),
  /** The whole article page in one answer: { article, related, latest, adSlots, commentCount }. */
  articlePage: (slug) => request(`/v1/article-pages/${encodeURIComponent(slug)}`),
  /** Approved comments with replies nested: { data, meta }. */
  comments: (slug, params = {}) => request(`/v1/articles/${encodeURIComponent(slug)}/comments${query({ tree: true, limit: 50, ...params })}`),
  /** Posts the "Leave a reply" form; the answer says `pending` or `approved`. */
  postComment: (slug, body, idempotencyKey) => request(`/v1/articles/${encodeURIComponent(slug)}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify(body)
  }),
  /** One ad decision per slot key: { slots: { key: null | { slot, ad } } }. */
  serveAds: (keys, { article, viewportWidth } = {}) => request(`/v1/ads/serve${query({ slots: keys.join(','), article, viewportWidth })}`, { cache: 'no-store' })
}
