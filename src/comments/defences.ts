// Comment spam defences: honeypot, blocklist, link limit and first-time moderation.
import type { CommenterProof } from './commenter-token.js'
import type { CommentSettings } from './settings.js'
import { countLinks } from './render.js'

export interface Submission {
  body: string
  authorName: string
  authorEmail: string
  authorUrl: string | null
  homepage: string | undefined
  ip: string | null
}

/** The word, email or IP of the blocklist this submission matches, if any. */
export function blocklistMatch (list: CommentSettings['blocklist'], s: Submission): string | undefined {
  if (list.words.length === 0 && list.emails.length === 0 && list.ips.length === 0) return undefined
  const haystack = `${s.body}\n${s.authorName}\n${s.authorEmail}\n${s.authorUrl ?? ''}`.toLocaleLowerCase('und')
  const word = list.words.find((w) => haystack.includes(w.toLocaleLowerCase('und')))
  if (word) return `word:${word}`
  const email = list.emails.find((e) => {
    const entry = e.toLowerCase()
    return entry.startsWith('@') ? s.authorEmail.endsWith(entry) : s.authorEmail === entry
  })
  if (email) return `email:${email}`
  const ip = s.ip === null ? undefined : list.ips.find((p) => (/[.:]$/.test(p) ? s.ip!.startsWith(p) : s.ip === p))
  if (ip) return `ip:${ip}`
  return undefined
}

/**
 * What the spam defences make of a submission: spam (honeypot, blocklist, too many links
 * when set so) is stored as spam; otherwise the moderation policy decides between pending
 * and approved. Under first-time moderation an email with an approved comment is approved
 * only when `proof` is valid (a commenter token for it whose chain holds an approved comment):
 * the email alone is public knowledge (avatarHash). `flags` records why, for moderators.
 * The two lookups are asked for only when the policy needs them.
 */
export async function judge (settings: CommentSettings, s: Submission, hasApprovedBefore: () => Promise<boolean>, proof: () => Promise<CommenterProof>): Promise<{ status: 'pending' | 'approved' | 'spam', flags: string[] }> {
  const flags: string[] = []
  if (s.homepage !== undefined && s.homepage.trim() !== '') flags.push('honeypot')
  const blocked = blocklistMatch(settings.blocklist, s)
  if (blocked) flags.push(`blocklist:${blocked}`)
  const links = countLinks(s.body)
  const tooManyLinks = links > settings.maxLinks
  if (tooManyLinks) flags.push(`links:${links}`)
  if (flags.includes('honeypot') || blocked || (tooManyLinks && settings.linkAction === 'spam')) return { status: 'spam', flags }
  if (tooManyLinks) return { status: 'pending', flags }
  if (settings.moderation === 'all') return { status: 'pending', flags: [...flags, 'moderation:all'] }
  if (settings.moderation === 'none') return { status: 'approved', flags }
  if (!await hasApprovedBefore()) return { status: 'pending', flags: [...flags, 'first-time'] }
  const proven = await proof()
  return proven === 'valid' ? { status: 'approved', flags } : { status: 'pending', flags: [...flags, `unproven-email:${proven}`] }
}
