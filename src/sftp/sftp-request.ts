import { isUtf8 } from 'node:buffer';
import type { TransferChangeOp } from '../core/transfer-payloads.js';
import {
  FIELDS_AT,
  FXP,
  ID_AT,
  PacketReader,
  SftpProtocolError,
  TYPE_AT,
} from './sftp-protocol.js';

/**
 * What a user's SFTP request asks of the target, read from its packet: the relay checks this
 * against the grant and forwards the original packet unchanged. Paths are as the user sent them
 * (resolved later against the session's starting directory).
 */
export type SftpRequest =
  | { readonly kind: 'look'; readonly op: string; readonly path: string }
  | { readonly kind: 'open'; readonly path: string; readonly flags: number }
  | {
      readonly kind: 'change';
      readonly op: string;
      readonly change: TransferChangeOp;
      readonly path: string;
      /** The second path of a rename or link (checked too); a symlink's target is in `linkTo`. */
      readonly to: string | null;
      readonly linkTo: string | null;
    }
  | {
      readonly kind: 'read';
      readonly handle: string;
      readonly offset: number;
      readonly length: number;
    }
  | {
      readonly kind: 'write';
      readonly handle: string;
      readonly offset: number;
      /** The payload as the views it arrived in (see PacketFramer). */
      readonly data: readonly Buffer[];
    }
  | {
      readonly kind: 'handle';
      readonly op: 'close' | 'fstat' | 'readdir' | 'fsync' | 'fstatvfs' | 'fsetstat';
      readonly handle: string;
    }
  | { readonly kind: 'free'; readonly op: string }
  | { readonly kind: 'unsupported'; readonly op: string };

/** The extensions gatehouse understands and checks; the target's others are hidden from users. */
export const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  'posix-rename@openssh.com',
  'hardlink@openssh.com',
  'fsync@openssh.com',
  'statvfs@openssh.com',
  'fstatvfs@openssh.com',
  'limits@openssh.com',
  'expand-path@openssh.com',
  'lsetstat@openssh.com',
  'home-directory',
]);

const LOOKS: Readonly<Record<number, string>> = {
  [FXP.OPENDIR]: 'opendir',
  [FXP.STAT]: 'stat',
  [FXP.LSTAT]: 'lstat',
  [FXP.READLINK]: 'readlink',
  [FXP.REALPATH]: 'realpath',
};

const ONE_PATH_CHANGES: Readonly<Record<number, TransferChangeOp>> = {
  [FXP.REMOVE]: 'remove',
  [FXP.MKDIR]: 'mkdir',
  [FXP.RMDIR]: 'rmdir',
  [FXP.SETSTAT]: 'setstat',
};

/** A handle as a map key (handles are opaque bytes; latin1 keeps them one char per byte). */
export const handleKey = (bytes: Buffer): string => bytes.toString('latin1');

/**
 * Reads a request packet (not INIT), `rest` the pieces of a WRITE's payload past its head;
 * throws SftpProtocolError when its fields do not fit.
 */
export function readRequest(packet: Buffer, rest: readonly Buffer[]): SftpRequest {
  const type = packet[TYPE_AT]!;
  const r = new PacketReader(packet, FIELDS_AT);
  const look = LOOKS[type];
  if (look !== undefined) return { kind: 'look', op: look, path: path(r) };
  const change = ONE_PATH_CHANGES[type];
  if (change !== undefined)
    return { kind: 'change', op: change, change, path: path(r), to: null, linkTo: null };
  switch (type) {
    case FXP.OPEN:
      return { kind: 'open', path: path(r), flags: r.u32() };
    case FXP.READ:
      return { kind: 'read', handle: handleKey(r.bytes()), offset: r.u64(), length: r.u32() };
    case FXP.WRITE:
      return {
        kind: 'write',
        handle: handleKey(r.bytes()),
        offset: r.u64(),
        data: r.payload(rest),
      };
    case FXP.CLOSE:
      return { kind: 'handle', op: 'close', handle: handleKey(r.bytes()) };
    case FXP.FSTAT:
      return { kind: 'handle', op: 'fstat', handle: handleKey(r.bytes()) };
    case FXP.READDIR:
      return { kind: 'handle', op: 'readdir', handle: handleKey(r.bytes()) };
    case FXP.FSETSTAT:
      return { kind: 'handle', op: 'fsetstat', handle: handleKey(r.bytes()) };
    case FXP.RENAME:
      return twoPaths('rename', 'rename', r);
    case FXP.SYMLINK: {
      // OpenSSH sends the link's target first and the link second (the draft has them swapped).
      const linkTo = path(r);
      return { kind: 'change', op: 'symlink', change: 'symlink', path: path(r), to: null, linkTo };
    }
    case FXP.EXTENDED:
      return readExtended(r);
    default:
      return { kind: 'unsupported', op: `request type ${type}` };
  }
}

function readExtended(r: PacketReader): SftpRequest {
  const name = r.text();
  if (!KNOWN_EXTENSIONS.has(name)) return { kind: 'unsupported', op: name };
  switch (name) {
    case 'posix-rename@openssh.com':
      return twoPaths(name, 'rename', r);
    case 'hardlink@openssh.com': {
      const existing = path(r);
      return {
        kind: 'change',
        op: name,
        change: 'link',
        path: path(r),
        to: existing,
        linkTo: null,
      };
    }
    case 'lsetstat@openssh.com':
      return { kind: 'change', op: name, change: 'setstat', path: path(r), to: null, linkTo: null };
    case 'statvfs@openssh.com':
    case 'expand-path@openssh.com':
      return { kind: 'look', op: name, path: path(r) };
    case 'fsync@openssh.com':
      return { kind: 'handle', op: 'fsync', handle: handleKey(r.bytes()) };
    case 'fstatvfs@openssh.com':
      return { kind: 'handle', op: 'fstatvfs', handle: handleKey(r.bytes()) };
    default:
      // limits@openssh.com, home-directory: no path of the target's files.
      return { kind: 'free', op: name };
  }
}

function twoPaths(op: string, change: TransferChangeOp, r: PacketReader): SftpRequest {
  const from = path(r);
  return { kind: 'change', op, change, path: from, to: path(r), linkTo: null };
}

function path(r: PacketReader): string {
  const bytes = r.bytes();
  // What gatehouse checked and audits must be what the target opens: a name that is not UTF-8
  // would be read with U+FFFD in it (another name), and the C server would stop at a NUL.
  if (!isUtf8(bytes)) throw new SftpProtocolError('a path is not UTF-8');
  const text = bytes.toString('utf8');
  if (text.includes('\0')) throw new SftpProtocolError('a path holds a NUL byte');
  return text;
}

export const requestId = (packet: Buffer): number => packet.readUInt32BE(ID_AT);
