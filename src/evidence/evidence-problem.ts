import { GatehouseError } from '../core/errors.js';

/** The first bad item of an evidence file: `evidence: <item>: <problem>`, one line. */
export class EvidenceProblem extends GatehouseError {
  constructor(
    readonly item: string,
    readonly problem: string,
  ) {
    super('refused', `evidence: ${item}: ${problem}`);
  }
}
