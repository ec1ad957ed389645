import { DrainLoop } from './drain-loop';

describe('DrainLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const counting = () => {
    const starts: number[] = [];
    const drain = jest.fn(() => {
      starts.push(Date.now());
      return Promise.resolve();
    });
    return { starts, drain };
  };
  // Lets the drain's promise and its `finally` run.
  const settle = () => jest.advanceTimersByTimeAsync(0);

  it('drains at once when kicked, and kicks during a drain make one more drain', async () => {
    const { drain } = counting();
    const loop = new DrainLoop(drain);
    loop.kick();
    loop.kick();
    loop.kick();
    await settle();
    expect(drain).toHaveBeenCalledTimes(2);
  });

  it('with a minimum gap, holds kicks in quick succession until the gap has passed, then drains once', async () => {
    const { starts, drain } = counting();
    const loop = new DrainLoop(drain, 200);
    const begin = Date.now();
    loop.kick();
    await settle();
    for (let i = 0; i < 10; i++) {
      await jest.advanceTimersByTimeAsync(15);
      loop.kick();
    }
    expect(drain).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(60);
    expect(drain).toHaveBeenCalledTimes(2);
    expect(starts[1] - begin).toBe(200);
    // A kick after the gap drains at once.
    await jest.advanceTimersByTimeAsync(300);
    loop.kick();
    await settle();
    expect(drain).toHaveBeenCalledTimes(3);
  });

  it('on stop, drops a held kick and drains once more itself', async () => {
    const { drain } = counting();
    const loop = new DrainLoop(drain, 200);
    loop.kick();
    await settle();
    loop.kick();
    await loop.stop();
    expect(drain).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1000);
    expect(drain).toHaveBeenCalledTimes(2);
  });
});
