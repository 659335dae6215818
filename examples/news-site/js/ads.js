// Ad slots: containers with their label and reserved space, one /v1/ads/serve call for the
// page, and impressions reported only when an ad is actually seen.

import { api } from './api.js'
import { h } from './dom.js'

/** IAB-style viewability: at least half of the ad in view for a second, with the page visible. */
const VISIBLE_RATIO = 0.5
const DWELL_MS = 1000

/** The sizes a slot can show at this viewport width: its size-mapping rule, else its sizes. */
export function sizesFor (slot, viewportWidth) {
  if (slot.sizes === 'fluid') return []
  const rule = [...(slot.sizeMapping ?? [])].sort((a, b) => b.minWidth - a.minWidth).find((r) => r.minWidth <= viewportWidth)
  const sizes = rule ? rule.sizes : slot.sizes
  const fitting = sizes.filter(([width]) => width <= viewportWidth)
  return fitting.length > 0 ? fitting : sizes
}

/**
 * An empty slot: the label ("Advertisement") and a box as tall as the tallest size the slot
 * can show here, so the page does not jump when the ad arrives.
 */
export function createSlot (slot, viewportWidth) {
  const sizes = sizesFor(slot, viewportWidth)
  const height = Math.max(0, ...sizes.map(([, hgt]) => hgt))
  const labelId = `ad-label-${slot.key}`
  const frame = h('div', { class: 'ad__frame' })
  if (height > 0) frame.style.minHeight = `${height}px`
  return h('aside', {
    class: `ad ad--${slot.placement.replaceAll('_', '-')} is-loading`,
    'data-slot': slot.key,
    'aria-labelledby': labelId
  }, h('p', { class: 'ad__label', id: labelId, text: slot.label || 'Advertisement' }), frame)
}

/** Reports each watched ad once, when it has been visible enough for long enough. */
function createViewability () {
  const watched = new Map()
  const fire = (target) => {
    const state = watched.get(target)
    if (!state) return
    watched.delete(target)
    observer.unobserve(target)
    target.closest('.ad')?.setAttribute('data-impression', 'sent')
    fetch(state.ad.impressionUrl, { method: 'POST', keepalive: true, credentials: 'same-origin' }).catch(() => {})
  }
  const arm = (target, state) => {
    if (state.timer === undefined && state.inView && document.visibilityState === 'visible') {
      state.timer = setTimeout(() => fire(target), DWELL_MS)
    }
  }
  const disarm = (state) => { clearTimeout(state.timer); state.timer = undefined }
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const state = watched.get(entry.target)
      if (!state) continue
      state.inView = entry.isIntersecting && entry.intersectionRatio >= VISIBLE_RATIO
      if (state.inView) arm(entry.target, state)
      else disarm(state)
    }
  }, { threshold: [0, VISIBLE_RATIO, 1] })
  document.addEventListener('visibilitychange', () => {
    for (const [target, state] of watched) {
      if (document.visibilityState === 'visible') arm(target, state)
      else disarm(state)
    }
  })
  return {
    watch (target, ad) {
      if (watched.has(target)) return
      watched.set(target, { ad, inView: false, timer: undefined })
      observer.observe(target)
    }
  }
}

const viewability = createViewability()

/** The ad element: a linked image, or the creative's sandboxed srcdoc iframe exactly as served. */
function renderAd (ad, label) {
  if (ad.kind === 'html' && ad.html) {
    const frame = h('iframe', {
      class: 'ad__iframe',
      title: label,
      width: ad.width,
      height: ad.height,
      sandbox: ad.html.sandbox,
      srcdoc: ad.html.srcdoc
    })
    frame.addEventListener('load', () => viewability.watch(frame, ad), { once: true })
    return frame
  }
  const img = h('img', { src: ad.image?.src ?? '', alt: ad.image?.alt ?? '', width: ad.width, height: ad.height, decoding: 'async' })
  const link = h('a', { class: 'ad__link', href: ad.clickUrl, rel: 'sponsored noopener', target: '_blank' }, img)
  // Only an ad that really rendered can be seen: start watching once its image is there.
  img.addEventListener('load', () => viewability.watch(link, ad), { once: true })
  return link
}

/** Nothing to show: the slot folds away instead of leaving an empty box. */
function collapse (el) {
  el.classList.remove('is-loading')
  el.classList.add('is-empty')
  el.hidden = true
}

/**
 * Asks for all the page's slots in one call and fills each container (a Map key → element);
 * a slot without an ad, or a failed call, collapses.
 */
export async function loadAds (containers, { article, viewportWidth }) {
  if (containers.size === 0) return
  let decisions = {}
  try {
    decisions = (await api.serveAds([...containers.keys()], { article, viewportWidth })).slots ?? {}
  } catch {
    decisions = {}
  }
  for (const [key, el] of containers) {
    const decision = decisions[key]
    if (!decision?.ad) { collapse(el); continue }
    const frame = el.querySelector('.ad__frame')
    frame.replaceChildren(renderAd(decision.ad, decision.slot?.label || 'Advertisement'))
    el.dataset.kind = decision.ad.kind
    el.dataset.creative = String(decision.ad.creativeId)
    el.classList.remove('is-loading')
    // A slot still below the fold can shrink to its ad without moving anything the reader sees.
    if (el.getBoundingClientRect().top > window.innerHeight) frame.style.minHeight = `${decision.ad.height}px`
  }
}
