import { describe, expect, it } from "vitest";
import { createBatcher } from "./batcher.server";

/** A run that records each batch and answers when released. */
function recorder() {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve) => {
      batches.push(items);
      pending.push(() => resolve(items.map((i) => `r${i}`)));
    });
  const releaseAll = async () => {
    while (pending.length) pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, run, releaseAll, running: () => pending.length };
}

describe("batching while busy", () => {
  it("sends items of one turn together, queues what arrives while busy, and answers each with its own result", async () => {
    const r = recorder();
    const add = createBatcher(r.run, { concurrency: 1, maxBatch: 10 });
    const first = [add(1), add(2), add(3)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toEqual([[1, 2, 3]]);
    // Busy: these wait for the batch in flight, then go together.
    const second = [add(4), add(5)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toHaveLength(1);
    await r.releaseAll();
    expect(await Promise.all(first)).toEqual(["r1", "r2", "r3"]);
    expect(r.batches).toEqual([[1, 2, 3], [4, 5]]);
    await r.releaseAll();
    expect(await Promise.all(second)).toEqual(["r4", "r5"]);
  });

  it("runs at most `concurrency` batches at once and at most `maxBatch` items in each", async () => {
    const r = recorder();
    const add = createBatcher(r.run, { concurrency: 2, maxBatch: 3 });
    const all = Array.from({ length: 8 }, (_, i) => add(i));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(r.running()).toBe(2);
    await r.releaseAll();
    expect(r.batches.slice(2)).toEqual([[6, 7]]);
    await r.releaseAll();
    expect(await Promise.all(all)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"]);
  });

  it("when a batch fails, runs its items alone, so only the bad one fails", async () => {
    const seen: number[][] = [];
    const add = createBatcher(
      async (items: number[]) => {
        seen.push(items);
        if (items.includes(13)) throw new Error("unlucky");
        return items.map((i) => i * 2);
      },
      { concurrency: 1, maxBatch: 10 },
    );
    const results = await Promise.allSettled([add(1), add(13), add(3)]);
    expect(results).toEqual([
      { status: "fulfilled", value: 2 },
      { status: "rejected", reason: new Error("unlucky") },
      { status: "fulfilled", value: 6 },
    ]);
    expect(seen).toEqual([[1, 13, 3], [1], [13], [3]]);
    // And it goes on working afterwards.
    expect(await add(5)).toBe(10);
  });

  it("treats a run that answers the wrong number of results as a failed batch", async () => {
    const add = createBatcher(async (items: number[]) => (items.length > 1 ? [1] : items), { concurrency: 1, maxBatch: 10 });
    expect(await Promise.all([add(7), add(8)])).toEqual([7, 8]);
  });
});
