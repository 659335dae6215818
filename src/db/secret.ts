// The signing secret: the configured one, or one generated once and stored.
import { randomBytes } from 'node:crypto'
import type { SettingsRepository } from './settings.js'

/** The signing secret: the configured one, else one generated once and kept in the database. */
export function loadSecret (settings: SettingsRepository, configured: string | undefined): string {
  if (configured) return configured
  return settings.get('secret') ?? settings.putIfAbsent('secret', randomBytes(32).toString('base64url'))
}
