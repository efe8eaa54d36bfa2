import type { ChannelView } from './channel-view.js'

/** The subset of the `lightning` client's getChannels() entry that Tightrope reads. */
export interface ClientChannel {
  id: string
  partner_public_key: string
  capacity: number
  local_balance: number
  remote_balance: number
  local_reserve: number
  remote_reserve: number
  is_active: boolean
  pending_payments: Array<{ tokens: number; is_outgoing: boolean }>
}

export function toChannelView(localPublicKey: string, c: ClientChannel): ChannelView {
  return {
    id: c.id,
    localPublicKey,
    remotePublicKey: c.partner_public_key,
    capacity: c.capacity,
    localBalance: c.local_balance,
    remoteBalance: c.remote_balance,
    localReserve: c.local_reserve,
    remoteReserve: c.remote_reserve,
    incomingHtlcTokens: htlcTokens(c, false),
    outgoingHtlcTokens: htlcTokens(c, true),
    isActive: c.is_active
  }
}

/** In-flight HTLCs of one direction, in whole sats (the client rounds each HTLC down, as LND's amount field). */
function htlcTokens(c: ClientChannel, outgoing: boolean): number {
  return c.pending_payments.filter((p) => p.is_outgoing === outgoing).reduce((sum, p) => sum + p.tokens, 0)
}
