/**
 * Runs async tasks one at a time, in the order they were queued. The audit log appends through
 * one of these so two callers can never interleave inside an append (the in-memory copy of the
 * transaction log must stay in log order), and so close() can wait for everything queued.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve()

  /** Resolves or rejects with the task's own outcome; one task failing does not stop the next. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task)
    this.tail = result.catch(() => {
      /* the caller gets the error from `result`; the queue only orders */
    })
    return result
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail
  }
}
