import type { NodeState } from '../lightning/node-status.js'

/**
 * GET /api/health, for supervisors and load balancers: ready only when the ledger is open and
 * every configured node is connected. It names nothing (no alias, key or socket): it is the one
 * endpoint a checker may call without the API token.
 */
export interface Health {
  ready: boolean
  ledger: 'open' | 'closed'
  nodes: { configured: number; connected: number; states: NodeState[] }
  swarm: 'joined' | 'off'
}

export function buildHealth(input: {
  ledgerOpen: boolean
  nodeStates: readonly NodeState[]
  swarmJoined: boolean
}): Health {
  const connected = input.nodeStates.filter((s) => s === 'connected').length
  return {
    ready: input.ledgerOpen && input.nodeStates.length > 0 && connected === input.nodeStates.length,
    ledger: input.ledgerOpen ? 'open' : 'closed',
    nodes: { configured: input.nodeStates.length, connected, states: [...input.nodeStates] },
    swarm: input.swarmJoined ? 'joined' : 'off'
  }
}
