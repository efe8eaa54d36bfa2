import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** [time (ms), local share 0..1] */
export type SharePoint = [number, number]
export interface SideSeries {
  channelId: string
  node: string
  points: SharePoint[]
}

/** A new point only when the share moved this much, or after HEARTBEAT_MS without one. */
export const MIN_STEP = 0.002
export const HEARTBEAT_MS = 10 * 60_000
/** Kept this long, and at most this many points per channel side: the file stays small. */
export const KEEP_MS = 7 * 24 * 3600_000
export const MAX_POINTS = 3000
const FILE_VERSION = 1

/** Whether a sample is worth a point, given the side's last one. Pure. */
export function worthKeeping(last: SharePoint | undefined, at: number, share: number): boolean {
  if (!Number.isFinite(share) || share < 0 || share > 1) return false
  if (last === undefined) return true
  return Math.abs(share - last[1]) >= MIN_STEP || at - last[0] >= HEARTBEAT_MS
}

/** The points still kept at `now`: within KEEP_MS, the newest MAX_POINTS. Pure. */
export function pruned(points: readonly SharePoint[], now: number): SharePoint[] {
  const recent = points.filter(([at]) => now - at <= KEEP_MS)
  return recent.slice(Math.max(0, recent.length - MAX_POINTS))
}

const key = (channelId: string, node: string): string => `${channelId}\u0000${node}`

/**
 * Each watched channel side's local share over time, for the dashboard's charts: sampled from the
 * daemon's live view (no RPC), kept sparse (a point when the share moves, a heartbeat otherwise),
 * bounded, and saved in the storage directory so it survives restarts. A missing or damaged file
 * starts an empty history (it is a convenience; the audit logs are the record).
 */
export class ShareHistory {
  private readonly sides = new Map<string, SideSeries>()
  private dirty = false
  /** Saves run one after another (the minute's save and stop's may overlap on the same file). */
  private saving: Promise<void> = Promise.resolve()

  private constructor(private readonly file: string) {}

  static async open(file: string, now = Date.now()): Promise<ShareHistory> {
    const h = new ShareHistory(file)
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'))
    } catch {
      return h // none yet, or unreadable: start afresh (see above)
    }
    const sides =
      (parsed as { version?: unknown; sides?: unknown }).version === FILE_VERSION
        ? (parsed as { sides: unknown }).sides
        : undefined
    if (!Array.isArray(sides)) return h
    for (const s of sides as Array<Partial<SideSeries>>) {
      if (typeof s.channelId !== 'string' || typeof s.node !== 'string' || !Array.isArray(s.points)) continue
      const points = s.points.filter(
        (p): p is SharePoint => Array.isArray(p) && p.length === 2 && Number.isFinite(p[0]) && Number.isFinite(p[1])
      )
      h.sides.set(key(s.channelId, s.node), { channelId: s.channelId, node: s.node, points: pruned(points, now) })
    }
    return h
  }

  record(channelId: string, node: string, share: number, at = Date.now()): void {
    const k = key(channelId, node)
    let side = this.sides.get(k)
    if (!side) {
      side = { channelId, node, points: [] }
      this.sides.set(k, side)
    }
    if (!worthKeeping(side.points.at(-1), at, share)) return
    side.points.push([at, Math.round(share * 10_000) / 10_000])
    if (side.points.length > MAX_POINTS + 100) side.points = pruned(side.points, at)
    this.dirty = true
  }

  /** Every side's points since `since` (plus the one before, so a line starts at the left edge). */
  series(since: number): SideSeries[] {
    return [...this.sides.values()]
      .map((s) => {
        const first = s.points.findIndex(([at]) => at >= since)
        const from = first === -1 ? Math.max(0, s.points.length - 1) : Math.max(0, first - 1)
        return { channelId: s.channelId, node: s.node, points: s.points.slice(from) }
      })
      .filter((s) => s.points.length > 0)
  }

  /** Written whole, then renamed: a crash leaves the previous file. */
  save(now = Date.now()): Promise<void> {
    const run = this.saving.then(() => this.saveNow(now))
    this.saving = run.catch(() => {
      /* the caller of this save gets the error; the next save tries again */
    })
    return run
  }

  private async saveNow(now: number): Promise<void> {
    if (!this.dirty) return
    this.dirty = false
    try {
      const sides = [...this.sides.values()].map((s) => ({ ...s, points: pruned(s.points, now) }))
      await mkdir(dirname(this.file), { recursive: true })
      const tmp = `${this.file}.${process.pid}.tmp`
      await writeFile(tmp, JSON.stringify({ version: FILE_VERSION, sides }), { mode: 0o600 })
      await rename(tmp, this.file)
    } catch (err) {
      this.dirty = true // not saved: the next save writes it
      throw err
    }
  }
}
