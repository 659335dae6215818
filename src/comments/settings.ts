import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../db/client.js'
import { settings } from '../db/schema.js'

const KEY = 'comments'

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
}).meta({ id: 'CommentSettings', description: 'Comment moderation and spam defences' })

export type CommentSettings = z.infer<typeof CommentSettingsSchema>

/** Reads and writes the comment settings, keeping the parsed value in memory between writes. */
export function createCommentSettings (db: Db) {
  let cached: CommentSettings | undefined
  return {
    get (): CommentSettings {
      if (cached) return cached
      const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY)).get()
      const parsed = CommentSettingsSchema.safeParse(row ? JSON.parse(row.value) : {})
      cached = parsed.success ? parsed.data : CommentSettingsSchema.parse({})
      return cached
    },
    set (value: CommentSettings): CommentSettings {
      const text = JSON.stringify(value)
      db.insert(settings).values({ key: KEY, value: text })
        .onConflictDoUpdate({ target: settings.key, set: { value: text, updatedAt: new Date().toISOString() } }).run()
      cached = value
      return value
    }
  }
}

export type CommentSettingsStore = ReturnType<typeof createCommentSettings>
