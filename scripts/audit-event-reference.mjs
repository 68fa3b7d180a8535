/**
 * Writes docs/audit-events.md from the audit event types (src/core/audit-events.ts,
 * audit-payloads.ts) and their rules (src/core/auditor.ts), read with the TypeScript checker.
 * `npm run docs:events` regenerates it; test/unit/audit-event-reference.test.ts fails when the
 * committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REFERENCE_PATH = path.join(ROOT, 'docs', 'audit-events.md');

const ACTORS = {
  admin:
    'a `gatehouse` command: `os:<account>`, `os:<person> via sudo as <account>` when the audit login uid confirms `SUDO_USER`, `os:<person> as <account>` (login uid, no sudo), `os:<account> (sudo reports <name>)` when nothing confirms `SUDO_USER` (only the `os:` part is certain), `claimed:<name> by os:…` with `--actor <name>` (src/core/admin-actor.ts)',
  user: 'an ssh user, `user:<name>` (`ssh:unknown` before a login name parsed)',
  reviewer: 'a reviewer logged in to the web review page, `reviewer:<name>`',
  visitor:
    'a client of the web review page that has not logged in, `web:unknown` (what it typed is in the payload, escaped and bounded)',
  gatehouse:
    'the service itself, `gatehouse` (grant watcher, crash recovery at start-up, sums of refused logins)',
};

const FAILURE = {
  refuse: 'refuses',
  log: 'is logged',
};

/** Spellings older rows may hold (the chain hashes stored text, so rows are never rewritten). */
const LEGACY = [
  ['`session.kill`', '`session` (the session id)', '`sessionId`'],
  ['`grant.create`, `grant.revoke`', '`grant` (the grant id)', '`grantId`'],
  ['`grant.create`, `nda.create`, `nda.revoke`', '`nda` (the NDA id)', '`ndaId`'],
  ['`nda.acknowledge`', '`grant`, `nda`, `user` (the user **id**)', '`grantId`, `ndaId`, `userId`'],
  ['`auth.success`', '`grants`', '`grantIds`'],
  ['`review.view` (search)', '`sessions`', '`sessionIds`'],
  [
    '`channel.denied` with `kind: "exec"`',
    'a file transfer (`reason: "file_transfer"`) or an exec on a command target',
    '`exec.denied` with that `reason`',
  ],
  [
    '`session.end`, `recording.sealed`, `recording.failure` by `gatehouse`',
    'no `grantId`, `user`, `target`; `session.end` without `exitStatus`, `bytesIn`, `bytesOut`',
    'all fields',
  ],
];

/** Inline code in a table cell (a `|` must be escaped there, even inside backticks). */
const code = (text) => `\`${text.replaceAll('|', '\\|')}\``;
const docOf = (symbol, checker) =>
  ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim();

function loadProgram(root) {
  const configPath = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const files = ['audit-events.ts', 'auditor.ts'].map((f) => path.join(root, 'src', 'core', f));
  const program = ts.createProgram(files, { ...options, noEmit: true });
  return { program, checker: program.getTypeChecker(), files };
}

function findDeclaration(sourceFile, test) {
  let found;
  const visit = (node) => {
    if (found === undefined && test(node)) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (found === undefined) throw new Error(`declaration not found in ${sourceFile.fileName}`);
  return found;
}

/** A field's type as the reader needs it: named literal unions spelled out, ids by name. */
function typeText(type, checker) {
  const flags =
    ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
  if (
    type.isUnion() &&
    type.aliasSymbol !== undefined &&
    type.types.every((t) => t.isLiteral() || t.flags & ts.TypeFlags.BooleanLiteral)
  ) {
    return type.types.map((t) => checker.typeToString(t, undefined, flags)).join(' | ');
  }
  const isPlainObject =
    type.flags & ts.TypeFlags.Object &&
    !checker.isArrayType(type) &&
    type.aliasSymbol !== undefined;
  return checker.typeToString(
    type,
    undefined,
    flags | (isPlainObject ? ts.TypeFormatFlags.InTypeAlias : 0),
  );
}

function fieldsOf(variant, checker, at) {
  return checker.getPropertiesOfType(variant).map((p) => ({
    name: p.name,
    optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
    type: typeText(checker.getTypeOfSymbolAtLocation(p, at), checker),
    doc: docOf(p, checker),
  }));
}

const fieldRow = (f) =>
  `| ${code(f.name)}${f.optional ? ' (optional)' : ''} | ${code(f.type)} | ${f.doc} |`;

function literalValue(type, name, checker, at) {
  const prop = type.getProperty(name);
  if (prop === undefined) throw new Error(`rule without ${name}`);
  return checker.getTypeOfSymbolAtLocation(prop, at);
}

function readRules(checker, sourceFile) {
  const decl = findDeclaration(
    sourceFile,
    (n) => ts.isVariableDeclaration(n) && n.name.getText() === 'auditEventRules',
  );
  const rules = new Map();
  for (const prop of checker.getTypeAtLocation(decl).getProperties()) {
    const rule = checker.getTypeOfSymbolAtLocation(prop, decl);
    const actorsType = literalValue(rule, 'actors', checker, decl);
    const actors = checker.getTypeArguments(actorsType).map((t) => t.value);
    const onWriteFailure = literalValue(rule, 'onWriteFailure', checker, decl).value;
    rules.set(prop.name, { actors, onWriteFailure });
  }
  return rules;
}

function readEvents(checker, sourceFile) {
  const decl = findDeclaration(
    sourceFile,
    (n) => ts.isInterfaceDeclaration(n) && n.name.text === 'AuditPayloads',
  );
  return checker
    .getTypeAtLocation(decl)
    .getProperties()
    .map((prop) => {
      const payload = checker.getTypeOfSymbolAtLocation(prop, decl);
      const variants = payload.isUnion() ? payload.types : [payload];
      return {
        type: prop.name,
        doc: docOf(prop, checker),
        variants: variants.map((v) => fieldsOf(v, checker, decl)),
      };
    });
}

/** `When `kind` is 'ssh'`: named by the first field whose type is a literal (the discriminant). */
function variantTitle(fields, index) {
  const discriminant = fields.find((f) => /^'[^']*'( \| '[^']*')*$/.test(f.type));
  return discriminant === undefined
    ? `Variant ${index + 1}`
    : `When \`${discriminant.name}\` is \`${discriminant.type}\``;
}

/** The reference text, formatted as prettier would (it is checked with prettier --check). */
export async function renderAuditEventReference(root = ROOT) {
  const { program, checker, files } = loadProgram(root);
  const [eventsFile, rulesFile] = files.map((f) => program.getSourceFile(f));
  const rules = readRules(checker, rulesFile);
  const events = readEvents(checker, eventsFile);
  const ruleOf = (type) => {
    const rule = rules.get(type);
    if (rule === undefined) throw new Error(`no rule for ${type} in auditEventRules`);
    return rule;
  };

  const out = [
    '# Audit events',
    '',
    '<!-- Generated by `npm run docs:events` from src/core/audit-events.ts, src/core/audit-payloads.ts and src/core/auditor.ts. Do not edit. -->',
    '',
    'Every event is one row of the audit chain: `seq`, `ts`, `actor`, `type`, `payload` (canonical JSON), `prev_hash`, `hash`, and `node` (config `node.name` of the node that wrote it; hashed only when set, null in events written before issue 17).',
    'Each type is built by exactly one constructor (`auditEvents` in src/core/audit-events.ts).',
    '',
    'Ids are spelled `userId`, `targetId`, `ndaId`, `grantId`, `sessionId`; names `user`, `target`, `reviewer`.',
    'Times (`…At`) are epoch milliseconds, UTC.',
    '',
    '**Written by** (the `actor` column):',
    '',
    ...Object.entries(ACTORS).map(([kind, text]) => `- \`${kind}\`: ${text}`),
    '',
    '**A failed write**:',
    '',
    '- `refuses`: the action is not done without its event: an admin change is rolled back with it (one transaction); on the ssh side the login, command or session is refused or ended.',
    '- `is logged`: the action goes on, and gatehouse logs `audit write failed` with the event type.',
    '',
    '| Event | Written by | A failed write |',
    '| --- | --- | --- |',
    ...events.map((e) => {
      const rule = ruleOf(e.type);
      return `| [\`${e.type}\`](#${e.type.replaceAll('.', '')}) | ${rule.actors.join(', ')} | ${FAILURE[rule.onWriteFailure]} |`;
    }),
  ];
  for (const e of events) {
    const rule = ruleOf(e.type);
    out.push(
      '',
      `## ${e.type}`,
      '',
      e.doc,
      '',
      `Written by: ${rule.actors.join(', ')}. A failed write ${FAILURE[rule.onWriteFailure]}.`,
    );
    e.variants.forEach((fields, i) => {
      if (e.variants.length > 1) out.push('', `${variantTitle(fields, i)}:`);
      out.push('', '| Field | Type | Meaning |', '| --- | --- | --- |', ...fields.map(fieldRow));
    });
  }
  out.push(
    '',
    '## Older rows',
    '',
    'Rows written before these types existed stay as they were stored: the chain hashes their text.',
    'Code that reads a payload key must accept the older spelling too (as `ReviewerRepository.sessionEvents` reads `sessionId` and `session`).',
    '',
    '| Event | Older rows have | Now |',
    '| --- | --- | --- |',
    ...LEGACY.map((cells) => `| ${cells.join(' | ')} |`),
    '',
  );
  const options = (await prettier.resolveConfig(REFERENCE_PATH)) ?? {};
  return prettier.format(out.join('\n'), { ...options, parser: 'markdown' });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(REFERENCE_PATH, await renderAuditEventReference());
  console.log(`wrote ${path.relative(process.cwd(), REFERENCE_PATH)}`);
}
