import type { EpochMs, Nda, NdaId } from '../../core/model.js';
import { shown } from './format.js';

export type NdaChoice =
  { readonly ok: true; readonly nda: Nda } | { readonly ok: false; readonly message: string };

/** Signed, not revoked, not expired. */
const isValid = (nda: Nda, now: EpochMs): boolean =>
  nda.revokedAt === null && nda.signedAt <= now && (nda.expiresAt === null || now < nda.expiresAt);

/**
 * The NDA a request is filed under: the one named with `--nda`, else the user's only valid NDA;
 * several are refused with their list, none is refused.
 */
export function chooseNda(ndas: readonly Nda[], asked: NdaId | null, now: EpochMs): NdaChoice {
  const valid = ndas.filter((n) => isValid(n, now));
  if (asked !== null) {
    const nda = valid.find((n) => n.id === asked);
    return nda === undefined
      ? { ok: false, message: `nda: you have no valid NDA ${asked}` }
      : { ok: true, nda };
  }
  const [only, ...more] = valid;
  if (only === undefined)
    return {
      ok: false,
      message: 'nda: you have no valid NDA on file; an administrator must record one first',
    };
  if (more.length === 0) return { ok: true, nda: only };
  const list = valid.map((n) => `${n.id} (${shown(n.title)}, ${shown(n.ref)})`).join('; ');
  return {
    ok: false,
    message: `nda: you have several valid NDAs; name one with --nda ID: ${list}`,
  };
}
