import { BatchLoader } from './batch-loader';

describe('BatchLoader', () => {
  it('loads the keys asked for in one turn in one call, and later ones in another', async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader((keys: string[]) => {
      calls.push(keys);
      return Promise.resolve(new Map(keys.map((key) => [key, key.toUpperCase()])));
    });
    expect(await Promise.all(['a', 'b', 'a'].map((key) => loader.load(key)))).toEqual([
      'A',
      'B',
      'A',
    ]);
    expect(await loader.load('c')).toBe('C');
    expect(calls).toEqual([['a', 'b'], ['c']]);
  });

  it('answers undefined for a key the batch did not find, and passes failures on', async () => {
    const loader = new BatchLoader(() => Promise.resolve(new Map<string, number>()));
    expect(await loader.load('x')).toBeUndefined();
    const failing = new BatchLoader<string, number>(() => Promise.reject(new Error('down')));
    await expect(failing.load('x')).rejects.toThrow('down');
  });
});
