import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter, type Rule } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/** The layer rule of eslint.layers.js: every unit of src/ has one, and it refuses what it should. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

interface LayersModule {
  readonly layers: Readonly<
    Record<string, { readonly may: readonly string[]; readonly types?: readonly string[] }>
  >;
  readonly layersPlugin: { readonly rules: Record<string, Rule.RuleModule> };
}

// A variable specifier: the module is plain JavaScript without type declarations.
const layersFile = pathToFileURL(path.join(ROOT, 'eslint.layers.js')).href;
const { layers, layersPlugin } = (await import(layersFile)) as LayersModule;

function lint(file: string, code: string): string[] {
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { gatehouse: layersPlugin },
      rules: { 'gatehouse/layers': 'error' },
    },
  ];
  return new Linter().verify(code, config, path.join(SRC, file)).map((m) => m.message);
}

describe('lint layers of src/', () => {
  it('cover every folder and top-level file of src/', () => {
    const units = readdirSync(SRC).map((name) => name.replace(/\.ts$/, ''));
    const missing = units.filter((u) => !(u in layers));
    expect(missing).toEqual([]);
  });

  it('let nothing outside cli/ import cli/', () => {
    const importers = Object.entries(layers)
      .filter(
        ([unit, layer]) =>
          unit !== 'cli' &&
          [...layer.may, ...(layer.types ?? [])].some((e) => e.split('/')[0] === 'cli'),
      )
      .map(([unit]) => unit);
    expect(importers).toEqual([]);
  });

  it('refuse an import across the layers at any depth, and allow one along them', () => {
    expect(
      lint('quickstart/x.ts', "import { isoTime } from '../cli/output.js';\nexport { isoTime };\n"),
    ).toEqual([
      "quickstart/ may not import cli/ ('../cli/output.js'); the layers are in eslint.layers.js",
    ]);
    expect(
      lint('web/pages/x.ts', "export { openStore } from '../../store/open-store.js';\n"),
    ).toHaveLength(1);
    expect(
      lint(
        'web/pages/x.ts',
        "export { html } from '../html.js';\nexport type { Clock } from '../../core/clock.js';\n",
      ),
    ).toEqual([]);
  });

  it('allow type-only imports where only types may cross', () => {
    expect(
      lint(
        'metrics/x.ts',
        "import type { AccessGate } from '../session/ports.js';\nexport type G = AccessGate;\n",
      ),
    ).toEqual([]);
    expect(
      lint(
        'metrics/x.ts',
        "import { AccessGate } from '../session/ports.js';\nexport const g = AccessGate;\n",
      ),
    ).toEqual(['metrics/ may import only types from session/ (use `import type`)']);
  });

  it('refuse a file in a folder without a layer', () => {
    expect(lint('newfolder/x.ts', 'export const x = 1;\n')).toEqual([
      'src/newfolder has no layer: add it to eslint.layers.js',
    ]);
  });
});
