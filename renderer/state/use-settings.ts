/**
 * Console-wide settings as the main process holds them: read once, then kept current by `settings.changed`, so a
 * language switch in one window shows in every window. Re-read after a reconnect, in case a change was missed.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../shared/contract';
import { useApi, useConnectionState } from '../app/providers/connection-context';

export function useSettings(): { settings: Settings | undefined; update: (patch: Partial<Settings>) => Promise<void> } {
  const api = useApi();
  const connection = useConnectionState();
  const { i18n } = useTranslation();
  const [settings, setSettings] = useState<Settings>();

  useEffect(() => api.events.on('settings.changed', setSettings), [api]);
  useEffect(() => {
    if (connection !== 'connected') return;
    api.settings.get({}).then(setSettings, (error: unknown) => console.error('gridline: settings.get failed', error));
  }, [api, connection]);
  useEffect(() => {
    if (settings && settings.language !== i18n.language) void i18n.changeLanguage(settings.language);
  }, [settings, i18n]);

  const update = useCallback(
    async (patch: Partial<Settings>) => {
      setSettings(await api.settings.update(patch));
    },
    [api],
  );
  return { settings, update };
}
