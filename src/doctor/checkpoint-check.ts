/** doctor: the signed audit checkpoints, in the database and in the sink file, match the chain. */
import { presentSinkFile, readCheckpointFile } from '../checkpoints/checkpoint-file.js';
import {
  auditTrailSummary,
  checkpointProblems,
  verifyAuditTrail,
} from '../checkpoints/verify-audit-trail.js';
import type { Config } from '../config/load-config.js';
import { isGatehouseError } from '../core/errors.js';
import type { AuditVerification, Store } from '../core/ports.js';
import { loadKeyring } from '../keys/keyring.js';
import { errnoText, fail, pass, type CheckResult } from './check-result.js';

const CHECK = 'audit checkpoints';

export async function checkAuditCheckpoints(
  store: Store,
  config: Config,
  chain: AuditVerification | undefined,
): Promise<CheckResult[]> {
  const sinkFile = config.audit.checkpointSink.file;
  try {
    let file = null;
    if (sinkFile !== null) {
      if ((await presentSinkFile(sinkFile)) !== null)
        file = { path: sinkFile, ...(await readCheckpointFile(sinkFile)) };
      else if ((await store.checkpoints.latest()) !== null)
        return [
          fail(
            CHECK,
            `${sinkFile} (audit.checkpointSink.file) is missing, but the database holds checkpoints: find out who removed it`,
          ),
        ];
    }
    const keyring = () => loadKeyring(config.ssh.hostKeyPath);
    const check = await verifyAuditTrail(store, keyring, file, chain);
    const problems = checkpointProblems(check);
    if (problems.length === 0)
      return [
        pass(
          CHECK,
          check.chain.count === 0 ? 'no events yet' : auditTrailSummary(check).replace(/^ok /, ''),
        ),
      ];
    return problems.map((p) =>
      fail(CHECK, `${p.text}; the audit trail was cut or rewritten outside gatehouse: investigate`),
    );
  } catch (e) {
    return [fail(CHECK, `not checked: ${isGatehouseError(e) ? e.userMessage : errnoText(e)}`)];
  }
}
