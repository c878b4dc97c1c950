import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import type {CommandIO} from '../../source/commands/io.js';
import {validateCommand} from '../../source/commands/validate.js';

const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'fanout-validate-cmd-'));
after(() => rmSync(dir, {recursive: true, force: true}));

async function run(argv: string[], cwd = root): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const io: CommandIO = {stdout: t => void (out += t), stderr: t => void (err += t), cwd, color: false, isTTY: false};
	const code = await validateCommand(argv, io);
	return {code, out, err};
}

test('every example plan is valid (exit 0)', async () => {
	for (const file of readdirSync(join(root, 'plans')).filter(f => f.endsWith('.yaml'))) {
		const {code, out} = await run([`plans/${file}`]);
		assert.equal(code, 0, `${file}: ${out}`);
		assert.match(out, /✓ plan is valid/);
	}
});

test('the malformed-plan corpus: exit 1, a message with a line number, never a crash', async () => {
	const files = readdirSync(join(root, 'test/fixtures/bad-plans')).sort();
	assert.ok(files.length >= 30, `only ${files.length} bad plans`);
	for (const file of files) {
		const text = await run([`test/fixtures/bad-plans/${file}`]);
		assert.equal(text.code, 1, `${file}: ${text.out}${text.err}`);
		assert.match(text.out, new RegExp(`bad-plans/${file.replace('.', '\\.')}:\\d+:\\d+ {2}error {2}`), file);
		assert.doesNotMatch(text.out + text.err, /\n\s+at .+:\d+:\d+\)?/, `${file}: stack trace`);
		const json = await run([`test/fixtures/bad-plans/${file}`, '--json']);
		assert.equal(json.code, 1);
		const report = JSON.parse(json.out) as {valid: boolean; errors: {line: number; column: number; code: string; message: string}[]};
		assert.equal(report.valid, false);
		assert.ok(report.errors.length > 0 && report.errors.every(e => e.line >= 1 && e.column >= 1 && e.message.length > 0), file);
	}
});

test('--json prints the documented shape', async () => {
	const plan = join(dir, 'overlap.yaml');
	writeFileSync(join(dir, 'shared.py'), '');
	writeFileSync(plan, 'name: o\nworkspace: .\nphases:\n  - name: logging\n    tasks:\n      - {id: api-logging, owns: [shared.py], run: x}\n      - {id: db-logging, owns: ["*.py"], run: x}\n  - name: solo\n    tasks:\n      - {id: s, owns: [s/**], run: x}\n');
	const {code, out} = await run([plan, '--json']);
	assert.equal(code, 1);
	const report = JSON.parse(out);
	assert.deepEqual(Object.keys(report), ['valid', 'errors', 'warnings']);
	assert.deepEqual(report.errors, [{code: 'ownership.overlap', message: report.errors[0].message, file: plan, line: 7, column: 33, tasks: ['api-logging', 'db-logging'], paths: ['shared.py']}]);
	assert.match(report.errors[0].message, /^shared\.py is owned by two tasks of phase "logging": api-logging, db-logging/);
	assert.deepEqual(report.warnings.map((w: {code: string}) => w.code).sort(), ['glob.no-match', 'phase.single-task']);
});

test('the readable report lists errors, then warnings, then the verdict', async () => {
	const plan = join(dir, 'mixed.yaml');
	writeFileSync(plan, 'name: m\nworkspace: .\nphases:\n  - name: p\n    tasks:\n      - {id: a, owns: [x/**], run: x, dependsOn: [zz]}\n');
	const {code, out} = await run([plan]);
	assert.equal(code, 1);
	const lines = out.trimEnd().split('\n');
	assert.match(lines[0]!, /:6:\d+ {2}error {2}.*depends on "zz"/);
	assert.ok(lines.slice(1, -2).every(l => l.includes('  warning  ')));
	assert.match(lines.at(-1)!, /✗ plan is invalid \(1 error, 2 warnings\)/);
});

test('--workspace overrides the plan\'s workspace', async () => {
	const plan = join(dir, 'ws.yaml');
	writeFileSync(plan, 'name: w\nworkspace: nowhere\nphases:\n  - name: p\n    tasks:\n      - {id: a, owns: [a.txt], run: x}\n      - {id: b, owns: [b.txt], run: x}\n');
	assert.equal((await run([plan])).code, 1);
	writeFileSync(join(dir, 'a.txt'), '');
	writeFileSync(join(dir, 'b.txt'), '');
	const {code, out} = await run([plan, '--workspace', dir]);
	assert.equal(code, 0, out);
});

test('usage errors exit 2 and say how to use the command', async () => {
	for (const argv of [[], ['plans/demo.yaml', '--bogus'], ['no/such/plan.yaml'], ['plans/demo.yaml', 'extra.yaml'], ['plans/demo.yaml', '--workspace'], ['plans/demo.yaml', '--workspace', '/no/such/dir'], ['plans']]) {
		const {code, err} = await run(argv);
		assert.equal(code, 2, argv.join(' '));
		assert.match(err, /^fanout validate: .+\n\nUsage: fanout validate PLAN/, argv.join(' '));
	}
	const help = await run(['--help']);
	assert.equal(help.code, 0);
	assert.match(help.out, /Usage: fanout validate/);
});
