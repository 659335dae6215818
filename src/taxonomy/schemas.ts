// Zod schemas of categories, tags and authors.
import { z } from 'zod'
import { PageQuerySchema, pageSchema } from '../http/pagination.js'
import { SlugSchema } from '../lib/slug.js'
import { idField, TimestampSchema } from '../http/schemas.js'
import { fieldsQuery } from '../http/fields.js'

const name = z.string().trim().min(1, 'name must not be empty').max(100, 'name has at most 100 characters')
const httpUrl = z.url({ protocol: /^https?$/, error: 'Use an http or https URL' }).max(2000, 'A URL has at most 2000 characters')

const common = {
  id: z.number().int().positive(),
  slug: z.string(),
  name: z.string(),
  articleCount: z.number().int().nonnegative().describe('Published articles in this group')
}
const stamps = { createdAt: TimestampSchema, updatedAt: TimestampSchema }

export const CategorySchema = z.object({
  ...common,
  description: z.string().nullable(),
  parentId: z.number().int().positive().nullable().describe('The parent category, for nested sections'),
  ...stamps
}).meta({
  id: 'Category',
  description: 'A section of the site (World, Politics …)',
  examples: [{ id: 1, slug: 'world', name: 'World', description: 'News from around the globe', parentId: null, articleCount: 12, createdAt: '2025-01-29T08:00:00.000Z', updatedAt: '2025-01-29T08:00:00.000Z' }]
})

export const TagSchema = z.object({ ...common, ...stamps }).meta({
  id: 'Tag',
  description: 'A topic articles are tagged with',
  examples: [{ id: 4, slug: 'climate', name: 'Climate', articleCount: 3, createdAt: '2025-01-29T08:00:00.000Z', updatedAt: '2025-01-29T08:00:00.000Z' }]
})

export const AuthorSchema = z.object({
  ...common,
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  ...stamps
}).meta({
  id: 'Author',
  description: 'A byline',
  examples: [{ id: 2, slug: 'amara-okafor', name: 'Amara Okafor', bio: 'Foreign correspondent.', avatarUrl: null, articleCount: 7, createdAt: '2025-01-29T08:00:00.000Z', updatedAt: '2025-01-29T08:00:00.000Z' }]
})

const slug = SlugSchema.optional().describe('Derived from the name when absent (ASCII, unique with -2, -3 …); an explicit taken slug is 409. Changing the name never changes the slug.')

export const CreateCategorySchema = z.strictObject({
  name,
  slug,
  description: z.string().max(2000, 'description has at most 2000 characters').nullable().optional(),
  parentId: idField('parentId').nullable().optional()
}).meta({ id: 'CreateCategory', examples: [{ name: 'World', description: 'News from around the globe' }] })

export const CreateTagSchema = z.strictObject({ name, slug }).meta({ id: 'CreateTag', examples: [{ name: 'Climate' }] })

export const CreateAuthorSchema = z.strictObject({
  name,
  slug,
  bio: z.string().max(5000, 'bio has at most 5000 characters').nullable().optional(),
  avatarUrl: httpUrl.nullable().optional()
}).meta({ id: 'CreateAuthor', examples: [{ name: 'Amara Okafor', bio: 'Foreign correspondent.' }] })

const atLeastOne = (value: object) => Object.keys(value).length > 0
const atLeastOneMessage = { message: 'Send at least one field to change' }

export const UpdateCategorySchema = CreateCategorySchema.partial().refine(atLeastOne, atLeastOneMessage).meta({ id: 'UpdateCategory', examples: [{ description: 'News from every continent' }] })
export const UpdateTagSchema = CreateTagSchema.partial().refine(atLeastOne, atLeastOneMessage).meta({ id: 'UpdateTag', examples: [{ name: 'Climate crisis' }] })
export const UpdateAuthorSchema = CreateAuthorSchema.partial().refine(atLeastOne, atLeastOneMessage).meta({ id: 'UpdateAuthor', examples: [{ bio: 'Foreign correspondent, based in Lagos.' }] })

export function listQuery (keys: readonly string[]) {
  return PageQuerySchema.extend({
    q: z.string().trim().min(1).max(100, 'q has at most 100 characters').optional().describe('Only items whose name contains this text (case-insensitive)'),
    fields: fieldsQuery(keys)
  })
}

export function itemQuery (keys: readonly string[]) {
  return z.object({ fields: fieldsQuery(keys) })
}

export const DeleteQuerySchema = z.object({
  reassignTo: z.string().min(1).max(200).optional()
    .describe('Id or slug that takes over the articles of the deleted one; without it, deleting one that articles use is 409')
})

export const CategoryPageSchema = pageSchema(CategorySchema).meta({ id: 'CategoryPage', description: 'A page of categories' })
export const TagPageSchema = pageSchema(TagSchema).meta({ id: 'TagPage', description: 'A page of tags' })
export const AuthorPageSchema = pageSchema(AuthorSchema).meta({ id: 'AuthorPage', description: 'A page of authors' })

/**
 * The answers of a kind's reads: the full item (page), or with `?fields=` its projection,
 * documented as `<Name>Partial` (`<Name>PartialPage`) so projected bodies match the document.
 */
function answers<T extends z.ZodObject<typeof common>> (item: T, page: z.ZodType, name: string, plural: string) {
  const partial = item.partial().required({ id: true }).meta({ id: `${name}Partial`, description: `A ${name.toLowerCase()} projected by \`fields\`: the named properties only, and always \`id\`` })
  const partialPage = pageSchema(partial).meta({ id: `${name}PartialPage`, description: `A page of ${plural} projected by \`fields\`` })
  return {
    item: z.union([item, partial]).describe(`A ${name.toLowerCase()} (${name}; with \`fields\`, the projected form, ${name}Partial)`),
    page: z.union([page, partialPage]).describe(`A page of ${plural} (${name}Page; with \`fields\`, the projected form, ${name}PartialPage)`)
  }
}
export const CategoryAnswers = answers(CategorySchema, CategoryPageSchema, 'Category', 'categories')
export const TagAnswers = answers(TagSchema, TagPageSchema, 'Tag', 'tags')
export const AuthorAnswers = answers(AuthorSchema, AuthorPageSchema, 'Author', 'authors')
