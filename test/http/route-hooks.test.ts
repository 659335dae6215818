import t from 'tap'
import type { RouteOptions } from 'fastify'
import { addRouteHook } from '../../src/http/route-hooks.js'

const route = (options: Partial<RouteOptions> = {}) => ({ method: 'GET', url: '/', handler: () => null, ...options }) as RouteOptions
const a = () => {}
const b = () => {}
const c = () => {}
const name = new Map<unknown, string>([[a, 'a'], [b, 'b'], [c, 'c']])
/** The hooks by name, so that the order is compared by identity and not by how they print. */
const names = (hooks: unknown) => (Array.isArray(hooks) ? hooks.map((h) => name.get(h) ?? '?') : hooks)

t.test('addRouteHook keeps the hooks a route has: none, one function or an array', async (t) => {
  const none = route()
  addRouteHook(none, 'onRequest', c)
  t.same(names(none.onRequest), ['c'])

  const one = route({ onSend: a })
  addRouteHook(one, 'onSend', c)
  t.same(names(one.onSend), ['a', 'c'], 'after the one it had')

  const many = route({ preHandler: [a, b] })
  addRouteHook(many, 'preHandler', c)
  t.same(names(many.preHandler), ['a', 'b', 'c'], 'after the ones it had, in order')
})

t.test('addRouteHook with first puts the hook before the route\'s own', async (t) => {
  const r = route({ preValidation: [a, b] })
  addRouteHook(r, 'preValidation', c, { first: true })
  t.same(names(r.preValidation), ['c', 'a', 'b'])
  const single = route({ preValidation: a })
  addRouteHook(single, 'preValidation', c, { first: true })
  t.same(names(single.preValidation), ['c', 'a'])
})
