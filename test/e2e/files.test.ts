// Protects the user's files, and the smaller things a newcomer saw (issue 14), through the
// built CLI: `plan --out` keeps an existing file, bundled example plans run on a copy, the demo's
// copy goes away unless kept, `schedule` words a sequential result, `validate` reports past
// shape errors, and `--json --output-lines` carries the task output.

import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {cleanup, root, runCli, workspace} from './helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));

function temp(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	dirs.push(dir);
	return dir;
}

/** The folder a `fanout ...: ... in DIR` stderr line names (group 1 of `pattern`). */
function named(stderr: string, pattern: RegExp): string {
	const match = pattern.exec(stderr);
	assert.ok(match, `no match for ${pattern} in:\n${stderr}`);
	return match[1]!;
}

describe('protects the user\'s files', {concurrency: true}, () => {
	it('plan --out refuses to overwrite an existing file (exit 2, file unchanged) unless --force', async () => {
		const cwd = temp('fanout-files-plan-');
		mkdirSync(join(cwd, 'src/api'), {recursive: true});
		writeFileSync(join(cwd, 'src/api/a.js'), '');
		writeFileSync(join(cwd, 'mine.yaml'), 'my own notes\n');
		const args = ['plan', '--pattern', 'module', '--goal', 'Add logging', '--out', 'mine.yaml'];
		const refused = await runCli(args, {cwd});
		assert.equal(refused.code, 2, refused.stderr);
		assert.match(refused.stderr, /mine\.yaml already exists; nothing was written\. Give another --out, or add --force to overwrite it\./);
		assert.equal(readFileSync(join(cwd, 'mine.yaml'), 'utf8'), 'my own notes\n');
		const forced = await runCli([...args, '--force'], {cwd});
		assert.equal(forced.code, 0, forced.stdout + forced.stderr);
		assert.match(readFileSync(join(cwd, 'mine.yaml'), 'utf8'), /^name: /m);
	});

	it('a bundled example plan runs on a copy: the package\'s plans/ stay unchanged (git status clean)', async () => {
		// A clone-like copy of the package (its bundle, package.json and plans/), under git.
		const pkg = temp('fanout-files-pkg-');
		cpSync(join(root, 'dist', 'bin'), join(pkg, 'dist', 'bin'), {recursive: true});
		cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
		cpSync(join(root, 'plans'), join(pkg, 'plans'), {recursive: true, filter: source => !source.endsWith('/.fanout')});
		const git = (...args: string[]) => execFileSync('git', args, {cwd: pkg, encoding: 'utf8', env: {...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t'}});
		git('init', '-q');
		git('add', '-A');
		git('commit', '-qm', 'package');
		const result = await runBundle(join(pkg, 'dist', 'bin', 'cli.js'), ['run', 'plans/demo.yaml', '--yes', '--on-conflict', 'defer'], pkg);
		assert.equal(result.code, 0, result.stderr);
		const copy = named(result.stderr, /with the sample app beside it in (\S+)\/plans;/);
		dirs.push(copy);
		assert.match(result.stderr, /fanout's own plans\/ stay unchanged/);
		assert.match(result.stderr, /the example ran on a copy, kept in \S+\/plans; fanout's own plans\/ are unchanged/);
		assert.equal(git('status', '--porcelain', 'plans/'), '', 'the package\'s plans/ are as committed');
		assert.ok(!existsSync(join(pkg, 'plans', 'sample-app', '.fanout')), 'no run folder in the package');
		// The work happened in the copy.
		assert.match(readFileSync(join(copy, 'plans', 'sample-app', 'src', 'index.js'), 'utf8'), /Reviewed by index/);
		assert.ok(existsSync(join(copy, 'plans', 'sample-app', '.fanout', 'runs')));
	});

	it('the demo removes its copy when it ends; --keep keeps it and says where', async () => {
		const cwd = temp('fanout-files-demo-');
		const [removed, kept] = await Promise.all([runCli(['demo'], {cwd}), runCli(['demo', '--keep'], {cwd})]);
		assert.equal(removed.code, 0, removed.stderr);
		const gone = named(removed.stderr, /a copy of the sample repository is in (\S+)\/sample-app/);
		assert.match(removed.stderr, /the copy is removed when the demo ends \(keep it with --keep\)/);
		assert.ok(!existsSync(gone), `${gone} is removed`);
		assert.equal(kept.code, 0, kept.stderr);
		const left = named(kept.stderr, /kept the copy in (\S+) \(remove it when done/);
		dirs.push(left);
		assert.ok(existsSync(join(left, 'sample-app', '.fanout', 'runs')), 'the kept copy holds its run');
	});
});

/** Runs a given bundle of the CLI (not the worktree's) to its end. */
function runBundle(bundle: string, args: readonly string[], cwd: string): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, [bundle, ...args], {cwd, env: {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => resolve({code, stdout, stderr}));
	});
}

describe('smaller things seen', {concurrency: true}, () => {
	it('schedule --max-parallel 1 says one task at a time', async () => {
		const ws = workspace('name: flat\ntasks:\n  - {id: a, owns: [a/**], run: x}\n  - {id: b, owns: [b/**], run: x}\n  - {id: c, owns: [c/**], run: x}\n');
		dirs.push(ws);
		const result = await runCli(['schedule', 'plan.yaml', '--max-parallel', '1', '--out', 'out.yaml'], {cwd: ws});
		assert.equal(result.code, 0, result.stdout + result.stderr);
		assert.match(result.stdout, /Wrote out\.yaml: 3 tasks in 1 phase \(one task at a time\)/);
		assert.doesNotMatch(result.stdout, /at most/);
	});

	it('validate reports dependency and ownership errors beside shape errors, each at file:line:col', async () => {
		const ws = workspace(
			`name: bad
phases:
  - name: one
    tasks:
      - id: api
        owns: [src/**]
        run: x
      - id: db
        owns: [src/api/**]
        run: x
        timeout: forever
      - id: web
        owns: [web/**]
        run: x
        dependsOn: [nope, db]
      - id: BAD
        owns: [b/**]
        run: x
  - name: two
    tasks:
      - id: t
        owns: [t/**]
        run: x
        dependsOn: [BAD]
`,
			{'src/api/a.js': ''},
		);
		dirs.push(ws);
		const result = await runCli(['validate', 'plan.yaml'], {cwd: ws});
		assert.equal(result.code, 1);
		const out = result.stdout;
		assert.match(out, /plan\.yaml:11:18 {2}error {2}timeout "forever" is not a duration/);
		assert.match(out, /plan\.yaml:16:13 {2}error {2}Task id "BAD" is not valid/);
		assert.match(out, /plan\.yaml:9:\d+ {2}error {2}.*src\/api\/a\.js is owned by two tasks of phase "one": api, db|plan\.yaml:9:\d+ {2}error {2}"api" owns src\/\*\* and "db" owns src\/api\/\*\*/);
		assert.match(out, /plan\.yaml:15:21 {2}error {2}Task "web" depends on "nope", which is not a task of this plan/);
		assert.match(out, /plan\.yaml:15:27 {2}error {2}Task "web" depends on "db", but both run at once in parallel phase "one"/);
		// BAD is written in the file: depending on it is no second error.
		assert.doesNotMatch(out, /depends on "BAD"/);
		// The JSON report carries them too.
		const json = JSON.parse((await runCli(['validate', 'plan.yaml', '--json'], {cwd: ws})).stdout) as {errors: {code: string}[]};
		assert.deepEqual([...new Set(json.errors.map(e => e.code.split('.')[0]))].sort(), ['depends', 'ownership', 'shape']);
	});

	it('run --json --output-lines adds sanitized task.output events; plain --json has none', async () => {
		const ws = workspace(`name: lines
phases:
  - name: one
    tasks:
      - id: a
        owns: [a/**]
        run: "printf 'hello\\n\\\\033[31mred\\\\033[0m\\n'; echo oops >&2"
`);
		dirs.push(ws);
		const withLines = await runCli(['run', 'plan.yaml', '--yes', '--json', '--output-lines'], {cwd: ws});
		assert.equal(withLines.code, 0, withLines.stderr + withLines.stdout);
		const events = withLines.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; task?: string; line?: string; at?: number});
		const output = events.filter(e => e.type === 'task.output');
		assert.deepEqual(output.map(e => [e.task, e.line]), [['a', 'hello'], ['a', 'red'], ['a', 'oops']]);
		assert.ok(output.every(e => typeof e.at === 'number'));
		// Between the task's start and its exit, in the journal's order.
		const types = events.map(e => e.type);
		assert.ok(types.indexOf('task.started') < types.indexOf('task.output') && types.lastIndexOf('task.output') < types.indexOf('task.exited'), types.join(' '));
		const plain = await runCli(['run', 'plan.yaml', '--yes', '--json'], {cwd: ws});
		assert.equal(plain.code, 0);
		assert.doesNotMatch(plain.stdout, /task\.output/);
		const alone = await runCli(['run', 'plan.yaml', '--yes', '--output-lines'], {cwd: ws});
		assert.equal(alone.code, 2);
		assert.match(alone.stderr, /--output-lines goes with --json/);
	});
});
