// docs/rules.md is the rules folder as a table: regenerate with
// `node -e "import('./dist/warehouse/rules.js').then(m => process.stdout.write(m.rulesMarkdown()))" > docs/rules.md`
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesMarkdown, listRules } from '../../warehouse/rules.js';
import { root } from '../helpers/env.js';

test('docs/rules.md lists exactly the rules of forms/rules', () => {
  const doc = readFileSync(join(root, 'docs', 'rules.md'), 'utf8');
  expect(doc).toBe(rulesMarkdown());
  for (const r of listRules()) expect(doc).toContain(`| \`${r.code}\` | ${r.severity} | ${r.scope} |`);
});
