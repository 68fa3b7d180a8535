import { z } from 'zod';

/**
 * The configuration schema: the single source of the Config type and its defaults
 * (DESIGN.md §3). Every object is strict: an unknown key is an error, never ignored.
 * Durations are strings like `90s`, `45m`, `2h`, `7d`; they are parsed by config/load-config.ts.
 */

const duration = z.string().regex(/^[1-9][0-9]*[smhd]$/, 'must be a duration like 90s, 45m, 2h or 7d');
const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/, 'must be HOST:PORT, e.g. 0.0.0.0:2222');
const count = z.number().int().min(1).max(100_000);

const ssh = z
  .object({
    listen: listen.default('0.0.0.0:2222'),
    hostKeyPath: z.string().min(1).default('../data/keys/ssh_host_ed25519_key'),
    clientKeyPath: z.string().min(1).default('../data/keys/client_ed25519_key'),
    loginGraceTime: duration.default('60s'),
    maxAuthTries: count.default(6),
    maxSessions: count.default(10),
    maxStartups: count.default(100),
    maxStartupsPerSource: count.default(10),
    idleTimeout: duration.nullable().default(null),
    drainTimeout: duration.default('10s'),
  })
  .strict();

const database = z
  .object({ path: z.string().min(1).default('../data/gatehouse.db') })
  .strict();

const recordings = z
  .object({
    dir: z.string().min(1).default('../recordings'),
    mode: z.enum(['strict', 'best_effort']).default('strict'),
    captureInput: z.boolean().default(false),
  })
  .strict();

const grants = z.object({ maxDuration: duration.default('30d') }).strict();

const web = z.object({ listen: listen.nullable().default(null) }).strict();

const log = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const configSchema = z
  .object({
    ssh: ssh.default(ssh.parse({})),
    database: database.default(database.parse({})),
    recordings: recordings.default(recordings.parse({})),
    grants: grants.default(grants.parse({})),
    web: web.default(web.parse({})),
    log: log.default(log.parse({})),
    /** Named allowlists usable with `grant add --profile NAME` (issue 4). */
    profiles: z.record(z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/), z.array(z.string().min(1)).min(1)).default({}),
  })
  .strict();

/** The config as written in the file (durations as text, paths as written). */
export type RawConfig = z.infer<typeof configSchema>;
