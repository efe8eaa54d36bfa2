// Style enforced by tools, not memory: type-aware rules for promises (a floating or misused one
// loses errors or ordering), and no silently empty block or function: an empty catch or a
// `.catch(() => {})` says in a comment why nothing can be done (or emits an event instead).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach']
            }
          ]
        }
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      // Style the compiler already checks, or that this codebase uses on purpose:
      '@typescript-eslint/no-unused-vars': 'off', // tsc's noUnused* are the judge
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Errors rethrown as our own sentences: attaching the cause would carry the original (which may
      // quote a URL with a bot token, or a credential) to wherever errors are printed.
      'preserve-caught-error': 'off'
    }
  },
  {
    // Lines of at most 140 characters, template literals included (the dashboard page is one);
    // prettier wraps code at 120 but never splits a string, so this rule keeps long ones split.
    files: ['**/*.{ts,js,mjs}'],
    rules: { 'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }] }
  },
  {
    // Outside the simulator and the tests, an empty function is a swallowed error or a no-op that
    // must say why.
    files: ['src/**/*.ts'],
    ignores: ['src/sim/**'],
    rules: { '@typescript-eslint/no-empty-function': 'error' }
  }
)
