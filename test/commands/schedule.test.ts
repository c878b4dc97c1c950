import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import type {CommandIO} from '../../source/commands/io.js';
import {scheduleCommand} from '../../source/commands/schedule.js';
import {loadPlan} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-schedule-cmd-'));
after(() => rmSync(dir, {recursive: true, force: true}));

async function run(argv: string[]): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const io: CommandIO = {stdout: t => void (out += t), stderr: t => void (err += t), cwd: dir, color: false, isTTY: false};
	return {code: await scheduleCommand(argv, io), out, err};
}

const flat = `name: flat
workspace: app
tasks:
  - {id: api, owns: [src/api/**], run: x}
  - {id: db, owns: [src/db/**], run: x}
  - {id: utils, owns: [src/utils/**], run: x}
  - {id: shared, owns: [src/shared.js], run: x}
  - {id: sweep, owns: ['src/*.js'], run: x}
  - {id: tests, owns: [tests/**], reads: [src/**], run: x, dependsOn: [api, db]}
`;

test('schedules a flat plan into phases that validate accepts, printed or written', async () => {
	mkdirSync(join(dir, 'app/src/api'), {recursive: true});
	writeFileSync(join(dir, 'app/src/shared.js'), '');
	writeFileSync(join(dir, 'flat.yaml'), flat);
	const printed = await run(['flat.yaml', '--max-parallel', '2']);
	assert.equal(printed.code, 0, printed.out + printed.err);
	assert.match(printed.out, /^name: flat\n/);
	const out = await run(['flat.yaml', '--max-parallel', '2', '--out', 'out/phased.yaml']);
	assert.equal(out.code, 0, out.out + out.err);
	assert.match(out.out, /Wrote out\/phased\.yaml: 6 tasks in \d+ phases \(at most 2 at once\)/);
	assert.match(readFileSync(join(dir, 'out/phased.yaml'), 'utf8'), /workspace: \.\.\/app/);
	const loaded = loadPlan(join(dir, 'out/phased.yaml'));
	assert.ok(loaded.ok);
	assert.equal(loaded.scheduled, false);
	assert.ok(loaded.plan.phases.every(p => p.tasks.length <= 2));
	const report = validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace});
	assert.deepEqual(report.errors, []);
});

test('an invalid flat plan exits 1 with located errors', async () => {
	writeFileSync(join(dir, 'cycle.yaml'), 'name: c\ntasks:\n  - {id: a, owns: [a/**], run: x, dependsOn: [b]}\n  - {id: b, owns: [b/**], run: x, dependsOn: [a]}\n');
	const {code, out} = await run(['cycle.yaml']);
	assert.equal(code, 1);
	assert.match(out, /cycle\.yaml:\d+:\d+ {2}error {2}Tasks depend on each other in a cycle/);
	writeFileSync(join(dir, 'broken.yaml'), 'name: [\n');
	assert.equal((await run(['broken.yaml'])).code, 1);
});

test('usage errors exit 2', async () => {
	writeFileSync(join(dir, 'ok.yaml'), flat);
	for (const argv of [[], ['nope.yaml'], ['ok.yaml', 'ok.yaml'], ['.'], ['ok.yaml', '--max-parallel', '0'], ['ok.yaml', '--max-parallel', 'two'], ['ok.yaml', '--wat']]) {
		const {code, err} = await run(argv);
		assert.equal(code, 2, argv.join(' '));
		assert.match(err, /Usage: fanout schedule PLAN/);
	}
	assert.match((await run([])).err, /^fanout schedule: which plan\? Give the path of a plan file with a flat tasks: list\./);
	assert.match((await run(['ok.yaml', 'ok.yaml'])).err, /^fanout schedule: one plan at a time \(got 2\)\./);
	assert.match((await run(['.'])).err, /^fanout schedule: \. is not a file/);
});
