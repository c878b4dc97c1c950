import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, test} from 'node:test';
import {parsePlanText} from '../../source/plan/load.js';
import type {Finding, ValidationReport} from '../../source/plan/types.js';
import {validatePlan, validatePlanAgainstFiles} from '../../source/plan/validate.js';

const root = mkdtempSync(join(tmpdir(), 'fanout-validate-'));
after(() => rmSync(root, {recursive: true, force: true}));

let counter = 0;
/** A workspace holding the given files, in a fresh temp folder. */
function tree(files: readonly string[]): string {
	const dir = join(root, `ws-${counter++}`);
	mkdirSync(dir);
	for (const file of files) {
		mkdirSync(dirname(join(dir, file)), {recursive: true});
		writeFileSync(join(dir, file), '');
	}
	return dir;
}

function check(text: string, files: readonly string[]): ValidationReport {
	const parsed = parsePlanText(text, 'plan.yaml');
	assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
	return validatePlan(parsed.plan, parsed.source, {workspace: tree(files)});
}

const codes = (findings: readonly Finding[]) => findings.map(f => f.code);

function phase(tasks: string, mode = 'parallel'): string {
	return `name: t\nphases:\n  - name: logging\n    mode: ${mode}\n    tasks:\n${tasks}`;
}

test('an existing file owned by two tasks of a parallel phase is an error, worded as the rule', () => {
	const report = check(phase(`      - {id: api-logging, owns: [src/api/**, src/shared.py], run: x}\n      - {id: db-logging, owns: [src/db/**, src/*.py], run: x}\n`), ['src/shared.py', 'src/api/a.py', 'src/db/b.py']);
	assert.equal(report.valid, false);
	const overlap = report.errors.find(e => e.code === 'ownership.overlap')!;
	assert.match(overlap.message, /^src\/shared\.py is owned by two tasks of phase "logging": api-logging, db-logging\./);
	assert.deepEqual(overlap.tasks, ['api-logging', 'db-logging']);
	assert.deepEqual(overlap.paths, ['src/shared.py']);
	assert.equal(overlap.file, 'plan.yaml');
	assert.equal(overlap.line, 7);
	assert.equal(overlap.column, 44);
});

test('many shared files make one finding per task pair, listing the paths', () => {
	const files = Array.from({length: 8}, (_, i) => `lib/f${i}.js`);
	const report = check(phase(`      - {id: a, owns: [lib/**], run: x}\n      - {id: b, owns: ['lib/*.js'], run: x}\n`), files);
	const overlaps = report.errors.filter(e => e.code === 'ownership.overlap');
	assert.equal(overlaps.length, 1);
	assert.equal(overlaps[0]!.paths.length, 8);
	assert.match(overlaps[0]!.message, /and 5 more files are owned by two tasks/);
});

test('globs that could meet on a new file are reported with an example path', () => {
	const report = check(phase(`      - {id: a, owns: [src/new/**], run: x}\n      - {id: b, owns: ['src/**/*.ts'], run: x}\n`), ['src/old.js']);
	const finding = report.errors.find(e => e.code === 'ownership.may-overlap')!;
	assert.ok(finding, JSON.stringify(report.errors));
	assert.ok(finding.paths.includes('src/new/x.ts'));
	assert.match(finding.message, /such as src\/new\/x\.ts/);
});

test('reads overlapping another parallel task\'s owns is an error, on files and on globs', () => {
	const onFile = check(phase(`      - {id: api, owns: [src/api/**], reads: [src/utils/log.js], run: x}\n      - {id: utils, owns: [src/utils/**], run: x}\n`), ['src/utils/log.js', 'src/api/a.js']);
	const found = onFile.errors.find(e => e.code === 'reads.overlap')!;
	assert.deepEqual(found.tasks, ['api', 'utils']);
	assert.deepEqual(found.paths, ['src/utils/log.js']);
	assert.equal(found.line, 6);
	const onGlob = check(phase(`      - {id: api, owns: [src/api/**], reads: [src/utils/new.js], run: x}\n      - {id: utils, owns: [src/utils/**], run: x}\n`), ['src/api/a.js', 'src/utils/log.js']);
	assert.deepEqual(codes(onGlob.errors), ['reads.may-overlap']);
	const ownRead = check(phase(`      - {id: api, owns: [src/api/**], reads: [src/api/**], run: x}\n      - {id: utils, owns: [src/utils/**], run: x}\n`), ['src/api/a.js', 'src/utils/log.js']);
	assert.ok(ownRead.valid, 'a task may read what it owns');
});

test('sequential phases may share files and read what others own', () => {
	const report = check(phase(`      - {id: a, owns: [src/**], run: x}\n      - {id: b, owns: [src/**], reads: [src/**], run: x}\n`, 'sequential'), ['src/a.js']);
	assert.ok(report.valid, JSON.stringify(report.errors));
	assert.deepEqual(report.errors, []);
});

test('dependsOn must point at earlier phases; unknown ids and cycles are errors', () => {
	const text = `name: d
phases:
  - name: one
    tasks:
      - {id: a, owns: [a/**], run: x, dependsOn: [b]}
      - {id: b, owns: [b/**], run: x, dependsOn: [later]}
  - name: two
    tasks:
      - {id: later, owns: [c/**], run: x}
      - {id: d, owns: [d/**], run: x, dependsOn: [a, nope, e]}
      - {id: e, owns: [e/**], run: x, dependsOn: [d]}
  - name: three
    mode: sequential
    tasks:
      - {id: f, owns: [f/**], run: x, dependsOn: [a]}
      - {id: g, owns: [g/**], run: x, dependsOn: [f]}
`;
	const parsed = parsePlanText(text, 'd.yaml');
	assert.ok(parsed.ok);
	const report = validatePlanAgainstFiles(parsed.plan, parsed.source, ['a/1', 'b/1', 'c/1', 'd/1', 'e/1', 'f/1', 'g/1']);
	const got = report.errors.map(e => `${e.code}@${e.line}`).sort();
	assert.deepEqual(got, ['depends.cycle@11', 'depends.later-phase@6', 'depends.same-phase@5', 'depends.unknown@10'].sort());
	assert.match(report.errors.find(e => e.code === 'depends.cycle')!.message, /d -> e -> d|e -> d -> e/);
});

test('globs that are absolute, climb out, or are negated are errors', () => {
	const report = check(phase(`      - {id: a, owns: [/etc/x, ../y/**], run: x}\n      - {id: b, owns: ['!src/**'], reads: [../../z], run: x}\n`), ['src/a']);
	assert.deepEqual(codes(report.errors).sort(), ['glob.negated', 'workspace.outside', 'workspace.outside', 'workspace.outside']);
});

test('warnings do not fail: a glob matching nothing, a single-task parallel phase, a task owning nothing', () => {
	const report = check(`name: w
phases:
  - name: solo
    tasks:
      - {id: a, owns: [src/typo/**], run: x}
  - name: pair
    tasks:
      - {id: b, owns: [src/b/**], run: x}
      - {id: c, run: x}
`, ['src/b/1.js', 'src/typo.js']);
	assert.ok(report.valid);
	assert.deepEqual(codes(report.warnings).sort(), ['glob.no-match', 'phase.single-task', 'task.owns-nothing']);
	const folder = check(phase(`      - {id: a, owns: [src/api], run: x}\n      - {id: b, owns: [lib/**], run: x}\n`), ['src/api/x.js', 'lib/a']);
	assert.match(folder.warnings[0]!.message, /"src\/api" is a folder: write "src\/api\/\*\*"/);
});

test('.git, node_modules, .fanout and the plan\'s ignore globs are not scanned', () => {
	const text = `name: i\nignore: [dist/**]\n${phase(`      - {id: a, owns: ['**/*.map'], run: x}\n      - {id: b, owns: ['**/b.js.map'], run: x}\n`).split('\n').slice(1).join('\n')}`;
	const report = check(text, ['.git/b.js.map', 'node_modules/p/b.js.map', '.fanout/b.js.map', 'dist/b.js.map', 'src/a.js']);
	assert.deepEqual(codes(report.errors), ['ownership.may-overlap'], 'no existing file is shared: only the glob-level overlap remains');
});

test('a missing workspace is an error, not a silent empty tree', () => {
	const parsed = parsePlanText(phase(`      - {id: a, owns: [a/**], run: x}\n      - {id: b, owns: [b/**], run: x}\n`), 'p.yaml');
	assert.ok(parsed.ok);
	const report = validatePlan(parsed.plan, parsed.source, {workspace: join(root, 'does-not-exist')});
	assert.deepEqual(codes(report.errors), ['workspace.missing']);
	assert.deepEqual(report.warnings, []);
});

// How fast is for the benchmarks (npm run bench: validate); here, only that it is right.
test('two hundred disjoint tasks in one parallel phase over 20,000 files validate clean', () => {
	const tasks = Array.from({length: 200}, (_, i) => `      - {id: t${i}, owns: [m${i}/**, 'm${i}.md'], reads: [shared/**], run: x}`).join('\n');
	const files = Array.from({length: 20_000}, (_, i) => `m${i % 200}/d${i % 7}/f${i}.js`);
	const parsed = parsePlanText(phase(`${tasks}\n`), 'big.yaml');
	assert.ok(parsed.ok);
	const report = validatePlanAgainstFiles(parsed.plan, parsed.source, files);
	assert.deepEqual(report.errors, []);
});
