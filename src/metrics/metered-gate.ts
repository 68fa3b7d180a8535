import type { AuditEvent } from '../core/audit-events.js';
import type { AccessGate } from '../session/ports.js';
import type { GatehouseMetrics } from './gatehouse-metrics.js';

/**
 * The AccessGate with every audit event that reaches the store also counted (composition:
 * main.ts). An event whose write failed is not counted: the metrics follow the audit trail.
 */
export function meteredGate(gate: AccessGate, metrics: GatehouseMetrics): AccessGate {
  const counted = async (event: AuditEvent, write: Promise<void>): Promise<void> => {
    await write;
    metrics.observe(event);
  };
  return {
    loadFacts: (userName, targetName, keyFingerprint) => gate.loadFacts(userName, targetName, keyFingerprint),
    loadFactsForAllTargets: (userName, keyFingerprint) => gate.loadFactsForAllTargets(userName, keyFingerprint),
    acknowledgeNda: (grantId, now, actor) => gate.acknowledgeNda(grantId, now, actor),
    recordAudit: (event, actor) => counted(event, gate.recordAudit(event, actor)),
    killRequested: () => gate.killRequested(),
  };
}
