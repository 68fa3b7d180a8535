/** Types for audit-event-reference.mjs (imported by its unit test). */
export declare const REFERENCE_PATH: string;
/** The text docs/audit-events.md must hold. */
export declare function renderAuditEventReference(root?: string): Promise<string>;
