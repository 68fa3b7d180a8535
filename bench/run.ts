/**
 * `npm run bench [-- --quick] [-- --cipher NAME] [-- --no-profile]`: gatehouse against OpenSSH
 * (direct and `ssh -J` through a plain sshd jump host) on the same machine in the same run.
 * Prints a table with ratios, writes bench/results/latest.json. See README "Benchmark".
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertDownloads, type AlertDownloads } from './lib/alert-rules.js';
import { benchLogin } from './lib/bench-account.js';
import { loadCryptoFacts, negotiatedCipher } from './lib/environment.js';
import { writePrintableFile } from './lib/data-file.js';
import {
  BENCH_USER,
  setupGatehouse,
  serviceEnvironment,
  startGatehouse,
  TARGET_NAME,
  type GatehouseProcess,
} from './lib/gatehouse.js';
import {
  keystrokeGoals,
  keystrokeRows,
  measureBothKinds,
  type Keystrokes,
} from './lib/keystroke.js';
import { parseOptions } from './lib/options.js';
import { loadAverage, median, percentile, procStats } from './lib/proc.js';
import { formatGoals, formatTable, type Goal, type PerPath, type Row } from './lib/report.js';
import { measureScale } from './lib/scale.js';
import { measureSftp, sftpGoals, sftpRows, writeSftpBatches, type SftpRuns } from './lib/sftp.js';
import { cleanShellWrapper, startSshd } from './lib/sshd.js';
import { alternate, PATHS, perPath, writeSshConfig, type PathName } from './lib/ssh-paths.js';
import {
  checkPath,
  connectOnce,
  download,
  loginRate,
  upload,
  type LoginRate,
  type TimedRun,
} from './lib/transfer.js';
import {
  formatProfile,
  mainThreadProfile,
  summariseProfileFile,
  type ProfileSummary,
} from './profile-summary.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const opts = parseOptions(process.argv.slice(2), process.env);
/** The gatehouse under test (bin/gatehouse.js, dist/): this repository unless --gatehouse DIR. */
const ghRoot = resolve(opts.gatehouseRoot ?? repoRoot);
const started = Date.now();
const log = (line: string): void =>
  console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const MiB = 1024 * 1024;

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

async function main(): Promise<void> {
  const loadAtStart = await loadAverage();
  const base = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const stoppers: (() => Promise<unknown>)[] = [];
  log(
    `gatehouse ${ghRoot}; mode ${opts.quick ? 'quick' : 'full'}${opts.cipher === null ? '' : `, cipher ${opts.cipher}`}; load average ${loadAtStart}; temp ${base}`,
  );
  try {
    const bytes = opts.transferMiB * MiB;
    const dataFile = join(base, 'printable.b64');
    await writePrintableFile(dataFile, bytes);

    const sshdExtra = opts.cipher === null ? [] : [`Ciphers ${opts.cipher}`];
    const targetExtra = opts.cleanShell
      ? [...sshdExtra, `ForceCommand ${await cleanShellWrapper(base)}`]
      : sshdExtra;
    const login = opts.cleanShell ? await benchLogin(base, log) : userInfo().username;
    const target = await startSshd(base, 'target', login, targetExtra);
    stoppers.push(() => target.stop());
    const jump = await startSshd(base, 'jump', login, sshdExtra);
    stoppers.push(() => jump.stop());
    const setup = await setupGatehouse(ghRoot, base, target, opts.scaleUsers - 1);
    await target.authorize(setup.user.publicLine);
    await jump.authorize(setup.user.publicLine);
    let gh: GatehouseProcess = await startGatehouse(ghRoot, setup);
    let ghRunning = true;
    stoppers.push(() => (ghRunning ? gh.stop() : Promise.resolve()));
    const paths = await writeSshConfig(
      base,
      { target: target.port, jump: jump.port, gatehouse: setup.port },
      target.login,
      `${BENCH_USER}+${TARGET_NAME}`,
      setup.user.privatePath,
      opts.cipher,
    );
    for (const p of PATHS) await checkPath(paths, p, dataFile);
    const crypto = {
      ...loadCryptoFacts(ghRoot),
      clientCipher: {
        direct: await negotiatedCipher(paths, 'direct'),
        jump: await negotiatedCipher(paths, 'jump'),
        gatehouse: await negotiatedCipher(paths, 'gatehouse'),
      },
    };
    log(
      `gatehouse pid ${gh.pid} on ${setup.port}; target sshd ${target.port} as ${login}; jump sshd ${jump.port}; ciphers ${JSON.stringify(crypto.clientCipher)}; environment from the unit ${JSON.stringify(await serviceEnvironment(ghRoot))}`,
    );

    /** Download MiB/s through gatehouse with ten alert rules, and its ratio to none (same runs). */
    const measureAlerts = async (): Promise<{ rate: number; ratio: number }> => {
      log(`download with and without ten alert rules: ${opts.transferRounds * 2} rounds`);
      const runs: AlertDownloads = await alertDownloads(
        paths,
        gh,
        setup,
        dataFile,
        bytes,
        opts.transferRounds * 2,
      );
      const mibPerS = (r: TimedRun[]): number => bytes / MiB / (median(r.map((x) => x.ms)) / 1000);
      return { rate: mibPerS(runs.withTen), ratio: mibPerS(runs.withTen) / mibPerS(runs.without) };
    };
    const grossRate = (runs: Record<PathName, TimedRun[]>): PerPath =>
      perPath((p) => bytes / MiB / (median(runs[p].map((r) => r.ms)) / 1000));
    const measureKeys = (): Promise<Keystrokes> =>
      measureBothKinds(paths, opts.keystrokes, opts.keystrokeBlock, log);
    const sftpBatches = await writeSftpBatches(base, dataFile);
    const runSftp = (): Promise<SftpRuns> => {
      log(`sftp get and put: ${opts.transferRounds} rounds each of ${opts.transferMiB} MiB`);
      return measureSftp(paths, sftpBatches, opts.transferRounds, gh.pid);
    };
    const printPartial = async (rows: Row[], goals: Goal[]): Promise<void> => {
      const loadAtEnd = await loadAverage();
      console.log(
        [
          '',
          `gatehouse benchmark, part (${opts.quick ? 'QUICK' : 'full'} sizes, ${opts.transferMiB} MiB transfers; load average ${loadAtStart} at start, ${loadAtEnd} at end)`,
          formatTable(rows),
          'goals:',
          formatGoals(goals),
        ].join('\n'),
      );
    };
    if (opts.onlyKeys) {
      const keys = await measureKeys();
      await printPartial(keystrokeRows(keys), keystrokeGoals(keys));
      return;
    }
    if (opts.onlyTransfers) {
      log(`download and upload: ${opts.transferRounds} rounds each of ${opts.transferMiB} MiB`);
      const rounds = opts.transferRounds;
      const downloads = await alternate(rounds, (p) => download(paths, p, dataFile, bytes, gh.pid));
      const uploads = await alternate(rounds, (p) => upload(paths, p, dataFile, gh.pid));
      const sftp = await runSftp();
      const sftpPart = sftpRows(sftp, bytes);
      const transferRows: Row[] = [
        {
          metric: 'download incl. connect',
          unit: 'MiB/s',
          values: grossRate(downloads),
          higherIsBetter: true,
        },
        {
          metric: 'upload incl. connect',
          unit: 'MiB/s',
          values: grossRate(uploads),
          higherIsBetter: true,
        },
        ...sftpPart,
      ];
      await printPartial(transferRows, sftpGoals(sftpPart, sftp.refused));
      return;
    }
    if (opts.onlyAlerts) {
      const { rate, ratio } = await measureAlerts();
      console.log(
        `download incl. connect, 10 alert rules: ${rate.toFixed(1)} MiB/s, ${ratio.toFixed(2)} x without (goal >= 0.9)`,
      );
      return;
    }

    /** Restarts gatehouse under --cpu-prof for one download; its summary and the saved file. */
    const profileDownload = async (): Promise<{
      profile: ProfileSummary | null;
      profilePath: string | null;
    }> => {
      log('profile: gatehouse --cpu-prof during one download');
      ghRunning = false;
      await gh.stop();
      const profDir = join(base, 'cpuprof');
      gh = await startGatehouse(
        ghRoot,
        setup,
        ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
        'gatehouse-profile.log',
      );
      ghRunning = true;
      await download(paths, 'gatehouse', dataFile, bytes, gh.pid);
      ghRunning = false;
      await gh.stop();
      const file = mainThreadProfile(await readdir(profDir));
      if (file === undefined) return { profile: null, profilePath: null };
      await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
      const savedAs = join(repoRoot, 'bench/results/download.cpuprofile');
      await copyFile(join(profDir, file), savedAs);
      return { profile: await summariseProfileFile(join(profDir, file), 25), profilePath: savedAs };
    };
    /** MiB/s per path over the transfer itself: the median wall time minus the path's median connect time. */
    // (NaN when the connect time is not small against the transfer: too little data, or a loaded machine.)
    const transferRates = (down: Record<PathName, TimedRun[]>, connectMs: PerPath): PerPath =>
      perPath((p) => {
        const wall = median(down[p].map((r) => r.ms));
        return wall - connectMs[p] > 0.2 * wall
          ? bytes / MiB / ((wall - connectMs[p]) / 1000)
          : Number.NaN;
      });
    if (opts.onlyDownload) {
      await alternate(1, (p) => connectOnce(paths, p));
      const connect = await alternate(opts.connectRounds, (p) => connectOnce(paths, p));
      const connectMs = perPath((p) => median(connect[p].map((r) => r.ms)));
      log(`download: ${opts.transferRounds} rounds of ${opts.transferMiB} MiB`);
      const down = await alternate(opts.transferRounds, (p) =>
        download(paths, p, dataFile, bytes, gh.pid),
      );
      const rates = transferRates(down, connectMs);
      const cpu = median(down.gatehouse.map((r) => ((r.gatehouseCpuS ?? 0) * 1000) / r.ms)) * 100;
      // CPU time per MiB depends less on the machine's load than the rates do.
      const msPerMiB = (s: number | null): number => ((s ?? 0) * 1000 * MiB) / bytes;
      const cpuMsPerMiB = median(down.gatehouse.map((r) => msPerMiB(r.gatehouseCpuS)));
      const mainMsPerMiB = median(down.gatehouse.map((r) => msPerMiB(r.gatehouseMainCpuS)));
      const { profile } = opts.profile ? await profileDownload() : { profile: null };
      console.log(
        [
          `download MiB/s (load average ${loadAtStart} at start, ${await loadAverage()} at end): ${PATHS.map((p) => `${p} ${rates[p].toFixed(1)}`).join(', ')}; gatehouse ${(rates.gatehouse / rates.jump).toFixed(2)} x jump (goal >= 1.0); gatehouse ${cpu.toFixed(0)}% of a core, ${cpuMsPerMiB.toFixed(2)} ms CPU per MiB (main thread ${mainMsPerMiB.toFixed(2)})`,
          ...(profile === null ? [] : [formatProfile(profile)]),
        ].join('\n'),
      );
      return;
    }

    log(`connect: ${opts.connectRounds} rounds`);
    await alternate(1, (p) => connectOnce(paths, p)); // warm-up (page cache, first fork)
    const connect = await alternate(opts.connectRounds, (p) => connectOnce(paths, p));
    const connectMs = perPath((p) => median(connect[p].map((r) => r.ms)));

    log(`download: ${opts.transferRounds} rounds of ${opts.transferMiB} MiB`);
    const down = await alternate(opts.transferRounds, (p) =>
      download(paths, p, dataFile, bytes, gh.pid),
    );
    log(`upload: ${opts.transferRounds} rounds of ${opts.transferMiB} MiB`);
    const up = await alternate(opts.transferRounds, (p) => upload(paths, p, dataFile, gh.pid));
    const alerts = await measureAlerts();
    const rate = (runs: Record<PathName, TimedRun[]>): PerPath => transferRates(runs, connectMs);
    const ghCpu = (runs: Record<PathName, TimedRun[]>): number =>
      median(runs.gatehouse.map((r) => ((r.gatehouseCpuS ?? 0) * 1000) / r.ms)) * 100;

    const sftp = await runSftp();
    const sftpPart = sftpRows(sftp, bytes);
    const keys = await measureKeys();

    const logins = perPath<LoginRate | null>(() => null);
    /** gatehouse's own CPU per login (10 ms per tick): its ceiling is 1000 / this per core. */
    let ghCpuPerLoginMs = Number.NaN;
    for (const p of PATHS) {
      log(`logins/s: ${p}, ${opts.loginParallel} parallel clients for ${opts.loginSeconds} s`);
      const cpu0 = p === 'gatehouse' ? (await procStats(gh.pid)).cpuTicks : 0;
      logins[p] = await loginRate(paths, p, opts.loginParallel, opts.loginSeconds);
      if (p === 'gatehouse')
        ghCpuPerLoginMs =
          (((await procStats(gh.pid)).cpuTicks - cpu0) * 10) / Math.max(1, logins[p].logins);
    }
    const loginP99 = perPath((p) =>
      percentile(
        [...logins[p]!.latenciesMs].sort((a, b) => a - b),
        99,
      ),
    );

    log(
      `scale: ${opts.scaleSteps.join(', ')} idle shells through gatehouse, spread over ${opts.scaleUsers} users`,
    );
    const shellUsers = [
      { keyPath: setup.user.privatePath, login: `${BENCH_USER}+${TARGET_NAME}` },
      ...setup.extraUsers.map((u) => ({
        keyPath: u.key.privatePath,
        login: `${u.login}+${TARGET_NAME}`,
      })),
    ];
    const scale = await measureScale(
      paths,
      gh.pid,
      shellUsers,
      opts.scaleSteps,
      opts.idleSeconds,
      10,
      log,
    );
    const recordingBytes = await dirBytes(join(setup.dir, 'recordings')).catch(() => 0);

    let profile: ProfileSummary | null = null;
    let profilePath: string | null = null;
    if (opts.profile) ({ profile, profilePath } = await profileDownload());

    const rows: Row[] = [
      { metric: 'download', unit: 'MiB/s', values: rate(down), higherIsBetter: true },
      {
        metric: 'download incl. connect',
        unit: 'MiB/s',
        values: grossRate(down),
        higherIsBetter: true,
      },
      {
        metric: 'download incl. connect, 10 alert rules',
        unit: 'MiB/s',
        values: { direct: Number.NaN, jump: Number.NaN, gatehouse: alerts.rate },
        higherIsBetter: true,
      },
      { metric: 'upload', unit: 'MiB/s', values: rate(up), higherIsBetter: true },
      {
        metric: 'upload incl. connect',
        unit: 'MiB/s',
        values: grossRate(up),
        higherIsBetter: true,
      },
      { metric: 'connect p50', unit: 'ms', values: connectMs, higherIsBetter: false },
      {
        metric: 'connect p90',
        unit: 'ms',
        values: perPath((p) =>
          percentile(
            [...connect[p].map((r) => r.ms)].sort((a, b) => a - b),
            90,
          ),
        ),
        higherIsBetter: false,
      },
      ...sftpPart,
      ...keystrokeRows(keys),
      {
        metric: 'logins/s (10 parallel)',
        unit: '1/s',
        values: perPath((p) => logins[p]!.perSecond),
        higherIsBetter: true,
      },
      { metric: 'login latency p99', unit: 'ms', values: loginP99, higherIsBetter: false },
    ];
    const v = (metric: string): PerPath => rows.find((r) => r.metric === metric)!.values;
    const last = scale.points[scale.points.length - 1];
    const goals: Goal[] = [
      {
        goal: 'download >= 1.0 x jump',
        measured: `${(v('download').gatehouse / v('download').jump).toFixed(2)} x`,
        met: v('download').gatehouse >= v('download').jump,
      },
      {
        goal: 'upload >= 1.0 x jump',
        measured: `${(v('upload').gatehouse / v('upload').jump).toFixed(2)} x`,
        met: v('upload').gatehouse >= v('upload').jump,
      },
      {
        goal: 'download with 10 alert rules >= 0.9 x without',
        measured: `${alerts.ratio.toFixed(2)} x`,
        met: alerts.ratio >= 0.9,
      },
      {
        goal: 'connect <= 0.8 x jump',
        measured: `${(connectMs.gatehouse / connectMs.jump).toFixed(2)} x`,
        met: connectMs.gatehouse <= 0.8 * connectMs.jump,
      },
      ...keystrokeGoals(keys),
      ...sftpGoals(sftpPart, sftp.refused),
      {
        goal: `idle session <= 256 kB RSS at ${last?.sessions ?? 0}`,
        measured: `${last?.rssPerSessionKb.toFixed(0) ?? 'n/a'} kB`,
        met: (last?.rssPerSessionKb ?? Infinity) <= 256,
      },
      {
        goal: 'logins >= 50/s',
        measured: `${logins.gatehouse!.perSecond.toFixed(1)}/s (${logins.gatehouse!.failures} failed)`,
        met: logins.gatehouse!.perSecond >= 50,
      },
      {
        goal: 'login p99 <= 500 ms',
        measured: `${loginP99.gatehouse.toFixed(0)} ms`,
        met: loginP99.gatehouse <= 500,
      },
    ];

    const loadAtEnd = await loadAverage();
    const out = [
      '',
      `gatehouse benchmark (${opts.quick ? 'QUICK' : 'full'} run, ${opts.transferMiB} MiB transfers, cipher ${opts.cipher ?? 'default'}, target shell ${opts.cleanShell ? 'clean (sh -c / bash --norc)' : 'account dotfiles'}; load average ${loadAtStart} at start, ${loadAtEnd} at end)`,
      formatTable(rows),
      '',
      `gatehouse CPU during transfers: download ${ghCpu(down).toFixed(0)}% of a core, upload ${ghCpu(up).toFixed(0)}% of a core; recordings written: ${(recordingBytes / MiB).toFixed(0)} MiB`,
      `scale (gatehouse, idle shells over ${opts.scaleUsers} users/grants; baseline RSS ${(scale.baselineRssKb / 1024).toFixed(1)} MiB):`,
      ...scale.points.map(
        (s) =>
          `  N=${String(s.sessions).padStart(3)}${s.failed > 0 ? ` (${s.failed} failed: ${s.failure ?? ''})` : ''}  RSS ${(s.rssKb / 1024).toFixed(1)} MiB  ${s.rssPerSessionKb.toFixed(0)} kB/session (marginal ${s.marginalKbPerSession?.toFixed(0) ?? 'n/a'} kB)  idle CPU ${s.idleCpuPercent.toFixed(1)}%  opened in ${s.openSeconds.toFixed(1)} s`,
      ),
      `gatehouse CPU per login: ${ghCpuPerLoginMs.toFixed(1)} ms (ceiling about ${(1000 / ghCpuPerLoginMs).toFixed(0)} logins/s per core for gatehouse itself)`,
      `logins: ${PATHS.map((p) => `${p} ${logins[p]!.logins} ok / ${logins[p]!.failures} failed`).join(', ')}${logins.gatehouse!.firstError ? `; first gatehouse error: ${logins.gatehouse!.firstError}` : ''}`,
      `crypto: ssh2 native binding ${crypto.ssh2NativeBinding ? 'loaded' : 'NOT loaded'}, cpu-features ${crypto.cpuFeatures.loaded ? `loaded (AES-NI ${String(crypto.cpuFeatures.aes)})` : 'NOT loaded'}; client cipher: ${PATHS.map((p) => `${p} ${crypto.clientCipher[p] ?? '?'}`).join(', ')}`,
      'goals (issues 6 and 16):',
      formatGoals(goals),
      ...(profile === null
        ? []
        : ['', formatProfile(profile), `(profile saved as ${profilePath ?? '?'})`]),
      '',
      `finished in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ];
    console.log(out.join('\n'));
    const results = {
      date: new Date().toISOString(),
      options: opts,
      load: { start: loadAtStart, end: loadAtEnd },
      rows,
      goals,
      raw: {
        ghCpuPerLoginMs,
        connect,
        download: down,
        upload: up,
        keystrokeMs: keys,
        sftp,
        logins,
        scale,
        recordingBytes,
        gatehouseCpuPercent: { download: ghCpu(down), upload: ghCpu(up) },
      },
      crypto,
      profile,
      seconds: (Date.now() - started) / 1000,
    };
    await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
    await writeFile(
      join(repoRoot, 'bench/results/latest.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    // gatehouse's own logs, for a look at what went wrong (bench/results/ is not committed).
    await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
    for (const name of ['gatehouse.log', 'gatehouse-profile.log']) {
      await copyFile(join(base, 'gatehouse', name), join(repoRoot, 'bench/results', name)).catch(
        () => undefined,
      );
    }
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
  }
}

await main();
