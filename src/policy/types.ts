/**
 * One channel as seen from one of its two nodes (the "local" node). Amounts in satoshis.
 * localBalance/remoteBalance are LND's local_balance/remote_balance (commit fee already taken
 * from the opener; in-flight HTLCs excluded).
 */
export interface ChannelView {
  id: string
  localPublicKey: string
  remotePublicKey: string
  capacity: number
  localBalance: number
  remoteBalance: number
  /** LND's local_constraints.chan_reserve_sat: what the local side can never spend. */
  localReserve: number
  remoteReserve: number
  /** Sum of in-flight HTLC amounts on this channel (either direction). */
  pendingTokens: number
  isActive: boolean
}
