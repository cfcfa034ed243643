/**
 * The ticket desk: the board on the right of the map (leaving its centre free), the chosen ticket's detail to the
 * board's left. Choosing a row (or a live ticket on the map) opens the detail and flies the map there.
 */
import { useTranslation } from 'react-i18next';
import type { TicketRow } from '../../../shared/contract';
import { TicketBoard } from './ticket-board';
import { TicketDetail } from './ticket-detail';
import './tickets-panel.css';

export interface TicketsPanelProps {
  selectedId: number | undefined;
  onSelect: (row: TicketRow) => void;
  onDeselect: () => void;
  onLocate: (lng: number, lat: number) => void;
  onClose: () => void;
  /** Over the other panels (it was opened or touched last); `onRaise` asks for it. */
  raised?: boolean;
  onRaise?: () => void;
}

export function TicketsPanel({
  selectedId,
  onSelect,
  onDeselect,
  onLocate,
  onClose,
  raised = false,
  onRaise,
}: TicketsPanelProps) {
  const { t } = useTranslation();
  return (
    <section
      className={raised ? 'tickets-panel raised' : 'tickets-panel'}
      onPointerDownCapture={onRaise}
      onFocusCapture={onRaise}
      aria-label={t('tickets.title')}
      data-testid="tickets-panel"
    >
      <div className="board-column">
        <header>
          <h2>{t('tickets.title')}</h2>
          <span className="hint">{t('tickets.subtitle')}</span>
          <button type="button" onClick={onClose} aria-label={t('tickets.close')} data-testid="tickets-close">
            ×
          </button>
        </header>
        <TicketBoard selectedId={selectedId} onSelect={onSelect} />
      </div>
      {selectedId !== undefined && (
        <TicketDetail id={selectedId} onClose={onDeselect} onLocate={onLocate} onOpen={onSelect} />
      )}
    </section>
  );
}
