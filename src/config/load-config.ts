import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { GatehouseError } from '../core/errors.js';
import { quoteForMessage } from '../core/names.js';
import { configSchema, type ParsedConfig } from './schema.js';

/** Readonly all the way down: a running bastion swaps its whole Config on reload, never edits one. */
type DeepReadonly<T> = T extends readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The schema's output with absolute paths, plus the file it came from. */
export type Config = DeepReadonly<ParsedConfig & { configPath: string }>;

export const DEFAULT_CONFIG_PATH = path.join('config', 'gatehouse.yaml');

const fail = (what: string): GatehouseError => new GatehouseError('config', `config: ${what}`);

/**
 * Finds, reads and validates the config. Path choice: `explicitPath`, else $GATEHOUSE_CONFIG, else
 * `config/gatehouse.yaml` under `cwd`. A missing file is an error, never a fresh empty setup: run
 * in the wrong folder, a command must not create a database there. Relative paths in the file
 * resolve against the file's folder.
 */
export async function loadConfig(
  explicitPath: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Config> {
  const envPath = env['GATEHOUSE_CONFIG'];
  const chosen =
    explicitPath !== undefined
      ? { file: explicitPath, from: '--config' }
      : envPath !== undefined && envPath !== ''
        ? { file: envPath, from: '$GATEHOUSE_CONFIG' }
        : null;
  const file = path.resolve(cwd, chosen?.file ?? DEFAULT_CONFIG_PATH);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder'
          : `cannot read (${code ?? 'error'})`;
    const from = chosen
      ? ` (from ${chosen.from})`
      : '; name the config file with --config FILE or $GATEHOUSE_CONFIG';
    throw fail(`${file}: ${why}${from}`);
  }
  return resolveConfig(parseSettings(parseYaml(text, file)), file, path.dirname(file));
}

/** Parses config text (tests, `serve --check`); `file` only names the source in messages. */
export function parseConfigText(text: string, file: string): Config {
  return resolveConfig(
    parseSettings(parseYaml(text, file)),
    file,
    path.dirname(path.resolve(file)),
  );
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = first.linePos?.[0].line;
    const what = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw fail(`${file}: ${line === undefined ? '' : `line ${line}: `}${what}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw fail(
      `${file}: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : 'invalid YAML'}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fail(`${file}: expected a mapping of settings (key: value) at the top level`);
  }
  return value;
}

function parseSettings(value: unknown): ParsedConfig {
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  /* c8 ignore next */
  if (issue === undefined) throw fail('invalid');
  throw fail(describeIssue(issue, value));
}

function dotted(segments: readonly PropertyKey[]): string {
  return segments.length === 0 ? '(top level)' : segments.map((s) => String(s)).join('.');
}

function typeName(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${quoteForMessage(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `the ${typeof v} ${String(v)}`;
  return typeof v;
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let v = root;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const at = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${dotted([...at, issue.keys[0] ?? '?'])}: unknown key`;
    case 'invalid_type': {
      const expected =
        issue.expected === 'object'
          ? 'a mapping'
          : issue.expected === 'array'
            ? 'a list'
            : `a ${issue.expected}`;
      return `${dotted(at)}: expected ${expected}, got ${typeName(valueAt(root, at))}`;
    }
    case 'invalid_value':
      return `${dotted(at)}: must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_key':
      return `${dotted(at)}: invalid name ${quoteForMessage(String(at.at(-1) ?? ''))}`;
    case 'too_small':
      return `${dotted(at)}: ${issue.origin === 'array' || issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`}`;
    case 'too_big':
      return `${dotted(at)}: must be at most ${String(issue.maximum)}`;
    default:
      return `${dotted(at)}: ${issue.message}`;
  }
}

/** Relative paths in the file resolve against `base`, the file's folder. */
function resolveConfig(parsed: ParsedConfig, configPath: string, base: string): Config {
  const abs = (p: string): string => path.resolve(base, p);
  return {
    ...parsed,
    configPath,
    ssh: {
      ...parsed.ssh,
      hostKeyPath: abs(parsed.ssh.hostKeyPath),
      clientKeyPath: abs(parsed.ssh.clientKeyPath),
    },
    database: { ...parsed.database, path: abs(parsed.database.path) },
    recordings: { ...parsed.recordings, dir: abs(parsed.recordings.dir) },
    audit: {
      ...parsed.audit,
      checkpointSink: {
        ...parsed.audit.checkpointSink,
        file:
          parsed.audit.checkpointSink.file === null ? null : abs(parsed.audit.checkpointSink.file),
      },
    },
  };
}
