/** A counting semaphore whose waiters can all be failed at once (when a connection drops). */
export class Semaphore {
  private used = 0;
  private waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  /** Highest number of slots ever held at once (the channel-cap test reads it). */
  peak = 0;

  constructor(private readonly max: number) {}

  /** Resolves when a slot is free; the caller must call release() exactly once. */
  acquire(): Promise<void> {
    if (this.used < this.max) {
      this.take();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(): void {
    const next = this.waiters.shift();
    // The slot passes straight to the next waiter, so `used` does not change.
    if (next) next.resolve();
    else this.used = Math.max(0, this.used - 1);
  }

  /** Fails every queued waiter; held slots stay held until released. */
  rejectWaiting(err: Error): void {
    const w = this.waiters;
    this.waiters = [];
    for (const x of w) x.reject(err);
  }

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  private take(): void {
    this.used++;
    this.peak = Math.max(this.peak, this.used);
  }
}
