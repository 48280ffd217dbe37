// The example is plain JavaScript run by Node, outside the TypeScript project: the root config's
// type-checked rules cannot see it (ESLint uses the config nearest to each file). It gets
// ESLint's recommended rules with Node's globals instead.
import js from '@eslint/js';

const node = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'AbortController', 'AbortSignal'].map((name) => [name, 'readonly']),
);

export default [
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: node },
  },
];
