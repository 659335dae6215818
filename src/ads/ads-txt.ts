// Validation of ads.txt content, line by line, before it is stored.
const VARIABLE = /^(contact|subdomain|inventorypartnerdomain|ownerdomain|managerdomain)\s*=\s*\S.*$/i
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/** Checks ads.txt content line by line (IAB ads.txt 1.1); returns one error per bad line. */
export function validateAdsTxt (content: string): Array<{ path: string, message: string }> {
  const errors: Array<{ path: string, message: string }> = []
  const lines = content.split(/\r?\n/)
  if (lines.length > 10_000) return [{ path: 'content', message: 'ads.txt has at most 10000 lines' }]
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/#.*$/, '').trim()
    const path = `content.line${index + 1}`
    if (line === '' || VARIABLE.test(line)) continue
    const fields = line.split(',').map((f) => f.trim())
    if (fields.length < 3 || fields.length > 4) {
      errors.push({ path, message: `Line ${index + 1}: a record is "domain, publisher id, DIRECT or RESELLER[, certification id]"` })
      continue
    }
    const [domain, publisher, relation, cert] = fields as [string, string, string, string | undefined]
    if (!DOMAIN.test(domain)) errors.push({ path, message: `Line ${index + 1}: "${domain.slice(0, 100)}" is not a domain name` })
    else if (!/^[\w.:-]{1,200}$/.test(publisher)) errors.push({ path, message: `Line ${index + 1}: the publisher id must be letters, digits, dots, dashes or underscores` })
    else if (!/^(DIRECT|RESELLER)$/i.test(relation)) errors.push({ path, message: `Line ${index + 1}: the relationship must be DIRECT or RESELLER` })
    else if (cert !== undefined && !/^[a-z0-9]{1,64}$/i.test(cert)) errors.push({ path, message: `Line ${index + 1}: the certification authority id must be letters and digits` })
  }
  return errors
}
