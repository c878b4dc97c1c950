// The guard: its pure decision, its arguments, the command on real stdin (including malformed
// input), symbolic links, and the refusal records watched from the run folder.

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {runGuard} from '../../source/commands/guard.js';
import {guardDecision, parseGuardTarget, realPathOfTarget, recordRefusal, watchGuardRefusals, type GuardRefusal} from '../../source/runner/guard.js';
import {guardCommandForTests, removeDir, tempDir} from './helpers.js';

const ownership = {workspace: '/ws', owns: ['src/api/**', 'README.md'], taskId: 'api'};
const hook = (tool_name: string, tool_input: Record<string, unknown>, cwd = '/ws') => ({session_id: 's', cwd, hook_event_name: 'PreToolUse', tool_name, tool_input});

describe('guardDecision', () => {
	it('guards MultiEdit like Edit', () => {
		const decision = guardDecision(hook('MultiEdit', {file_path: '/ws/src/shared/a.ts', edits: []}), ownership);
		assert.equal(decision.allow, false);
		assert.deepEqual(guardDecision(hook('MultiEdit', {file_path: '/ws/src/api/a.ts', edits: []}), ownership), {allow: true});
	});

	it("a task in its own root (worktree): judged there, mapped to plan paths; the main workspace and other trees are refused, naming the task", () => {
		const inTree = {...ownership, root: '/trees/api'};
		assert.deepEqual(guardDecision(hook('Edit', {file_path: '/trees/api/src/api/users.ts'}, '/trees/api'), inTree), {allow: true});
		assert.deepEqual(guardDecision(hook('Edit', {file_path: 'users.ts'}, '/trees/api/src/api'), inTree), {allow: true});
		const notOwned = guardDecision(hook('Edit', {file_path: '/trees/api/src/web/a.ts'}, '/trees/api'), inTree);
		assert.ok(!notOwned.allow && notOwned.path === 'src/web/a.ts', 'refusals name the plan path');
		const main = guardDecision(hook('Edit', {file_path: '/ws/src/api/users.ts'}, '/trees/api'), inTree);
		assert.ok(!main.allow);
		if (!main.allow) assert.match(main.message, /\/ws\/src\/api\/users\.ts is in the main workspace \(\/ws\), not in task "api"'s own folder \(\/trees\/api\)/);
		const other = guardDecision(hook('Write', {file_path: '../web/src/api/x.ts'}, '/trees/api'), inTree);
		assert.ok(!other.allow);
		if (!other.allow) assert.match(other.message, /\/trees\/web\/src\/api\/x\.ts is outside task "api"'s own folder \(\/trees\/api\)/);
	});

	it('parses --root (and FANOUT_TASK_ROOT); a relative root is an error', () => {
		const parsed = parseGuardTarget(['--task=a', '--run-dir=/r', '--workspace=/ws', '--root=/trees/a', '--owns=x/**'], {});
		assert.deepEqual(parsed, {ok: true, target: {taskId: 'a', runDir: '/r', workspace: '/ws', root: '/trees/a', owns: ['x/**']}});
		const fromEnv = parseGuardTarget(['--task=a', '--run-dir=/r', '--workspace=/ws'], {FANOUT_TASK_ROOT: '/trees/a'});
		assert.ok(fromEnv.ok && fromEnv.target.root === '/trees/a');
		assert.equal(parseGuardTarget(['--task=a', '--run-dir=/r', '--workspace=/ws', '--root=trees'], {}).ok, false);
	});

	it('allows owned files, absolute or relative to the hook cwd', () => {
		assert.deepEqual(guardDecision(hook('Edit', {file_path: '/ws/src/api/users.ts'}), ownership), {allow: true});
		assert.deepEqual(guardDecision(hook('Write', {file_path: 'users.ts'}, '/ws/src/api'), ownership), {allow: true});
		assert.deepEqual(guardDecision(hook('NotebookEdit', {notebook_path: '/ws/README.md'}), ownership), {allow: true});
	});

	it('refuses files the task does not own, naming the path and the FANOUT-NEEDS line', () => {
		const decision = guardDecision(hook('Write', {file_path: '/ws/src/shared/logger.ts'}), ownership);
		assert.equal(decision.allow, false);
		if (decision.allow) return;
		assert.equal(decision.path, 'src/shared/logger.ts');
		assert.equal(decision.tool, 'Write');
		assert.match(decision.message, /src\/shared\/logger\.ts is not this task's file: task "api" owns only src\/api\/\*\*, README\.md\./);
		assert.match(decision.message, /\nFANOUT-NEEDS: src\/shared\/logger\.ts -- <why you need it>$/);
	});

	it('refuses paths outside the workspace, including .. escapes', () => {
		for (const file of ['/etc/passwd', '/ws/src/api/../../../etc/x', '/wsx/src/api/a.ts']) {
			const decision = guardDecision(hook('Edit', {file_path: file}), ownership);
			assert.equal(decision.allow, false, file);
			if (!decision.allow) assert.match(decision.message, /outside the workspace/);
		}
	});

	it('refuses a write it cannot read (not JSON, no file) and allows tools that do not write', () => {
		for (const input of [undefined, 'garbage', [], hook('Edit', {}), hook('Write', {file_path: '  '}), {tool_input: {}}]) {
			const decision = guardDecision(input, ownership);
			assert.equal(decision.allow, false, JSON.stringify(input));
		}
		assert.deepEqual(guardDecision(hook('Read', {file_path: '/etc/passwd'}), ownership), {allow: true});
		assert.deepEqual(guardDecision(hook('Bash', {command: 'rm -rf /'}), ownership), {allow: true});
	});

	it('refuses an owned path that leads through a symbolic link elsewhere', () => {
		const dir = tempDir();
		const outside = tempDir('fanout-outside-');
		try {
			fs.mkdirSync(path.join(dir, 'src/api'), {recursive: true});
			fs.symlinkSync(outside, path.join(dir, 'src/api/link'));
			fs.symlinkSync(path.join(dir, 'src/shared'), path.join(dir, 'src/api/shared'));
			const real = {workspace: dir, owns: ['src/api/**'], realPath: realPathOfTarget};
			assert.deepEqual(guardDecision(hook('Write', {file_path: path.join(dir, 'src/api/new/file.ts')}, dir), real), {allow: true});
			// The workspace named through a link, the agent reporting real paths: still its own files.
			const viaLink = path.join(outside, 'ws-link');
			fs.symlinkSync(dir, viaLink);
			const linked = {workspace: viaLink, owns: ['src/api/**'], realPath: realPathOfTarget};
			assert.deepEqual(guardDecision(hook('Write', {file_path: path.join(dir, 'src/api/a.ts')}, dir), linked), {allow: true});
			assert.equal(guardDecision(hook('Write', {file_path: path.join(dir, 'src/web/a.ts')}, dir), linked).allow, false);
			for (const file of ['src/api/link/x.ts', 'src/api/shared/logger.ts']) {
				const decision = guardDecision(hook('Write', {file_path: path.join(dir, file)}, dir), real);
				assert.equal(decision.allow, false, file);
				if (!decision.allow) assert.match(decision.message, /symbolic link/);
			}
		} finally {
			removeDir(dir);
			removeDir(outside);
		}
	});
});

describe('guard arguments', () => {
	it('reads --name=value arguments, falling back to FANOUT_* variables', () => {
		const parsed = parseGuardTarget(['--task=api', '--run-dir=/r', '--workspace=/ws', '--owns=a/**', '--owns=-b'], {});
		assert.deepEqual(parsed, {ok: true, target: {taskId: 'api', runDir: '/r', workspace: '/ws', owns: ['a/**', '-b']}});
		const fromEnv = parseGuardTarget([], {FANOUT_TASK_ID: 't', FANOUT_RUN_DIR: '/r', FANOUT_WORKSPACE: '/ws', FANOUT_OWNS: 'x/**\ny/**\n'});
		assert.deepEqual(fromEnv, {ok: true, target: {taskId: 't', runDir: '/r', workspace: '/ws', owns: ['x/**', 'y/**']}});
	});

	it('rejects unknown or incomplete arguments', () => {
		assert.equal(parseGuardTarget(['--task', 'api'], {}).ok, false);
		assert.equal(parseGuardTarget(['--bogus=1'], {}).ok, false);
		assert.equal(parseGuardTarget(['--task=a', '--run-dir=/r', '--workspace=relative'], {}).ok, false);
	});
});

describe('runGuard', () => {
	it('exit 0 for an owned file, exit 2 and a recorded refusal otherwise; malformed stdin refused', () => {
		const runDir = tempDir('fanout-run-');
		try {
			const argv = ['--task=api', `--run-dir=${runDir}`, '--workspace=/ws', '--owns=src/api/**'];
			let stderr = '';
			const io = {stderr: (text: string) => void (stderr += text)};
			assert.equal(runGuard({argv, stdin: JSON.stringify(hook('Edit', {file_path: '/ws/src/api/a.ts'})), env: {}, now: 1}, io), 0);
			assert.equal(stderr, '');
			assert.equal(runGuard({argv, stdin: JSON.stringify(hook('Edit', {file_path: '/ws/lib/b.ts'})), env: {}, now: 2}, io), 2);
			assert.match(stderr, /fanout refused this Edit: lib\/b\.ts is not this task's file/);
			assert.equal(runGuard({argv, stdin: '{not json', env: {}, now: 3}, io), 2);
			assert.equal(runGuard({argv, stdin: undefined, env: {}, now: 4}, io), 2);
			assert.match(stderr, /the hook input could not be read/);
			const records = fs.readFileSync(path.join(runDir, 'guard', 'api.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line));
			assert.deepEqual(records, [
				{taskId: 'api', path: 'lib/b.ts', tool: 'Edit', at: 2},
				{taskId: 'api', path: '<unknown file>', tool: 'write', at: 3},
				{taskId: 'api', path: '<unknown file>', tool: 'write', at: 4},
			]);
			stderr = '';
			assert.equal(runGuard({argv: [], stdin: '{}', env: {}, now: 5}, io), 2);
			assert.match(stderr, /no task id/);
		} finally {
			removeDir(runDir);
		}
	});

	it('as a process (fanout guard through the CLI): exit codes 0 and 2, never anything else', async () => {
		const runDir = tempDir('fanout-run-');
		try {
			const guard = (stdin: string) =>
				new Promise<{code: number | null; stderr: string}>((resolve, reject) => {
					const [file, ...args] = guardCommandForTests;
					const child = spawn(file ?? '', [...args, '--task=web', `--run-dir=${runDir}`, '--workspace=/ws', '--owns=src/web/**'], {stdio: ['pipe', 'ignore', 'pipe'], env: {...process.env, FANOUT_TASK_ID: ''}});
					let stderr = '';
					child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
					child.on('error', reject);
					child.on('close', code => resolve({code, stderr}));
					child.stdin.end(stdin);
				});
			const [allowed, refused, broken] = await Promise.all([
				guard(JSON.stringify(hook('Write', {file_path: '/ws/src/web/a.ts'}))),
				guard(JSON.stringify(hook('Write', {file_path: '/ws/src/api/a.ts'}))),
				guard('\u0000\u0001'),
			]);
			assert.deepEqual(allowed, {code: 0, stderr: ''});
			assert.equal(refused.code, 2);
			assert.match(refused.stderr, /src\/api\/a\.ts is not this task's file/);
			assert.equal(broken.code, 2);
		} finally {
			removeDir(runDir);
		}
	});
});

describe('watchGuardRefusals', () => {
	it('reports records already there, new ones as they come, and a last one at stop', async () => {
		const runDir = tempDir('fanout-run-');
		const seen: GuardRefusal[] = [];
		try {
			recordRefusal(runDir, {taskId: 'a', path: 'x.ts', tool: 'Edit', at: 1});
			const stop = watchGuardRefusals(runDir, refusal => seen.push(refusal));
			assert.deepEqual(seen.map(r => r.path), ['x.ts']);
			recordRefusal(runDir, {taskId: 'b/c d', path: 'y.ts', tool: 'Write', at: 2});
			const start = Date.now();
			while (seen.length < 2 && Date.now() - start < 3000) await new Promise(resolve => setTimeout(resolve, 10));
			assert.deepEqual(seen[1], {taskId: 'b/c d', path: 'y.ts', tool: 'Write', at: 2});
			// A half-written record waits for its newline; stop() reads what is complete.
			const file = path.join(runDir, 'guard', 'a.jsonl');
			fs.appendFileSync(file, '{"taskId":"a","path":"z.ts"');
			fs.appendFileSync(file, ',"tool":"Edit","at":3}\n');
			stop();
			assert.deepEqual(seen.map(r => r.path), ['x.ts', 'y.ts', 'z.ts']);
			recordRefusal(runDir, {taskId: 'a', path: 'late.ts', tool: 'Edit', at: 4});
			await new Promise(resolve => setTimeout(resolve, 50));
			assert.equal(seen.length, 3, 'nothing is reported after stop');
		} finally {
			removeDir(runDir);
		}
	});
});
