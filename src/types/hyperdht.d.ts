// Minimal types for what Tightrope uses of hyperdht (it ships none).
declare module 'hyperdht' {
  import type { EventEmitter } from 'node:events'
  interface DHTOptions {
    bootstrap?: string[]
    host?: string
    port?: number
    firewalled?: boolean
    ephemeral?: boolean
    anyPort?: boolean
    [key: string]: unknown
  }
  class HyperDHT extends EventEmitter {
    constructor(opts?: DHTOptions)
    static bootstrapper(port: number, host: string, opts?: DHTOptions): HyperDHT
    static keyPair(seed?: Buffer): { publicKey: Buffer; secretKey: Buffer }
    ready(): Promise<void>
    destroy(opts?: { force?: boolean }): Promise<void>
    address(): { host: string; family: number; port: number }
    readonly destroyed: boolean
  }
  export default HyperDHT
}
