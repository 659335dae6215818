// Adds a hook to one route's own hooks, for plugins that act on a route's config.
import type { RouteOptions } from 'fastify'

type RouteHookName = 'onRequest' | 'preValidation' | 'preHandler' | 'onSend' | 'onResponse' | 'onRequestAbort'

/**
 * Adds `hook` to one route's own hooks of a kind (what an onRoute hook of a plugin does for
 * the routes whose config asks for it): after the hooks the route has, or before them with
 * `first`. A route's option is undefined, one function or an array; this keeps them all.
 */
export function addRouteHook (route: RouteOptions, name: RouteHookName, hook: unknown, opts: { first?: boolean } = {}): void {
  const existing = route[name] as unknown
  const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]
  ;(route as unknown as Record<RouteHookName, unknown[]>)[name] = opts.first ? [hook, ...hooks] : [...hooks, hook]
}
