/**
 * What Tightrope needs of LND, and nothing more. An operator bakes it with:
 *   lncli bakemacaroon info:read offchain:read offchain:write invoices:read invoices:write message:read message:write
 * - info:read        GetInfo (identity, alias, network, block height)
 * - offchain:read    ListChannels, channel and HTLC subscriptions, TrackPaymentV2
 * - offchain:write   SendPaymentV2 (paying a rebalance invoice)
 * - invoices:read    LookupInvoice, invoice subscriptions (confirming a rebalance by our own invoice)
 * - invoices:write   AddInvoice, CancelInvoice (asking to be paid; withdrawing an unpaid request)
 * - message:write    SignMessage (proving to peers that we control the node)
 * - message:read     VerifyMessage (checking peers' proofs)
 * No on-chain, address, peers or macaroon permissions: Tightrope cannot move on-chain funds.
 */
export const LEAST_PRIVILEGE_PERMISSIONS = [
  { entity: 'info', action: 'read' },
  { entity: 'offchain', action: 'read' },
  { entity: 'offchain', action: 'write' },
  { entity: 'invoices', action: 'read' },
  { entity: 'invoices', action: 'write' },
  { entity: 'message', action: 'read' },
  { entity: 'message', action: 'write' }
]

export const BAKE_COMMAND = `lncli bakemacaroon ${LEAST_PRIVILEGE_PERMISSIONS.map((p) => `${p.entity}:${p.action}`).join(' ')}`
