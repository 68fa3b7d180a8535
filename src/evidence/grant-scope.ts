/**
 * Which audit events are "about" a grant, decided the same way by the export and by the offline
 * check, from the events alone (walked in seq order): those naming the grant (`grantId`, or
 * `grantIds` of a login), naming its NDA (`ndaId`), or naming one of its sessions (`sessionId`;
 * a session is the grant's from its `session.start`, which names the grant).
 */
export class GrantScope {
  private readonly sessions = new Set<string>();

  constructor(
    readonly grantId: number,
    readonly ndaId: number,
  ) {}

  /** Sessions of the grant seen so far, in start order. */
  get sessionIds(): readonly string[] {
    return [...this.sessions];
  }

  /** Whether the event is about the grant; call it for every event in seq order. */
  about(type: string, payload: Readonly<Record<string, unknown>>): boolean {
    const sessionId = payload['sessionId'];
    if (type === 'session.start' && payload['grantId'] === this.grantId) {
      if (typeof sessionId === 'string') this.sessions.add(sessionId);
      return true;
    }
    const grantIds = payload['grantIds'];
    return (
      payload['grantId'] === this.grantId ||
      payload['ndaId'] === this.ndaId ||
      (Array.isArray(grantIds) && grantIds.includes(this.grantId)) ||
      (typeof sessionId === 'string' && this.sessions.has(sessionId))
    );
  }
}
