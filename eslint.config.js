// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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

/** Layer boundaries from DESIGN.md §3, enforced as import restrictions. */
const layer = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: ssh2Paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['eslint.config.js', 'scripts/**', 'dist/**', 'node_modules/**', 'coverage/**', 'recordings/**', 'bin/**'] },
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
          selector: "CallExpression[callee.property.name=/^(exec|execSync)$/][callee.object.name='child_process']",
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
      { group: ['ssh2', 'sqlite3', 'pino', 'node-pty', 'zod', 'yaml'], message: 'core/ is pure.' },
      { group: ['../*', '!../core/*'], message: 'core/ imports nothing outside itself.' },
    ],
  ),
  layer(
    ['src/transport/**', 'src/session/**', 'src/targets/**', 'src/tty/**', 'src/stream/**'],
    [
      { group: ['sqlite3', '../store/*', '../cli/*', '../web/*'], message: 'the ssh side reaches the store only through ports.' },
    ],
  ),
  layer(['src/store/**'], [{ group: ['../transport/*', '../session/*', '../cli/*', '../web/*', '../recording/*', 'ssh2'], message: 'store/ depends on core only.' }]),
  layer(['src/recording/**'], [{ group: ['../transport/*', '../session/*', '../cli/*', '../web/*', '../store/*', 'sqlite3'], message: 'recording/ depends on core only.' }]),
  layer(
    ['src/lifecycle/**'],
    [
      { group: ['../*', '!../core', '!../recording', '!../logging'], message: 'lifecycle/ uses core, recording, logging and the Store port (core/ports) only.' },
      { group: ['sqlite3', 'ssh2', 'node-pty'], message: 'lifecycle/ reaches the store and the ssh side only through ports.' },
    ],
  ),
  layer(['src/web/**'], [{ group: ['../transport/*', '../session/*', '../cli/*', 'sqlite3'], message: 'web/ uses ports, not ssh/cli.' }]),
  layer(['src/config/**'], [{ group: ['../transport/*', '../session/*', '../cli/*', '../web/*', '../store/*', '../recording/*'], message: 'config/ depends on core only.' }]),
  {
    files: ['test/**', 'bench/**', '*.config.*'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
