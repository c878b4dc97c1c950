// parseNeedsMarker: the FANOUT-NEEDS line in the shapes workers really print it, and the
// agents' parseNeedsLine, which reads agent text by the same rules.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseNeedsLine} from '../../source/runner/agents/common.js';
import {parseNeedsMarker} from '../../source/runner/marker.js';

test('a plain marker gives the path', () => {
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: src/shared.py'), {path: 'src/shared.py'});
});

test('the reason follows " -- " and may itself contain dashes', () => {
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: src/shared.py -- the logger lives here -- really'), {
		path: 'src/shared.py',
		reason: 'the logger lives here -- really',
	});
});

test('leading whitespace, colour codes and a trailing carriage return are tolerated', () => {
	assert.deepEqual(parseNeedsMarker('   \u001B[1;33mFANOUT-NEEDS:\u001B[0m ./src/a.ts -- why\r'), {path: 'src/a.ts', reason: 'why'});
	assert.deepEqual(parseNeedsMarker('\tFANOUT-NEEDS:src/b.ts'), {path: 'src/b.ts'});
	assert.deepEqual(parseNeedsMarker('\u009B32mFANOUT-NEEDS: c.ts'), {path: 'c.ts'});
});

test('lines that only mention the marker are not markers', () => {
	assert.equal(parseNeedsMarker('print FANOUT-NEEDS: src/a.ts'), undefined);
	assert.equal(parseNeedsMarker('fanout-needs: src/a.ts'), undefined);
	assert.equal(parseNeedsMarker('FANOUT-NEEDS src/a.ts'), undefined);
	assert.equal(parseNeedsMarker(''), undefined);
});

test('a marker without a path is ignored', () => {
	assert.equal(parseNeedsMarker('FANOUT-NEEDS:'), undefined);
	assert.equal(parseNeedsMarker('FANOUT-NEEDS:    -- no path'), undefined);
	assert.equal(parseNeedsMarker('FANOUT-NEEDS: .'), undefined);
});

test('paths are normalized to workspace-relative POSIX', () => {
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: ././src//x/../y.ts'), {path: 'src/y.ts'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: src\\win\\path.ts'), {path: 'src/win/path.ts'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: `src/quoted.ts` -- q'), {path: 'src/quoted.ts', reason: 'q'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: "src/dq.ts"'), {path: 'src/dq.ts'});
});

test('an absolute path inside the workspace becomes relative; outside it stays absolute', () => {
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: /work/app/src/a.ts -- x', '/work/app'), {path: 'src/a.ts', reason: 'x'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: /work/app/src/a.ts', '/work/app/'), {path: 'src/a.ts'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: /work/other/a.ts', '/work/app'), {path: '/work/other/a.ts'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: /work/application/a.ts', '/work/app'), {path: '/work/application/a.ts'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: ../outside.ts', '/work/app'), {path: '/work/outside.ts'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: /abs/a.ts'), {path: '/abs/a.ts'});
});

test('a path with spaces is kept whole', () => {
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: docs/read me.md -- typo'), {path: 'docs/read me.md', reason: 'typo'});
});

test('an empty reason is dropped', () => {
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: a.ts --  '), {path: 'a.ts'});
	assert.deepEqual(parseNeedsMarker('FANOUT-NEEDS: a.ts --'), {path: 'a.ts'});
});

test('agent text: the same rules, and any spelling of the workspace makes a path relative', () => {
	for (const line of ['\u001B[33mFANOUT-NEEDS:\u001B[0m `src/a.ts` -- why', 'FANOUT-NEEDS: ././src//x/../y.ts', 'print FANOUT-NEEDS: a', 'FANOUT-NEEDS: a.ts --']) {
		assert.deepEqual(parseNeedsLine(line), parseNeedsMarker(line));
	}
	const roots = ['/link/app', '/real/app'];
	assert.deepEqual(parseNeedsLine('FANOUT-NEEDS: /real/app/src/a.ts -- x', roots), {path: 'src/a.ts', reason: 'x'});
	assert.deepEqual(parseNeedsLine('FANOUT-NEEDS: /link/app/src/b.ts', roots), {path: 'src/b.ts'});
	assert.deepEqual(parseNeedsLine('FANOUT-NEEDS: /elsewhere/c.ts', roots), {path: '/elsewhere/c.ts'});
	assert.deepEqual(parseNeedsLine('FANOUT-NEEDS: ../d.ts', roots), {path: '/link/d.ts'});
});
