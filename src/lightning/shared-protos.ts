import { createRequire } from 'node:module'

/**
 * The `lightning` client parses LND's .proto files again for every node it connects to: about
 * 7 MB of heap and 100 ms per node, which made memory grow with every managed node. Parsed
 * definitions are never modified, so one parse per file (and options) is shared by all nodes.
 * This module must be evaluated before `lightning` is first loaded (lnd-node.ts imports it first),
 * because `lightning` takes `loadSync` from @grpc/proto-loader when it loads.
 */
const require = createRequire(import.meta.url)
const protoLoader = require('@grpc/proto-loader') as {
  loadSync: (path: string | string[], options?: object) => unknown
  __tightropeShared?: true
}

if (!protoLoader.__tightropeShared) {
  const parse = protoLoader.loadSync
  const parsed = new Map<string, unknown>()
  protoLoader.loadSync = (path, options) => {
    const key = `${JSON.stringify(path)}\u0000${JSON.stringify(options ?? {})}`
    let definition = parsed.get(key)
    if (definition === undefined) {
      definition = parse(path, options)
      parsed.set(key, definition)
    }
    return definition
  }
  protoLoader.__tightropeShared = true
}
