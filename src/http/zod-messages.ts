// zod's global error map: one wording for a missing field everywhere; other messages come from each schema.
import { z } from 'zod'

z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'Required'
    return undefined
  }
})
