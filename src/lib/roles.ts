// Editorial roles, their order, and who a request acts as.
export const roles = ['admin', 'editor', 'author', 'contributor'] as const
export type Role = typeof roles[number]

/** Who a request acts as: its token, that token's role and the byline it writes as. */
export interface AuthContext { tokenId: number, role: Role, authorId: number | null }

const rank: Record<Role, number> = { contributor: 1, author: 2, editor: 3, admin: 4 }

/** True when a token of role `have` may do what needs role `need`. */
export function roleAtLeast (have: Role, need: Role): boolean {
  return rank[have] >= rank[need]
}

/** "An author", "A contributor": the role with its article, for messages. */
export function aRole (role: string): string {
  return `${/^[aeiou]/i.test(role) ? 'An' : 'A'} ${role}`
}
