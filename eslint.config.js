// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint.layers.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'net', 'http'];

/** ssh2 is CommonJS: under Node ESM only `Client` is a named export, so values come from the default. */
const ssh2Paths = [
  {
    name: 'ssh2',
    importNames: ['utils', 'Server', 'HTTPAgent', 'HTTPSAgent', 'AgentProtocol', 'BaseAgent'],
    allowTypeImports: true,
    message: "ssh2 is CommonJS: use `import ssh2 from 'ssh2'` and ssh2.utils / ssh2.Server.",
  },
];

/** Packages a folder must not use (which folders it may import: eslint.layers.js). */
const layer = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: ssh2Paths, patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      'eslint.config.js',
      'eslint.layers.js',
      'scripts/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'recordings/**',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: ssh2Paths }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name=/^(exec|execSync)$/][callee.object.name='child_process']",
          message: 'Never child_process.exec/execSync (DESIGN.md §7).',
        },
        {
          selector: "Property[key.name='shell'][value.value=true]",
          message: 'Never shell: true (DESIGN.md §7).',
        },
      ],
    },
  },
  layer(
    ['src/core/**'],
    [
      { group: nodeBuiltins, message: 'core/ is pure: no node:* imports.' },
      {
        group: ['ssh2', 'sqlite3', 'pg', 'pino', 'node-pty', 'zod', 'yaml'],
        message: 'core/ is pure.',
      },
    ],
  ),
  layer(
    ['src/session/**', 'src/tty/**', 'src/stream/**'],
    [
      {
        group: ['ssh2', 'node-pty', 'sqlite3', 'pg'],
        message: 'the session stages, the terminal apps and the plumbing are ssh-free.',
      },
    ],
  ),
  layer(
    ['src/transport/**', 'src/targets/**', 'src/lifecycle/**', 'src/retention/**'],
    [{ group: ['sqlite3', 'pg'], message: 'the store is reached through ports.' }],
  ),
  layer(['src/store/**'], [{ group: ['ssh2'], message: 'store/ knows nothing of SSH.' }]),
  layer(
    ['src/recording/**', 'src/web/**', 'src/evidence/**'],
    [{ group: ['sqlite3', 'pg'], message: 'the store is reached through ports.' }],
  ),
  {
    files: ['src/**/*.ts'],
    plugins: { gatehouse: layersPlugin },
    rules: { 'gatehouse/layers': 'error' },
  },
  {
    files: ['test/**', 'bench/**', '*.config.*'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
