/**
 * LND's macaroon identifier (macaroon-bakery's "version 3" id): one byte 3, then the protobuf
 *   message MacaroonId { bytes nonce = 1; bytes storageId = 2; repeated Op ops = 3; }
 *   message Op { string entity = 1; repeated string actions = 2; }
 * The permissions live here, which is how `lncli printmacaroon` shows them. Encoding follows the
 * bakery (ops sorted by entity then action, actions of one entity grouped, 16-byte nonce); decoding
 * behaves like Go's protobuf runtime: unknown fields skipped, last scalar wins, malformed input is
 * `proto: cannot parse invalid wire-format data`.
 */
export interface Permission {
  entity: string
  action: string
}
export interface MacaroonId {
  nonce: Buffer
  storageId: Buffer
  ops: Array<{ entity: string; actions: string[] }>
}

export const ID_VERSION = 3
const WIRE_ERROR = 'proto: cannot parse invalid wire-format data'

function varint(n: number): Buffer {
  const out: number[] = []
  while (n > 127) {
    out.push((n & 127) | 128)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Buffer.from(out)
}
const field = (num: number, data: Uint8Array): Buffer => Buffer.concat([varint(num * 8 + 2), varint(data.length), data])

/** bakery.CanonicalOps: sorted by entity then action, duplicates removed. */
export function canonicalPermissions(perms: Permission[]): Permission[] {
  const sorted = [...perms].sort((a, b) => (a.entity === b.entity ? cmp(a.action, b.action) : cmp(a.entity, b.entity)))
  return sorted.filter((p, i) => i === 0 || p.entity !== sorted[i - 1]?.entity || p.action !== sorted[i - 1]?.action)
}
const cmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b)) // Go compares bytes

export function encodeMacaroonId(id: { nonce: Buffer; storageId: Buffer; permissions: Permission[] }): Buffer {
  const grouped: Array<{ entity: string; actions: string[] }> = []
  for (const p of canonicalPermissions(id.permissions)) {
    const last = grouped[grouped.length - 1]
    if (last && last.entity === p.entity) last.actions.push(p.action)
    else grouped.push({ entity: p.entity, actions: [p.action] })
  }
  const ops = grouped.map((op) =>
    field(
      3,
      Buffer.concat([
        op.entity ? field(1, Buffer.from(op.entity)) : Buffer.alloc(0),
        ...op.actions.map((a) => field(2, Buffer.from(a)))
      ])
    )
  )
  return Buffer.concat([
    Buffer.from([ID_VERSION]),
    id.nonce.length ? field(1, id.nonce) : Buffer.alloc(0),
    id.storageId.length ? field(2, id.storageId) : Buffer.alloc(0),
    ...ops
  ])
}

// --- decoding (protobuf wire format, just enough to read or skip anything) ---

class Reader {
  pos = 0
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length
  }
  varint(): number {
    let value = 0
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error(WIRE_ERROR)
      const b = this.buf[this.pos++] as number
      value += (b & 127) * 2 ** (7 * i)
      if (b < 128) {
        if (i === 9 && b > 1) throw new Error(WIRE_ERROR)
        return value
      }
    }
    throw new Error(WIRE_ERROR)
  }
  take(n: number): Buffer {
    if (n > this.buf.length - this.pos) throw new Error(WIRE_ERROR)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
  /** Next field: its number, wire type and (for length-delimited) its bytes; skips the value otherwise. */
  next(): { num: number; type: number; data?: Buffer } {
    const tag = this.varint()
    const num = Math.floor(tag / 8)
    const type = tag % 8
    if (num < 1 || num > 0x1fffffff) throw new Error(WIRE_ERROR)
    if (type === 2) return { num, type, data: this.take(this.varint()) }
    if (type === 0) this.varint()
    else if (type === 1) this.take(8)
    else if (type === 5) this.take(4)
    else if (type === 3) this.skipGroup(num)
    else throw new Error(WIRE_ERROR) // end-group without a start, or wire types 6 and 7
    return { num, type }
  }
  /** A group's fields up to the end-group tag with the same number. */
  private skipGroup(num: number): void {
    for (;;) {
      const start = this.pos
      const tag = this.varint()
      if (tag % 8 === 4) {
        if (Math.floor(tag / 8) !== num) throw new Error(WIRE_ERROR)
        return
      }
      this.pos = start
      this.next()
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
function text(b: Buffer): string {
  try {
    return utf8.decode(b)
  } catch {
    throw new Error('string field contains invalid UTF-8') // proto3 strings must be UTF-8
  }
}

/** Decodes the protobuf after the version byte. */
export function decodeMacaroonId(body: Buffer): MacaroonId {
  const id: MacaroonId = { nonce: Buffer.alloc(0), storageId: Buffer.alloc(0), ops: [] }
  for (const r = new Reader(body); !r.done;) {
    const { num, data } = r.next()
    if (data === undefined) continue // a known field with another wire type is an unknown field
    if (num === 1) id.nonce = Buffer.from(data)
    else if (num === 2) id.storageId = Buffer.from(data)
    else if (num === 3) {
      const op = { entity: '', actions: [] as string[] }
      for (const o = new Reader(data); !o.done;) {
        const f = o.next()
        if (f.data === undefined) continue
        if (f.num === 1) op.entity = text(f.data)
        else if (f.num === 2) op.actions.push(text(f.data))
      }
      id.ops.push(op)
    }
  }
  return id
}
