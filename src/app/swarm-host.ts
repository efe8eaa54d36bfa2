import type { Daemon } from '../daemon/daemon.js'
import type { TightropeEvent } from '../core/events.js'
import type { SwarmHost } from '../swarm/host.js'

/** The swarm's view of the daemon: our nodes, claim checks, pay requests, and its event stream. */
export function swarmHost(daemon: Daemon): SwarmHost {
  return {
    ourNodes: () =>
      [...daemon.nodes.values()].map((n) => ({
        publicKey: n.identity.publicKey,
        alias: n.identity.alias,
        sign: (m: string) => n.signMessage(m)
      })),
    verify: async (message, signature) => {
      const verifier = [...daemon.nodes.values()].find((n) => n.connected)
      if (!verifier) throw new Error('no connected Lightning node to verify with')
      return verifier.verifyMessage(message, signature)
    },
    handlePayRequest: (request) => daemon.payForPeer(request),
    peersChanged: () => {
      for (const node of daemon.nodes.values()) daemon.schedule(node)
    },
    addRemotePayers: (source) => {
      daemon.remotePayers.push(source)
    },
    emit: daemon.emit,
    onEvent: (listener: (event: TightropeEvent) => void) => {
      daemon.events.on('event', listener)
      return () => {
        daemon.events.off('event', listener)
      }
    }
  }
}
