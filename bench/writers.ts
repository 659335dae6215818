// The newsroom while readers read: an editor fixing random articles' headlines at a steady
// rate and commenters posting comments the site approves at once, beside a read scenario.
export interface WriteLoad {
  /** Article edits a second (PATCH of one random article's title and body). */
  edits: number
  /** Comment posts a second, on random articles, approved on arrival. */
  comments: number
}

export interface WriteReport { edits: number, comments: number, failed: number, p99: number }

/** Starts the writers; `stop()` ends them and says what they did. */
export function startWriters (url: string, token: string, slugs: string[], load: WriteLoad) {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const reader = { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) broadsheet-bench' }
  const report: WriteReport = { edits: 0, comments: 0, failed: 0, p99: 0 }
  const latencies: number[] = []
  const timers: NodeJS.Timeout[] = []
  let n = 0
  const pick = () => slugs[Math.floor(Math.random() * slugs.length)]!

  async function timed (kind: 'edits' | 'comments', request: () => Promise<Response>) {
    const started = performance.now()
    try {
      const res = await request()
      await res.arrayBuffer()
      if (res.ok) report[kind]++
      else report.failed++
    } catch {
      report.failed++
    }
    latencies.push(performance.now() - started)
  }

  const every = (perSecond: number, fn: () => void) => {
    if (perSecond > 0) timers.push(setInterval(fn, 1000 / perSecond))
  }
  every(load.edits, () => {
    const i = ++n
    timed('edits', () => fetch(`${url}/v1/articles/${pick()}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ title: `Updated headline ${i}: the story as it develops`, body: `Paragraph one of update ${i}.\n\nParagraph two, with more detail.` })
    })).catch(() => undefined)
  })
  every(load.comments, () => {
    const i = ++n
    timed('comments', () => fetch(`${url}/v1/articles/${pick()}/comments`, {
      method: 'POST',
      headers: reader,
      body: JSON.stringify({ body: `Reader comment ${i}, with a few words in it.`, authorName: 'Reader', authorEmail: `reader${i % 500}@example.com` })
    })).catch(() => undefined)
  })

  return {
    stop (): WriteReport {
      for (const timer of timers) clearInterval(timer)
      const sorted = [...latencies].sort((a, b) => a - b)
      report.p99 = Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0)
      return report
    }
  }
}
