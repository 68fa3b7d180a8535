import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { lintDockerfile, parseDockerfile } from './dockerfile-lint.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string): Promise<string> => readFile(path.join(ROOT, file), 'utf8');

/** `.dockerignore` with `*` then `!path` lines: is `file` sent to the build? */
function included(ignore: string, file: string): boolean {
  let inside = false;
  for (const raw of ignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/\/$/, '');
    const hit = pattern === '*' || file === pattern || file.startsWith(`${pattern}/`);
    if (hit) inside = negated;
  }
  return inside;
}

describe('Dockerfile', () => {
  it('passes the lint rules: pinned bases, non-root USER before CMD, HEALTHCHECK, no ADD, no curl|sh', async () => {
    expect(lintDockerfile(await read('Dockerfile'))).toEqual([]);
  });

  it('the lint catches what it claims to', () => {
    const bad = [
      'FROM node:latest',
      'ADD https://example.com/x.tgz /x',
      'RUN curl -fsSL https://example.com/install.sh | sh',
      'RUN apt-get install tini',
      'CMD node app.js',
      '',
    ].join('\n');
    expect(lintDockerfile(bad)).toEqual([
      'not multi-stage: expected a build stage and a runtime stage',
      'line 1: base image node:latest is not pinned to an exact version or digest',
      'the runtime stage is not a slim image',
      'the runtime stage does not switch to a non-root USER',
      'line 5: CMD is not in exec form (JSON array)',
      'line 5: CMD comes before the non-root USER',
      'no ENTRYPOINT',
      'no HEALTHCHECK',
      'line 2: ADD (use COPY; never ADD a URL)',
      'line 3: pipes a download into a shell',
      'line 4: apt-get install without --no-install-recommends',
      'line 4: apt-get install without -y',
      'line 4: apt lists not removed in the same RUN',
    ]);
    expect(
      lintDockerfile(
        'FROM node:20-bookworm AS b\nFROM node:20.1.0-bookworm-slim\nUSER root\nCMD ["x"]\nENTRYPOINT ["y"]\nHEALTHCHECK CMD ["z"]\n',
      ),
    ).toEqual([
      'line 1: base image node:20-bookworm is not pinned to an exact version or digest',
      'the runtime stage does not switch to a non-root USER',
    ]);
  });

  it('builds with the CI script, runs as uid 10001, exposes 2222 and 8080 with volumes for data and recordings', async () => {
    const ins = parseDockerfile(await read('Dockerfile'));
    const text = (k: string): string[] => ins.filter((i) => i.keyword === k).map((i) => i.args);
    expect(
      text('RUN').some((r) => r.startsWith('bash scripts/docker-build-steps.sh --in-place')),
    ).toBe(true);
    expect(text('RUN').join('\n')).toMatch(
      /useradd --system --uid 10001 --gid gatehouse .* gatehouse/,
    );
    expect(text('USER').at(-1)).toBe('gatehouse');
    expect(text('EXPOSE')).toEqual(['2222 8080']);
    expect(JSON.parse(text('VOLUME')[0] ?? '[]')).toEqual([
      '/var/lib/gatehouse',
      '/var/lib/gatehouse/recordings',
    ]);
    expect(JSON.parse(text('ENTRYPOINT')[0] ?? '[]')).toEqual([
      '/usr/bin/tini',
      '--',
      'node',
      '/opt/gatehouse/bin/gatehouse.js',
    ]);
    expect(JSON.parse(text('CMD')[0] ?? '[]')).toEqual(['serve']);
    expect(text('HEALTHCHECK')[0]).toMatch(
      /CMD \["node", "\/opt\/gatehouse\/bin\/gatehouse.js", "doctor", "--local"/,
    );
    expect(text('COPY')).toContain('config/docker.yaml /etc/gatehouse/gatehouse.yaml');
  });

  it("gives only setpriv, runnable only by the gatehouse group, what switching to a command target's run-as account needs", async () => {
    const runs = parseDockerfile(await read('Dockerfile'))
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toMatch(/chgrp gatehouse \/usr\/bin\/setpriv/);
    expect(runs).toMatch(/chmod 0750 \/usr\/bin\/setpriv/);
    expect(runs).toMatch(/setcap cap_setuid,cap_setgid\+ep \/usr\/bin\/setpriv/);
    expect(runs).not.toMatch(/setcap .*node/); // node itself holds no capability
    // The tool that set it is gone from the runtime image again.
    expect(runs).toMatch(/apt-get purge -y --auto-remove libcap2-bin/);
  });

  it('every COPY source exists and is not excluded by .dockerignore', async () => {
    const ignore = await read('.dockerignore');
    const sources = parseDockerfile(await read('Dockerfile'))
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const src of sources) {
      const file = src.replace(/\/$/, '');
      await expect(
        readFile(path.join(ROOT, file)).catch((e: NodeJS.ErrnoException) => e.code),
      ).resolves.not.toBe('ENOENT');
      expect({ file, included: included(ignore, file) }).toEqual({ file, included: true });
    }
    expect(included(ignore, 'node_modules')).toBe(false);
    expect(included(ignore, 'data')).toBe(false);
    expect(included(ignore, '.git')).toBe(false);
  });

  it("config/docker.yaml loads, with every path inside the image's volumes and the exposed ports", async () => {
    const config = await loadConfig(path.join(ROOT, 'config/docker.yaml'), {}, ROOT);
    for (const p of [config.ssh.hostKeyPath, config.ssh.clientKeyPath, config.database.path]) {
      expect(p.startsWith('/var/lib/gatehouse/')).toBe(true);
    }
    expect(config.recordings.dir).toBe('/var/lib/gatehouse/recordings');
    expect(config.ssh.listen).toEqual({ host: '0.0.0.0', port: 2222 });
    expect(config.web.listen).toEqual({ host: '0.0.0.0', port: 8080 });
  });
});
