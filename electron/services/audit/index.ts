/** The audit trail's public API (issue #6): the service, its types and the verifier the CLI uses. */
export { AUDIT_RESULTS, type AuditResult } from './audit-chain';
export { AUDIT_EXPORT_FIELDS, AUDIT_EXPORT_FORMATS, csvCell, type AuditExportFormat } from './audit-export';
export { AUDIT_AREA_PATTERN, MAX_QUERY_LIMIT, type AuditFilter, type AuditQuery } from './audit-filter';
export { AUDIT_KEY_DIR, AuditError, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from './audit-key';
export {
  AuditLog,
  type AuditEntry,
  type AuditFacets,
  type AuditHead,
  type AuditLogOptions,
  type AuditPage,
  type AuditRecord,
} from './audit-log';
export {
  verifyAuditLog,
  type AuditVerifyOptions,
  type AuditVerifyProgress,
  type AuditVerifyResult,
} from './audit-verify';
export { canonicalJson, payloadHash } from './canonical-json';
