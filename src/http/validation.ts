// The request validator: zod, skipped only where its answer is known in advance.
import type { FastifySchemaCompiler } from 'fastify'
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { nulMessage, nulPath } from '../lib/nul.js'

/** A validator's answer for "valid, leave the request part as it is". */
const UNCHANGED = Object.freeze({})

/**
 * The keys of a headers schema that can be skipped when none of them is sent: a loose
 * object (other headers pass through) without checks of its own, whose every field accepts
 * absence as absence.
 * Undefined when the schema must always run (a required header, a default).
 */
function skippableKeys (schema: unknown): string[] | undefined {
  if (!(schema instanceof z.ZodObject) || !(schema.def.catchall instanceof z.ZodUnknown)) return undefined
  // A check on the whole object (refine, superRefine) may fail with none of the keys sent.
  if ((schema.def.checks?.length ?? 0) > 0) return undefined
  const shape = schema.shape as Record<string, z.ZodType>
  const keys = Object.keys(shape)
  const absentStaysAbsent = keys.every((key) => {
    const result = shape[key]!.safeParse(undefined)
    return result.success && result.data === undefined
  })
  return absentStaysAbsent ? keys : undefined
}

/**
 * The fields of an object schema made only of strings with length limits (the path params
 * of most routes: an id or slug, an ad token), as [key, min, max]; undefined for any other
 * schema (a number, a pattern, a transform, an optional field, a check on the object).
 */
function stringLengthFields (schema: unknown): Array<[string, number, number]> | undefined {
  if (!(schema instanceof z.ZodObject) || schema.def.catchall !== undefined || (schema.def.checks?.length ?? 0) > 0) return undefined
  const fields: Array<[string, number, number]> = []
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (!(field instanceof z.ZodString)) return undefined
    let min = 0
    let max = Number.POSITIVE_INFINITY
    for (const check of field.def.checks ?? []) {
      const def = check._zod.def as { check: string, minimum?: number, maximum?: number }
      if (def.check === 'min_length') min = Math.max(min, def.minimum!)
      else if (def.check === 'max_length') max = Math.min(max, def.maximum!)
      else return undefined
    }
    fields.push([key, min, max])
  }
  return fields
}

/**
 * The schema with one more check: no string in what it accepts holds U+0000. PostgreSQL's
 * text cannot store it, so it is refused here, field by field, the same on both databases.
 */
function withoutNul (schema: z.ZodType): z.ZodType {
  return schema.superRefine((value, ctx) => {
    const path = nulPath(value)
    if (path) ctx.addIssue({ code: 'custom', path, message: nulMessage(path), input: value })
  })
}

/**
 * fastify-type-provider-zod's validator, every string of a body, query or path checked for
 * U+0000 (headers cannot carry it: HTTP refuses it), except in two cases where zod's answer is known
 * without running it, and zod still runs whenever it would say something else:
 * - optional headers (If-Match, Idempotency-Key): a request that sends none of them is valid
 *   as it is, so zod need not copy every header of every request to say so;
 * - path params that are strings with length limits: the router gives only the route's own
 *   params, as strings, so params within the limits are what zod would return, and a beacon
 *   skips a parse that is a noticeable share of its cost (docs/performance.md).
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const schema = route.httpPart === 'headers' || !(route.schema instanceof z.ZodType) ? route.schema : withoutNul(route.schema)
  const validate = zodValidatorCompiler({ ...route, schema })
  const keys = route.httpPart === 'headers' ? skippableKeys(route.schema) : undefined
  if (keys) {
    return (data: unknown) => {
      const headers = data as Record<string, unknown>
      for (const key of keys) if (headers[key] !== undefined) return validate(data)
      return UNCHANGED
    }
  }
  const fields = route.httpPart === 'params' ? stringLengthFields(route.schema) : undefined
  if (fields) {
    return (data: unknown) => {
      const params = data as Record<string, unknown>
      for (const [key, min, max] of fields) {
        const value = params[key]
        if (typeof value !== 'string' || value.length < min || value.length > max || value.includes('\u0000')) return validate(data)
      }
      return UNCHANGED
    }
  }
  return validate
}
