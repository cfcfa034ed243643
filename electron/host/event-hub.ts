/**
 * Fan-out of contract events to every connected window, whichever host it is on. Payloads are checked against the
 * contract before they leave, so a service bug cannot push a malformed event to the renderers.
 */
import { eventContract, type EventName, type EventPayload } from '../../shared/contract';

export type EventSink = (name: EventName, payload: unknown) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  /** Adds a destination (the IPC bridge, the web host); returns its removal. */
  connect(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = eventContract[name].payload.parse(payload);
    for (const sink of this.sinks) sink(name, checked);
  }
}
