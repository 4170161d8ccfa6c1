// `npm run lint` (inside `npm test`): typescript-eslint's recommended rules plus the project's layer
// rules — only src/extension (and tests that run in the extension host) import 'vscode', the
// provider never imports the extension, media/ (webview scripts) imports only src/shared, the
// extension reaches the provider only through its lazily loaded bundle — no runtime import cycles,
// no source file over 400 lines, and no bare `LIMIT ?` in the SQLite store's SQL (PAGE_CLAUSE).
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

const vscodeOnlyInExtension = {
  // `import type` is erased: unit tests of extension code may name vscode's types.
  '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'vscode', allowTypeImports: true, message: "Only src/extension (and extension-host tests) may import 'vscode'." }] }],
};

const isoTimeOnly = { selector: "CallExpression[callee.property.name='toISOString']", message: 'Write times with isoTime (src/provider/iso-time.ts).' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'test/fixtures/**', 'test/harness/probe-extension/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Runtime cycles only: `import type` never executes.
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }],
      'import-x/no-restricted-paths': ['error', {
        zones: [
          { target: './src/provider', from: './src/extension', message: 'The provider never imports the extension.' },
          { target: './src/shared', from: ['./src/extension', './src/provider'], message: 'src/shared stands alone: both halves import it, it imports neither.' },
          { target: './media', from: ['./src/extension', './src/provider'], message: 'Webview scripts import only src/shared.' },
          { target: './src/extension', from: './src/provider', message: 'The extension loads the provider only through its lazy bundle (dist/provider.js, see src/extension/provider/provider-module.ts).' },
        ],
      }],
    },
  },
  // The provider writes times with isoTime (src/provider/iso-time.ts), not V8's slower toISOString.
  { files: ['src/provider/**/*.ts'], ignores: ['src/provider/iso-time.ts'], rules: { 'no-restricted-syntax': ['error', isoTimeOnly] } },
  // A bare `LIMIT ?` makes SQLite prepare the statement again on every run (see PAGE_CLAUSE).
  { files: ['src/provider/store/sqlite/**/*.ts'], rules: { 'no-restricted-syntax': ['error',
    isoTimeOnly,
    { selector: 'Literal[value=/LIMIT\\s+\\?/i]', message: 'Page with PAGE_CLAUSE (LIMIT +?): a bare LIMIT ? is prepared again on every run.' },
    { selector: 'TemplateElement[value.raw=/LIMIT\\s+\\?/i]', message: 'Page with PAGE_CLAUSE (LIMIT +?): a bare LIMIT ? is prepared again on every run.' },
  ] } },
  { files: ['src/**/*.ts', 'media/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'], rules: { 'max-lines': ['error', { max: 400 }] } },
  // Tests read JSON answers loosely (`res.json.id`): `any` is allowed there, nowhere else.
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['src/provider/**/*.ts', 'src/shared/**/*.ts', 'media/**/*.ts', 'test/unit/**/*.ts', 'test/builders/**/*.ts', 'test/provider/**/*.ts', 'test/ui/**/*.ts', 'test/harness/**/*.ts', 'bench/*.ts', 'bench/git-https/**/*.ts'], rules: vscodeOnlyInExtension },
);
