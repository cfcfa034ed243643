import { describe, expect, it } from 'vitest';
import { createLineLog } from '../../../hub/line-log';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the hub line log', () => {
  it('writes the lines of one turn of the event loop in one write, in order, one JSON object a line', async () => {
    const writes: string[] = [];
    const { log } = createLineLog((text) => writes.push(text));
    for (let i = 0; i < 500; i++) log('intake.reported', { seq: i });
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toHaveLength(1);
    const lines = writes[0]!
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line['seq'])).toEqual([...Array(500).keys()]);
    expect(lines[0]).toMatchObject({ event: 'intake.reported', pid: process.pid });
    expect(typeof lines[0]!['time']).toBe('string');

    log('ticket.transition', { seq: 500 });
    await turn();
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!)).toMatchObject({ event: 'ticket.transition', seq: 500 });
  });

  it('flushes what is buffered at once (before the process exits), and nothing twice', async () => {
    const writes: string[] = [];
    const { log, flush } = createLineLog((text) => writes.push(text));
    log('hub.stopping');
    flush();
    expect(writes).toHaveLength(1);
    await turn();
    expect(writes).toHaveLength(1);
  });
});
