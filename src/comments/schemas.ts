// Zod schemas of comments: the public, posted and moderation shapes, the form and list queries.
import { z } from 'zod'
import { commentStatuses } from '../db/schema.js'
import { PageQuerySchema, pageSchema, queryBoolean } from '../http/pagination.js'
import { idField, TimestampSchema } from '../http/schemas.js'
import { COMMENTER_TOKEN_DAYS, COMMENTER_TOKEN_MAX } from './commenter-token.js'

export const CommentStatusSchema = z.enum(commentStatuses, { error: 'status must be pending, approved, spam or trash' })

const publicFields = {
  id: z.number().int().positive(),
  articleId: z.number().int().positive(),
  parentId: z.number().int().positive().nullable(),
  authorName: z.string(),
  authorUrl: z.string().nullable(),
  avatarHash: z.string().describe('SHA-256 of the trimmed, lower-cased email: use it for Gravatar-style avatars'),
  body: z.string().describe('Plain text, as written'),
  html: z.string().describe('The body escaped, with web links as rel="nofollow ugc" anchors: safe to insert'),
  createdAt: TimestampSchema
}

const COMMENT_EXAMPLE = {
  id: 12,
  articleId: 1,
  parentId: null,
  authorName: 'Rosa',
  authorUrl: 'https://rosa.example.net',
  avatarHash: 'b58996c504c5638798eb6b511e6f49af8e5e8f0c1d2b3a4f5e6d7c8b9a0f1e2d',
  body: 'Dry floors for the first time in years. See https://example.org/tide',
  html: '<p>Dry floors for the first time in years. See <a href="https://example.org/tide" rel="nofollow ugc">https://example.org/tide</a></p>',
  createdAt: '2025-01-29T09:12:00.000Z'
}

export const CommentSchema = z.object(publicFields).meta({
  id: 'Comment',
  description: 'An approved comment as the public sees it (never the email, IP or user agent)',
  examples: [COMMENT_EXAMPLE]
})

export interface CommentNode extends z.infer<typeof CommentSchema> { replies: CommentNode[] }

export const CommentNodeSchema: z.ZodType<CommentNode> = z.lazy(() => CommentSchema.extend({
  replies: z.array(CommentNodeSchema).describe('Approved replies, oldest first')
})).meta({ id: 'CommentNode', description: 'An approved comment with its approved replies nested' })

export const PostedCommentSchema = CommentSchema.extend({
  status: z.enum(['pending', 'approved']).describe('approved: shown now; pending: "awaiting moderation"'),
  commenterToken: z.string().describe(`Signed proof that this browser posted with this email, valid ${COMMENTER_TOKEN_DAYS} days. Store it (the demo form keeps it in localStorage) and send it back as \`commenterToken\` with later posts: under first-time moderation a returning commenter is approved at once only with it, once a comment posted with it was approved. Every post answers a fresh one, renewing the one it was sent.`)
}).meta({
  id: 'PostedComment',
  description: 'The comment just posted and whether it is shown yet',
  examples: [{ ...COMMENT_EXAMPLE, status: 'pending', commenterToken: 'eyJrIjoiYjU4OTk2YzUiLCJlIjoxNzQwNzM2MDAwfQ.c2lnbmF0dXJl' }]
})

export const ModerationCommentSchema = CommentSchema.extend({
  status: CommentStatusSchema,
  authorEmail: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  flags: z.array(z.string()).describe('Why the spam defences decided as they did: honeypot, blocklist, links, first-time …'),
  updatedAt: TimestampSchema
}).meta({
  id: 'ModerationComment',
  description: 'A comment as moderators see it, with email and IP',
  examples: [{ ...COMMENT_EXAMPLE, status: 'pending', authorEmail: 'rosa@example.net', ip: '192.0.2.44', userAgent: 'Mozilla/5.0', flags: ['first-time'], updatedAt: '2025-01-29T09:12:00.000Z' }]
})

const required = (message: string) => (issue: { input: unknown }) => (issue.input === undefined || issue.input === null ? message : undefined)

// A lone UTF-16 surrogate cannot be stored as UTF-8: SQLite would keep U+FFFD in its place, so
// the text becomes that before it is checked, stored and answered.
const wellFormed = (text: string) => text.toWellFormed()

export const NewCommentSchema = z.strictObject({
  body: z.string({ error: required('Please enter your comment') }).trim().overwrite(wellFormed).min(1, 'Please enter your comment')
    .max(20_000, 'Your comment is too long'),
  authorName: z.string({ error: required('Please enter your name') }).trim().overwrite(wellFormed).min(1, 'Please enter your name')
    .max(100, 'Please keep your name under 100 characters'),
  authorEmail: z.string({ error: required('Please enter a valid email address') }).trim()
    .max(254, 'Please enter a valid email address')
    .pipe(z.email({ error: 'Please enter a valid email address' })),
  authorUrl: z.union([
    z.literal('').transform(() => null),
    z.url({ protocol: /^https?$/, error: 'Please enter a website address starting with http:// or https://' })
      .max(500, 'Please keep the website address under 500 characters')
  ]).nullable().optional(),
  parentId: idField('parentId', 'parentId must be the id of the comment you reply to').nullable().optional(),
  commenterToken: z.string().max(COMMENTER_TOKEN_MAX, `commenterToken is at most ${COMMENTER_TOKEN_MAX} characters: send back the one a post answered`).optional()
    .describe(`The \`commenterToken\` of an earlier post's answer. Under first-time moderation a post is approved at once only when it sends a valid token for its email and a comment posted with that token (or an earlier one it was renewed from) has been approved. Without it, or with one that is forged, expired, for another email or never approved, the post waits for moderation like a first-timer, flagged \`unproven-email:<why>\` for moderators: never an error. Over ${COMMENTER_TOKEN_MAX} characters or not a string: 400.`),
  homepage: z.string().max(2000).optional()
    .describe('Honeypot: leave empty. The demo form hides this field from people; a bot that fills it is stored as spam and answered like anyone else.')
}).meta({
  id: 'NewComment',
  description: 'The "Leave a reply" form',
  examples: [{ body: 'Dry floors for the first time in years.', authorName: 'Rosa', authorEmail: 'rosa@example.net', authorUrl: 'https://rosa.example.net' }]
})

export const CommentListQuerySchema = PageQuerySchema.extend({
  sort: z.enum(['oldest', 'newest'], { error: 'sort must be oldest or newest' }).default('oldest'),
  tree: queryBoolean.optional().describe('true: top-level comments are paged, each with its approved replies nested under `replies`')
})

export const CommentPageSchema = pageSchema(CommentSchema).meta({ id: 'CommentPage', description: 'A page of approved comments' })
export const CommentTreePageSchema = pageSchema(CommentNodeSchema).meta({ id: 'CommentTreePage', description: 'A page of approved top-level comments with their replies' })

export const ModerationQuerySchema = PageQuerySchema.extend({
  status: z.string().max(100).default('pending')
    .transform((v, ctx) => {
      if (v === 'any') return [...commentStatuses]
      const list = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))]
      if (list.length === 0 || list.some((s) => !(commentStatuses as readonly string[]).includes(s))) {
        ctx.addIssue({ code: 'custom', message: `status takes any, or a comma list of ${commentStatuses.join(', ')}` })
        return z.NEVER
      }
      return list as Array<typeof commentStatuses[number]>
    })
    .describe('Default pending (the queue); a comma list or any'),
  article: z.string().min(1).max(200).optional().describe('Article id or slug'),
  q: z.string().trim().min(1).max(200).optional().describe('Text in the body, name or email'),
  sort: z.enum(['oldest', 'newest']).default('newest')
})

export const ModerationPageSchema = pageSchema(ModerationCommentSchema).meta({ id: 'ModerationPage', description: 'A page of the moderation queue' })

export const UpdateCommentSchema = z.strictObject({
  status: CommentStatusSchema.optional(),
  body: z.string().trim().min(1, 'Please enter the comment').max(20_000).optional()
}).refine((v) => v.status !== undefined || v.body !== undefined, { message: 'Send status or body' })
  .meta({ id: 'UpdateComment', examples: [{ status: 'approved' }] })

export const BulkStatusSchema = z.strictObject({
  ids: z.array(idField('A comment id')).min(1, 'Send at least one id').max(100, 'At most 100 comments at once')
    .describe('Comment ids, 1 to 100'),
  status: CommentStatusSchema
}).meta({ id: 'BulkCommentStatus', examples: [{ ids: [12, 13, 14], status: 'approved' }] })

export const BulkResultSchema = z.object({
  updated: z.number().int().nonnegative().describe('Comments whose status changed'),
  notFound: z.array(z.number().int().positive()).describe('Ids that match no comment')
}).meta({ id: 'BulkCommentResult', examples: [{ updated: 2, notFound: [14] }] })

export const EraseQuerySchema = z.object({
  email: z.string().trim().max(254).pipe(z.email({ error: 'email must be the commenter\'s email address' }))
    .describe('Every comment stored with this email (any case) is deleted for good')
})

export const EraseResultSchema = z.object({
  erased: z.number().int().nonnegative().describe('Comments deleted')
}).meta({ id: 'EraseResult', examples: [{ erased: 3 }] })
