// ETag, Cache-Control, Vary and 304s of reads, and If-Match of writes.
import { hash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { PreconditionFailedError } from './errors.js'
import { sendKeys, uniqueKeys } from './dependencies.js'

const JSON_TYPE = 'application/json; charset=utf-8'

/** Cache-Control for public reads of published content. */
export const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300'
/** Cache-Control for anything that depends on the caller's token. */
export const PRIVATE_CACHE = 'private, no-cache'

/** The digest part of an ETag, of a JSON text; one-shot crypto.hash, since a Hash object per read costs several times as much. */
function digestOf (json: string): string {
  return hash('sha1', json, 'base64url').slice(0, 16)
}

function digest (value: unknown): string {
  return digestOf(JSON.stringify(value))
}

/**
 * An item's ETag: `"<revision>-<digest>"`. The digest makes 304s exact for the whole
 * representation; If-Match compares only the revision, so a changed counter such as
 * articleCount never turns an editor's write into a 412.
 */
export function itemEtag (revision: number, body: unknown): string {
  return `"${revision}-${digest(body)}"`
}

/** A list's ETag: the digest of the whole answer. */
export function listEtag (body: unknown): string {
  return `"${digest(body)}"`
}

function etagList (header: string | undefined): string[] {
  if (!header) return []
  return header.split(',').map((s) => s.trim().replace(/^W\//, '')).filter(Boolean)
}

/** True when an If-None-Match header names `etag` (weakly) or is `*`. */
export function etagMatches (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  const candidates = etagList(header)
  return candidates.includes('*') || candidates.includes(etag)
}

/**
 * A Vary value with `field` added, unless it or `*` is already listed (names compare
 * case-insensitively, as HTTP's do).
 */
export function withVaryField (current: number | string | string[] | undefined, field: string): string {
  if (current === undefined) return field
  const value = [current].flat().join(', ')
  const listed = value.split(',').map((name) => name.trim().toLowerCase())
  if (listed.includes('*') || listed.includes(field.toLowerCase())) return value
  return value.trim() === '' ? field : `${value}, ${field}`
}

/**
 * Adds Authorization to Vary, merged with what is there: @fastify/cors's Vary: Origin must
 * survive, or a shared cache hands one origin's CORS answer to another.
 */
export function varyOnAuthorization (reply: FastifyReply): void {
  reply.header('vary', withVaryField(reply.getHeader('vary'), 'Authorization'))
}

/**
 * Sets ETag, Cache-Control and Vary for a read and answers 304 when If-None-Match holds
 * the current ETag. Returns true when the 304 was sent and the handler must stop.
 */
export function notModified (request: FastifyRequest, reply: FastifyReply, etag: string, opts: { publicWhenAnonymous?: boolean, cacheControl?: string | undefined } = {}): boolean {
  reply.header('etag', etag)
  varyOnAuthorization(reply)
  const cacheControl = opts.cacheControl ?? (request.auth || opts.publicWhenAnonymous === false ? PRIVATE_CACHE : PUBLIC_CACHE)
  reply.header('cache-control', cacheControl)
  // What a public answer shows, for a CDN to purge by (see dependencies.ts).
  if (request.dependencies !== null && cacheControl.startsWith('public')) sendKeys(reply, request.dependencies = uniqueKeys(request.dependencies))
  if (etagMatches(request.headers['if-none-match'], etag)) {
    reply.code(304).send()
    return true
  }
  return false
}

/**
 * Answers a read with its JSON, serialised once: the ETag (item with `revision`, else list)
 * digests exactly the bytes sent, which are the same bytes itemEtag/listEtag digest, and the
 * answer skips the route's zod serializer, which copies the whole body to validate it before
 * stringifying. Handlers build these bodies field by field in the documented shape;
 * the fuzzer checks every 2xx against the OpenAPI schema. Or a 304 when If-None-Match holds.
 */
export function sendRead (request: FastifyRequest, reply: FastifyReply, body: unknown, opts: { revision?: number, publicWhenAnonymous?: boolean, cacheControl?: string | undefined } = {}): FastifyReply {
  const json = JSON.stringify(body)
  const tag = digestOf(json)
  if (notModified(request, reply, opts.revision === undefined ? `"${tag}"` : `"${opts.revision}-${tag}"`, opts)) return reply
  return reply.type(JSON_TYPE).send(json)
}

/**
 * Answers with `value` as JSON, stringified here, without the route's zod serializer: for hot
 * answers whose body the handler builds field by field in the documented shape (the fuzzer
 * checks every 2xx against the OpenAPI schema).
 */
export function sendJson (reply: FastifyReply, value: unknown, status?: number): FastifyReply {
  if (status !== undefined) reply.code(status)
  return reply.type(JSON_TYPE).send(JSON.stringify(value))
}

/** Throws 412 unless If-Match is absent or names the current revision of the resource. */
export function assertIfMatch (request: FastifyRequest, revision: number): void {
  const header = request.headers['if-match']
  if (header === undefined) return
  const candidates = etagList(header)
  if (candidates.includes('*')) return
  const ok = candidates.some((tag) => /^"(\d+)(-[^"]*)?"$/.exec(tag)?.[1] === String(revision))
  if (!ok) throw new PreconditionFailedError()
}
