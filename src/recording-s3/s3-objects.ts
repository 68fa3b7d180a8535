/**
 * The bucket as the recording store uses it, through the AWS SDK v3: one upload checked by its
 * sha256, downloads, listing and deletion. Credentials come from the SDK's default chain.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ObjectLockMode,
} from '@aws-sdk/client-s3';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../logging/logger.js';

export type S3Settings = NonNullable<Config['recordings']['s3']>;

/** How an upload's sha256 was confirmed: the store's own checksum, or the object read back. */
export type UploadCheck = 'checksum' | 'read-back';

const CONNECT_TIMEOUT_MS = 5000;
/** A request whose socket is idle this long fails (and is retried later), never hangs. */
const IDLE_TIMEOUT_MS = 30_000;

export function s3Client(settings: S3Settings, logger: Logger): S3Client {
  // The SDK warns once on stderr about Node 20 support; the CLI's stderr is one line per error.
  const env = process.env;
  const quiet = env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  try {
    return new S3Client({
      region: settings.region,
      ...(settings.endpoint === null ? {} : { endpoint: settings.endpoint, forcePathStyle: true }),
      // gatehouse sends its own sha256 and checks it; the SDK's default CRC32 would stream the
      // body aws-chunked, which many S3-compatible stores do not take.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Retries are the upload queue's, with its own backoff.
      maxAttempts: 1,
      // The SDK's own notes (otherwise on the console); the upload queue logs each failure.
      logger: {
        debug: (...content: unknown[]) => logger.debug({ sdk: content }, 'aws sdk'),
        info: (...content: unknown[]) => logger.debug({ sdk: content }, 'aws sdk'),
        warn: (...content: unknown[]) => logger.debug({ sdk: content }, 'aws sdk'),
        error: (...content: unknown[]) => logger.debug({ sdk: content }, 'aws sdk'),
      },
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: IDLE_TIMEOUT_MS },
    });
  } finally {
    if (quiet === undefined) delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    else env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = quiet;
  }
}

const isNotFound = (e: unknown): boolean => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404
  );
};

async function sha256Of(body: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk);
  return hash.digest('hex');
}

export class BucketObjects {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #lock: S3Settings['objectLock'];

  constructor(client: S3Client, settings: S3Settings) {
    this.#client = client;
    this.#bucket = settings.bucket;
    this.#lock = settings.objectLock;
  }

  /**
   * Uploads `file` to `key` with its sha256 (a store that checks `x-amz-checksum-sha256` refuses
   * other bytes), then confirms what the store holds: its stored checksum when it reports one,
   * else the object read back and hashed. Throws unless both agree with the file.
   */
  async put(key: string, file: string, now: number, signal: AbortSignal): Promise<UploadCheck> {
    const { size } = await stat(file);
    const hex = await sha256Of(createReadStream(file));
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    const body = createReadStream(file);
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: body,
          ContentLength: size,
          ContentType: key.endsWith('.json') ? 'application/json' : 'application/x-asciicast',
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: base64,
          ...(this.#lock === null
            ? {}
            : {
                ObjectLockMode: this.#lock.mode.toUpperCase() as ObjectLockMode,
                ObjectLockRetainUntilDate: new Date(now + this.#lock.days * 86_400_000),
              }),
        }),
        { abortSignal: signal },
      );
    } finally {
      body.destroy();
    }
    const head = await this.#client.send(
      new HeadObjectCommand({ Bucket: this.#bucket, Key: key, ChecksumMode: 'ENABLED' }),
      { abortSignal: signal },
    );
    if (head.ContentLength !== size)
      throw new Error(`${key}: the store holds ${head.ContentLength} bytes, the file has ${size}`);
    if (head.ChecksumSHA256 !== undefined) {
      if (head.ChecksumSHA256 !== base64)
        throw new Error(`${key}: the store's sha256 ${head.ChecksumSHA256} is not the file's`);
      return 'checksum';
    }
    const got = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }), {
      abortSignal: signal,
    });
    const stored = await sha256Of(got.Body as Readable);
    if (stored !== hex)
      throw new Error(`${key}: read back with sha256 ${stored}, the file's is ${hex}`);
    return 'read-back';
  }

  /** Writes the object at `key` to `file`; false when there is no such object. */
  async download(key: string, file: string): Promise<boolean> {
    let got;
    try {
      got = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
    await pipeline(got.Body as Readable, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    return true;
  }

  /** Every key under `prefix`. */
  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }
}
