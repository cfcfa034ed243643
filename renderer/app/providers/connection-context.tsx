import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { ConnectionState, GridlineApi, Transport } from '../../../shared/contract';
import type { Connection } from '../api/connect';

const ConnectionContext = createContext<Connection | undefined>(undefined);

export function ConnectionProvider({ connection, children }: { connection: Connection; children: ReactNode }) {
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useApi outside ConnectionProvider');
  return connection;
}

/** The typed contract. */
export function useApi(): GridlineApi {
  return useConnection().api;
}

/** The transport itself, for the session (which re-binds itself on a new socket). */
export function useTransport(): Transport {
  return useConnection().transport;
}

/** The link to the main process, as the status bar shows it. */
export function useConnectionState(): ConnectionState {
  const { transport } = useConnection();
  return useSyncExternalStore(transport.onConnectionChange, transport.connection);
}
