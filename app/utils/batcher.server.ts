/**
 * Batching while busy: items that arrive while the work is busy wait and go
 * together in the next batch, so under load many items share one round trip
 * (and one commit), and an item arriving at a quiet moment goes alone,
 * after the current turn of the event loop (other items arriving in the same
 * turn join it). No timers: a batch is never held back waiting for company.
 *
 * `run` answers a batch with one result per item, in order. If a batch fails
 * as a whole, each of its items is run again alone, so one bad item fails
 * only itself.
 */
export interface BatcherOptions {
  /** Batches running at once (the rest queue). */
  concurrency: number;
  /** Items in one batch at most. */
  maxBatch: number;
}

export function createBatcher<Item, Result>(run: (items: Item[]) => Promise<Result[]>, opts: BatcherOptions) {
  type Waiting = { item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void };
  let waiting: Waiting[] = [];
  let running = 0;
  let scheduled = false;

  async function runBatch(batch: Waiting[]) {
    let results: Result[];
    try {
      results = await run(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`batch of ${batch.length} answered with ${results.length} results`);
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // Alone, one at a time: the item that failed the batch fails only itself.
      for (const w of batch) await runBatch([w]);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]));
  }

  function drain() {
    scheduled = false;
    while (running < opts.concurrency && waiting.length) {
      const batch = waiting.slice(0, opts.maxBatch);
      waiting = waiting.slice(batch.length);
      running++;
      void runBatch(batch).finally(() => {
        running--;
        drain();
      });
    }
  }

  return function add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!scheduled && running < opts.concurrency) {
        scheduled = true;
        setImmediate(drain);
      }
    });
  };
}
