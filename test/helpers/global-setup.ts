import { execFileSync } from 'node:child_process';

/** Integration tests spawn the real `bin/gatehouse.js`, so build `dist/` once per run. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
}
