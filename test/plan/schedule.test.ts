import assert from 'node:assert/strict';
import {test} from 'node:test';
import {schedulePhases} from '../../source/plan/schedule.js';
import type {Plan, Task} from '../../source/plan/types.js';
import {validatePlanAgainstFiles} from '../../source/plan/validate.js';

const task = (id: string, owns: string[], extra: Partial<Task> = {}): Task => ({id, owns, reads: [], dependsOn: [], env: {}, run: 'x', ...extra});

function checkValid(tasks: readonly Task[], phases: Plan['phases'], files: readonly string[] = []): void {
	const plan: Plan = {name: 's', pattern: 'custom', ignore: [], verify: [], phases};
	const report = validatePlanAgainstFiles(plan, {file: 's.yaml', positions: new Map()}, files);
	assert.deepEqual(report.errors, [], 'the schedule must pass validation');
	const placed = phases.flatMap(p => p.tasks.map(t => t.id)).sort();
	assert.deepEqual(placed, tasks.map(t => t.id).sort(), 'every task placed exactly once');
}

const ids = (phases: Plan['phases']) => phases.map(p => p.tasks.map(t => t.id));

test('independent tasks share one parallel phase', () => {
	const tasks = [task('a', ['src/a/**']), task('b', ['src/b/**']), task('c', ['src/c/**'])];
	const phases = schedulePhases(tasks);
	assert.deepEqual(ids(phases), [['a', 'b', 'c']]);
	assert.equal(phases[0]!.mode, 'parallel');
	checkValid(tasks, phases);
});

test('dependsOn orders tasks into later phases', () => {
	const tasks = [task('tests', ['tests/**'], {dependsOn: ['api', 'db']}), task('api', ['src/api/**']), task('db', ['src/db/**']), task('docs', ['docs/**'], {dependsOn: ['tests']})];
	const phases = schedulePhases(tasks);
	assert.deepEqual(ids(phases), [['api', 'db'], ['tests', 'docs']]);
	assert.equal(phases[1]!.mode, 'sequential', 'single-task phases in a row merge into one sequential phase');
	checkValid(tasks, phases);
});

test('overlapping owns, or reads of owned files, never share a parallel phase', () => {
	const tasks = [task('all', ['src/**']), task('api', ['src/api/**']), task('reader', ['docs/**'], {reads: ['src/db/x.js']}), task('db', ['src/db/**'])];
	const phases = schedulePhases(tasks);
	checkValid(tasks, phases);
	const together = (x: string, y: string) => phases.some(p => p.mode === 'parallel' && p.tasks.some(t => t.id === x) && p.tasks.some(t => t.id === y));
	assert.ok(!together('all', 'api') && !together('all', 'db') && !together('reader', 'db'));
});

test('existing files reveal overlaps the globs alone do not', () => {
	// `@(a|b)` is an extglob: files are the only sure way to see it meets lib/a.js.
	const tasks = [task('x', ['lib/@(a|b).js']), task('y', ['lib/a.js'])];
	const phases = schedulePhases(tasks, {files: ['lib/a.js']});
	assert.equal(phases.length, 1);
	assert.equal(phases[0]!.mode, 'sequential');
	checkValid(tasks, phases, ['lib/a.js']);
});

test('no phase is wider than maxParallel', () => {
	const tasks = Array.from({length: 10}, (_, i) => task(`t${i}`, [`m${i}/**`]));
	const phases = schedulePhases(tasks, {maxParallel: 3});
	assert.deepEqual(phases.map(p => p.tasks.length), [3, 3, 3, 1]);
	checkValid(tasks, phases);
});

test('property: random task sets give valid schedules with few phases', () => {
	let seed = 42;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
	const pool = ['src/a/**', 'src/b/**', 'src/c/**', 'src/**/*.test.js', 'docs/**', 'docs/a.md', 'tests/**', 'lib/*.js', 'lib/x.js', 'cfg.json'];
	for (let round = 0; round < 60; round++) {
		const count = 2 + Math.floor(random() * 8);
		const tasks: Task[] = [];
		for (let i = 0; i < count; i++) {
			const owns = [pool[Math.floor(random() * pool.length)]!];
			const reads = random() < 0.3 ? [pool[Math.floor(random() * pool.length)]!] : [];
			// Only earlier tasks as dependencies: no cycles.
			const dependsOn = i > 0 && random() < 0.3 ? [`t${Math.floor(random() * i)}`] : [];
			tasks.push(task(`t${i}`, owns, {reads, dependsOn}));
		}
		const maxParallel = 1 + Math.floor(random() * 4);
		const phases = schedulePhases(tasks, {maxParallel});
		checkValid(tasks, phases);
		assert.ok(phases.every(p => p.tasks.length <= maxParallel || p.mode === 'sequential'));
		assert.ok(phases.every(p => p.mode === 'sequential' || p.tasks.length <= maxParallel));
		// Dependencies always sit in earlier phases (or earlier in a sequential phase).
		const where = new Map(phases.flatMap((p, pi) => p.tasks.map((t, ti) => [t.id, [pi, ti]] as const)));
		for (const t of tasks) for (const d of t.dependsOn) {
			const [tp, ti] = where.get(t.id)!;
			const [dp, di] = where.get(d)!;
			assert.ok(dp < tp || (dp === tp && phases[tp]!.mode === 'sequential' && di < ti));
		}
		// Few phases: never more parallel phases than tasks divided by... at most one phase per task.
		assert.ok(phases.length <= count);
	}
});

test('cycles and unknown ids still place every task once', () => {
	const tasks = [task('a', ['a/**'], {dependsOn: ['b']}), task('b', ['b/**'], {dependsOn: ['a']}), task('c', ['c/**'], {dependsOn: ['ghost']})];
	const phases = schedulePhases(tasks);
	assert.deepEqual(phases.flatMap(p => p.tasks.map(t => t.id)).sort(), ['a', 'b', 'c']);
});
