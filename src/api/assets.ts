import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** A file the dashboard loads from the daemon itself (never from a CDN: the page works offline). */
export interface Asset {
  type: string
  body: () => Buffer | string
}

const once = (load: () => Buffer): (() => Buffer) => {
  let cached: Buffer | undefined
  return () => (cached ??= load())
}

/** The tab icon: a tightrope between two posts (browsers ask for /favicon.ico on their own). */
const FAVICON =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" ` +
  `height="32" rx="6" fill="#0f1419"/><path d="M6 8v18M26 8v18" stroke="#8b96a5" ` +
  `stroke-width="3" stroke-linecap="round"/><path d="M6 12q10 6 20 0" fill="none" ` +
  `stroke="#4fb3ff" stroke-width="2.5"/><circle cx="16" cy="12" r="3" fill="#3fb950"/></svg>`

const icon: Asset = { type: 'image/svg+xml', body: () => FAVICON }

export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['/favicon.svg', icon],
  ['/favicon.ico', icon],
  [
    '/assets/uplot.js',
    {
      type: 'text/javascript; charset=utf-8',
      body: once(() => readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')))
    }
  ],
  [
    '/assets/uplot.css',
    { type: 'text/css; charset=utf-8', body: once(() => readFileSync(require.resolve('uplot/dist/uPlot.min.css'))) }
  ]
])
