import type { FastifySchemaCompiler } from 'fastify'
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'

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
 * fastify-type-provider-zod's validator, except for optional headers (If-Match,
 * Idempotency-Key): a request that sends none of them is valid as it is, so zod need not
 * copy every header of every request to say so. What zod would answer is unchanged.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = zodValidatorCompiler(route)
  const keys = route.httpPart === 'headers' ? skippableKeys(route.schema) : undefined
  if (!keys) return validate
  return (data: unknown) => {
    const headers = data as Record<string, unknown>
    for (const key of keys) if (headers[key] !== undefined) return validate(data)
    return UNCHANGED
  }
}
