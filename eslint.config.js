// ESLint flat config: typescript-eslint's recommended rules with type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'coverage', 'bench/results', 'soak/results'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.ts',
            'bin/*.js',
            'bench/*.js',
            'soak/*.js',
            'scripts/*.js',
          ],
        },
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportDefaultDeclaration',
          message: 'Use named exports only (docs/architecture.md).',
        },
      ],
    },
  },
  {
    // Production code never imports a sandbox or the demo (the image leaves them out); only the
    // demo command loads them, lazily, from src/cli/main.ts.
    files: ['src/**/*.ts', 'workers/**/*.ts', 'connectors/**/*.ts'],
    ignores: [
      'connectors/*/sandbox/**',
      'connectors/sandbox-kit/**',
      'src/demo/**',
      'src/cli/demo.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/sandbox',
                '**/sandbox/*',
                '**/sandbox-kit/*',
                '**/demo/*',
                '**/cli/demo.js',
                './demo.js',
              ],
              message: 'Production code must not import a sandbox or the demo (not in the image).',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      '*.js',
      'bin/*.js',
      'bench/*.js',
      'soak/*.js',
      'scripts/*.js',
      'eslint.config.js',
      'vitest.config.ts',
    ],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { 'no-restricted-syntax': 'off' },
  },
);
