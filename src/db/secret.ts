// The signing secret: the configured one, or one generated once and stored.
import { randomBytes } from 'node:crypto'
import type { SettingsRepository } from './settings.js'

/** The signing secret: the configured one, else one generated once and kept in the database. */
export async function loadSecret (settings: SettingsRepository, configured: string | undefined): Promise<string> {
  if (configured) return configured
  return await settings.get('secret') ?? await settings.putIfAbsent('secret', randomBytes(32).toString('base64url'))
}
