import { z } from 'zod'

// One wording for a missing field everywhere; other messages come from each schema.
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'Required'
    return undefined
  }
})
