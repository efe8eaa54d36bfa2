/**
 * One channel as seen from one of its two nodes (the "local" node). Amounts in satoshis.
 * localBalance/remoteBalance are LND's local_balance/remote_balance (commit fee already taken
 * from the opener; in-flight HTLCs excluded); the CLN adapter derives the same (cln/mappers.ts).
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
  /**
   * HTLCs in flight on this channel, summed by direction (LND's pending_htlcs, `incoming` as seen
   * from the local node). Neither balance includes them: each may still settle or fail, so every
   * decision counts them against whoever decides (see payerView / requesterView in share.ts).
   */
  incomingHtlcTokens: number
  outgoingHtlcTokens: number
  isActive: boolean
}
