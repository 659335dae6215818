import t from 'tap'
import { renderBody } from '../../src/articles/render.js'
import { admin, buildTestApp } from '../helper.js'

// Article HTML shares the page with the frontend: its ids and names are prefixed so an
// author's id="comments" cannot take over the page's comment widget (or window.comments).

for (const format of ['html', 'markdown'] as const) {
  t.test(`renderBody (${format}) → id and name get the user-content- prefix`, async (t) => {
    t.equal(renderBody('<p id="comments">Hi</p>', format), '<p id="user-content-comments">Hi</p>')
    t.equal(renderBody('<h2 ID="intro">Intro</h2>', format), '<h2 id="user-content-intro">Intro</h2>', 'in any case')
    t.equal(renderBody('<p><a name="notes">Notes</a></p>', format), '<p><a name="user-content-notes">Notes</a></p>')
    t.equal(renderBody('<p id="&#99;omments">Hi</p>', format), '<p id="user-content-comments">Hi</p>', 'entities are decoded first')
  })

  t.test(`renderBody (${format}) → same-page fragment links follow the prefix`, async (t) => {
    t.equal(renderBody('<p><a href="#comments">down</a></p><p id="comments">here</p>', format),
      '<p><a href="#user-content-comments">down</a></p><p id="user-content-comments">here</p>')
    t.equal(renderBody('<p><a href="#">top</a></p>', format), '<p><a href="#">top</a></p>', 'a bare # is the top of the page')
    t.equal(renderBody('<p><a href="https://example.com/page#comments">there</a></p>', format),
      '<p><a href="https://example.com/page#comments">there</a></p>', 'fragments of other pages are theirs')
  })

  t.test(`renderBody (${format}) → an id, name or link already prefixed is not prefixed twice`, async (t) => {
    t.equal(renderBody('<p id="user-content-comments"><a name="user-content-n" href="#user-content-comments">x</a></p>', format),
      '<p id="user-content-comments"><a name="user-content-n" href="#user-content-comments">x</a></p>')
    // Rendering stored html again (a re-render) changes nothing.
    const once = renderBody('<p id="a"><a href="#a">x</a></p>', format)
    t.equal(renderBody(once, format), once)
  })

  t.test(`renderBody (${format}) → an empty id or name is dropped, not made "user-content-"`, async (t) => {
    t.equal(renderBody('<p id="  ">Hi</p><p><a name="">x</a></p>', format), '<p>Hi</p><p><a>x</a></p>')
  })
}

t.test('name stays refused where it could clobber (img, iframe): only old-style anchors keep it', async (t) => {
  t.equal(renderBody('<p><img src="https://images.example.com/a.jpg" alt="a" name="comments"></p>', 'html'),
    '<p><img src="https://images.example.com/a.jpg" alt="a" /></p>')
})

t.test('POST /v1/articles → the stored and served html carries the prefixed ids', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/articles',
    headers: admin,
    payload: { title: 'Anchors', format: 'markdown', status: 'published', body: 'See [the notes](#notes).\n\n<p id="comments">Mine</p>\n\n<a name="notes"></a>Notes' }
  })
  t.equal(res.statusCode, 201)
  const read = await app.inject({ url: `/v1/articles/${res.json().id}` })
  t.equal(read.statusCode, 200)
  const html: string = read.json().html
  t.match(html, '<a href="#user-content-notes">the notes</a>')
  t.match(html, '<p id="user-content-comments">Mine</p>')
  t.match(html, '<a name="user-content-notes"></a>')
  t.notMatch(html, /id="comments"|name="notes"|href="#notes"/)
})
