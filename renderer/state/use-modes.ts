/**
 * The emergency modes every window follows: `modes.list` once, then every `modes.changed` (switched on any console,
 * through the hub, or a timeline that grew) replaces the whole list. Undefined until the first answer.
 */
import { useEffect, useState } from 'react';
import type { ModesList } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';

export function useModes(): ModesList | undefined {
  const api = useApi();
  const [modes, setModes] = useState<ModesList>();
  useEffect(() => {
    let current = true;
    // An event heard before the first answer is newer than it: the answer must not overwrite it.
    let heard = false;
    const off = api.events.on('modes.changed', (next) => {
      heard = true;
      setModes(next);
    });
    api.modes.list({}).then(
      (list) => {
        if (current && !heard) setModes(list);
      },
      (error: unknown) => console.error('gridline: modes.list failed', error),
    );
    return () => {
      current = false;
      off();
    };
  }, [api]);
  return modes;
}
