/** A named allowlist from config `profiles` (config/profile-schema.ts). */
import type { TransferRights } from './transfer-rights.js';

export interface Profile {
  readonly allow: readonly string[];
  /** What a grant or request made from the profile carries when no transfer option is typed. */
  readonly transfer: TransferRights;
}
