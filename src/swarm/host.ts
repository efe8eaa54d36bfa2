import type { EventSink, TightropeEvent } from '../core/events.js'
import type { PayerLink, PeerPayOutcome, PeerPayRequest } from '../core/payment.js'

/** One of our Lightning nodes, as the swarm shows it to peers. */
export interface HostNode {
  publicKey: string
  alias: string
  sign(message: string): Promise<string>
}

/**
 * What the swarm needs of the instance it runs in, and nothing more: the composition root
 * (src/app) implements it on the daemon, so the swarm knows no daemon internals.
 */
export interface SwarmHost {
  /** Our nodes that are part of the instance now, in config order (read live). */
  ourNodes(): HostNode[]
  /** Checks a signed message with one of our connected nodes; throws when none can. */
  verify(message: string, signature: string): Promise<string | undefined>
  handlePayRequest(request: PeerPayRequest): Promise<PeerPayOutcome>
  /** The peers' proven nodes changed: our channels are evaluated again (payers may have come or gone). */
  peersChanged(): void
  /** The swarm offers payers for the nodes peers proved. */
  addRemotePayers(source: (publicKey: string) => PayerLink | undefined): void
  emit: EventSink
  /** Every event as it happens; returns the unsubscribe. */
  onEvent(listener: (event: TightropeEvent) => void): () => void
}
