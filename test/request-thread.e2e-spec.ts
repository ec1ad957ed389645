import { join } from 'node:path';
import type { RequestThread as RequestThreadType } from '../libs/threads/src/request-thread';

// RequestThread with a real worker thread (a script on the built serveRequests).

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RequestThread } = require(
  join(__dirname, '..', 'dist', 'libs', 'threads', 'src', 'request-thread.js'),
) as { RequestThread: typeof RequestThreadType };

describe('RequestThread', () => {
  const lost: Array<{ message: string; pending: number }> = [];
  const thread = new RequestThread<number | string, number>({
    name: 'doubling',
    file: join(__dirname, 'support', 'fixtures', 'doubling.worker.js'),
    onLost: (error, pending) => lost.push({ message: error.message, pending }),
  });
  afterAll(() => thread.stop('done'));

  it('answers each request, in order', async () => {
    expect(await Promise.all([1, 2, 3].map((n) => thread.request(n)))).toEqual([2, 4, 6]);
  });

  it('rejects only the request whose handler threw, with its message', async () => {
    const [refused, next] = await Promise.allSettled([thread.request('throw'), thread.request(5)]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { message: 'doubling: refused' } });
    expect(next).toEqual({ status: 'fulfilled', value: 10 });
  });

  it('rejects what a thread that exits held, and the next request starts a new thread', async () => {
    const held = [thread.request('exit'), thread.request(7)];
    for (const request of held)
      await expect(request).rejects.toThrow('doubling: the thread exited (3)');
    expect(lost).toEqual([{ message: 'doubling: the thread exited (3)', pending: 2 }]);
    expect(await thread.request(8)).toBe(16);
  });

  it('rejects what it held when stopped', async () => {
    const held = thread.request(9);
    await thread.stop('stopping');
    await expect(held).rejects.toThrow('doubling: stopping');
    expect(await thread.request(10)).toBe(20);
  });
});
