// Types of commenter.js for the tests that import it (the site itself loads the plain module).

/** The subset of the Web Storage API the form uses. */
export interface TokenStorage {
  getItem: (key: string) => string | null
  setItem: (key: string, value: string) => void
}

export const COMMENTER_TOKEN_KEY: string
export function storedCommenterToken (storage: TokenStorage | null | undefined): string | null
export function rememberCommenterToken (storage: TokenStorage | null | undefined, posted: { commenterToken?: unknown } | null | undefined): void
export function replyBody (values: Record<string, unknown>, opts?: { parentId?: number | null, storage?: TokenStorage | null | undefined }): Record<string, unknown>
