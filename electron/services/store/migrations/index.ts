import type { Migration } from './migration';
import { migration0001 } from './0001-city';
import { migration0002 } from './0002-ticket-blocks';
import { migration0003 } from './0003-ticket-grid-index';
import { migration0004 } from './0004-open-ticket-index';
import { migration0005 } from './0005-broadcasts';
import { migration0006 } from './0006-broadcast-escalations';
import { migration0007 } from './0007-audit';
import { migration0008 } from './0008-identity';
import { migration0009 } from './0009-session-lock';
import { migration0010 } from './0010-routing-rules';
import { migration0011 } from './0011-live-tickets';
import { migration0012 } from './0012-live-ticket-deadlines';
import { migration0013 } from './0013-ticket-status-time-index';
import { migration0014 } from './0014-ticket-stream-identity';
import { migration0015 } from './0015-emergency-modes';

/** Every schema version, in order. Append; never edit an applied one (the runner refuses a changed hash). */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
];
