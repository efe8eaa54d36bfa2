import type Hypercore from 'hypercore'
import { readRange } from './read-range.js'
import type { EventRecord } from './types.js'

/**
 * Where each event type is in the event log: the positions of its entries, ascending. It lets a
 * `type` query read only the page it returns instead of the whole log (the log only grows: a year
 * of production is hundreds of thousands of events). Built on the first `type` query (one pass
 * over the log, so opening stays as fast as it was) and kept up to date on append, so every later
 * query reads nothing but its page. Costs one number per event in memory.
 */
export class EventTypeIndex {
  /** How many entries from the start of the log are indexed. */
  private covered = 0
  private readonly positions = new Map<string, number[]>()
  /** One catch-up at a time: two would index the same entries twice. */
  private pending: Promise<void> = Promise.resolve()

  /** An entry just appended at `index`: indexed at once if everything before it is. */
  appended(index: number, type: string): void {
    if (index === this.covered) this.add(type)
  }

  /**
   * Positions of `type`'s entries, after indexing whatever the log holds that is not indexed yet.
   * `unreadable` turns a block that cannot be read into the error to throw (the query fails as a
   * full read would have; the index stops before it and tries again on the next query).
   */
  async of(
    core: Hypercore<EventRecord>,
    type: string,
    unreadable: (index: number, e: Error) => Error
  ): Promise<readonly number[]> {
    const run = this.pending.then(() => this.catchUp(core, unreadable))
    this.pending = run.catch(() => {
      /* the query that ran it gets the error; the next one starts again from `covered` */
    })
    await run
    return this.positions.get(type) ?? []
  }

  private async catchUp(core: Hypercore<EventRecord>, unreadable: (index: number, e: Error) => Error): Promise<void> {
    for await (const slot of readRange(core, this.covered, core.length)) {
      if (slot.index < this.covered) continue // indexed by appended() meanwhile
      if ('error' in slot) throw unreadable(slot.index, slot.error)
      this.add(slot.value.type)
    }
  }

  private add(type: string): void {
    const list = this.positions.get(type)
    if (list === undefined) this.positions.set(type, [this.covered])
    else list.push(this.covered)
    this.covered++
  }
}
