import { describe, expect, it } from 'vitest';
import { groupCommit, type ItemResult } from './group-commit.js';

/** A batch writer that takes a tick per call and remembers what it was given. */
function recorder(fail: (items: string[]) => boolean = () => false) {
  const batches: string[][] = [];
  const ones: string[] = [];
  const gc = groupCommit<string, string>({
    keyOf: (item) => item.split(':')[0]!,
    runBatch: async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      if (fail(items)) throw new Error('batch failed');
      batches.push(items);
      return items.map((item): ItemResult<string> => (item.endsWith('!') ? { error: new Error(`refused ${item}`) } : { ok: `done ${item}` }));
    },
    runOne: async (item) => {
      await new Promise((r) => setTimeout(r, 5));
      ones.push(item);
      if (item.endsWith('!')) throw new Error(`refused ${item}`);
      return `done ${item}`;
    },
    maxBatch: 8,
    maxInFlight: 1,
  });
  return { gc, batches, ones };
}

describe('group commit', () => {
  it('writes a lone item at once on its own', async () => {
    const { gc, batches, ones } = recorder();
    expect(await gc.submit('a:1')).toBe('done a:1');
    expect(ones).toEqual(['a:1']);
    expect(batches).toEqual([]);
  });

  it('gathers what arrives while a write is running into one batch per key, never mixing keys or passing the limit', async () => {
    const { gc, batches, ones } = recorder();
    const items = ['a:0', ...Array.from({ length: 12 }, (_, i) => `a:${i + 1}`), 'b:1', 'b:2'];
    const answers = await Promise.all(items.map((item) => gc.submit(item)));
    expect(answers).toEqual(items.map((item) => `done ${item}`));
    expect(ones).toEqual(['a:0']);
    expect(batches).toEqual([items.slice(1, 9), [...items.slice(9, 13)], ['b:1', 'b:2']]);
    expect(gc.pending).toBe(0);
  });

  it('gives each item its own refusal, and the others their answers', async () => {
    const { gc } = recorder();
    const first = gc.submit('a:0');
    const rest = ['a:1', 'a:2!', 'a:3'].map((item) => gc.submit(item).then((v) => v, (e: Error) => e.message));
    await first;
    expect(await Promise.all(rest)).toEqual(['done a:1', 'refused a:2!', 'done a:3']);
  });

  it('retries a batch that failed as a whole item by item', async () => {
    const { gc, batches, ones } = recorder((items) => items.includes('a:2'));
    const all = ['a:0', 'a:1', 'a:2', 'a:3'].map((item) => gc.submit(item));
    expect(await Promise.all(all)).toEqual(['done a:0', 'done a:1', 'done a:2', 'done a:3']);
    expect(batches).toEqual([]);
    expect(ones).toEqual(['a:0', 'a:1', 'a:2', 'a:3']);
  });
});
