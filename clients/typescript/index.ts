import createClient, { type Client } from 'openapi-fetch'
import type { paths } from './schema.js'

export type { components, operations, paths } from './schema.js'

/** What a Broadsheet client needs: where the API is and, for anything but public reads, a token. */
export interface BroadsheetClientOptions {
  /** The server's origin, such as `http://127.0.0.1:3000`: every path starts with `/v1`. */
  baseUrl: string
  /** An API token (`bs_…`), sent on every request as `Authorization: Bearer <token>`. */
  token?: string | undefined
}

export type BroadsheetClient = Client<paths>

/** An openapi-fetch client typed by Broadsheet's OpenAPI document (clients/typescript/schema.d.ts). */
export function createBroadsheetClient ({ baseUrl, token }: BroadsheetClientOptions): BroadsheetClient {
  return createClient<paths>({
    baseUrl,
    headers: token ? { authorization: `Bearer ${token}` } : {}
  })
}
