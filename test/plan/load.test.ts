import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import {loadPlan, parsePlanText, strictJsonError} from '../../source/plan/load.js';
import {firstInvalidUtf8} from '../../source/text/utf8.js';
import {parseDuration} from '../../source/plan/fields.js';

const dir = mkdtempSync(join(tmpdir(), 'fanout-load-'));
after(() => rmSync(dir, {recursive: true, force: true}));

const full = `name: add-logging
goal: Add logging
pattern: module
workspace: ..
agent: claude
permissionMode: acceptEdits
ignore: [dist/**]
phases:
  - name: logging
    tasks:
      - id: api-logging
        title: API endpoints
        owns: [./src/api/**]
        reads: [src/utils/log.ts]
        prompt: Add structured logging
        agent: {command: [my-agent, "{prompt}"], output: jsonl}
        permissionMode: plan
      - id: db-logging
        owns: [src/db/**]
        run: node scripts/add-logging.mjs src/db
        timeout: 10m
        env: {LOG_LEVEL: debug, RETRIES: 3}
  - name: tests
    mode: sequential
    tasks:
      - id: logging-tests
        owns: [tests/**]
        dependsOn: [api-logging, db-logging]
        prompt: Write tests
verify:
  - npm test
`;

test('reads every field of the format, with defaults and positions', () => {
	const result = parsePlanText(full, 'plans/x.yaml');
	assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
	const {plan, source} = result;
	assert.equal(plan.name, 'add-logging');
	assert.equal(plan.pattern, 'module');
	assert.equal(plan.agent, 'claude');
	assert.equal(plan.permissionMode, 'acceptEdits');
	assert.deepEqual(plan.ignore, ['dist/**']);
	assert.equal(plan.phases[0]!.mode, 'parallel');
	assert.equal(plan.phases[1]!.mode, 'sequential');
	const [api, db] = plan.phases[0]!.tasks;
	assert.deepEqual(api!.owns, ['src/api/**'], 'leading ./ is dropped');
	assert.deepEqual(api!.agent, {command: ['my-agent', '{prompt}'], output: 'jsonl'});
	assert.equal(api!.permissionMode, 'plan');
	assert.equal(db!.timeoutMs, 600_000);
	assert.deepEqual(db!.env, {LOG_LEVEL: 'debug', RETRIES: '3'});
	assert.deepEqual(db!.reads, []);
	assert.deepEqual(plan.verify, ['npm test']);
	assert.deepEqual(source.positions.get('phases.0.tasks.1.owns.0'), {line: 19, column: 16});
	assert.deepEqual(source.positions.get('phases.1.tasks.0.dependsOn.1'), {line: 28, column: 34});
});

test('parses durations', () => {
	assert.equal(parseDuration('90s'), 90_000);
	assert.equal(parseDuration('1500ms'), 1500);
	assert.equal(parseDuration('1h'), 3_600_000);
	assert.equal(parseDuration('1h30m'), 5_400_000);
	for (const bad of ['10', '10x', '', '0s', 'm', '-5s', '999999999999999h']) assert.equal(parseDuration(bad), undefined, bad);
});

test('accepts JSON with positions too', () => {
	const json = '{\n  "name": "j",\n  "phases": [{"name": "p", "tasks": [\n    {"id": "a", "owns": ["a/**"], "run": "x"}]}]\n}';
	const result = parsePlanText(json, 'p.json');
	assert.ok(result.ok);
	assert.equal(result.source.positions.get('phases.0.tasks.0.run')?.line, 4);
});

test('turns a flat task list into phases, keeping positions under the new paths', () => {
	const text = `name: flat
tasks:
  - {id: a, owns: [src/a/**], run: x}
  - {id: b, owns: [src/b/**], run: x}
  - {id: c, owns: [src/**], run: x, dependsOn: [a]}
`;
	const result = parsePlanText(text, 'f.yaml');
	assert.ok(result.ok);
	assert.ok(result.scheduled);
	assert.deepEqual(result.plan.phases.map(p => p.tasks.map(t => t.id)), [['a', 'b'], ['c']]);
	assert.equal(result.source.positions.get('phases.1.tasks.0.dependsOn.0')?.line, 5);
	assert.deepEqual(result.flatTasks?.map(t => t.id), ['a', 'b', 'c']);
});

test('reports shape problems with lines and fixes', () => {
	const text = `name: bad
phases:
  - name: p
    tasks:
      - id: a
        own: [src/**]
        run: x
      - id: Bad_Id
        run: x
        prompt: y
      - id: c
        owns: [x/**]
        timeout: soon
`;
	const result = parsePlanText(text, 'b.yaml');
	assert.ok(!result.ok);
	const byCode = new Map(result.errors.map(e => [e.code, e]));
	assert.equal(byCode.get('shape.unknown-field')?.line, 6);
	assert.match(byCode.get('shape.unknown-field')!.message, /Did you mean "owns"/);
	assert.equal(byCode.get('shape.bad-id')?.line, 8);
	assert.match(byCode.get('shape.bad-id')!.message, /bad-id/);
	assert.equal(byCode.get('shape.prompt-and-run')?.line, 9);
	assert.equal(byCode.get('shape.bad-duration')?.line, 13);
	assert.equal(byCode.get('shape.no-work')?.line, 11);
});

test('never throws, whatever the input', () => {
	const inputs = [
		'', '\u0000\u0001', '- a\n- b', '42', 'null', '[[[[', '{"a":', ']]]', 'a: b: c', '\t\tx', '? [a]\n: b',
		`name: x\nphases: ${'['.repeat(5000)}${']'.repeat(5000)}`,
		'name: x\nphases:\n  - name: p\n    tasks:\n      - id: a\n        timeout: 1e309h\n        run: x',
		'name: 1e999\nphases: {}', '&a [*a]', 'name: x\nphases: !!binary aGk=', '%YAML 9.9\n---\nname: x',
		'name: x\n---\nname: y', Buffer.from(Array.from({length: 512}, (_, i) => (i * 37) % 256)).toString('latin1'),
	];
	for (const text of inputs) {
		const result = parsePlanText(text, 'junk.yaml');
		assert.equal(result.ok, false, JSON.stringify(text.slice(0, 40)));
		assert.ok(!result.ok && result.errors.length > 0 && result.errors.every(e => e.line >= 1 && e.column >= 1));
	}
});

test('resolves the workspace: override, else the plan folder, else the current directory', () => {
	mkdirSync(join(dir, 'plans'));
	writeFileSync(join(dir, 'plans', 'w.yaml'), 'name: w\nworkspace: ../app\nphases:\n  - name: p\n    tasks:\n      - {id: a, owns: [a/**], run: x}\n');
	writeFileSync(join(dir, 'plans', 'n.yaml'), 'name: n\nphases:\n  - name: p\n    tasks:\n      - {id: a, owns: [a/**], run: x}\n');
	const fromPlan = loadPlan('plans/w.yaml', {cwd: dir});
	assert.ok(fromPlan.ok);
	assert.equal(fromPlan.workspace, join(dir, 'app'));
	const override = loadPlan('plans/w.yaml', {cwd: dir, workspace: 'elsewhere'});
	assert.ok(override.ok);
	assert.equal(override.workspace, join(dir, 'elsewhere'));
	const none = loadPlan(join(dir, 'plans', 'n.yaml'), {cwd: '/tmp'});
	assert.ok(none.ok);
	assert.equal(none.workspace, '/tmp');
	const missing = loadPlan('plans/nope.yaml', {cwd: dir});
	assert.ok(!missing.ok);
	assert.equal(missing.errors[0]!.code, 'file.unreadable');
	const folder = loadPlan('plans', {cwd: dir});
	assert.ok(!folder.ok);
});

// The strict cases of the bad-plan corpus, each with the finding it must give (code, place, words).
const corpus = fileURLToPath(new URL('../fixtures/bad-plans/', import.meta.url));
const strictCases: [file: string, code: string, line: number, column: number, message: RegExp][] = [
	['46-json-trailing-comma.json', 'syntax.json', 4, 52, /^A trailing comma is not JSON\. Remove it/],
	['47-invalid-utf8.yaml', 'syntax.encoding', 7, 22, /^Invalid UTF-8 here \(byte 0xe9\).*U\+FFFD/],
	['48-long-id.yaml', 'shape.bad-id', 5, 13, /^Task id "a{40}"… \(2000 characters\) is not valid: use lowercase letters, digits and '-', starting with a letter or digit, at most 64 characters/],
	['49-long-phase-name.yaml', 'shape.bad-phase-name', 3, 11, /one line of at most 80 characters/],
	['42-broken.json', 'syntax.json', 1, 63, /^This \.json plan is not strict JSON: a key must be a "double-quoted" string/],
];
for (const [file, code, line, column, message] of strictCases) {
	test(`bad corpus ${file}: ${code} at ${line}:${column}`, () => {
		const loaded = loadPlan(join(corpus, file));
		assert.equal(loaded.ok, false);
		const [error] = loaded.ok ? [] : loaded.errors;
		assert.deepEqual([error?.code, error?.line, error?.column], [code, line, column]);
		assert.match(error!.message, message);
	});
}

test('ids: 64 characters pass, 65 do not', () => {
	const plan = (id: string) => `name: p\nphases:\n  - name: one\n    tasks:\n      - {id: ${id}, owns: [a/**], run: x}\n`;
	assert.ok(parsePlanText(plan('a'.repeat(64)), 'p.yaml').ok);
	const long = parsePlanText(plan('a'.repeat(65)), 'p.yaml');
	assert.equal(long.ok, false);
	assert.equal(!long.ok && long.errors[0]?.code, 'shape.bad-id');
});

test('strict JSON: what JSON.parse accepts passes, and each kind of error has its place', () => {
	for (const good of ['{}', '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]}', ' [ ] ']) assert.equal(strictJsonError(good), undefined, good);
	assert.deepEqual(strictJsonError('{"a": 1,\n}')?.position, {line: 1, column: 8});
	assert.deepEqual(strictJsonError('[1, 2,]')?.position, {line: 1, column: 6});
	assert.match(strictJsonError("{'a': 1}")!.message, /single quote/);
	assert.match(strictJsonError('{"a": 1} // note')!.message, /comment/);
	assert.match(strictJsonError('{"a": ')!.message, /the end of the file/);
	// The same text as .yaml is fine: YAML flow allows a trailing comma.
	assert.ok(parsePlanText('{"name": "p", "tasks": [{"id": "a", "owns": ["a/**"], "run": "x"},]}', 'p.yaml').ok);
	assert.equal(parsePlanText('{"name": "p", "tasks": [{"id": "a", "owns": ["a/**"], "run": "x"},]}', 'p.json').ok, false);
});

test('UTF-8: valid text of every length passes; stray, truncated, overlong and surrogate bytes are found', () => {
	assert.equal(firstInvalidUtf8(Buffer.from('plain é € 😀 text', 'utf8')), -1);
	assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xff])), 1);
	assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82])), 1);
	assert.equal(firstInvalidUtf8(Buffer.from([0xc0, 0xaf])), 0);
	assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0);
	assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0);
});
