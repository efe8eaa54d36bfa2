import type { Method } from './server.js'
import { infoMethods } from './info-methods.js'
import { invoiceMethods } from './invoice-methods.js'
import { payMethods } from './pay-methods.js'
import { messageMethods } from './message-methods.js'
import { waitMethods } from './wait-methods.js'

/** Every method the simulated clnrest serves; any other name is CLN's -32601 `Unknown command`. */
export const METHODS: Record<string, Method> = {
  ...infoMethods,
  ...invoiceMethods,
  ...payMethods,
  ...messageMethods,
  ...waitMethods,
  createrune: (p, ctx) => ctx.runes.createrune(p),
  showrunes: (p, ctx) => ctx.runes.showrunes(p),
  checkrune: (p, ctx) => ctx.runes.checkrune(p),
  blacklistrune: (p, ctx) => ctx.runes.blacklistrune(p)
}
