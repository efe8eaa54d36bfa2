import dgram from 'node:dgram'
import HyperDHT from 'hyperdht'

/** A free UDP port on 127.0.0.1 (the OS picks it; we release it for the DHT to bind). */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => resolve())
  })
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/**
 * A one-node private Hyperswarm DHT on loopback, for tests, the demo and benchmarks. Peers point
 * `swarm.bootstrap` at `127.0.0.1:PORT`. Retries if another process grabs the chosen port first.
 */
export class DhtBootstrap {
  private constructor(
    private readonly node: HyperDHT,
    readonly port: number
  ) {}

  static async start(port?: number): Promise<DhtBootstrap> {
    let lastError: unknown
    for (let attempt = 0; attempt < 5; attempt++) {
      const chosen = port ?? (await freeUdpPort())
      const node = HyperDHT.bootstrapper(chosen, '127.0.0.1', { host: '127.0.0.1' })
      try {
        await node.ready()
        return new DhtBootstrap(node, node.address().port)
      } catch (err) {
        lastError = err
        await node.destroy().catch(() => {})
        if (port !== undefined) break
      }
    }
    throw new Error(`cannot start the DHT bootstrap node: ${(lastError as Error)?.message ?? lastError}`)
  }

  get address(): string {
    return `127.0.0.1:${this.port}`
  }

  async stop(): Promise<void> {
    await this.node.destroy()
  }
}
