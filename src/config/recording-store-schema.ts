import { z } from 'zod';

/**
 * Config `recordings.s3`: where sealed recordings are kept when `recordings.store` is `s3`
 * (docs/recording-storage.md). Credentials come from the standard AWS chain (environment, shared
 * files, instance role), never from this file.
 */
export const recordingS3Schema = (duration: z.ZodType<number, string>) =>
  z
    .object({
      bucket: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          'must be an S3 bucket name (3-63 of a-z 0-9 . -)',
        ),
      /** Put before each recording's `YYYY/MM/DD/<uuid>.cast`; empty or ending in `/`. */
      prefix: z
        .string()
        .regex(
          /^(?:[A-Za-z0-9._-]+\/)*$/,
          'must be empty or path segments ending in /, e.g. recordings/',
        )
        .max(512)
        .default(''),
      region: z.string().min(1).default('us-east-1'),
      /** An S3-compatible store (MinIO, Ceph …): addressed path-style. Absent: AWS S3. */
      endpoint: z
        .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
        .nullable()
        .default(null),
      /** Object Lock retention set on each upload (the bucket must have Object Lock enabled). */
      objectLock: z
        .object({
          mode: z.enum(['governance', 'compliance']),
          days: z.number().int().min(1).max(36_500),
        })
        .strict()
        .nullable()
        .default(null),
      /** In `strict` mode new sessions are refused while uploads have been failing this long. */
      strictOutage: duration.prefault('2m'),
    })
    .strict()
    .transform(({ strictOutage, ...rest }) => ({ ...rest, strictOutageMs: strictOutage }));

/** One PUT carries at most 5 GiB; a recording is uploaded in one. */
export const MAX_S3_RECORDING_BYTES = 5 * 1024 ** 3;
