/**
 * A small Dockerfile linter for the rules gatehouse's image relies on (hadolint is not packaged
 * for Debian). Returns one message per problem; [] when the file is clean.
 */
export interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly args: string;
}

/** Joins `\` continuations, drops comments and blank lines. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (buffer === '' && (/^\s*#/.test(line) || line.trim() === '')) return;
    if (buffer !== '' && /^\s*#/.test(line)) return;
    if (buffer === '') start = i + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    buffer += line;
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(buffer);
    if (m)
      out.push({ line: start, keyword: (m[1] ?? '').toUpperCase(), args: (m[2] ?? '').trim() });
    buffer = '';
  });
  return out;
}

const isExecForm = (args: string): boolean => {
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string');
  } catch {
    return false;
  }
};

export function lintDockerfile(text: string): string[] {
  const problems: string[] = [];
  const ins = parseDockerfile(text);
  const args = new Map<string, string>();
  for (const i of ins) {
    if (i.keyword !== 'ARG') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(i.args);
    if (m) args.set(m[1] ?? '', m[2] ?? '');
  }
  const expand = (s: string): string =>
    s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => args.get(n) ?? `\${${n}}`);

  const froms = ins.filter((i) => i.keyword === 'FROM');
  if (froms.length < 2)
    problems.push('not multi-stage: expected a build stage and a runtime stage');
  for (const f of froms) {
    const image = expand(f.args.split(/\s+/)[0] ?? '');
    const pinned =
      /@sha256:[0-9a-f]{64}$/.test(image) || /:\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/.test(image);
    if (!pinned)
      problems.push(
        `line ${f.line}: base image ${image} is not pinned to an exact version or digest`,
      );
  }
  const lastFrom = froms.at(-1);
  const runtime = lastFrom === undefined ? ins : ins.filter((i) => i.line >= lastFrom.line);
  if (lastFrom !== undefined && !/-slim\b/.test(expand(lastFrom.args)))
    problems.push('the runtime stage is not a slim image');

  const users = runtime.filter((i) => i.keyword === 'USER');
  const lastUser = users.at(-1)?.args;
  if (lastUser === undefined || /^(root|0)(:|$)/.test(lastUser))
    problems.push('the runtime stage does not switch to a non-root USER');
  for (const k of ['CMD', 'ENTRYPOINT']) {
    const i = runtime.find((x) => x.keyword === k);
    if (i === undefined) {
      problems.push(`no ${k}`);
      continue;
    }
    if (!isExecForm(i.args)) problems.push(`line ${i.line}: ${k} is not in exec form (JSON array)`);
    const userLine = users.at(-1)?.line ?? Infinity;
    if (userLine > i.line) problems.push(`line ${i.line}: ${k} comes before the non-root USER`);
  }
  if (!runtime.some((i) => i.keyword === 'HEALTHCHECK' && !/^NONE$/i.test(i.args)))
    problems.push('no HEALTHCHECK');

  for (const i of ins) {
    if (i.keyword === 'ADD') problems.push(`line ${i.line}: ADD (use COPY; never ADD a URL)`);
    if (i.keyword === 'MAINTAINER') problems.push(`line ${i.line}: MAINTAINER is deprecated`);
    if (i.keyword !== 'RUN') continue;
    if (/\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/.test(i.args))
      problems.push(`line ${i.line}: pipes a download into a shell`);
    if (/\bsudo\b/.test(i.args)) problems.push(`line ${i.line}: sudo in RUN`);
    if (/\bapt-get\s+install\b/.test(i.args)) {
      if (!/--no-install-recommends/.test(i.args))
        problems.push(`line ${i.line}: apt-get install without --no-install-recommends`);
      if (!/\s-y\b|--yes\b/.test(i.args))
        problems.push(`line ${i.line}: apt-get install without -y`);
      if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args))
        problems.push(`line ${i.line}: apt lists not removed in the same RUN`);
    }
    if (/\bapt-get\s+upgrade\b|\bapt\s+install\b/.test(i.args))
      problems.push(`line ${i.line}: use apt-get install, not apt or upgrade`);
    if (/(^|&&\s*|;\s*)cd\s/.test(i.args)) problems.push(`line ${i.line}: cd in RUN (use WORKDIR)`);
  }
  return problems;
}
