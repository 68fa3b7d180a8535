import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { errnoCode, GatehouseError } from '../core/errors.js';
import type { Config } from '../config/load-config.js';
import type { Store } from '../core/ports.js';
import {
  exportEvidence,
  type CheckpointSource,
  type ExportResult,
} from '../evidence/export-evidence.js';
import { verifyEvidence, type EvidenceSummary } from '../evidence/verify-evidence.js';
import { loadKeyring, type Keyring } from '../keys/keyring.js';
import { readSigningKey, verifyingKeyFromLine, type SigningKey } from '../keys/signing-key.js';
import type { CliContext } from './context.js';
import { recordingsOf } from './recordings.js';
import { isoTime, printJson, printLine } from './output.js';
import { requireId, usage } from './validate.js';
import { writeCliCheckpoint } from './write-checkpoint.js';

/**
 * The checkpoint that closes the evidence's audit segment: the first stored one that covers the
 * grant's last event and was signed by a key of the keyring, else a new one written as `audit
 * checkpoint` writes it (stored and sent to the sinks), so every checkpoint an evidence file
 * shows is also in the operator's external copy.
 */
function storedOrNewCheckpoint(
  store: Store,
  config: Config,
  key: SigningKey,
  keyring: Keyring,
  ctx: CliContext,
): CheckpointSource {
  return async ({ lastAboutSeq, head }) => {
    const stored = (await store.checkpoints.list()).find(
      (cp) =>
        cp.seq >= lastAboutSeq && cp.seq <= head.seq && keyring.lookup(cp.keyId) !== undefined,
    );
    if (stored !== undefined) return stored;
    const { written } = await writeCliCheckpoint(
      store,
      config,
      key,
      ctx.clock,
      ctx.options().actor,
    );
    if (written === null) throw new GatehouseError('refused', 'evidence: the audit chain is empty');
    return written;
  };
}

/** `--key FILE.pub`: the fingerprint the auditor expects. */
async function pinnedKeyId(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw usage(`--key: cannot read ${file} (${errnoCode(e)})`);
  }
  const key = verifyingKeyFromLine(text);
  if (key === null) throw usage(`--key: ${file} is not an ssh-ed25519 public key`);
  return key.keyId;
}

function summaryLines(s: EvidenceSummary): string[] {
  const count = s.events.lastSeq - s.events.firstSeq + 1;
  return [
    `grant ${s.grantId}, NDA ${s.ndaId}`,
    `audit: ${count} events from seq ${s.events.firstSeq}..${s.events.lastSeq} (${s.events.about} about the grant), covered by checkpoint seq ${s.checkpoint.seq} signed by key ${s.checkpoint.keyId} at ${isoTime(s.checkpoint.at)}`,
    `sessions: ${s.sessions} verified (recording, signed manifest, audit events)`,
    ...(s.prunedRecordings === 0
      ? []
      : [
          `pruned: ${s.prunedRecordings} of them without their recording, pruned by retention (the chain's recording.pruned)`,
        ]),
    ...(s.transferLogs === 0
      ? []
      : [`transfer logs: ${s.transferLogs} verified against the chain's transfer events`]),
    `key: ${s.keyId} (compare it with the fingerprint your organisation publishes, or pin it with --key)`,
  ];
}

export function register(program: Command, ctx: CliContext): void {
  const evidence = program
    .command('evidence')
    .description('evidence files of a grant that an auditor checks offline');

  evidence
    .command('export')
    .description(
      'write one tar with the NDA, the grant, its audit events with a signed checkpoint, its recordings and the public keys',
    )
    .requiredOption('--grant <id>', 'the grant (`grant list`)')
    .requiredOption('-o, --output <file>', 'the evidence file to write, e.g. evidence-7.tar')
    .option('--force', 'replace an existing file', false)
    .option(
      '--allow-missing',
      'export sessions whose recording is missing, marked as gaps (verify then fails)',
      false,
    )
    .action(
      async (opts: {
        readonly grant: string;
        readonly output: string;
        readonly force: boolean;
        readonly allowMissing: boolean;
      }) => {
        const grantId = requireId('--grant', opts.grant);
        const result: ExportResult = await ctx.withStore(async (store, config) => {
          const signingKey = await readSigningKey(config.ssh.hostKeyPath);
          const keyring = await loadKeyring(config.ssh.hostKeyPath);
          return exportEvidence(
            {
              store,
              recordingsDir: config.recordings.dir,
              recordings: recordingsOf(ctx, config),
              signingKey,
              keyring,
              checkpoint: storedOrNewCheckpoint(store, config, signingKey, keyring, ctx),
              clock: ctx.clock,
            },
            {
              grantId,
              output: opts.output,
              force: opts.force,
              allowMissing: opts.allowMissing,
              actor: ctx.options().actor,
            },
          );
        });
        if (ctx.options().json) {
          printJson(ctx, { file: opts.output, ...result });
          return;
        }
        printLine(ctx, `wrote ${opts.output} (${result.bytes} bytes, sha256 ${result.sha256})`);
        for (const line of summaryLines(result.summary)) printLine(ctx, line);
        for (const gap of result.gaps) printLine(ctx, `gap: session ${gap}`);
      },
    );

  evidence
    .command('verify')
    .description(
      'check an evidence file offline (no config, database or bastion); exit 1 naming the first bad item',
    )
    .argument('<file>', 'the evidence file')
    .option('--key <file.pub>', 'the bastion public key the file must be signed with')
    .action(async (file: string, opts: { readonly key?: string }) => {
      // Never loadConfig/withStore: an auditor runs this in an empty folder.
      const pinned = opts.key === undefined ? {} : { pinnedKeyId: await pinnedKeyId(opts.key) };
      const summary = await verifyEvidence(file, pinned);
      if (ctx.options().json) printJson(ctx, { ok: true, ...summary });
      else for (const line of ['evidence ok', ...summaryLines(summary)]) printLine(ctx, line);
    });
}
