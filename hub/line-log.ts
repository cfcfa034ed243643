/**
 * The hub's log: one JSON line per event on stdout, written once per turn of the event loop. In a storm the hub logs
 * thousands of lines a second (a report filed, a transition logged); stdout to a pipe or a file is a synchronous
 * write in Node, so a write per line cost the hub about an eighth of its time. Lines keep their order and their own
 * timestamps; what is still buffered is written before the process exits.
 */
export type LineLog = (event: string, fields?: Record<string, unknown>) => void;

export function createLineLog(write: (text: string) => void = (text) => void process.stdout.write(text)): {
  log: LineLog;
  flush: () => void;
} {
  let buffered: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (buffered.length === 0) return;
    const text = buffered.join('');
    buffered = [];
    write(text);
  };
  const log: LineLog = (event, fields = {}) => {
    buffered.push(`${JSON.stringify({ time: new Date().toISOString(), pid: process.pid, event, ...fields })}\n`);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return { log, flush };
}
