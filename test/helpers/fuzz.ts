import {
  hello as helloCodec,
  payInvoice as payInvoiceCodec,
  paymentResult as paymentResultCodec,
  truncateUtf8
} from '../../src/swarm/messages.js'
import { decodeWith, encodeEnvelope, encodeWith, MessageType, parseFrame } from '../../src/swarm/envelope.js'
import { FRAME_CODECS } from '../../src/swarm/peer-connection.js'
import { decodeInvoice } from '../../src/lightning/decode-invoice.js'

export interface FuzzReport {
  iterations: number
  accepted: number
  rejected: number
  crashes: string[]
  heapGrowthMb: number
  seed: number
}

/** A seeded generator of valid frames and of mutations of them (and plain random bytes). */
export class FrameFuzzer {
  private state: number
  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  random(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0
    return this.state / 4294967296
  }
  int(n: number): number {
    return Math.floor(this.random() * n)
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(256)))
  }
  /** Random text of at most `max` UTF-8 bytes (the protocol's bounds are in bytes). */
  text(max: number): string {
    return truncateUtf8(this.bytes(this.int(max)).toString('latin1'), max)
  }

  validFrame(): Uint8Array {
    const seq = 1 + this.int(1000)
    if (this.random() < 0.5) {
      return encodeEnvelope({
        seq,
        type: MessageType.payInvoice,
        body: encodeWith(payInvoiceCodec, {
          requestId: this.int(1e9),
          channelId: this.text(32),
          invoice: this.text(300),
          tokens: this.int(1e9)
        })
      })
    }
    return encodeEnvelope({
      seq,
      type: MessageType.paymentResult,
      body: encodeWith(paymentResultCodec, {
        requestId: this.int(1e9),
        channelId: this.text(20),
        paymentId: this.text(64),
        confirmed: this.random() < 0.5,
        confirmedAt: '',
        status: this.text(10),
        reason: this.text(20),
        detail: this.text(100),
        retryAt: this.int(1e12)
      })
    })
  }

  /** Bit flips, truncation, random insertions and deletions, huge length prefixes, or raw noise. */
  mutate(frame: Uint8Array): Uint8Array {
    const b = Buffer.from(frame)
    switch (this.int(6)) {
      case 0: {
        for (let i = 0; i < 1 + this.int(4); i++) {
          const at = this.int(b.length)
          b[at] = (b[at] as number) ^ (1 << this.int(8))
        }
        return b
      }
      case 1:
        return b.subarray(0, this.int(b.length))
      case 2: {
        const at = this.int(b.length)
        return Buffer.concat([b.subarray(0, at), this.bytes(1 + this.int(16)), b.subarray(at)])
      }
      case 3: {
        const at = this.int(b.length)
        return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + this.int(8))])
      }
      case 4: {
        const at = this.int(Math.max(1, b.length))
        b[at] = 0xfe
        return Buffer.concat([b, this.bytes(this.int(8))])
      }
      default:
        return this.bytes(this.int(200))
    }
  }
}

/** Runs decoders on `iterations` fuzzed inputs: they may refuse anything, but never throw or hang. */
export function fuzzDecoders(iterations: number, seed: number): FuzzReport {
  const f = new FrameFuzzer(seed)
  const heapBefore = process.memoryUsage().heapUsed
  let accepted = 0
  let rejected = 0
  const crashes: string[] = []
  for (let i = 0; i < iterations; i++) {
    const input = f.random() < 0.8 ? f.mutate(f.validFrame()) : f.bytes(f.int(400))
    try {
      const r = parseFrame<unknown>(
        input,
        f.int(50),
        FRAME_CODECS as Record<number, import('compact-encoding').Encoder<unknown>>
      )
      if (r.ok) accepted++
      else rejected++
    } catch (err) {
      if (crashes.length < 10)
        crashes.push(
          `parseFrame threw on ${Buffer.from(input).toString('hex').slice(0, 80)}: ${(err as Error).message}`
        )
    }
    try {
      decodeWith(helloCodec, input)
    } catch (err) {
      if (!(err instanceof Error) && crashes.length < 10)
        crashes.push(`hello decoder threw a non-Error: ${String(err)}`)
    }
    try {
      const d = decodeInvoice(Buffer.from(input).toString('latin1'))
      if (d.ok && crashes.length < 10) crashes.push('garbage decoded as a valid invoice')
    } catch (err) {
      if (crashes.length < 10) crashes.push(`decodeInvoice threw: ${(err as Error).message}`)
    }
  }
  return {
    iterations,
    accepted,
    rejected,
    crashes,
    heapGrowthMb: (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024,
    seed
  }
}
