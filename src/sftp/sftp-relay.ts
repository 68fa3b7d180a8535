import type { Duplex } from 'node:stream';
import { PacketFramer, type Packet } from './sftp-framer.js';
import {
  dataPacket,
  FIELDS_AT,
  FXP,
  ID_AT,
  PacketReader,
  requestPacket,
  statusPacket,
  TYPE_AT,
  FX,
} from './sftp-protocol.js';
import type { RelaySftp, SftpSessionRules } from './sftp-ports.js';
import { readRequest, requestId, handleKey } from './sftp-request.js';
import { RequestGate, type Pending, type Decision } from './request-gate.js';
import { filterVersion } from './version-filter.js';
import { filteredNames, firstName } from './name-replies.js';
import { StreamHolds } from './stream-holds.js';
import { reportFile } from './file-report.js';

/** Requests forwarded and not yet answered, at most; the user's side waits beyond that. */
export const MAX_OUTSTANDING = 1024;

type Outstanding = Pending | { readonly kind: 'own'; readonly answer: (reply: Buffer) => void };

/**
 * Parse-and-forward: both directions are cut into packets; the user's requests are checked and
 * forwarded as the bytes they came in (or refused with a status of our own), the target's
 * replies are read for what moved and passed back unchanged (but VERSION, whose extensions are
 * filtered, and a path-limited session's listings and REALPATH answers, cut to what the user may
 * see). Requests are decided in order; one that waits (a canonical path, a recorded change, an
 * empty budget) holds the ones after it, so the target sees them in the user's order.
 * Packets are views of the chunks the streams emitted, bulk payloads never copied (PacketFramer).
 */
export const relaySftp: RelaySftp = (user, target, rules) =>
  new Promise<void>((resolve) => new SftpRelay(user, target, rules, resolve).start());

class SftpRelay {
  private readonly fromUser = new PacketFramer();
  private readonly fromTarget = new PacketFramer();
  private readonly outstanding = new Map<number, Outstanding>();
  private readonly queue: Packet[] = [];
  private readonly userHolds: StreamHolds;
  private readonly targetHolds: StreamHolds;
  private readonly gate: RequestGate;
  private cwd: string | null = null;
  private deciding = false;
  private copiesHeld = false;
  private initialised = false;
  private ended = 0;
  private done = false;

  constructor(
    private readonly user: Duplex,
    private readonly target: Duplex,
    private readonly rules: SftpSessionRules,
    private readonly resolve: () => void,
  ) {
    this.userHolds = new StreamHolds(user);
    this.targetHolds = new StreamHolds(target);
    this.gate = new RequestGate(rules, {
      cwd: () => this.cwd,
      canonical: (path) => this.canonical(path),
    });
  }

  start(): void {
    // Once either side ended nothing more is forwarded to the target; its replies still reach the user.
    this.user.on('data', (chunk: Buffer) => {
      if (!this.done) this.guard(() => this.fromUserChunk(chunk));
      this.holdForCopies();
    });
    this.user.on('drain', () => this.guard(() => this.decideQueued()));
    this.target.on('data', (chunk: Buffer) => {
      this.guard(() => this.fromTarget.push(chunk, (head, rest) => this.reply(head, rest)));
      this.holdForCopies();
    });
    for (const side of [this.user, this.target]) {
      let over = false;
      const end = (): void => {
        if (over) return;
        over = true;
        this.sideEnded(side);
      };
      side.once('end', end);
      side.once('close', end);
      side.on('error', end);
    }
  }

  /** Kept copies (recordings.keepTransfers) behind on their writes: neither side is read. */
  private holdForCopies(): void {
    const { copies } = this.rules;
    if (copies === undefined || this.copiesHeld || !copies.behind()) return;
    this.copiesHeld = true;
    this.userHolds.hold('copies');
    this.targetHolds.hold('copies');
    copies.onDrain(() => {
      this.copiesHeld = false;
      this.userHolds.release('copies');
      this.targetHolds.release('copies');
    });
  }

  private fromUserChunk(chunk: Buffer): void {
    this.fromUser.push(chunk, (head, rest) => this.queue.push({ head, rest }));
    this.decideQueued();
  }

  /** Decides the user's requests in order until one has to wait. */
  private decideQueued(): void {
    while (
      !this.deciding &&
      this.queue.length > 0 &&
      this.outstanding.size < MAX_OUTSTANDING &&
      // A user who does not read the answers (the relay's refusals too) is not read either.
      !this.user.writableNeedDrain
    ) {
      const packet = this.queue.shift()!;
      const step = this.request(packet);
      if (step instanceof Promise) {
        this.deciding = true;
        step.then(
          () => {
            this.deciding = false;
            this.guard(() => this.decideQueued());
          },
          () => this.fail(),
        );
        break;
      }
    }
    if (this.queue.length > 0) this.userHolds.hold('queue');
    else this.userHolds.release('queue');
  }

  private request(packet: Packet): void | Promise<void> {
    const { head } = packet;
    if (!this.initialised) {
      if (head[TYPE_AT] !== FXP.INIT) throw new Error('sftp client did not start with INIT');
      this.initialised = true;
      this.toTarget(head);
      return this.learnCwd();
    }
    if (head.length < FIELDS_AT) throw new Error('sftp request without an id');
    const id = requestId(head);
    if (this.outstanding.has(id)) {
      this.toUser(statusPacket(id, FX.BAD_MESSAGE, 'request id already in use'));
      return;
    }
    let decision: Decision | Promise<Decision>;
    try {
      decision = this.gate.decide(readRequest(head, packet.rest));
    } catch (err) {
      this.toUser(statusPacket(id, FX.BAD_MESSAGE, (err as Error).message));
      return;
    }
    if (!(decision instanceof Promise)) return this.decided(id, packet, decision);
    return decision.then((d) => this.decided(id, packet, d));
  }

  private decided(id: number, packet: Packet, decision: Decision): void {
    if (this.done) return;
    if (!decision.ok) {
      this.toUser(statusPacket(id, decision.code, decision.why));
      this.rules.observer.refused({ op: decision.op, path: decision.path, why: decision.why });
      return;
    }
    this.outstanding.set(id, decision.pending);
    this.toTarget(packet.head, packet.rest);
  }

  private reply(packet: Buffer, rest: readonly Buffer[]): void {
    if (packet[TYPE_AT] === FXP.VERSION) return this.toUser(filterVersion(packet));
    if (packet.length < FIELDS_AT) throw new Error('sftp reply without an id');
    const id = packet.readUInt32BE(ID_AT);
    const pending = this.outstanding.get(id);
    // Not something asked through this relay: never the user's to see.
    if (pending === undefined) return;
    this.outstanding.delete(id);
    if (pending.kind === 'own') return pending.answer(packet);
    if (pending.kind === 'read') this.dataAnswered(pending, packet, rest);
    else if (pending.kind === 'listing') this.listingAnswered(id, pending, packet);
    else this.toUser(this.answered(pending, packet), rest);
    if (this.outstanding.size === MAX_OUTSTANDING - 1) this.decideQueued();
  }

  /**
   * A path-limited listing's answer, with only the entries the user may look at; when none of a
   * batch is left the target is asked for the next one (an empty NAME ends OpenSSH's listing).
   */
  private listingAnswered(
    id: number,
    pending: Extract<Pending, { kind: 'listing' }>,
    packet: Buffer,
  ): void {
    if (packet[TYPE_AT] !== FXP.NAME) return this.toUser(packet);
    const shown = filteredNames(packet, (name) => this.gate.listings.shows(pending.dir, name));
    if (shown !== null) return this.toUser(shown);
    // A handle closed meanwhile may already name another folder: never list that one as this.
    if (this.done || !this.gate.listings.lists(pending.handle, pending.dir))
      return this.toUser(statusPacket(id, FX.EOF, 'the folder was closed'));
    this.outstanding.set(id, pending);
    this.toTarget(requestPacket(FXP.READDIR, id, Buffer.from(pending.handle, 'latin1')));
  }

  /** Notes what a reply answered; returns it, to be passed on. */
  private answered(
    pending: Exclude<Pending, { kind: 'read' | 'listing' }>,
    packet: Buffer,
  ): Buffer {
    const type = packet[TYPE_AT];
    switch (pending.kind) {
      case 'open':
        this.gate.opened(
          pending.file,
          type === FXP.HANDLE ? handleKey(new PacketReader(packet, FIELDS_AT).bytes()) : null,
        );
        return packet;
      case 'realpath': {
        if (type !== FXP.NAME) return packet;
        const no = this.gate.resolved(pending.path, firstName(packet));
        if (no === null) return packet;
        this.rules.observer.refused({ op: 'realpath', path: no.path, why: no.why });
        return statusPacket(packet.readUInt32BE(ID_AT), FX.PERMISSION_DENIED, no.why);
      }
      case 'opendir':
        this.gate.listings.opened(
          pending.dir,
          type === FXP.HANDLE ? handleKey(new PacketReader(packet, FIELDS_AT).bytes()) : null,
        );
        return packet;
      case 'close':
        if (pending.file) reportFile(this.rules.observer, pending.file);
        return packet;
      case 'plain':
        return packet;
    }
  }

  /** A READ's answer: counted and hashed, passed on (a DATA cut to the budget's claim). */
  private dataAnswered(
    pending: Extract<Pending, { kind: 'read' }>,
    packet: Buffer,
    rest: readonly Buffer[],
  ): void {
    pending.file.readSeen = true;
    if (packet[TYPE_AT] !== FXP.DATA) {
      this.gate.readAnswered(pending.claimed, 0);
      return this.toUser(packet, rest);
    }
    // Strict recordings: a file whose copy failed moves no further (its reads in flight too).
    const uncopied = pending.file.download.copy?.refusal();
    if (uncopied) {
      this.gate.readAnswered(pending.claimed, 0);
      return this.toUser(statusPacket(packet.readUInt32BE(ID_AT), FX.FAILURE, uncopied));
    }
    const pieces = new PacketReader(packet, FIELDS_AT).payload(rest);
    const length = pieces.reduce((n, piece) => n + piece.length, 0);
    const passed = this.gate.readAnswered(pending.claimed, length);
    if (passed === length) {
      pending.file.download.addPieces(pending.offset, pieces);
      return this.toUser(packet, rest);
    }
    const cut = Buffer.concat(pieces, length).subarray(0, passed);
    pending.file.download.add(pending.offset, cut);
    this.toUser(dataPacket(packet.readUInt32BE(ID_AT), cut));
  }

  private async learnCwd(): Promise<void> {
    this.cwd = await this.canonical('.');
  }

  /** Asks the target for a path's canonical form with a request of our own, never shown to the user. */
  private canonical(path: string): Promise<string | null> {
    let id = 0xffffffff;
    while (this.outstanding.has(id)) id -= 1;
    return new Promise((answer) => {
      this.outstanding.set(id, {
        kind: 'own',
        answer: (reply) => answer(reply[TYPE_AT] === FXP.NAME ? firstName(reply) : null),
      });
      this.toTarget(requestPacket(FXP.REALPATH, id, path));
    });
  }

  private toTarget(head: Buffer, rest: readonly Buffer[] = []): void {
    if (!send(this.target, head, rest)) this.userHolds.holdUntilDrain(this.target);
  }

  private toUser(head: Buffer, rest: readonly Buffer[] = []): void {
    if (!send(this.user, head, rest)) this.targetHolds.holdUntilDrain(this.user);
  }

  private sideEnded(side: Duplex): void {
    this.ended += 1;
    if (this.ended === 1) this.finish();
    // Each side's end is passed on, so the other's peer (the client, the target's server) ends
    // too; the other is no longer held, so it reaches its own end.
    const other = side === this.user ? this.target : this.user;
    (other === this.user ? this.userHolds : this.targetHolds).releaseAll();
    if (other === this.user && this.rules.userMayEnd !== undefined)
      void this.rules.userMayEnd.then(() => other.end());
    else other.end();
    if (this.ended === 2) this.resolve();
  }

  /** Files still open when the relay ends are reported as they are. */
  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const file of this.gate.handles.values()) reportFile(this.rules.observer, file);
    this.gate.handles.clear();
    // A CLOSE sent and not yet answered: its file is reported now, and not again at the reply.
    for (const [id, pending] of this.outstanding)
      if (pending.kind === 'close' && pending.file) {
        reportFile(this.rules.observer, pending.file);
        this.outstanding.set(id, { kind: 'plain' });
      }
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch {
      this.fail();
    }
  }

  /** A broken protocol ends both sides: nothing unchecked passes. */
  private fail(): void {
    this.finish();
    this.user.destroy();
    this.target.destroy();
  }
}

/** Writes a packet's pieces as one; false when the stream asks to wait for 'drain'. */
function send(stream: Duplex, head: Buffer, rest: readonly Buffer[]): boolean {
  if (rest.length === 0) return stream.write(head);
  stream.cork();
  let ok = stream.write(head);
  for (const piece of rest) ok = stream.write(piece);
  stream.uncork();
  return ok;
}
