/**
 * An S3-compatible server for tests: s3rver (npm) on 127.0.0.1 in this process, its objects in a
 * temp folder, one bucket. `stop()` is a store outage; `start()` brings it back on the same port
 * with the same objects. docs/recording-storage.md says what it checks and what it does not.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { tempDir } from './tmp.js';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** s3rver's one account; the SDK reads them from the environment (the default chain). */
const ACCESS_KEY = 'S3RVER';

export interface S3Server {
  readonly endpoint: string;
  readonly bucket: string;
  /** `recordings:` lines for a config file (indented two spaces), with `prefix`. */
  configLines(prefix: string, extra?: readonly string[]): string[];
  /** Every key in the bucket under `prefix`. */
  keys(prefix?: string): Promise<string[]>;
  /** The object's bytes. */
  object(key: string): Promise<Buffer>;
  sha256(key: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startS3Server(bucket = 'recordings'): Promise<S3Server> {
  process.env['AWS_ACCESS_KEY_ID'] = ACCESS_KEY;
  process.env['AWS_SECRET_ACCESS_KEY'] = ACCESS_KEY;
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const directory = await tempDir('gatehouse-s3-');
  let port = 0;
  let server: S3rverInstance | null = null;
  const start = async (): Promise<void> => {
    const s = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    port = (await s.run()).port;
    server = s;
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const object = async (key: string): Promise<Buffer> => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };
  return {
    endpoint,
    bucket,
    configLines: (prefix, extra = []) => [
      '  store: s3',
      '  s3:',
      `    bucket: ${bucket}`,
      `    prefix: '${prefix}'`,
      `    endpoint: ${endpoint}`,
      ...extra.map((line) => `    ${line}`),
    ],
    async keys(prefix = '') {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key])).sort();
    },
    object,
    sha256: async (key) =>
      createHash('sha256')
        .update(await object(key))
        .digest('hex'),
    async stop() {
      const s = server;
      server = null;
      await s?.close();
    },
    start: () => (server === null ? start() : Promise.resolve()),
  };
}
