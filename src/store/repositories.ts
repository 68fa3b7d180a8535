/** The Store's repositories over a StoreContext: the same classes for SQLite and PostgreSQL. */
import type { Store } from '../core/ports.js';
import { SqliteAuditRepository } from './audit-repository.js';
import { SqliteCheckpointRepository } from './checkpoints-repository.js';
import type { StoreContext } from './context.js';
import { SqliteGrantRepository } from './grants-repository.js';
import { SqliteNdaRepository } from './ndas-repository.js';
import { SqliteNotificationRepository } from './notifications-repository.js';
import { SqliteRecordingRetentionRepository } from './recording-retention-repository.js';
import { SqliteRecordingTextRepository } from './recording-text-repository.js';
import { SqliteRequestRepository } from './requests-repository.js';
import { SqliteReviewerLoginRepository } from './reviewer-logins-repository.js';
import { SqliteReviewerRepository } from './reviewers-repository.js';
import { SqliteTransferLogRepository } from './session-transfers.js';
import { SqliteSessionRepository } from './sessions-repository.js';
import { SqliteTargetRepository } from './targets-repository.js';
import { SqliteUserRepository } from './users-repository.js';

export function storeRepositories(ctx: StoreContext): Omit<Store, 'close' | 'changes'> {
  return {
    users: new SqliteUserRepository(ctx),
    ndas: new SqliteNdaRepository(ctx),
    targets: new SqliteTargetRepository(ctx),
    grants: new SqliteGrantRepository(ctx),
    requests: new SqliteRequestRepository(ctx),
    sessions: new SqliteSessionRepository(ctx),
    audit: new SqliteAuditRepository(ctx),
    checkpoints: new SqliteCheckpointRepository(ctx),
    reviewers: new SqliteReviewerRepository(ctx),
    reviewerLogins: new SqliteReviewerLoginRepository(ctx),
    notifications: new SqliteNotificationRepository(ctx),
    recordingText: new SqliteRecordingTextRepository(ctx),
    transfers: new SqliteTransferLogRepository(ctx),
    retention: new SqliteRecordingRetentionRepository(ctx),
  };
}
