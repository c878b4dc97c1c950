// Lint config: typescript-eslint's recommended rules over source/ and test/, React's hook rules
// over the UI, and the layers of source/ (see source/README.md) kept apart by import zones.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Import patterns naming a layer folder, from anywhere below source/. */
const layer = name => `**/${name}/**`;
const anyNode = ['node:*'];
const viewLibraries = ['react', 'react/*', 'ink', 'ink-*'];

/**
 * One zone per layer: what its files may not import. Type-only imports of a lower layer's
 * contract are allowed where `allowTypeImports` says so (the UI reads the runner's OutputStore
 * type, never its effects).
 */
const zones = [
  {
    files: ['source/text/**'],
    message: 'text/ is pure string work: no other layer, no node I/O.',
    groups: [...['plan', 'machine', 'runner', 'engine', 'ui', 'headless', 'commands'].map(layer), ...anyNode, ...viewLibraries],
  },
  {
    files: ['source/plan/**'],
    message: 'plan/ is the lowest layer: it imports no other layer (the pure text/ helpers only).',
    groups: [...['machine', 'runner', 'engine', 'ui', 'headless', 'commands'].map(layer), ...viewLibraries],
  },
  {
    files: ['source/machine/**'],
    message: 'machine/ imports only plan/ and does no I/O (no node:*, react or ink): effects are the engine\'s actors.',
    groups: [...['runner', 'engine', 'ui', 'headless', 'commands', 'text'].map(layer), ...anyNode, ...viewLibraries],
  },
  {
    files: ['source/runner/**'],
    message: 'runner/ is effects below the run: it imports nothing from machine/, engine/, ui/, headless/ or commands/ (shared types live in plan/).',
    groups: [...['machine', 'engine', 'ui', 'headless', 'commands'].map(layer), ...viewLibraries],
  },
  {
    files: ['source/engine/**'],
    message: 'engine/ runs the machine over the runner: it does not reach up into ui/, headless/ or commands/ (the command hands it a driver).',
    groups: [...['ui', 'headless', 'commands'].map(layer), ...viewLibraries],
  },
  {
    files: ['source/headless/**'],
    message: 'headless/ is a driver beside ui/: no ui/ or commands/ imports.',
    groups: [...['ui', 'commands'].map(layer), ...viewLibraries],
  },
  {
    files: ['source/ui/**'],
    message: 'ui/ reads no disk and spawns nothing: log lines come through the OutputStore, phase info from the engine; runner/ and engine/ only as types.',
    groups: [...['headless', 'commands'].map(layer), 'node:fs', 'node:fs/*', 'node:child_process', 'node:net', 'node:os'],
    // Type-only, except the agent command line: pure (the plan in, text out), the one runner module the UI may call.
    typeOnly: '(^|/)(runner|engine)/(?!agents/command-line\\.js$)',
  },
];

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/fixtures/**/*.mjs', 'plans/sample-app/**', '.fanout/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['source/**/*.tsx', 'source/ui/**/*.ts', 'test/ui/**/*.{ts,tsx}'],
    plugins: {'react-hooks': reactHooks},
    rules: reactHooks.configs['recommended-latest'].rules,
  },
  ...zones.map(zone => ({
    files: zone.files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {group: zone.groups, message: zone.message},
            ...(zone.typeOnly ? [{regex: zone.typeOnly, message: zone.message, allowTypeImports: true}] : []),
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', setTimeout: 'readonly', setInterval: 'readonly', clearTimeout: 'readonly', clearInterval: 'readonly', Buffer: 'readonly'}},
  },
);
