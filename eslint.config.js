import neostandard from 'neostandard'
import globals from 'globals'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'coverage/**', '.tap/**', 'migrations/**', 'node_modules/**', 'artifacts/**']
  }),
  {
    // The demo news site runs in the browser as plain ES modules.
    files: ['examples/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } }
  }
]
