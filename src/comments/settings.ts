// Comment settings (moderation and defences), stored in the settings table.
import { z } from 'zod'
import type { SettingsRepository } from '../db/settings.js'

const KEY = 'comments' as const

/** How comments are moderated and defended; stored in the settings table, edited by admins. */
export const CommentSettingsSchema = z.strictObject({
  moderation: z.enum(['all', 'first-time', 'none'], { error: 'moderation must be all, first-time or none' }).default('first-time')
    .describe('all: every comment waits for a moderator; first-time: until the same email has an approved comment; none: approved at once'),
  maxDepth: z.number().int().min(1).max(20).default(5).describe('Deepest reply nesting (a top-level comment has depth 1)'),
  maxLength: z.number().int().min(100).max(20_000).default(5000).describe('Most characters in a comment body'),
  maxLinks: z.number().int().min(0).max(50).default(2).describe('Most web links in a comment before linkAction applies'),
  linkAction: z.enum(['pending', 'spam']).default('pending').describe('What happens to a comment with more than maxLinks links'),
  duplicateWindowMinutes: z.number().int().min(0).max(60 * 24 * 7).default(10)
    .describe('The same email posting the same body on the same article within this window is refused with 409'),
  postsPerMinute: z.number().int().min(1).max(1_000_000_000).default(5).describe('Comment posts one client address may make per minute'),
  blocklist: z.strictObject({
    words: z.array(z.string().trim().min(1).max(100, 'A blocked word has at most 100 characters')).max(1000, 'At most 1000 blocked words').default([])
      .describe('Case-insensitive words or phrases in the body, name, email or URL (at most 1000, 100 characters each)'),
    emails: z.array(z.string().trim().min(1).max(320, 'A blocked email has at most 320 characters')).max(1000, 'At most 1000 blocked emails').default([])
      .describe('Whole addresses, or domains written as @example.com (at most 1000)'),
    ips: z.array(z.string().trim().min(1).max(64, 'A blocked address has at most 64 characters')).max(1000, 'At most 1000 blocked addresses').default([])
      .describe('Addresses, or prefixes ending in . or : (203.0.113.) (at most 1000)')
  }).default({ words: [], emails: [], ips: [] }).describe('A match stores the comment as spam')
}).meta({
  id: 'CommentSettings',
  description: 'Comment moderation and spam defences',
  examples: [{ moderation: 'first-time', maxDepth: 5, maxLength: 5000, maxLinks: 2, linkAction: 'pending', duplicateWindowMinutes: 10, postsPerMinute: 5, blocklist: { words: ['casino'], emails: ['@spam.example'], ips: ['203.0.113.'] } }]
})

export type CommentSettings = z.infer<typeof CommentSettingsSchema>

/**
 * Reads and writes the comment settings, keeping the parsed value in memory: read once at
 * start (every comment post consults it, some synchronously), replaced by each write.
 */
export async function createCommentSettings (settings: SettingsRepository, now: () => Date) {
  const stored = await settings.get(KEY)
  const parsed = CommentSettingsSchema.safeParse(stored !== undefined ? JSON.parse(stored) : {})
  let current: CommentSettings = parsed.success ? parsed.data : CommentSettingsSchema.parse({})
  return {
    get (): CommentSettings {
      return current
    },
    async set (value: CommentSettings): Promise<CommentSettings> {
      await settings.put(KEY, JSON.stringify(value), now().toISOString())
      current = value
      return value
    }
  }
}

export type CommentSettingsStore = Awaited<ReturnType<typeof createCommentSettings>>
