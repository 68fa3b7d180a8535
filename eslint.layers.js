// @ts-check
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The layers of src/: which top-level unit may import which (the lint rule `gatehouse/layers`).
 * A unit is a folder of src/, or a file at its top by name (`main`). Relative imports are resolved
 * to the file they name, so the depth of the importing file does not matter.
 */

const SRC = path.join(import.meta.dirname, 'src');

const units = readdirSync(SRC).map((name) => name.replace(/\.ts$/, ''));
const allBut = (/** @type {string[]} */ ...excluded) => units.filter((u) => !excluded.includes(u));

/**
 * A unit may import itself, what `may` lists, and only types from what `types` lists. An entry
 * names a unit (`core`) or one module in it (`web/password`). Only cli/ lists cli/.
 * @type {Readonly<Record<string, { may: readonly string[]; types?: readonly string[] }>>}
 */
export const layers = {
  core: { may: [] },
  config: { may: ['core'] },
  keys: { may: ['core'] },
  logging: { may: ['core'] },
  store: { may: ['core'] },
  recording: { may: ['core', 'logging'] },
  // Recordings in an S3-compatible bucket (the AWS SDK); the RecordingStore port is recording/'s.
  'recording-s3': { may: ['core', 'logging', 'recording'], types: ['config'] },
  // Doctor checks a command target's run-as account and confinement as a session start does.
  doctor: {
    may: [
      'core',
      'config',
      'keys',
      'store',
      'recording',
      'checkpoints',
      'targets/host-account',
      'targets/confinement-probe',
    ],
  },
  // Signed audit checkpoints: written while serve runs, checked by audit verify and doctor.
  checkpoints: { may: ['core', 'logging', 'keys'], types: ['config'] },
  metrics: { may: ['core'], types: ['session'] },
  // serve's sweep of pending access requests past their deadline.
  requests: { may: ['core'], types: ['logging'] },
  // Webhook notifications: serve's outbox worker (docs/notifications.md).
  notify: { may: ['core', 'logging'] },
  reload: { may: ['core', 'config'], types: ['adapters', 'session', 'transport'] },
  adapters: { may: ['core', 'logging', 'recording'], types: ['session', 'store'] },
  web: { may: ['core', 'logging', 'recording', 'metrics', 'lifecycle/verify-session'] },
  // The demo makes its reviewer with the same credential helpers as `gatehouse reviewer add`.
  quickstart: { may: ['core', 'config', 'store', 'keys', 'web/auth', 'web/password'] },
  cli: { may: [...allBut('web'), 'web/auth', 'web/password'] },
  // The ssh side (docs/architecture.md): transport speaks ssh2 and calls the session handlers;
  // session is ssh-free stages over ports; targets, tty and stream are what the stages use.
  stream: { may: ['core'] },
  targets: { may: ['core', 'logging', 'stream', 'transport/algorithms'] },
  tty: { may: ['core', 'logging', 'stream'], types: ['targets'] },
  // The SFTP relay (issue 16): protocol and rights checks over two byte streams.
  sftp: { may: ['core', 'logging', 'stream'] },
  session: { may: ['core', 'logging', 'stream', 'targets', 'tty', 'sftp'] },
  transport: { may: ['core', 'logging', 'keys', 'session', 'stream'], types: ['targets'] },
  // Evidence files: written from the store port, checked offline with the audit chain's own hash.
  evidence: { may: ['core', 'keys', 'recording', 'store/audit-chain'] },
  // Retention (issue 17): recordings pruned through the store port and recording/remove-recording.
  retention: { may: ['core', 'logging', 'recording'] },
  // The owner of a session's record: opened and sealed for session/, verified for cli/ and web/.
  lifecycle: { may: ['core', 'logging', 'recording'], types: ['session'] },
  // serve's timers, wired by main: checkpoints, the request expiry sweep, the notifier, retention.
  'background-workers': {
    may: ['core', 'keys', 'checkpoints', 'requests', 'notify', 'retention'],
    types: ['config', 'logging', 'metrics', 'recording'],
  },
  // The composition root wires everything; the CLI calls it, so it never imports cli/.
  main: { may: allBut('cli') },
};

/** `core/clock` → `core`; `main` → `main`. */
const unitOf = (/** @type {string} */ modulePath) => modulePath.split('/')[0] ?? modulePath;
const covers = (/** @type {string} */ entry, /** @type {string} */ modulePath) =>
  modulePath === entry || modulePath.startsWith(`${entry}/`);

/** A path under src/ without extension, `/`-separated, or null when outside src/. */
function srcModule(/** @type {string} */ file) {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel
    .split(path.sep)
    .join('/')
    .replace(/\.[jt]s$/, '');
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: { type: 'problem', schema: [], docs: { description: 'layer boundaries of src/' } },
  create(context) {
    const self = srcModule(context.filename);
    if (self === null) return {};
    const from = unitOf(self);
    const layer = layers[from];
    if (layer === undefined) {
      return {
        Program: (node) =>
          context.report({ node, message: `src/${from} has no layer: add it to eslint.layers.js` }),
      };
    }
    /** @param {import('estree').Node} node @param {unknown} source @param {boolean} typeOnly */
    const check = (node, source, typeOnly) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = srcModule(path.resolve(path.dirname(context.filename), source));
      if (target === null) return;
      const to = unitOf(target);
      if (to === from || layer.may.some((e) => covers(e, target))) return;
      const typesAllowed = (layer.types ?? []).some((e) => covers(e, target));
      if (typeOnly && typesAllowed) return;
      const message = typesAllowed
        ? `${from}/ may import only types from ${to}/ (use \`import type\`)`
        : `${from}/ may not import ${to}/ ('${source}'); the layers are in eslint.layers.js`;
      context.report({ node, message });
    };
    // importKind / exportKind come from the TypeScript parser; only a whole `import type` is erased.
    const kind = (/** @type {any} */ node) => node.importKind ?? node.exportKind;
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value, kind(node) === 'type'),
      ExportNamedDeclaration: (node) => {
        if (node.source) check(node.source, node.source.value, kind(node) === 'type');
      },
      ExportAllDeclaration: (node) => check(node.source, node.source.value, kind(node) === 'type'),
      ImportExpression: (node) => {
        if (node.source.type === 'Literal') check(node.source, node.source.value, false);
      },
    };
  },
};

export const layersPlugin = { rules: { layers: layersRule } };
