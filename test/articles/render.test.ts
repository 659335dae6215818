import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { countWords, deriveExcerpt, paragraphText, plainText, readingTime, renderBody } from '../../src/articles/render.js'
import { articleTables, createArticle } from '../fixtures/articles.js'
import { admin, buildTestApp } from '../helper.js'

// Article bodies are rendered (markdown or html) and sanitized before anyone reads them:
// the `html` field is safe to insert into a page; `body` is the writer's source, unchanged.

async function render (t: Test, app: App, body: string, format: 'markdown' | 'html' = 'html') {
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: `Render ${Math.random()}`, body, format } })
  t.equal(res.statusCode, 201, `created (${format})`)
  const article = res.json()
  t.equal(article.body, body, 'body is the source, unchanged')
  return article.html as string
}

t.test('POST /v1/articles → markdown is rendered to html', async (t) => {
  const app = await buildTestApp(t)
  const html = await render(t, app, '## Section\n\nSome *emphasis* and **strength**.\n\n- one\n- two\n\n> quoted', 'markdown')
  t.equal(html, '<h2>Section</h2>\n<p>Some <em>emphasis</em> and <strong>strength</strong>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<blockquote>\n<p>quoted</p>\n</blockquote>')
})

t.test('POST /v1/articles → html is kept as html, not read as markdown', async (t) => {
  const app = await buildTestApp(t)
  const html = await render(t, app, '<p>Plain *stars* stay</p><figure><img src="https://images.example.com/a.jpg" alt="A"><figcaption>Caption</figcaption></figure>')
  t.equal(html, '<p>Plain *stars* stay</p><figure><img src="https://images.example.com/a.jpg" alt="A" /><figcaption>Caption</figcaption></figure>')
})

t.test('POST /v1/articles → the raw body comes back unchanged while html is sanitized', async (t) => {
  const app = await buildTestApp(t)
  const body = '<p onclick="steal()">Hi <script>alert(1)</script></p>'
  const res = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Raw', body, format: 'html' } })
  t.equal(res.statusCode, 201)
  t.equal(res.json().body, body)
  t.equal(res.json().html, '<p>Hi </p>')
  const read = await app.inject({ url: `/v1/articles/${res.json().id}`, headers: admin })
  t.equal(read.json().body, body)
  t.equal((await articleTables(app)).articles[0]!.body, body, 'the stored source too')
})

const dangerous: Array<[string, string, RegExp[]]> = [
  ['<script> elements', '<p>a</p><script>alert(1)</script><SCRIPT src="https://evil.example.com/x.js"></SCRIPT>', [/<script/i, /alert/, /evil/]],
  ['on* event handlers', '<p onclick="x()" onMouseOver="y()">a</p><img src="https://images.example.com/a.jpg" onerror="z()" alt="a">', [/\bon\w+=/i]],
  ['javascript: links in any case or disguise', [
    '<a href="javascript:alert(1)">1</a>', '<a href="JAVASCRIPT:alert(1)">2</a>', '<a href="JaVaScRiPt:alert(1)">3</a>',
    '<a href=" javascript:alert(1)">4</a>', '<a href="java&#x09;script:alert(1)">5</a>', '<a href="&#106;avascript:alert(1)">6</a>',
    '<a href="vbscript:msgbox(1)">7</a>'
  ].join(''), [/script:/i, /href/]],
  ['data: image sources', '<img src="data:image/png;base64,AAAA" alt="a"><img src="DATA:image/svg+xml,x" alt="b">', [/data:/i, /src=/]],
  ['<svg onload>', '<svg onload="alert(1)"><circle r="1"/></svg><p>after</p>', [/<svg/i, /onload/i, /alert/]],
  ['iframes from unknown hosts', '<iframe src="https://evil.example.com/embed"></iframe>', [/<iframe/, /evil/]],
  ['http (not https) youtube iframes', '<iframe src="http://www.youtube.com/embed/abc"></iframe>', [/<iframe/, /youtube/]],
  ['javascript: iframes', '<iframe src="javascript:alert(1)"></iframe>', [/<iframe/, /javascript/i]],
  ['style, object, embed and forms', '<style>p{}</style><object data="x.swf"></object><embed src="x.swf"><form action="https://evil.example.com"><input name="p"></form><p style="position:fixed">s</p>', [/<style/, /<object/, /<embed/, /<form/, /<input/, /style=/]]
]

for (const [what, body, forbidden] of dangerous) {
  for (const format of ['html', 'markdown'] as const) {
    t.test(`POST /v1/articles (${format}) → ${what} never survive in html`, async (t) => {
      const app = await buildTestApp(t)
      const html = await render(t, app, body, format)
      for (const pattern of forbidden) t.notMatch(html, pattern, `no ${pattern}`)
    })
  }
}

t.test('POST /v1/articles → markdown links with javascript: URLs do not become links', async (t) => {
  const app = await buildTestApp(t)
  const html = await render(t, app, '[click](javascript:alert(1)) and [ok](https://example.com)', 'markdown')
  t.notMatch(html, /href="javascript/i)
  t.match(html, /<a href="https:\/\/example.com">ok<\/a>/)
})

t.test('POST /v1/articles → an https youtube iframe survives, lazy-loaded', async (t) => {
  const app = await buildTestApp(t)
  const html = await render(t, app, '<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfullscreen srcdoc="<script>x</script>"></iframe>')
  t.equal(html, '<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfullscreen loading="lazy"></iframe>')
})

t.test('POST /v1/articles → h1 in a body becomes h2 (the headline is the page h1)', async (t) => {
  const app = await buildTestApp(t)
  t.equal(await render(t, app, '<h1>Big</h1><p>text</p>'), '<h2>Big</h2><p>text</p>')
  t.equal(await render(t, app, '# Big\n\ntext', 'markdown'), '<h2>Big</h2>\n<p>text</p>')
})

t.test('POST /v1/articles → links opening a new window get rel="noopener noreferrer"', async (t) => {
  const app = await buildTestApp(t)
  const html = await render(t, app, '<a href="https://example.com" target="_blank" rel="opener">x</a> <a href="https://example.com">y</a>')
  t.equal(html, '<a href="https://example.com" target="_blank" rel="noopener noreferrer">x</a> <a href="https://example.com">y</a>')
})

t.test('POST /v1/articles → target="_BLANK" in another case also gets rel noopener (browsers read it as _blank)', async (t) => {
  const app = await buildTestApp(t)
  const html = await render(t, app, '<a href="https://example.com" target="_BLANK">x</a><a href="https://example.com" TARGET="_Blank">y</a>')
  t.equal((html.match(/rel="noopener noreferrer"/g) ?? []).length, 2, `both links carry rel noopener: ${html}`)
})

t.test('renderBody sanitizes both formats the same way', async (t) => {
  t.equal(renderBody('<p onclick="x">a</p>', 'html'), '<p>a</p>')
  t.equal(renderBody('<p onclick="x">a</p>', 'markdown'), '<p>a</p>')
  t.equal(renderBody('', 'markdown'), '')
  t.equal(renderBody('Hello', 'markdown'), '<p>Hello</p>')
  t.equal(renderBody('<code class="language-ts">x</code><code class="evil">y</code>', 'html'), '<code class="language-ts">x</code><code>y</code>')
})

t.test('plainText: visible text with block boundaries as spaces and entities decoded', async (t) => {
  t.equal(plainText('<p>a &amp; b</p><p>c</p>'), 'a & b c')
  t.equal(plainText('<h2>Head</h2><ul><li>one</li><li>two</li></ul>'), 'Head one two')
  t.equal(plainText('line<br>break'), 'line break')
  t.equal(plainText(''), '')
})

t.test('countWords: runs of letters and digits; each CJK or Thai character is a word', async (t) => {
  t.equal(countWords(''), 0)
  t.equal(countWords('The barrier held.'), 3)
  t.equal(countWords("don't stop-me 42 — ok"), 4, 'apostrophes and hyphens join; dashes and punctuation are no words')
  t.equal(countWords('Über straße café'), 3)
  t.equal(countWords('北京欢迎你'), 5)
  t.equal(countWords('日本語のテキスト'), 8)
  t.equal(countWords('北京欢迎你 hello world'), 7)
  t.equal(countWords('abc漢字'), 3, 'two characters and the latin run')
  t.equal(countWords('สวัสดี'), 6)
})

t.test('readingTime: 230 words a minute, rounded, at least 1 for any text', async (t) => {
  t.equal(readingTime(0), 0)
  t.equal(readingTime(1), 1)
  t.equal(readingTime(230), 1)
  t.equal(readingTime(344), 1)
  t.equal(readingTime(345), 2)
  t.equal(readingTime(460), 2)
  t.equal(readingTime(2300), 10)
})

t.test('deriveExcerpt: the text itself when short, else cut at a word with an ellipsis', async (t) => {
  t.equal(deriveExcerpt(''), '')
  t.equal(deriveExcerpt('Short and sweet.'), 'Short and sweet.')
  const exactly = 'x'.repeat(220)
  t.equal(deriveExcerpt(exactly), exactly, '220 characters fit')
  const long = 'word '.repeat(100).trim()
  const cut = deriveExcerpt(long)
  t.ok(cut.length <= 220)
  t.match(cut, /^word( word)*…$/)
  t.equal(deriveExcerpt('Alpha beta, gamma delta. Epsilon', 20), 'Alpha beta, gamma…', 'trailing punctuation goes before the ellipsis')
  const unbroken = 'y'.repeat(300)
  t.equal(deriveExcerpt(unbroken), `${'y'.repeat(219)}…`, 'no space: cut mid-word')
  t.equal(deriveExcerpt('one two three four', 10), 'one two…')
})

t.test('paragraphText: the paragraphs only, or all the text when there are none', async (t) => {
  t.equal(paragraphText('<h2>Head</h2><p>First.</p><ul><li>item</li></ul><p>Second.</p>'), 'First. Second.')
  t.equal(paragraphText('<h2>Only a heading</h2>'), 'Only a heading')
})

t.test('a derived excerpt is the text of the first paragraphs of the rendered body', async (t) => {
  const app = await buildTestApp(t)
  const article = await createArticle(app, { format: 'html', body: '<h1>Heading</h1><p>Lead &amp; more.</p><figure><figcaption>Caption</figcaption></figure><p>Next.</p>' })
  t.equal(article.excerpt, 'Lead & more. Next.')
})
