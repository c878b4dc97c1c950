// Claude Code end to end: the fake `claude` started from agentInvocation for real, its hook
// running the real `fanout guard`, its stream fed to the parser.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {compileGlobs} from '../../source/plan/ownership.js';
import {agentInvocation, createAgentParser} from '../../source/runner/agents/index.js';
import {watchGuardRefusals, type GuardRefusal} from '../../source/runner/guard.js';
import {guardCommandForTests, makePlan, makeTask, removeDir, runAgent, tempDir} from './helpers.js';

describe('claude adapter with the fake claude', () => {
	let workspace: string;
	let runDir: string;
	const task = makeTask({id: 'api', owns: ['src/api/**']});
	const plan = makePlan([task, makeTask({id: 'shared', owns: ['src/shared/**']})]);
	const parserFor = () => createAgentParser('claude', {isOwned: compileGlobs(task.owns), workspace});
	const invocation = (resumeSessionId?: string) => agentInvocation(task, plan, {workspace, runDir, guardCommand: guardCommandForTests, resumeSessionId});

	before(() => {
		workspace = tempDir();
		runDir = tempDir('fanout-run-');
	});
	after(() => {
		removeDir(workspace);
		removeDir(runDir);
	});

	it('edits an owned file: the guard allows it, pane lines, report, cost, session', async () => {
		const run = await runAgent(invocation(), parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/api/users.ts'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.equal(fs.readFileSync(path.join(workspace, 'src/api/users.ts'), 'utf8'), '// written by the fake claude\n');
		assert.deepEqual(run.display, [
			'session started (model claude-fake-1)',
			'I will update src/api/users.ts.',
			'$ npm test',
			'write src/api/users.ts',
			'Updated src/api/users.ts.',
			'done · 3 turns · $0.0123 · 4.3s',
		]);
		assert.deepEqual(run.updates.flatMap(u => u.edits), ['src/api/users.ts']);
		assert.deepEqual(run.updates.flatMap(u => u.conflicts), []);
		assert.equal(run.updates[0]?.sessionId, 'fake-claude-session-1');
		assert.deepEqual(run.result, {
			changedFiles: ['src/api/users.ts'],
			sessionId: 'fake-claude-session-1',
			report: 'Updated src/api/users.ts.',
			failureReason: undefined,
			costUsd: 0.0123,
			turns: 3,
			tokens: 180,
		});
		assert.equal(fs.existsSync(path.join(runDir, 'guard', 'api.jsonl')), false);
	});

	it('tries a file outside ownership: blocked before the write, refusal recorded and watched', async () => {
		const refusals: GuardRefusal[] = [];
		const stop = watchGuardRefusals(runDir, refusal => refusals.push(refusal));
		try {
			const run = await runAgent(invocation(), parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'edit-outside', FAKE_FILE: 'src/shared/logger.ts'}});
			assert.equal(run.exit.exitCode, 0, run.stderr);
			assert.equal(fs.existsSync(path.join(workspace, 'src/shared/logger.ts')), false, 'the blocked write must never happen');
			const errorLine = run.display.find(line => line.startsWith('error: '));
			assert.match(errorLine ?? '', /fanout refused this Write: src\/shared\/logger\.ts is not this task's file: task "api" owns only src\/api\/\*\*/);
			// Blocked calls are the guard's to report, not a second conflict from the stream.
			assert.deepEqual(run.updates.flatMap(u => u.conflicts), []);
			assert.deepEqual(run.result.changedFiles, []);
			assert.deepEqual(run.updates.flatMap(u => u.needs), [{path: 'src/shared/logger.ts', reason: 'the change belongs in that file'}]);
			const start = Date.now();
			while (refusals.length === 0 && Date.now() - start < 5000) await new Promise(resolve => setTimeout(resolve, 20));
			assert.equal(refusals.length, 1);
			assert.deepEqual({...refusals[0], at: 0}, {taskId: 'api', path: 'src/shared/logger.ts', tool: 'Write', at: 0});
		} finally {
			stop();
		}
	});

	it('MultiEdit (older versions) outside ownership: the hook runs for it too and blocks it', async () => {
		const run = await runAgent(invocation(), parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'multi-edit', FAKE_FILE: 'src/shared/multi.ts'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.equal(fs.existsSync(path.join(workspace, 'src/shared/multi.ts')), false, 'the MultiEdit must be blocked');
		assert.match(run.display.find(line => line.startsWith('error: ')) ?? '', /fanout refused this MultiEdit: src\/shared\/multi\.ts is not this task's file/);
	});

	it('in its own folder (a worktree): owned files there are written, the main workspace copy is refused, paths are plan paths', async () => {
		const tree = tempDir('fanout-tree-');
		try {
			const inTree = agentInvocation(task, plan, {workspace, cwd: tree, runDir, guardCommand: guardCommandForTests});
			const parser = createAgentParser('claude', {isOwned: compileGlobs(task.owns), workspace: tree});
			const ok = await runAgent(inTree, parser, {cwd: inTree.cwd, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/api/tree.ts'}});
			assert.equal(ok.exit.exitCode, 0, ok.stderr);
			assert.ok(fs.existsSync(path.join(tree, 'src/api/tree.ts')));
			assert.deepEqual(ok.result.changedFiles, ['src/api/tree.ts']);
			const escape = path.join(workspace, 'src/api/escape.ts');
			const blocked = await runAgent(inTree, createAgentParser('claude', {isOwned: compileGlobs(task.owns), workspace: tree}), {cwd: inTree.cwd, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: escape}});
			assert.equal(fs.existsSync(escape), false, 'a write into the main workspace must be refused');
			assert.match(blocked.display.find(line => line.startsWith('error: ')) ?? '', /is in the main workspace .*not in task "api"'s own folder/);
		} finally {
			removeDir(tree);
		}
	});

	it('a workspace named through a symbolic link: the real paths claude reports are still owned', async () => {
		const link = path.join(runDir, 'workspace-link');
		fs.symlinkSync(workspace, link);
		const linked = agentInvocation(task, plan, {workspace: link, runDir, guardCommand: guardCommandForTests});
		const parser = createAgentParser('claude', {isOwned: compileGlobs(task.owns), workspace: link});
		const run = await runAgent(linked, parser, {cwd: link, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/api/linked.ts'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.ok(fs.existsSync(path.join(workspace, 'src/api/linked.ts')), run.display.join('\n'));
		assert.deepEqual(run.result.changedFiles, ['src/api/linked.ts']);
		assert.deepEqual(run.updates.flatMap(u => u.conflicts), []);
	});

	it('fails closed when the guard cannot run at all', async () => {
		const broken = agentInvocation(task, plan, {workspace, runDir, guardCommand: [path.join(workspace, 'no-such-fanout'), 'guard']});
		const run = await runAgent(broken, parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/api/blocked.ts'}});
		assert.equal(fs.existsSync(path.join(workspace, 'src/api/blocked.ts')), false);
		assert.ok(run.display.some(line => line.startsWith('error: PreToolUse:Write hook error')), run.display.join('\n'));
	});

	it('ends with an error result: failure reason in words, cost kept, no report', async () => {
		const run = await runAgent(invocation(), parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'error-result'}});
		assert.equal(run.exit.exitCode, 1);
		assert.equal(run.result.failureReason, 'the agent reached its turn limit');
		assert.equal(run.result.report, undefined);
		assert.equal(run.result.costUsd, 0.5);
		assert.equal(run.result.turns, 5);
		assert.deepEqual(run.display.slice(-2), ['error: the agent reached its turn limit', 'failed · 5 turns · $0.5000 · 1.0s']);
	});

	it('replays the real not-logged-in output: its sentence is the failure reason', async () => {
		const run = await runAgent(invocation(), parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'not-logged-in'}});
		assert.equal(run.exit.exitCode, 1);
		assert.equal(run.result.failureReason, 'Not logged in · Please run /login');
		assert.equal(run.result.sessionId, 'ccb10b0c-6209-4506-a350-b8a2fac6a50d');
		assert.deepEqual(run.display, ['session started (model claude-opus-5-5)', 'error: Not logged in · Please run /login', 'failed · 1 turn · $0.0000 · 0.2s']);
	});

	it('is interrupted mid-stream: no crash on the broken line, session and partial text kept', async () => {
		const run = await runAgent(invocation(), parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'interrupted'}, stopWhen: line => line.startsWith('$ ')});
		assert.equal(run.exit.signal, 'SIGTERM');
		assert.deepEqual(run.display, ['session started (model claude-fake-1)', 'Running the test suite first.', '$ npm test -- --watch=false…', '{"type":"assistant","message":{"con']);
		assert.equal(run.result.sessionId, 'fake-claude-session-1');
		assert.equal(run.result.report, 'Running the test suite first.');
		assert.equal(run.result.failureReason, 'the agent stopped before its final result');
	});

	it('resumes a session with --resume', async () => {
		const run = await runAgent(invocation('sess-42'), parserFor(), {cwd: workspace, env: {FAKE_SCENARIO: 'error-result'}});
		assert.equal(run.exit.exitCode, 1, run.stderr);
		assert.equal(run.result.sessionId, 'sess-42');
	});

	it('the fake refuses arguments fanout does not pass (exit 64)', async () => {
		const base = invocation();
		const run = await runAgent({...base, args: [...base.args, '--no-such-option', '3']}, parserFor(), {cwd: workspace});
		assert.equal(run.exit.exitCode, 64);
		assert.match(run.stderr, /unknown option --no-such-option/);
	});
});
