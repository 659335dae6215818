// Data access of ad slots, campaigns and creatives, on either database.
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import type { adCampaigns, adCreatives, adSlots } from '../db/schema.js'
import { InUseError } from '../lib/errors.js'
import { parseIdOrSlug } from '../lib/id-or-slug.js'

export type SlotRow = typeof adSlots.$inferSelect
export type CampaignRow = typeof adCampaigns.$inferSelect
export type CreativeRow = typeof adCreatives.$inferSelect

type Table = typeof adSlots | typeof adCampaigns | typeof adCreatives

/**
 * How often a read-check-write retries when another writer changed the row in between (only
 * PostgreSQL's read-committed transactions can meet that; SQLite's hold the write lock).
 */
const RACE_RETRIES = 5

/**
 * Plain CRUD over one ad table: keyset lists by id, partial updates that bump the revision.
 * Updates and deletes are conditional on the revision they checked, so a concurrent change
 * (on PostgreSQL) is read again and checked again rather than overwritten.
 */
function crud<Row extends { id: number, revision: number }> (db: Executor, table: Table) {
  const t = table as typeof adSlots
  const read = (ex: Executor, id: number) => ex.get(ex.orm.select().from(t).where(eq(t.id, id))) as Promise<Row | undefined>

  /** Reads the row in a transaction, lets `body` check it, and retries when the conditional write lost a race. */
  const guarded = <R>(id: number, body: (tx: Executor, row: Row) => Promise<R | undefined>, missing: R) =>
    db.transaction(async (tx) => {
      for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
        const current = await read(tx, id)
        if (!current) return missing
        const result = await body(tx, current)
        if (result !== undefined) return result
      }
      throw new Error(`ad row ${id} kept changing under a write`)
    })

  return {
    list (opts: { limit: number, afterId?: number | undefined, where?: SQL | undefined }): Promise<Row[]> {
      return db.all(db.orm.select().from(t).where(and(opts.afterId !== undefined ? gt(t.id, opts.afterId) : undefined, opts.where))
        .orderBy(asc(t.id)).limit(opts.limit + 1)) as Promise<Row[]>
    },
    /** The row, or undefined; `ex` is the transaction to read in, when a check runs inside one. */
    get (id: number, ex: Executor = db): Promise<Row | undefined> {
      return read(ex, id)
    },
    async create (values: Record<string, unknown>, now: string): Promise<Row> {
      return await db.get(db.orm.insert(t).values({ ...values, createdAt: now, updatedAt: now } as never).returning()) as unknown as Row
    },
    /**
     * Applies the change if `check` passes on the current row, inside one transaction (what
     * `check` reads goes through its `tx`); `also` runs in it after the write (with the old and
     * new rows). Undefined when there is no such row.
     */
    update (id: number, values: Record<string, unknown>, now: string, check?: (row: Row, tx: Executor) => void | Promise<void>,
      also?: (tx: Executor, before: Row, after: Row) => Promise<void>): Promise<Row | undefined> {
      return guarded(id, async (tx, current) => {
        await check?.(current, tx)
        const row = await tx.get(tx.orm.update(t).set({ ...values, revision: sql`${t.revision} + 1`, updatedAt: now } as never)
          .where(and(eq(t.id, id), eq(t.revision, current.revision))).returning()) as Row | undefined
        if (row && also) await also(tx, current, row)
        return row
      }, undefined)
    },
    /** Deletes the row if `check` passes on it; false when there is no such row. */
    remove (id: number, check?: (row: Row, tx: Executor) => void | Promise<void>): Promise<boolean> {
      return guarded(id, async (tx, current) => {
        await check?.(current, tx)
        return await tx.run(tx.orm.delete(t).where(and(eq(t.id, id), eq(t.revision, current.revision)))) > 0 ? true : undefined
      }, false)
    }
  }
}

/** Ad slots, campaigns and creatives; created once per app (the engine's `repo`, `app.ads.repo`). */
export function createAdsRepository (db: Executor) {
  const { adSlots, adCampaigns, adCreatives } = db.tables
  const slots = crud<SlotRow>(db, adSlots)
  const campaigns = crud<CampaignRow>(db, adCampaigns)
  const creatives = crud<CreativeRow>(db, adCreatives)

  /** The campaigns whose slotKeys name `key` (slotKeys is JSON: filtered here, there are few campaigns). */
  const campaignsListing = async (ex: Executor, key: string) =>
    (await ex.all(ex.orm.select({ id: adCampaigns.id, slotKeys: adCampaigns.slotKeys }).from(adCampaigns).orderBy(asc(adCampaigns.id))))
      .filter((c) => c.slotKeys.includes(key))

  return {
    slots: {
      ...slots,
      async findByIdOrKey (value: string): Promise<SlotRow | undefined> {
        const key = parseIdOrSlug(value)
        return 'id' in key ? await slots.get(key.id) : await db.get(db.orm.select().from(adSlots).where(eq(adSlots.key, key.slug)))
      },
      async keyTaken (key: string, exceptId?: number): Promise<boolean> {
        const row = await db.get(db.orm.select({ id: adSlots.id }).from(adSlots).where(eq(adSlots.key, key)))
        return row !== undefined && row.id !== exceptId
      },
      async existingKeys (keys: string[]): Promise<Set<string>> {
        if (keys.length === 0) return new Set()
        return new Set((await db.all(db.orm.select({ key: adSlots.key }).from(adSlots).where(inArray(adSlots.key, keys)))).map((r) => r.key))
      },
      /** Updates a slot; a new key is written into every campaign that listed the old one, in the same transaction. */
      update (id: number, values: Record<string, unknown>, now: string, check?: (row: SlotRow) => void): Promise<SlotRow | undefined> {
        return slots.update(id, values, now, check, async (tx, before, after) => {
          if (before.key === after.key) return
          for (const campaign of await campaignsListing(tx, before.key)) {
            await tx.run(tx.orm.update(adCampaigns).set({
              slotKeys: campaign.slotKeys.map((k) => (k === before.key ? after.key : k)),
              revision: sql`${adCampaigns.revision} + 1`,
              updatedAt: now
            }).where(eq(adCampaigns.id, campaign.id)))
          }
        })
      },
      /** Deletes a slot no campaign lists (InUseError otherwise); false when there is no such slot. */
      remove (id: number, check?: (row: SlotRow) => void): Promise<boolean> {
        return slots.remove(id, async (row, tx) => {
          const users = await campaignsListing(tx, row.key)
          if (users.length > 0) throw new InUseError(`${users.length} campaign${users.length === 1 ? ' lists' : 's list'} this slot (ids ${users.map((c) => c.id).join(', ')}); remove it from their slotKeys first`)
          check?.(row)
        })
      }
    },
    campaigns: {
      ...campaigns,
      filterStatus: (status: CampaignRow['status']) => eq(adCampaigns.status, status)
    },
    creatives: {
      ...creatives,
      filterCampaign: (campaignId: number) => eq(adCreatives.campaignId, campaignId),
      ofCampaign (campaignId: number): Promise<CreativeRow[]> {
        return db.all(db.orm.select().from(adCreatives).where(eq(adCreatives.campaignId, campaignId)).orderBy(asc(adCreatives.id)))
      }
    },
    /** Everything serving needs, in id order (selection's tie order), read in three queries; the engine keeps it in memory. */
    async snapshot () {
      const [slotRows, campaignRows, creativeRows] = await Promise.all([
        db.all(db.orm.select().from(adSlots).orderBy(asc(adSlots.id))),
        db.all(db.orm.select().from(adCampaigns).orderBy(asc(adCampaigns.id))),
        db.all(db.orm.select().from(adCreatives).orderBy(asc(adCreatives.id)))
      ])
      return { slots: slotRows, campaigns: campaignRows, creatives: creativeRows }
    }
  }
}

export type AdsRepository = ReturnType<typeof createAdsRepository>
