/**
 * Where workers who did not acknowledge a command by its deadline are handed on: SMS or a voice call in a real
 * deployment (an operator's gateway behind this interface); here a gateway that writes them to the hub's log.
 */
export interface EscalationGateway {
  escalate(commandId: string, workerIds: readonly number[]): Promise<void>;
}

export class LoggingEscalationGateway implements EscalationGateway {
  constructor(private readonly log: (event: string, fields: Record<string, unknown>) => void) {}

  escalate(commandId: string, workerIds: readonly number[]): Promise<void> {
    this.log('escalation', { commandId, workers: workerIds.length, first: workerIds.slice(0, 20) });
    return Promise.resolve();
  }
}
