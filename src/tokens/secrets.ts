// Roles and their order, and API token secrets and their hashes.
import { hash, randomBytes } from 'node:crypto'

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
