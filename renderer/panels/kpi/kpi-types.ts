/** The KPI entry's input and output, as the dashboard uses them. */
import type { InvokeInput, InvokeOutput } from '../../../shared/contract';

export type TicketsKpiRequest = InvokeInput<'tickets.kpi'>;
export type TicketsKpiAnswer = InvokeOutput<'tickets.kpi'>;
export type KpiFigures = TicketsKpiAnswer['totals'];
export type KpiRow = TicketsKpiAnswer['rows'][number];
