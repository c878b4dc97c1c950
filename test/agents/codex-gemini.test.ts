// Codex and Gemini CLI end to end: the fakes started from agentInvocation for real, their
// streams fed to the parsers.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {compileGlobs} from '../../source/plan/ownership.js';
import {agentInvocation, createAgentParser} from '../../source/runner/agents/index.js';
import {guardCommandForTests, makePlan, makeTask, removeDir, runAgent, tempDir} from './helpers.js';

describe('codex and gemini adapters with the fakes', () => {
	let workspace: string;
	let runDir: string;
	before(() => {
		workspace = tempDir();
		runDir = tempDir('fanout-run-');
	});
	after(() => {
		removeDir(workspace);
		removeDir(runDir);
	});

	const codexTask = makeTask({id: 'api', owns: ['src/api/**'], agent: 'codex'});
	const geminiTask = makeTask({id: 'web', owns: ['src/web/**'], agent: 'gemini'});
	const plan = makePlan([codexTask, geminiTask], {permissionMode: 'acceptEdits'});
	const start = (task: typeof codexTask) => ({
		invocation: agentInvocation(task, plan, {workspace, runDir, guardCommand: guardCommandForTests}),
		parser: createAgentParser(task.agent === 'codex' ? 'codex' : 'gemini', {isOwned: compileGlobs(task.owns), workspace}),
	});

	it('codex edits an owned file: commands, exit codes, edits, report, tokens, thread id', async () => {
		const {invocation, parser} = start(codexTask);
		assert.equal(invocation.args[6], 'sandbox_mode="workspace-write"', "a plan-wide Claude mode must not reach codex's sandbox");
		const run = await runAgent(invocation, parser, {cwd: workspace, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/api/users.ts'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.ok(fs.existsSync(path.join(workspace, 'src/api/users.ts')));
		assert.deepEqual(run.display, ['session started', '$ npm test', '  exit 1', 'edit src/api/users.ts', 'Updated src/api/users.ts; tests need a rerun.']);
		assert.deepEqual(run.updates.flatMap(u => u.conflicts), []);
		assert.deepEqual(run.result, {
			changedFiles: ['src/api/users.ts'],
			sessionId: '0199-fake-codex-thread',
			report: 'Updated src/api/users.ts; tests need a rerun.',
			tokens: 1500,
			turns: 1,
			failureReason: undefined,
		});
	});

	it('codex resumes its thread with exec resume ... <id> <prompt>, its sandbox given again', async () => {
		const invocation = agentInvocation(codexTask, plan, {workspace, runDir, guardCommand: ['fanout', 'guard'], resumeSessionId: 'thread-7'});
		assert.deepEqual(invocation.args.slice(0, 2), ['exec', 'resume']);
		assert.deepEqual(invocation.args.slice(4, 7), ['-c', 'sandbox_mode="workspace-write"', 'thread-7']);
		const parser = createAgentParser('codex', {isOwned: compileGlobs(codexTask.owns), workspace});
		const run = await runAgent(invocation, parser, {cwd: workspace, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/api/more.ts'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.equal(run.result.sessionId, 'thread-7');
	});

	it('codex edits a file it does not own: a conflict from its file_change report', async () => {
		const {invocation, parser} = start(codexTask);
		const run = await runAgent(invocation, parser, {cwd: workspace, env: {FAKE_SCENARIO: 'edit-outside', FAKE_FILE: 'src/shared/logger.ts'}});
		assert.deepEqual(run.updates.flatMap(u => u.conflicts), [{path: 'src/shared/logger.ts', reason: 'the agent edited a file this task does not own'}]);
		assert.deepEqual(run.result.changedFiles, ['src/shared/logger.ts']);
	});

	it('codex turn.failed is the failure reason', async () => {
		const {invocation, parser} = start(codexTask);
		const run = await runAgent(invocation, parser, {cwd: workspace, env: {FAKE_SCENARIO: 'turn-failed'}});
		assert.equal(run.exit.exitCode, 1);
		assert.equal(run.result.failureReason, 'unexpected status 401 Unauthorized: Missing bearer authentication in header');
	});

	it('codex without network (the real output): errors are shown, not fatal, until the task is stopped', async () => {
		const {invocation, parser} = start(codexTask);
		let waiting = 0;
		const run = await runAgent(invocation, parser, {
			cwd: workspace,
			env: {FAKE_SCENARIO: 'no-network'},
			// Several "waiting for network" lines in, the task's timeout would stop it.
			stopWhen: line => line.includes('waiting for network') && ++waiting === 6,
		});
		assert.equal(run.exit.signal, 'SIGTERM');
		assert.ok(run.display.includes('error: Reconnecting... 2/5 (stream disconnected before completion: failed to lookup address information: Name does not resolve)'));
		assert.ok(run.display.includes('error: Falling back from WebSockets to HTTPS transport. stream disconnected before completion: failed to lookup address information: Name does not resolve'));
		assert.ok(run.display.filter(line => line === 'error: Reconnecting... waiting for network (Connection failed: error sending request)').length >= 6);
		assert.equal(run.result.sessionId, '01a21e1d-bf25-7901-b92c-4c4c8516b332');
		assert.equal(run.result.failureReason, 'Reconnecting... waiting for network (Connection failed: error sending request)');
	});

	it('gemini edits an owned file: deltas joined into whole lines, tool lines, report, tokens', async () => {
		const {invocation, parser} = start(geminiTask);
		const run = await runAgent(invocation, parser, {cwd: workspace, env: {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/web/app.ts'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.deepEqual(run.display, [
			'session started (model gemini-fake-pro)',
			'I will update src/web/app.ts.',
			'First I read it.',
			'read src/web/app.ts',
			'error: File not found: ' + path.join(workspace, 'src/web/app.ts'),
			'write src/web/app.ts',
			'Created src/web/app.ts.',
			'done · 2.1s',
		]);
		assert.deepEqual(run.result, {changedFiles: ['src/web/app.ts'], sessionId: 'fake-gemini-session', report: 'Created src/web/app.ts.', tokens: 2345, turns: undefined, failureReason: undefined});
	});

	it('gemini writes outside ownership: its BeforeTool hook runs fanout guard, which blocks and records it', async () => {
		const {invocation, parser} = start(geminiTask);
		const settings = JSON.parse(fs.readFileSync(invocation.env['GEMINI_CLI_SYSTEM_SETTINGS_PATH'] ?? '', 'utf8'));
		assert.equal(settings.hooks.BeforeTool[0].matcher, 'write_file|replace');
		assert.equal(path.dirname(invocation.env['GEMINI_CLI_SYSTEM_SETTINGS_PATH'] ?? ''), path.join(runDir, 'gemini'), 'settings live in the run folder, not the workspace');
		const run = await runAgent(invocation, parser, {cwd: workspace, env: {FAKE_SCENARIO: 'edit-outside', FAKE_FILE: 'README.md'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.equal(fs.existsSync(path.join(workspace, 'README.md')), false, 'the blocked write must never happen');
		assert.match(run.display.find(line => line.startsWith('error: Tool execution blocked')) ?? '', /fanout refused this write_file: README\.md is not this task's file: task "web" owns only src\/web\/\*\*/);
		assert.deepEqual(run.updates.flatMap(u => u.conflicts), []);
		const refusals = fs.readFileSync(path.join(runDir, 'guard', 'web.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as {path: string; tool: string});
		assert.deepEqual(refusals.map(r => [r.path, r.tool]), [['README.md', 'write_file']]);
	});

	it('gemini error result: warning shown, failure reason, no report', async () => {
		const {invocation, parser} = start(geminiTask);
		const run = await runAgent(invocation, parser, {cwd: workspace, env: {FAKE_SCENARIO: 'error'}});
		assert.equal(run.exit.exitCode, 1);
		assert.deepEqual(run.display.slice(1), ['warning: Loop detected, stopping execution', 'error: Quota exceeded for gemini-fake-pro', 'failed · 0.1s']);
		assert.equal(run.result.failureReason, 'Quota exceeded for gemini-fake-pro');
		assert.equal(run.result.report, undefined);
	});

	it('the fakes refuse arguments fanout does not pass (exit 64)', async () => {
		for (const task of [codexTask, geminiTask]) {
			const {invocation, parser} = start(task);
			const run = await runAgent({...invocation, args: [...invocation.args, '--full-auto']}, parser, {cwd: workspace});
			assert.equal(run.exit.exitCode, 64, `${task.agent}: ${run.stderr}`);
		}
	});
});
