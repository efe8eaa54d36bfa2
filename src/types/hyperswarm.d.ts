// Minimal types for what Tightrope uses of hyperswarm, protomux and hypercore-crypto (they ship none).
declare module 'hyperswarm' {
  import type { EventEmitter } from 'node:events'
  import type { Duplex } from 'node:stream'
  import type HyperDHT from 'hyperdht'

  export interface SwarmConnection extends Duplex {
    remotePublicKey: Buffer
    publicKey: Buffer
    handshakeHash: Buffer
    rawStream?: { remoteHost?: string }
    userData: unknown
  }
  export interface PeerInfo {
    publicKey: Buffer
    topics: Buffer[]
    ban(banned?: boolean): void
  }
  export interface PeerDiscovery {
    flushed(): Promise<void>
    refresh(opts?: { client?: boolean; server?: boolean }): Promise<void>
    destroy(): Promise<void>
  }
  export default class Hyperswarm extends EventEmitter {
    constructor(opts?: {
      keyPair?: { publicKey: Buffer; secretKey: Buffer }
      dht?: HyperDHT
      bootstrap?: string[]
      maxPeers?: number
      firewall?: (remotePublicKey: Buffer, payload: unknown) => boolean
    })
    readonly keyPair: { publicKey: Buffer; secretKey: Buffer }
    readonly connections: Set<SwarmConnection>
    readonly dht: HyperDHT
    join(topic: Buffer, opts?: { server?: boolean; client?: boolean }): PeerDiscovery
    joinPeer(publicKey: Buffer): void
    leave(topic: Buffer): Promise<void>
    flush(): Promise<void>
    destroy(opts?: { force?: boolean }): Promise<void>
    on(event: 'connection', listener: (conn: SwarmConnection, info: PeerInfo) => void): this
    on(event: string, listener: (...args: any[]) => void): this
  }
}

declare module 'protomux' {
  import type { Duplex } from 'node:stream'
  import type { Encoder } from 'compact-encoding'

  export interface Message<T = any> {
    send(message: T): boolean
  }
  export interface Channel {
    readonly opened: boolean
    readonly closed: boolean
    readonly messages: Message[]
    open(handshake?: unknown): void
    close(): void
  }
  export interface ChannelOptions {
    protocol: string
    id?: Buffer | null
    handshake?: Encoder<any> | null
    messages?: Array<{ encoding?: Encoder<any>; onmessage?: (message: any, channel: Channel) => void }>
    onopen?: (handshake: any, channel: Channel) => void | Promise<void>
    onclose?: (isRemote: boolean, channel: Channel) => void
  }
  export default class Protomux {
    static from(stream: Duplex): Protomux
    createChannel(opts: ChannelOptions): Channel | null
  }
}
