import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import type { TransferRights } from '../../src/core/transfer-rights.js';
import type {
  FileCopies,
  SftpChange,
  SftpFileMoved,
  SftpRefusal,
} from '../../src/sftp/sftp-ports.js';
import { PacketFramer } from '../../src/sftp/sftp-framer.js';
import { FXP, PacketReader } from '../../src/sftp/sftp-protocol.js';
import { relaySftp } from '../../src/sftp/sftp-relay.js';
import { tempDir } from './tmp.js';

export const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

export type ObservedEvent =
  | ({ readonly event: 'change' } & SftpChange)
  | ({ readonly event: 'fileMoved' } & SftpFileMoved)
  | ({ readonly event: 'refused' } & SftpRefusal);

export interface SftpRun {
  readonly code: number | null;
  /** stdout and stderr of the `sftp` client, interleaved as it printed them. */
  readonly output: string;
}

export interface SftpRelayHarness {
  /** The target's files: the sftp-server child starts here. */
  readonly remote: string;
  /** The user's files: the `sftp` client runs here. */
  readonly local: string;
  /** What the relay told its observer, in order, over every run so far. */
  readonly events: ObservedEvent[];
  /** Runs `sftp -b` with these commands through the relay to a real sftp-server. */
  sftp(commands: readonly string[]): Promise<SftpRun>;
  /** A client of our own through the relay, for packets `sftp` never sends; INIT already done. */
  raw(): Promise<RawSftpClient>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The grant's rights, given the target's directory (for path limits within it). */
  readonly rights: (remote: string) => TransferRights;
  /** The observer's answer to a change (default: recorded). */
  readonly recordChange?: (change: SftpChange) => boolean;
  /** Copies of the files moved (recordings.keepTransfers); default none. */
  readonly copies?: FileCopies;
}

/**
 * The real OpenSSH `sftp` client (`sftp -D`, no ssh) → a small stdio bridge → `relaySftp` in
 * this process → a real `sftp-server` child. The grant's budget is its own counter here.
 */
export async function startSftpRelay(options: HarnessOptions): Promise<SftpRelayHarness> {
  const root = await tempDir('gatehouse-sftp-');
  const remote = join(root, 'remote');
  const local = join(root, 'local');
  await mkdir(remote);
  await mkdir(local);
  const socketPath = join(root, 'relay.sock');
  const bridge = join(root, 'bridge.mjs');
  await writeFile(bridge, BRIDGE);
  const events: ObservedEvent[] = [];
  const rights = options.rights(remote);
  let budgetLeft = rights.budgetBytes ?? 0;
  const relays: Promise<void>[] = [];

  const server: Server = createServer((user: Socket) => {
    const child = spawn(SFTP_SERVER, ['-e'], { cwd: remote, stdio: ['pipe', 'pipe', 'inherit'] });
    const target = Duplex.from({ readable: child.stdout, writable: child.stdin });
    relays.push(
      relaySftp(user, target, {
        rights,
        takeBudget: (bytes) => {
          const got = Math.min(bytes, budgetLeft);
          budgetLeft -= got;
          return Promise.resolve(got);
        },
        observer: {
          change: (change) => {
            const recorded = options.recordChange?.(change) ?? true;
            if (recorded) events.push({ event: 'change', ...change });
            return Promise.resolve(recorded);
          },
          fileMoved: (file) => events.push({ event: 'fileMoved', ...file }),
          refused: (refusal) => events.push({ event: 'refused', ...refusal }),
        },
        ...(options.copies === undefined ? {} : { copies: options.copies }),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));

  return {
    remote,
    local,
    events,
    async sftp(commands) {
      const batch = join(root, 'batch');
      await writeFile(batch, commands.map((c) => `${c}\n`).join(''));
      const run = await runSftp(
        ['-b', batch, '-D', `${process.execPath} ${bridge} ${socketPath}`],
        local,
      );
      // The relay reports files still open when it ends: wait for it before the test looks.
      await Promise.all(relays);
      return run;
    },
    async raw() {
      const client = new RawSftpClient(connect(socketPath));
      client.version = await client.send(Buffer.from([0, 0, 0, 5, FXP.INIT, 0, 0, 0, 3]));
      return client;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function runSftp(args: string[], cwd: string): Promise<SftpRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sftp', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end();
  });
}

const BRIDGE = `import { connect } from 'node:net';
const socket = connect(process.argv[2]);
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('error', () => process.exit(1));
`;

/** A client of our own: writes packets, collects the replies, notices when the relay ends it. */
export class RawSftpClient {
  version: Buffer | null = null;
  readonly ended: Promise<void>;
  private readonly replies: Buffer[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly socket: Socket) {
    const framer = new PacketFramer();
    socket.on('data', (chunk: Buffer) =>
      framer.push(chunk, (head, rest) => {
        this.replies.push(Buffer.concat([head, ...rest]));
        this.wake?.();
      }),
    );
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
  }

  /** Sends one packet and waits for the next reply. */
  async send(packet: Buffer): Promise<Buffer> {
    return (await this.sendAll([packet], 1))[0]!;
  }

  /** Sends the packets in one write and waits for `count` replies. */
  async sendAll(packets: readonly Buffer[], count: number): Promise<Buffer[]> {
    this.socket.write(Buffer.concat(packets));
    while (this.replies.length < count) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.replies.splice(0, count);
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.end();
  }
}

/** Packet pieces for raw clients: a uint32, an SFTP string, a whole request. */
export const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
export const str = (s: string | Buffer): Buffer => {
  const bytes = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([u32(bytes.length), bytes]);
};
export function request(type: number, id: number, ...fields: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([type]), u32(id), ...fields]);
  return Buffer.concat([u32(body.length), body]);
}
/** A STATUS reply's fields (throws on any other reply). */
export function status(reply: Buffer): { id: number; code: number; message: string } {
  if (reply[4] !== FXP.STATUS) throw new Error(`expected a STATUS reply, got type ${reply[4]}`);
  const r = new PacketReader(reply, 5);
  return { id: r.u32(), code: r.u32(), message: r.text() };
}

/**
 * A NAME reply's entry names, read field by field (ATTRS by its flags); throws on any other reply
 * and on one whose entries do not end where the packet does.
 */
export function names(reply: Buffer): string[] {
  if (reply[4] !== FXP.NAME) throw new Error(`expected a NAME reply, got type ${reply[4]}`);
  const r = new PacketReader(reply, 9);
  const out: string[] = [];
  for (let n = r.u32(); n > 0; n--) {
    out.push(r.text());
    r.bytes(); // longname
    const flags = r.u32();
    const words =
      (flags & 1 ? 2 : 0) + (flags & 2 ? 2 : 0) + (flags & 4 ? 1 : 0) + (flags & 8 ? 2 : 0);
    for (let w = 0; w < words; w++) r.u32();
    if (flags & 0x80000000) for (let e = r.u32() * 2; e > 0; e--) r.bytes();
  }
  if (r.at !== reply.length) throw new Error('a NAME reply with bytes after its entries');
  return out;
}
