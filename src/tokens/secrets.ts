import { hash, randomBytes } from 'node:crypto'

export const roles = ['admin', 'editor', 'author', 'contributor'] as const
export type Role = typeof roles[number]

const rank: Record<Role, number> = { contributor: 1, author: 2, editor: 3, admin: 4 }

/** True when a token of role `have` may do what needs role `need`. */
export function roleAtLeast (have: Role, need: Role): boolean {
  return rank[have] >= rank[need]
}

/** A new API token secret: `bs_` and 256 random bits in base64url. */
export function generateSecret (): string {
  return `bs_${randomBytes(32).toString('base64url')}`
}

/** The stored form of a secret. */
export function hashSecret (secret: string): string {
  return hash('sha256', secret, 'hex')
}

/** The displayable beginning of a secret, enough to tell tokens apart. */
export function secretPrefix (secret: string): string {
  return secret.slice(0, 7)
}
