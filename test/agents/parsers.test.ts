// The stream parsers line by line: odd lines never crash, paths become workspace-relative, edits
// are checked against ownership, the recorded real outputs read as they should.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {compileGlobs} from '../../source/plan/ownership.js';
import {unwrapShell} from '../../source/runner/agents/codex.js';
import {locatePath, parseNeedsLine} from '../../source/runner/agents/common.js';
import {createAgentParser, findAgent, missingAgents} from '../../source/runner/agents/index.js';
import type {AgentParser, AgentUpdate} from '../../source/runner/agents/types.js';
import {fakesDir, makePlan, makeTask, removeDir, tempDir} from './helpers.js';

const workspace = '/ws';
const options = {isOwned: compileGlobs(['src/api/**']), workspace};
const feed = (parser: AgentParser, events: readonly unknown[]): AgentUpdate[] => events.map(e => parser.push(typeof e === 'string' ? e : JSON.stringify(e)));
const recorded = (name: string) => fs.readFileSync(path.join(fakesDir, 'recorded', name), 'utf8').split('\n').filter(line => line !== '');

const toolUse = (id: string, name: string, input: unknown) => ({type: 'assistant', message: {content: [{type: 'tool_use', id, name, input}]}});
const toolResult = (id: string, content: unknown, is_error = false) => ({type: 'user', message: {content: [{type: 'tool_result', tool_use_id: id, content, is_error}]}});

describe('shared helpers', () => {
	it('locatePath: relative inside, absolute outside', () => {
		assert.deepEqual(locatePath('/ws/src/a.ts', '/ws'), {inside: true, rel: 'src/a.ts'});
		assert.deepEqual(locatePath('./b.ts', '/ws', '/ws/src'), {inside: true, rel: 'src/b.ts'});
		assert.deepEqual(locatePath('/ws/../etc/x', '/ws'), {inside: false, abs: '/etc/x'});
		assert.deepEqual(locatePath('/ws', '/ws'), {inside: false, abs: '/ws'});
	});

	it('parseNeedsLine: path, optional reason, anything else ignored', () => {
		assert.deepEqual(parseNeedsLine('FANOUT-NEEDS: src/x.ts -- the logger lives here'), {path: 'src/x.ts', reason: 'the logger lives here'});
		assert.deepEqual(parseNeedsLine('  FANOUT-NEEDS: ./src/x.ts'), {path: 'src/x.ts'});
		assert.equal(parseNeedsLine('I may print FANOUT-NEEDS: later'), undefined);
		assert.equal(parseNeedsLine('FANOUT-NEEDS:'), undefined);
	});
});

describe('claude parser', () => {
	it('never crashes: text, broken JSON, arrays and unknown events', () => {
		const parser = createAgentParser('claude', options);
		const updates = feed(parser, ['Warning: something on stdout', '{"type":"assist', '[1,2]', '', {type: 'stream_event'}, {type: 'system', subtype: 'compact_boundary'}]);
		assert.deepEqual(updates.map(u => u.display), [['Warning: something on stdout'], ['{"type":"assist'], ['[1,2]'], [], [], []]);
		assert.deepEqual(parser.finish({exitCode: 0, signal: null}), {changedFiles: [], sessionId: undefined, report: undefined, failureReason: undefined});
	});

	it('counts an edit only once its result succeeded; outside ownership or the workspace is a conflict', () => {
		const parser = createAgentParser('claude', options);
		const updates = feed(parser, [
			{type: 'system', subtype: 'init', session_id: 's1', cwd: '/ws'},
			toolUse('1', 'Edit', {file_path: '/ws/src/api/a.ts', old_string: 'a', new_string: 'b'}),
			toolResult('1', 'ok'),
			toolUse('2', 'Write', {file_path: '/ws/src/web/b.ts', content: ''}),
			toolResult('2', [{type: 'text', text: 'written'}]),
			toolUse('3', 'NotebookEdit', {notebook_path: '/tmp/n.ipynb'}),
			toolResult('3', 'ok'),
			toolUse('4', 'Edit', {file_path: '/ws/src/web/c.ts'}),
			toolResult('4', [{type: 'text', text: 'String to replace not found\nin file'}], true),
			toolUse('5', 'Read', {file_path: '/ws/src/web/c.ts'}),
			toolUse('6', 'Write', {file_path: '/ws/src/api/never.ts'}),
		]);
		assert.deepEqual(updates.flatMap(u => u.display), [
			'session started',
			'edit src/api/a.ts',
			'write src/web/b.ts',
			'edit /tmp/n.ipynb',
			'edit src/web/c.ts',
			'error: String to replace not found…',
			'read src/web/c.ts',
			'write src/api/never.ts',
		]);
		assert.deepEqual(updates.flatMap(u => u.edits), ['src/api/a.ts', 'src/web/b.ts']);
		assert.deepEqual(updates.flatMap(u => u.conflicts), [
			{path: 'src/web/b.ts', reason: 'the agent edited a file this task does not own'},
			{path: '/tmp/n.ipynb', reason: 'the agent edited a file outside the workspace'},
		]);
		const result = parser.finish({exitCode: null, signal: 'SIGTERM'});
		assert.deepEqual(result.changedFiles, ['src/api/a.ts', 'src/web/b.ts']);
		assert.equal(result.sessionId, 's1');
	});

	it('accepts real paths for a workspace named through a symbolic link', () => {
		const dir = tempDir();
		try {
			fs.mkdirSync(path.join(dir, 'real'));
			fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
			const parser = createAgentParser('claude', {isOwned: compileGlobs(['src/**']), workspace: path.join(dir, 'link')});
			const updates = feed(parser, [toolUse('1', 'Write', {file_path: path.join(dir, 'real/src/a.ts')}), toolResult('1', 'ok')]);
			assert.deepEqual(updates.flatMap(u => u.display), ['write src/a.ts']);
			assert.deepEqual(updates.flatMap(u => u.conflicts), []);
			assert.deepEqual(parser.finish({exitCode: 0, signal: null}).changedFiles, ['src/a.ts']);
		} finally {
			removeDir(dir);
		}
	});

	it('shows text line by line without control sequences, and finds FANOUT-NEEDS lines inside it', () => {
		const parser = createAgentParser('claude', options);
		const [update] = feed(parser, [{type: 'assistant', message: {content: [{type: 'text', text: '\nFirst \u001b]0;evil\u0007line\n\tFANOUT-NEEDS: src/shared/log.ts -- add a level\n'}]}}]);
		assert.deepEqual(update?.display, ['First ]0;evilline', '  FANOUT-NEEDS: src/shared/log.ts -- add a level']);
		assert.deepEqual(update?.needs, [{path: 'src/shared/log.ts', reason: 'add a level'}]);
	});

	it('reads the real not-logged-in output: is_error with subtype success fails with its sentence', () => {
		const parser = createAgentParser('claude', options);
		const updates = feed(parser, recorded('claude-code-2.1.332-not-logged-in.jsonl'));
		assert.equal(updates[0]?.sessionId, 'ccb10b0c-6209-4506-a350-b8a2fac6a50d');
		const result = parser.finish({exitCode: 1, signal: null});
		assert.equal(result.failureReason, 'Not logged in · Please run /login');
		assert.equal(result.report, undefined);
		assert.equal(result.costUsd, 0);
		assert.equal(result.turns, 1);
	});
});

describe('codex parser', () => {
	it('unwraps the shell Codex adds around commands', () => {
		assert.equal(unwrapShell("bash -lc 'npm test'"), 'npm test');
		assert.equal(unwrapShell("/bin/bash -lc 'a && b'"), 'a && b');
		assert.equal(unwrapShell(['bash', '-lc', 'ls']), 'ls');
		assert.equal(unwrapShell('make'), 'make');
		assert.equal(unwrapShell(undefined), '');
	});

	it('reads the real no-network output: retries shown, session kept, not a failure while running', () => {
		const parser = createAgentParser('codex', options);
		const updates = feed(parser, recorded('codex-0.171.0-no-network.jsonl'));
		const display = updates.flatMap(u => u.display);
		assert.equal(display[0], 'session started');
		assert.equal(display.at(-1), 'error: Reconnecting... waiting for network (Connection failed: error sending request)');
		assert.equal(display.length, 10);
		const result = parser.finish({exitCode: null, signal: 'SIGTERM'});
		assert.equal(result.sessionId, '01a21e1d-bf25-7901-b92c-4c4c8516b332');
		assert.match(result.failureReason ?? '', /waiting for network/);
	});

	it('sums tokens over turns, skips reasoning, reports failed file changes as errors', () => {
		const parser = createAgentParser('codex', options);
		const updates = feed(parser, [
			{type: 'thread.started', thread_id: 't'},
			{type: 'item.completed', item: {id: 'r', type: 'reasoning', text: 'thinking'}},
			{type: 'item.completed', item: {id: 'f', type: 'file_change', status: 'failed', changes: [{path: '/ws/src/api/x.ts', kind: 'add'}]}},
			{type: 'item.completed', item: {id: 'g', type: 'file_change', status: 'completed', changes: [{path: 'src/api/y.ts', kind: 'add'}, {path: '/ws/old.ts', kind: 'delete'}]}},
			{type: 'turn.completed', usage: {input_tokens: 10, cached_input_tokens: 5, output_tokens: 2}},
			{type: 'turn.completed', usage: {input_tokens: 20, output_tokens: 3}},
		]);
		assert.deepEqual(updates.flatMap(u => u.display), ['session started', 'error: could not write src/api/x.ts', 'write src/api/y.ts', 'delete old.ts']);
		assert.deepEqual(updates.flatMap(u => u.conflicts), [{path: 'old.ts', reason: 'the agent edited a file this task does not own'}]);
		const result = parser.finish({exitCode: 0, signal: null});
		assert.equal(result.tokens, 35);
		assert.equal(result.turns, 2);
		assert.equal(result.failureReason, undefined);
	});
});

describe('gemini, text and jsonl parsers', () => {
	it('gemini: whole messages, pending deltas flushed at the result', () => {
		const parser = createAgentParser('gemini', options);
		const updates = feed(parser, [
			{type: 'message', role: 'assistant', content: 'Whole message.'},
			{type: 'message', role: 'assistant', content: 'Part', delta: true},
			{type: 'message', role: 'assistant', content: 'ial', delta: true},
			{type: 'result', status: 'success', stats: {input_tokens: 3, output_tokens: 4}},
		]);
		assert.deepEqual(updates.flatMap(u => u.display), ['Whole message.', 'Partial', 'done']);
		assert.equal(parser.finish({exitCode: 0, signal: null}).tokens, 7);
	});

	it('text: lines shown as they are, the last ten lines are the report', () => {
		const parser = createAgentParser('text', options);
		const lines = Array.from({length: 12}, (_, i) => `line ${i}`);
		const updates = feed(parser, [...lines, '\u001b[31mred\u001b[0m', '   ']);
		assert.deepEqual(updates.at(-2)?.display, ['\u001b[31mred\u001b[0m']);
		const report = parser.finish({exitCode: 0, signal: null}).report ?? '';
		assert.equal(report.split('\n').length, 10);
		assert.ok(report.startsWith('line 3\n'));
		assert.ok(report.endsWith('[31mred[0m'));
	});

	it('jsonl: text fields shown, errors marked, other lines raw', () => {
		const parser = createAgentParser('jsonl', options);
		const updates = feed(parser, [{type: 'log', text: 'hello\nworld'}, {type: 'error', message: 'boom'}, {n: 1}, 'plain']);
		assert.deepEqual(updates.map(u => u.display), [['hello', 'world'], ['error: boom'], ['{"n":1}'], ['plain']]);
		assert.deepEqual(parser.finish({exitCode: 1, signal: null}), {changedFiles: [], report: 'hello\nworld', failureReason: 'boom'});
	});
});

describe('finding agents', () => {
	const env = {PATH: `/nonexistent:${fakesDir}`};
	it('finds an agent on PATH, and says how to install a missing one', () => {
		assert.deepEqual(findAgent('claude', {env}), {found: true, path: path.join(fakesDir, 'claude'), install: 'npm i -g @anthropic-ai/claude-code'});
		assert.deepEqual(findAgent('aider', {env: {PATH: ''}}), {found: false, install: 'python -m pip install aider-install'});
		assert.equal(findAgent({name: 'codex', model: 'o3'}, {env}).found, true, 'the configured form is looked up by its name');
		assert.equal(findAgent('gemini', {env: {PATH: ''}}).install, 'npm i -g @google/gemini-cli');
		assert.equal(findAgent({command: ['./claude', '{prompt}']}, {cwd: fakesDir}).found, true);
		assert.equal(findAgent({command: ['./fake-lib.mjs']}, {cwd: fakesDir}).found, false, 'not executable');
		assert.equal(findAgent({command: []}).found, false);
	});

	it('missingAgents: each missing agent once, with the tasks that need it; command tasks ignored', () => {
		const tasks = [
			makeTask({id: 'a', agent: 'aider'}),
			makeTask({id: 'b'}),
			makeTask({id: 'c', agent: 'aider'}),
			makeTask({id: 'd', agent: 'codex'}),
			makeTask({id: 'e', prompt: undefined, run: 'make'}),
		];
		assert.deepEqual(missingAgents(tasks, makePlan(tasks), {env}), []);
		assert.deepEqual(missingAgents(tasks, makePlan(tasks), {env: {PATH: ''}}), [
			{agent: 'aider', install: 'python -m pip install aider-install', tasks: ['a', 'c']},
			{agent: 'claude', install: 'npm i -g @anthropic-ai/claude-code', tasks: ['b']},
			{agent: 'codex', install: 'npm i -g @openai/codex', tasks: ['d']},
		]);
	});
});
