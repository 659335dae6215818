// The problem+json body (RFC 9457) and its schema in route responses.
import { STATUS_CODES } from 'node:http'
import { z } from 'zod'

export const FieldErrorSchema = z.object({
  path: z.string().describe('Where the bad value is: a body field (`title`, `seo.title`, `tags.0`) or a query or path parameter name'),
  message: z.string().describe('A sentence a form can show next to the field')
})

/** RFC 9457 problem details: the body of every error response. */
export const ProblemSchema = z.object({
  type: z.string().describe('A URI naming the kind of problem, e.g. `urn:broadsheet:problem:validation`'),
  title: z.string().describe('Short summary of the kind of problem'),
  status: z.number().int().min(100).max(599).describe('The HTTP status code'),
  detail: z.string().describe('What went wrong with this request'),
  requestId: z.string().optional().describe('The X-Request-Id of the request, to quote when reporting a problem'),
  errors: z.array(FieldErrorSchema).optional().describe('Every invalid field (validation errors only)')
}).meta({
  id: 'Problem',
  description: 'An application/problem+json error body (RFC 9457)',
  examples: [{
    type: 'urn:broadsheet:problem:validation',
    title: 'Bad Request',
    status: 400,
    detail: 'The request body has 2 invalid fields',
    requestId: 'b3f5c1d2-4a7e-4a43-9d0b-6a8f1e2c3d4e',
    errors: [{ path: 'name', message: 'Required' }, { path: 'slug', message: 'Use lower-case letters, digits and hyphens' }]
  }]
})

export type Problem = z.infer<typeof ProblemSchema>

const descriptions: Record<number, string> = {
  304: 'Not modified: the ETag in If-None-Match is current',
  400: 'Invalid input: `errors` names every bad field',
  401: 'No token, or an unknown or revoked one',
  403: 'The token is valid but its role may not do this',
  404: 'Not found',
  409: 'Conflict: the slug or key is taken, or the resource is in use',
  412: 'The If-Match ETag is stale: nothing was changed',
  413: 'The request body is too large',
  415: 'The request body is not JSON',
  422: 'The Idempotency-Key was used with another body',
  429: 'Too many requests: see Retry-After',
  500: 'Unexpected server error (no details are disclosed; quote the requestId)'
}

/** Response-schema entries for error statuses, as application/problem+json in OpenAPI. */
export function problemResponses (...statuses: number[]) {
  const out: Record<number, { description: string, content: { 'application/problem+json': { schema: typeof ProblemSchema } } }> = {}
  for (const status of statuses) {
    out[status] = {
      description: descriptions[status] ?? STATUS_CODES[status] ?? 'Error',
      content: { 'application/problem+json': { schema: ProblemSchema } }
    }
  }
  return out
}

/** Builds a problem body; kind becomes the `type` URN. */
export function problem (status: number, kind: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `urn:broadsheet:problem:${kind}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extra
  }
}
