import { isGatehouseError } from '../core/errors.js';
import type { Store } from '../core/ports.js';
import type { TargetId } from '../core/model.js';
import type { DeskRefusal, OwnGrant, RequestDesk } from '../session/self-service/request-desk.js';

/** A refusal or a missing thing the store reports is the user's answer; anything else a fault. */
async function answered<T>(work: Promise<T>): Promise<T | DeskRefusal> {
  try {
    return await work;
  } catch (e) {
    if (isGatehouseError(e) && e.code !== 'internal' && e.code !== 'storage')
      return { refused: e.userMessage };
    throw e;
  }
}

/** gatehouse's own ssh commands' RequestDesk on top of the Store port (composition: main.ts). */
export function storeRequestDesk(store: Store): RequestDesk {
  return {
    ndas: (userName) => store.ndas.list({ userName }),
    async grants(userName): Promise<OwnGrant[]> {
      const grants = await store.grants.list({ userName });
      const names = new Map<TargetId, string>();
      for (const id of new Set(grants.map((g) => g.targetId))) {
        const target = await store.targets.get(id);
        names.set(id, target?.name ?? `#${id}`);
      }
      return grants.map((grant) => ({
        grant,
        targetName: names.get(grant.targetId) ?? `#${grant.targetId}`,
      }));
    },
    requests: (userName, limit) => store.requests.list({ userName, limit }),
    request: (id) => store.requests.get(id),
    file: (request, autoApproval, now, actor) =>
      answered(store.requests.create(request, autoApproval, now, actor)),
    cancel: (id, userName, now, actor) => answered(store.requests.cancel(id, userName, now, actor)),
  };
}
