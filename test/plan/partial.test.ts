// validate's report past shape errors: the well-formed part of a plan is checked for
// dependencies and ownership, and nothing is claimed from a part the shape check rejected.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parsePlanText} from '../../source/plan/load.js';
import {validatePart} from '../../source/plan/validate.js';

function partFindings(text: string, files: readonly string[] = []): string[] {
	const parsed = parsePlanText(text, 'p.yaml');
	assert.equal(parsed.ok, false);
	if (parsed.ok || !parsed.partial) return [];
	return validatePart(parsed.partial, files).map(f => `${f.line}:${f.column} ${f.code}`);
}

test('a flat list with a shape error still reports its cycle, at the cycle\'s line', () => {
	const text = 'name: c\ntasks:\n  - {id: a, owns: [a/**], run: x, dependsOn: [b]}\n  - {id: b, owns: [b/**], run: x, dependsOn: [a], timeout: soon}\n';
	assert.deepEqual(partFindings(text), ['4:46 depends.cycle']);
});

test('phases: an overlap on a real file and an unknown dependency, positions kept after a skipped task', () => {
	const text = `name: p
phases:
  - name: one
    tasks:
      - {id: BAD, owns: [x/**], run: x}
      - {id: api, owns: [src/**], run: x}
      - {id: db, owns: [src/db/**], run: x, dependsOn: [nope]}
`;
	assert.deepEqual(partFindings(text, ['src/db/a.js']).sort(), ['7:57 depends.unknown', '7:25 ownership.overlap'].sort());
});

test('an unreadable mode counts as sequential: no overlap is claimed; a rejected owns list counts as empty', () => {
	const text = `name: p
phases:
  - name: one
    mode: sometimes
    tasks:
      - {id: api, owns: [src/**], run: x}
      - {id: db, owns: [src/db/**], run: x}
  - name: two
    tasks:
      - {id: c, owns: 7, run: x}
      - {id: d, owns: [src/**], run: x}
`;
	assert.deepEqual(partFindings(text, ['src/db/a.js']), []);
});
