// Data access of ad slots, campaigns and creatives.
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { adCampaigns, adCreatives, adSlots } from '../db/schema.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'

export type SlotRow = typeof adSlots.$inferSelect
export type CampaignRow = typeof adCampaigns.$inferSelect
export type CreativeRow = typeof adCreatives.$inferSelect

type Table = typeof adSlots | typeof adCampaigns | typeof adCreatives

/** Plain CRUD over one ad table: keyset lists by id, partial updates that bump the revision. */
function crud<T extends Table, Row extends { id: number, revision: number }> (db: Db, table: T) {
  const t = table as typeof adSlots
  return {
    list (opts: { limit: number, afterId?: number | undefined, where?: ReturnType<typeof eq> | undefined }): Row[] {
      return db.select().from(t).where(and(opts.afterId !== undefined ? gt(t.id, opts.afterId) : undefined, opts.where))
        .orderBy(asc(t.id)).limit(opts.limit + 1).all() as unknown as Row[]
    },
    get (id: number): Row | undefined {
      return db.select().from(t).where(eq(t.id, id)).get() as unknown as Row | undefined
    },
    create (values: Record<string, unknown>, now: string): Row {
      return db.insert(t).values({ ...values, createdAt: now, updatedAt: now } as never).returning().get() as unknown as Row
    },
    /** Applies the change if `check` passes on the current row inside the transaction. */
    update (id: number, values: Record<string, unknown>, now: string, check?: (row: Row) => void): Row | undefined {
      return db.transaction(() => {
        const current = db.select().from(t).where(eq(t.id, id)).get() as unknown as Row | undefined
        if (!current) return undefined
        check?.(current)
        return db.update(t).set({ ...values, revision: sql`${t.revision} + 1`, updatedAt: now } as never)
          .where(eq(t.id, id)).returning().get() as unknown as Row
      }, { behavior: 'immediate' })
    },
    remove (id: number, check?: (row: Row) => void): boolean {
      return db.transaction(() => {
        const current = db.select().from(t).where(eq(t.id, id)).get() as unknown as Row | undefined
        if (!current) return false
        check?.(current)
        db.delete(t).where(eq(t.id, id)).run()
        return true
      }, { behavior: 'immediate' })
    }
  }
}

/** Ad slots, campaigns and creatives. */
export function createAdsRepository (db: Db) {
  const slots = crud<typeof adSlots, SlotRow>(db, adSlots)
  return {
    slots: {
      ...slots,
      findByIdOrKey (value: string): SlotRow | undefined {
        const key = parseIdOrSlug(value)
        return 'id' in key ? slots.get(key.id) : db.select().from(adSlots).where(eq(adSlots.key, key.slug)).get()
      },
      keyTaken (key: string, exceptId?: number): boolean {
        const row = db.select({ id: adSlots.id }).from(adSlots).where(eq(adSlots.key, key)).get()
        return row !== undefined && row.id !== exceptId
      },
      existingKeys (keys: string[]): Set<string> {
        if (keys.length === 0) return new Set()
        return new Set(db.select({ key: adSlots.key }).from(adSlots).all().map((r) => r.key).filter((k) => keys.includes(k)))
      }
    },
    campaigns: {
      ...crud<typeof adCampaigns, CampaignRow>(db, adCampaigns),
      filterStatus: (status: CampaignRow['status']) => eq(adCampaigns.status, status)
    },
    creatives: {
      ...crud<typeof adCreatives, CreativeRow>(db, adCreatives),
      filterCampaign: (campaignId: number) => eq(adCreatives.campaignId, campaignId),
      ofCampaign (campaignId: number): CreativeRow[] {
        return db.select().from(adCreatives).where(eq(adCreatives.campaignId, campaignId)).all()
      }
    },
    /** Everything serving needs, read in three queries; the server keeps it in memory. */
    snapshot () {
      return {
        slots: db.select().from(adSlots).all(),
        campaigns: db.select().from(adCampaigns).all(),
        creatives: db.select().from(adCreatives).all()
      }
    }
  }
}

export type AdsRepository = ReturnType<typeof createAdsRepository>
