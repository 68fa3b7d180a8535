import type { AccessFacts } from '../core/access-policy.js';
import type { Grant, Nda, NdaId, Target, TargetId, User } from '../core/model.js';
import type { Store } from '../core/ports.js';
import type { AccessGate, AllTargetFacts } from '../session/ports.js';

/** The ssh layer's AccessGate on top of the Store port (composition: main.ts). */
export function storeAccessGate(store: Store): AccessGate {
  const ndasOf = async (grants: readonly Grant[]): Promise<Nda[]> => {
    const ids = [...new Set(grants.map((g) => g.ndaId))];
    const found = await Promise.all(ids.map((id: NdaId) => store.ndas.get(id)));
    return found.filter((n): n is Nda => n !== null);
  };

  const keyFacts = async (userName: string, keyFingerprint: string): Promise<AccessFacts> => {
    const user: User | null = await store.users.findByName(userName);
    const userKeys = user === null ? [] : await store.users.keys(user.id);
    return { user, keyFingerprint, userKeys, target: null, grants: [], ndas: [] };
  };

  return {
    // Every login and every new channel: the reads are queued together (the store runs them one
    // after the other on its connection) instead of each waiting for the one before.
    async loadFacts(userName, targetName, keyFingerprint): Promise<AccessFacts> {
      const [user, target] = await Promise.all([
        store.users.findByName(userName),
        store.targets.findByName(targetName),
      ]);
      const [userKeys, grants] = await Promise.all([
        user === null ? [] : store.users.keys(user.id),
        user !== null && target !== null ? store.grants.forUserAndTarget(user.id, target.id) : [],
      ]);
      return { user, keyFingerprint, userKeys, target, grants, ndas: await ndasOf(grants) };
    },

    loadKeyFacts: keyFacts,

    async loadFactsForAllTargets(userName, keyFingerprint): Promise<AllTargetFacts> {
      const base = await keyFacts(userName, keyFingerprint);
      const { user, userKeys } = base;
      if (user === null) return { base, perTarget: [] };
      const grants = await store.grants.forUser(user.id);
      const byTarget = new Map<TargetId, Grant[]>();
      for (const g of grants) byTarget.set(g.targetId, [...(byTarget.get(g.targetId) ?? []), g]);
      const facts: AccessFacts[] = [];
      for (const [targetId, targetGrants] of byTarget) {
        const target: Target | null = await store.targets.get(targetId);
        if (target === null) continue;
        facts.push({
          user,
          keyFingerprint,
          userKeys,
          target,
          grants: targetGrants,
          ndas: await ndasOf(targetGrants),
        });
      }
      return { base, perTarget: facts };
    },

    async prepareNdaSignoff(grantId, now, actor) {
      const carried = await store.grants.carryOverNdaAcknowledgement(grantId, now, actor);
      if (carried !== null) return { carried: true };
      return { carried: false, scope: await store.grants.signoffScope(grantId) };
    },

    async acknowledgeNda(grantId, now, actor) {
      await store.grants.acknowledgeNda(grantId, now, actor);
    },
    killRequested: () => store.sessions.killRequested(),
    takeTransferBudget: (grantId, bytes) => store.grants.takeTransferBudget(grantId, bytes),
    changes: store.changes,
  };
}
