import type { ChannelView } from '../policy/types.js'

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
  pending_payments: Array<{ tokens: number }>
}

export function toChannelView (localPublicKey: string, c: ClientChannel): ChannelView {
  return {
    id: c.id,
    localPublicKey,
    remotePublicKey: c.partner_public_key,
    capacity: c.capacity,
    localBalance: c.local_balance,
    remoteBalance: c.remote_balance,
    localReserve: c.local_reserve,
    remoteReserve: c.remote_reserve,
    pendingTokens: c.pending_payments.reduce((sum, p) => sum + p.tokens, 0),
    isActive: c.is_active
  }
}
