import { hostname } from 'node:os';
import { z } from 'zod';
import { alertsSchema } from './alerts-schema.js';
import { parseByteSize } from '../core/byte-size.js';
import { parseDuration } from '../core/duration.js';
import { MIN_RETENTION_MS } from '../core/retention.js';
import { notifySchema } from './notify-schema.js';
import { profilesSchema } from './profile-schema.js';
import { MAX_S3_RECORDING_BYTES, recordingS3Schema } from './recording-store-schema.js';
import { checkRequestRules, groupsSchema, requestsSchema } from './requests-schema.js';

/**
 * The configuration schema: the single source of the settings, their defaults and the Config
 * type. Every object is strict: an unknown key is an error, never ignored. Parsing also converts:
 * a duration (`90s`, `45m`, `2h`, `7d`) becomes milliseconds under the key with `Ms` appended, a
 * listen address `{ host, port }`. Paths stay as written; config/load-config.ts resolves them.
 */

/** Transform failures become issues at the field's path, like any other schema error. */
const refuse = (ctx: z.RefinementCtx, input: string, message: string): never => {
  ctx.issues.push({ code: 'custom', input, message });
  return z.NEVER;
};

const duration = z
  .string()
  .regex(/^(?:[0-9]+[smhdw])+$/, 'must be a duration like 90s, 45m, 2h, 7d or 1h30m')
  .transform((text, ctx) => {
    const parsed = parseDuration(text);
    return parsed.ok ? parsed.ms : refuse(ctx, text, parsed.message);
  });

const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/, 'must be HOST:PORT, e.g. 0.0.0.0:2222')
  .transform((text, ctx) => {
    const cut = text.lastIndexOf(':');
    const port = Number(text.slice(cut + 1));
    if (port > 65535) return refuse(ctx, text, 'port must be 0-65535');
    return { host: text.slice(0, cut).replace(/^\[(.*)\]$/, '$1'), port };
  });

const count = z.number().int().min(1).max(100_000);

const byteSize = z.string().transform((text, ctx) => {
  const parsed = parseByteSize(text);
  return parsed.ok ? parsed.bytes : refuse(ctx, text, parsed.message);
});

const ssh = z
  .object({
    listen: listen.prefault('0.0.0.0:2222'),
    hostKeyPath: z.string().min(1).default('../data/keys/ssh_host_ed25519_key'),
    clientKeyPath: z.string().min(1).default('../data/keys/client_ed25519_key'),
    loginGraceTime: duration.prefault('60s'),
    maxAuthTries: count.default(6),
    maxSessions: count.default(10),
    maxStartups: count.default(100),
    maxStartupsPerSource: count.default(10),
    idleTimeout: duration.nullable().default(null),
    drainTimeout: duration.prefault('10s'),
  })
  .strict()
  .transform(({ loginGraceTime, idleTimeout, drainTimeout, ...rest }) => ({
    ...rest,
    loginGraceTimeMs: loginGraceTime,
    idleTimeoutMs: idleTimeout,
    drainTimeoutMs: drainTimeout,
  }));

/**
 * Which node of several wrote an audit event or holds a session (issue 17). The machine's
 * hostname by default; a hostname that is not a valid node name refuses the config, naming the key.
 */
const node = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,63}$/, 'must be 1-63 letters, digits, dots, dashes or underscores')
      .prefault(() => hostname()),
  })
  .strict();

const database = z
  .object({
    /** The SQLite file, used when no url is set. */
    path: z.string().min(1).default('../data/gatehouse.db'),
    /** A PostgreSQL database instead (docs/postgresql.md): postgres://user@host:port/name. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  })
  .strict();

const recordings = z
  .object({
    dir: z.string().min(1).default('../recordings'),
    mode: z.enum(['strict', 'best_effort']).default('strict'),
    captureInput: z.boolean().default(false),
    /** A recording that would grow past this ends its session, in either mode. */
    maxBytesPerSession: byteSize
      .refine((bytes) => bytes >= 64 * 1024, 'must be at least 64KiB')
      .nullable()
      .prefault('1GiB'),
    /** A copy of each file a transfer session moves, beside its recording (docs/file-transfer.md). */
    keepTransfers: z
      .preprocess(
        (keep) => (keep === false ? undefined : keep),
        z
          .object({
            maxFileBytes: byteSize.prefault('100MiB'),
            maxSessionBytes: byteSize.prefault('1GiB'),
          })
          .strict()
          .optional(),
      )
      .transform((keep) => keep ?? null),
    /** Where sealed recordings are kept: `dir` itself, or a bucket with `dir` as the spool. */
    store: z.enum(['local', 's3']).default('local'),
    s3: recordingS3Schema(duration).nullable().default(null),
    /** Recordings of sessions that ended longer ago are pruned (docs/retention.md); off by default. */
    retention: duration
      .refine((ms) => ms >= MIN_RETENTION_MS, 'must be at least 1d')
      .nullable()
      .default(null),
  })
  .strict()
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    if (r.store === 's3' && r.s3 === null) issue('s3', 'is required when store is s3');
    if (r.store === 'local' && r.s3 !== null) issue('s3', 'is set but store is local');
    const max = r.maxBytesPerSession;
    if (r.store === 's3' && (max === null || max > MAX_S3_RECORDING_BYTES))
      issue('maxBytesPerSession', 'must be at most 5GiB with store s3 (one upload per recording)');
  })
  .transform(({ retention, ...rest }) => ({ ...rest, retentionMs: retention }));

const grants = z
  .object({ maxDuration: duration.prefault('30d') })
  .strict()
  .transform(({ maxDuration }) => ({ maxDurationMs: maxDuration }));

/** The review page as its readers reach it (behind a proxy: the proxy's origin). */
const publicUrl = z
  .string()
  .regex(
    /^https?:\/\/[A-Za-z0-9.:[\]-]+\/?$/,
    'must be the origin the page is reached at, e.g. https://review.example.com',
  )
  .transform((url, ctx) =>
    URL.canParse(url) ? url.replace(/\/$/, '') : refuse(ctx, url, 'is not a valid URL'),
  );

const web = z
  .object({
    listen: listen.nullable().default(null),
    publicUrl: publicUrl.nullable().default(null),
    trustedProxies: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
    sessionIdleTimeout: duration.prefault('30m'),
    sessionMaxAge: duration.prefault('12h'),
  })
  .strict()
  .transform(({ sessionIdleTimeout, sessionMaxAge, ...rest }) => ({
    ...rest,
    sessionIdleTimeoutMs: sessionIdleTimeout,
    sessionMaxAgeMs: sessionMaxAge,
  }));

/** Signed checkpoints of the audit chain (docs/audit-checkpoints.md). */
const audit = z
  .object({
    checkpoint: z
      .object({
        everyEvents: z.number().int().min(1).max(1_000_000).default(1000),
        every: duration.prefault('5m'),
      })
      .strict()
      .transform(({ every, ...rest }) => ({ ...rest, everyMs: every }))
      .prefault({}),
    checkpointSink: z
      .object({
        /** An append-only JSON-lines file, ideally on other storage. */
        file: z.string().min(1).nullable().default(null),
        /** Each checkpoint is POSTed here as JSON. */
        webhook: z
          .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
          .nullable()
          .default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** setrlimit on every command target's program (docs/architecture.md, README "command targets"). */
const commandTargets = z
  .object({
    limits: z
      .object({
        processes: count.default(256),
        openFiles: z.number().int().min(16).max(1_048_576).default(1024),
        memory: byteSize
          .refine((bytes) => bytes >= 64 * 1024 ** 2, 'must be at least 64MiB')
          .nullable()
          .prefault('4GiB'),
        cpuTime: duration.nullable().default(null),
      })
      .strict()
      .transform(({ memory, cpuTime, ...rest }) => ({
        ...rest,
        memoryBytes: memory,
        cpuSeconds: cpuTime === null ? null : Math.ceil(cpuTime / 1000),
      }))
      .prefault({}),
  })
  .strict();

const log = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const configSchema = z
  .object({
    ssh: ssh.prefault({}),
    node: node.prefault({}),
    database: database.prefault({}),
    recordings: recordings.prefault({}),
    grants: grants.prefault({}),
    web: web.prefault({}),
    audit: audit.prefault({}),
    commandTargets: commandTargets.prefault({}),
    log: log.prefault({}),
    /** Named allowlists usable with `grant add --profile NAME` (issue 4). */
    profiles: profilesSchema,
    /** Named lists of users or approvers, referred to as `@name` in `requests.rules`. */
    groups: groupsSchema,
    /** Who may request access to what, and who approves (issue 14). */
    requests: requestsSchema(duration).prefault({}),
    /** Webhooks told about requests, grants and killed sessions (issue 14). */
    notify: notifySchema.prefault({}),
    /** Rules that flag, notify about or end sessions by what they run or print (issue 15). */
    alerts: alertsSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const issue of checkRequestRules(config))
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

/** The settings as parsed: durations in milliseconds, listen addresses split, paths as written. */
export type ParsedConfig = z.output<typeof configSchema>;
