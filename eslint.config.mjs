// Lint: typescript-eslint's recommended rules plus the layer rules of DESIGN.md
// (core/ never imports vscode; the webview imports nothing from src/ except src/shared/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // dist/extension.js and each dist/clouds/<kind>.js hold their own copy of core's error classes:
    // `instanceof` is false across bundles. Recognise them by shape (src/core/errors.ts).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "BinaryExpression[operator='instanceof'][right.name=/^(CloudError|SigningError|VersionError|StepFailure|StaleReleaseError)$/]",
        message: 'Error classes are copied into each bundle, so instanceof fails across them: use isCloudError / isCloudErrorCode / isNamedError from src/core/errors.ts.',
      }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core is editor-neutral: no vscode imports.' }] }],
    },
  },
  {
    files: ['webview-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview runs in a browser.' }],
        patterns: [{ regex: '^(\\.\\./)+src/(?!shared/)', message: 'The webview may import only src/shared/ from src/.' }],
      }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'test/bench/**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', performance: 'readonly', fetch: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
  },
);
