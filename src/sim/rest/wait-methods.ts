import type { Method } from './server.js'
import { str, u64 } from './params.js'
import { invalidParam, rpcError } from './errors.js'
import { INDEX_NAMES, SUBSYSTEMS, type IndexName, type Subsystem } from './state.js'
import { waitFor } from './invoice-methods.js'

/**
 * wait (lightningd/wait.c): returns at once with `{subsystem, <indexname>: n}` when the index is
 * already at nextvalue or beyond, else when it gets there, with the change's details under the
 * subsystem's name. No server timeout.
 */
const wait: Method = async (p, ctx) => {
  const subsystem = str(p, 'subsystem')
  if (!(SUBSYSTEMS as readonly string[]).includes(subsystem))
    throw invalidParam('subsystem', SUBSYSTEMS.map((s) => `'${s}'`).join(', '), subsystem)
  const indexname = str(p, 'indexname')
  if (!(INDEX_NAMES as readonly string[]).includes(indexname))
    throw invalidParam('indexname', INDEX_NAMES.map((s) => `'${s}'`).join(', '), indexname)
  const next = u64(p, 'nextvalue')
  const sub = subsystem as Subsystem
  const name = indexname as IndexName
  const now = ctx.state.index(sub, name)
  if (now >= next) return { subsystem, [name]: now }
  let details: Record<string, unknown> | undefined
  const onIndex = (s: string, n: string, value: number, d: Record<string, unknown>): void => {
    if (s === sub && n === name && value >= next && details === undefined) details = d
  }
  ctx.state.on('index', onIndex)
  try {
    const value = await waitFor(ctx, ctx.state, 'index', () => {
      const v = ctx.state.index(sub, name)
      return v >= next ? v : undefined
    })
    if (value === undefined) throw rpcError(-32603, 'request ended')
    return { subsystem, [name]: value, ...(details ? { [subsystem]: details } : {}) }
  } finally {
    ctx.state.off('index', onIndex)
  }
}

export const waitMethods: Record<string, Method> = { wait }
