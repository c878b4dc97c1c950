// Plan revisions as pure functions: grant (and its refusal), defer (with dependents, alone in a
// phase), skip's dependents, and escaping of glob syntax in granted paths.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ownershipIndex} from '../../source/plan/ownership.js';
import {deferTask, dependentsOf, escapeGlob, grantPath, skipTask} from '../../source/plan/revise.js';
import type {Plan} from '../../source/plan/types.js';
import {phase, plan, task} from '../machine/helpers.js';

const p = plan([
	phase('logging', [task('api', ['src/api/**']), task('db', ['src/db/**']), task('utils', ['src/utils/**'])]),
	phase('tests', [task('tests', ['tests/**'], {dependsOn: ['db']})]),
	phase('docs', [task('docs', ['docs/**'], {dependsOn: ['tests']})]),
]);

function ok(result: ReturnType<typeof grantPath>): Plan {
	assert.ok(result.ok, result.ok ? '' : result.reason);
	return result.plan;
}

test('grant adds the path to the task and leaves everything else alone', () => {
	const next = ok(grantPath(p, 'db', './src/shared/logger.ts'));
	assert.deepEqual(next.phases[0]?.tasks[1]?.owns, ['src/db/**', 'src/shared/logger.ts']);
	assert.equal(next.phases[0]?.tasks[0], p.phases[0]?.tasks[0]);
	assert.ok(ownershipIndex(next).owns('db', 'src/shared/logger.ts'));
	assert.deepEqual(p.phases[0]?.tasks[1]?.owns, ['src/db/**'], 'the input plan is not changed');
});

test('grant is refused when another task of the same phase owns the path', () => {
	const result = grantPath(p, 'db', 'src/api/routes.ts');
	assert.equal(result.ok, false);
	assert.match(result.ok ? '' : result.reason, /src\/api\/routes.ts is owned by api.*defer db instead/);
});

test('grant of a path owned in another phase is allowed; of an unknown task refused', () => {
	assert.ok(grantPath(p, 'db', 'docs/x.md').ok);
	assert.equal(grantPath(p, 'ghost', 'x').ok, false);
});

test('a granted path with glob syntax owns exactly itself', () => {
	assert.equal(escapeGlob('app/[id]/page.tsx'), 'app/\\[id\\]/page.tsx');
	const next = ok(grantPath(p, 'db', 'app/[id]/page.tsx'));
	const index = ownershipIndex(next);
	assert.ok(index.owns('db', 'app/[id]/page.tsx'));
	assert.ok(!index.owns('db', 'app/i/page.tsx'));
});

test('defer moves the task into a new sequential phase right after its own', () => {
	const next = ok(deferTask(p, 'db', 'src/api/shared.ts', 0));
	assert.deepEqual(
		next.phases.map(ph => [ph.name, ph.mode, ph.tasks.map(t => t.id)]),
		[
			['logging', 'parallel', ['api', 'utils']],
			['logging-deferred', 'sequential', ['db']],
			['tests', 'parallel', ['tests']],
			['docs', 'parallel', ['docs']],
		],
	);
	assert.deepEqual(next.phases[1]?.tasks[0]?.owns, ['src/db/**', 'src/api/shared.ts']);
	// The later dependent (tests depends on db) still comes after the deferred task.
	const phaseOf = (id: string) => next.phases.findIndex(ph => ph.tasks.some(t => t.id === id));
	assert.ok(phaseOf('tests') > phaseOf('db'));
});

test('defer takes same-phase dependents along so they still follow it', () => {
	const seq = plan([phase('line', [task('a', ['a/**']), task('b', ['b/**'], {dependsOn: ['a']}), task('c', ['c/**']), task('d', ['d/**'], {dependsOn: ['b']})], 'sequential')]);
	const next = ok(deferTask(seq, 'a', 'shared.txt', 0));
	assert.deepEqual(
		next.phases.map(ph => ph.tasks.map(t => t.id)),
		[['c'], ['a', 'b', 'd']],
	);
});

test('defer of a task alone in its phase keeps it in place with the path added', () => {
	const next = ok(deferTask(p, 'tests', 'fixtures/x.json', 1));
	assert.equal(next.phases.length, 3);
	assert.deepEqual(next.phases[1]?.tasks[0]?.owns, ['tests/**', 'fixtures/x.json']);
});

test('defer is refused for a task outside the given phase; repeated defers queue in decision order', () => {
	assert.equal(deferTask(p, 'db', 'x', 1).ok, false);
	const once = ok(deferTask(p, 'db', 'x', 0));
	const twice = ok(deferTask(once, 'api', 'y', 0));
	assert.deepEqual(
		twice.phases.map(ph => ph.name),
		['logging', 'logging-deferred', 'logging-deferred-2', 'tests', 'docs'],
	);
});

test('skip leaves the plan alone and lists dependents transitively, with the task each depends on', () => {
	const {plan: same, skipped} = skipTask(p, 'db');
	assert.equal(same, p);
	assert.deepEqual(skipped, [
		{id: 'tests', via: 'db'},
		{id: 'docs', via: 'tests'},
	]);
	assert.deepEqual(dependentsOf(p, ['api']), []);
});
