// How agents are started: the prompt and brief, each agent's arguments, permission modes, the
// guard hook's shell quoting (run through a real /bin/sh), Aider's files, custom commands.

import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';
import {agentInvocation, agentPrompt, ownershipBrief, resolveAgent, taskPrompt} from '../../source/runner/agents/index.js';
import {makePlan, makeTask, removeDir, tempDir} from './helpers.js';

const ctx = {workspace: '/work/ws', runDir: '/work/ws/.fanout/runs/r1', guardCommand: ['/usr/bin/node', '/opt/fanout/dist/cli.js', 'guard']};

describe('ownership brief and prompt', () => {
	const task = makeTask({id: 'api', title: 'Users API', owns: ['src/api/**', 'test/api/**'], reads: ['src/shared/**'], prompt: 'Add GET /users.'});
	const plan = makePlan([task, makeTask({id: 'web', owns: ['src/web/**']}), makeTask({id: 'db', owns: ['db/**']})]);

	it('lists owned and readable globs, the rule, and the exact FANOUT-NEEDS line', () => {
		const brief = ownershipBrief(task, plan);
		assert.match(brief, /2 other agents are working in this same folder at the same time/);
		assert.match(brief, /only files matching these:\n {2}- src\/api\/\*\*\n {2}- test\/api\/\*\*\n/);
		assert.match(brief, /Files you may read[^\n]*\n {2}- src\/shared\/\*\*\n/);
		assert.match(brief, /edit only files you own/);
		assert.ok(brief.split('\n').includes('FANOUT-NEEDS: <path> -- <reason>'));
		assert.match(brief, /then stop working at once/);
	});

	it('says so when the task owns nothing', () => {
		const brief = ownershipBrief(makeTask({id: 'r', owns: []}), makePlan([makeTask({id: 'r'})], {phases: [{name: 's', mode: 'sequential', tasks: [makeTask({id: 'r'})]}]}));
		assert.match(brief, /You own no files/);
		assert.doesNotMatch(brief, /at the same time/);
	});

	it('is goal, then task prompt, then brief; never starts like an option', () => {
		const prompt = agentPrompt(task, plan);
		assert.ok(prompt.startsWith('Goal of the whole plan: Ship the users API.\n\nYour task, "api" (Users API):\nAdd GET /users.\n\nFile ownership'));
		assert.ok(prompt.endsWith(ownershipBrief(task, plan)));
		const bare = agentPrompt(makeTask({id: '--help', prompt: '--version'}), makePlan([], {goal: undefined}));
		assert.ok(bare.startsWith('Your task, "--help"'));
	});
});

describe('agent invocations', () => {
	const task = makeTask({id: 'api', owns: ['src/api/**'], prompt: 'Do it; rm -rf / $(whoami) `id` "quoted"'});

	it('claude by default: -p task prompt, stream-json, --verbose, acceptEdits, guard hook in --settings, brief as system prompt', () => {
		const plan = makePlan([task]);
		const inv = agentInvocation(task, plan, ctx);
		assert.equal(resolveAgent(task, plan), 'claude');
		assert.equal(inv.file, 'claude');
		assert.equal(inv.format, 'claude');
		assert.equal(inv.cwd, '/work/ws');
		assert.deepEqual(inv.args.slice(0, 2), ['-p', taskPrompt(task, plan)]);
		assert.doesNotMatch(inv.args[1] ?? '', /FANOUT-NEEDS/, "the brief is not mixed into the user's prompt");
		assert.deepEqual(inv.args.slice(2, 8), ['--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--settings']);
		assert.deepEqual(inv.args.slice(9), ['--append-system-prompt', ownershipBrief(task, plan)]);
		const settings = JSON.parse(inv.args[8] ?? '');
		const entry = settings.hooks.PreToolUse[0];
		assert.equal(entry.matcher, 'Edit|Write|NotebookEdit|MultiEdit');
		assert.equal(entry.hooks[0].type, 'command');
		assert.equal(entry.hooks[0].timeout, 10);
		assert.equal(
			entry.hooks[0].command,
			"'/usr/bin/node' '/opt/fanout/dist/cli.js' 'guard' '--task=api' '--run-dir=/work/ws/.fanout/runs/r1' '--workspace=/work/ws' '--owns=src/api/**' || exit 2",
		);
		assert.deepEqual(inv.env, {FANOUT_TASK_ID: 'api', FANOUT_RUN_DIR: ctx.runDir, FANOUT_WORKSPACE: '/work/ws', FANOUT_OWNS: 'src/api/**'});
		assert.deepEqual(inv.droppedArgs, []);
	});

	it('claude: task permission mode over the plan one; --resume keeps the brief in --append-system-prompt', () => {
		const plan = makePlan([task], {permissionMode: 'dontAsk'});
		assert.equal(agentInvocation(task, plan, ctx).args[6], 'dontAsk');
		const own = makeTask({id: 'x', permissionMode: 'bypassPermissions'});
		const inv = agentInvocation(own, plan, {...ctx, resumeSessionId: 'abc-123'});
		assert.equal(inv.args[6], 'bypassPermissions');
		assert.deepEqual(inv.args.slice(-4), ['--append-system-prompt', ownershipBrief(own, plan), '--resume', 'abc-123']);
	});

	it('a task in its own folder (worktree): the agent starts there, the guard gets --root', () => {
		const plan = makePlan([task]);
		const inv = agentInvocation(task, plan, {...ctx, cwd: '/work/trees/api'});
		assert.equal(inv.cwd, '/work/trees/api');
		const command = JSON.parse(inv.args[8] ?? '').hooks.PreToolUse[0].hooks[0].command as string;
		assert.match(command, / '--workspace=\/work\/ws' '--root=\/work\/trees\/api' /);
		assert.equal(inv.env['FANOUT_TASK_ROOT'], '/work/trees/api');
		const codex = makeTask({id: 'c', agent: 'codex'});
		assert.deepEqual(agentInvocation(codex, makePlan([codex]), {...ctx, cwd: '/work/trees/c'}).args.slice(2, 4), ['-C', '/work/trees/c']);
	});

	it('the hook command survives hostile ids, paths and globs through a real /bin/sh', () => {
		const dir = tempDir();
		try {
			const script = path.join(dir, 'print-args.mjs');
			fs.writeFileSync(script, 'process.stdout.write(JSON.stringify(process.argv.slice(2)))\n');
			const evil = makeTask({id: "it's $(touch pwned)", owns: ["src/'q'/**", '-rf', '$HOME/*', 'a b;c`d`']});
			const runDir = path.join(dir, "run dir 'x' $USER");
			const inv = agentInvocation(evil, makePlan([evil]), {workspace: dir, runDir, guardCommand: [process.execPath, script]});
			const command = JSON.parse(inv.args[8] ?? '').hooks.PreToolUse[0].hooks[0].command as string;
			const run = spawnSync('/bin/sh', ['-c', command], {cwd: dir, encoding: 'utf8'});
			assert.equal(run.status, 0, run.stderr);
			assert.deepEqual(JSON.parse(run.stdout), [
				"--task=it's $(touch pwned)",
				`--run-dir=${runDir}`,
				`--workspace=${dir}`,
				"--owns=src/'q'/**",
				'--owns=-rf',
				'--owns=$HOME/*',
				'--owns=a b;c`d`',
			]);
			assert.equal(fs.existsSync(path.join(dir, 'pwned')), false);
		} finally {
			removeDir(dir);
		}
	});

	it('codex: exec --json, -C, --skip-git-repo-check, -c sandbox_mode, prompt last; resume takes the sandbox too', () => {
		const codex = makeTask({id: 'c', agent: 'codex', owns: ['a/**']});
		const plan = makePlan([codex]);
		const inv = agentInvocation(codex, plan, ctx);
		assert.equal(inv.file, 'codex');
		assert.equal(inv.format, 'codex');
		assert.deepEqual(inv.args, ['exec', '--json', '-C', '/work/ws', '--skip-git-repo-check', '-c', 'sandbox_mode="workspace-write"', agentPrompt(codex, plan)]);
		assert.equal(agentInvocation(codex, makePlan([codex], {permissionMode: 'read-only'}), ctx).args[6], 'sandbox_mode="read-only"');
		assert.equal(agentInvocation(codex, makePlan([codex], {permissionMode: 'acceptEdits'}), ctx).args[6], 'sandbox_mode="workspace-write"');
		const resumed = agentInvocation(codex, plan, {...ctx, resumeSessionId: 'thread-9'});
		assert.deepEqual(resumed.args, ['exec', 'resume', '--json', '--skip-git-repo-check', '-c', 'sandbox_mode="workspace-write"', 'thread-9', agentPrompt(codex, plan)]);
	});

	it('gemini: -p prompt, stream-json, auto_edit, the workspace trusted by its variable; the plan agent applies when the task names none', () => {
		const gemini = makeTask({id: 'g'});
		const plan = makePlan([gemini], {agent: 'gemini'});
		const inv = agentInvocation(gemini, plan, ctx);
		assert.equal(inv.file, 'gemini');
		assert.deepEqual(inv.args, ['-p', agentPrompt(gemini, plan), '--output-format', 'stream-json', '--approval-mode', 'auto_edit']);
		assert.equal(inv.env['GEMINI_CLI_TRUST_WORKSPACE'], 'true');
	});

	it('aider: --message, --yes-always, --no-auto-commits, the trap flags, --read per read file, then the owned files that exist', () => {
		const dir = tempDir();
		try {
			for (const file of ['src/api/a.ts', 'src/api/deep/b.ts', 'src/web/c.ts', 'src/api/node_modules/x.js', 'src/api/.env', 'docs/api.md']) {
				fs.mkdirSync(path.dirname(path.join(dir, file)), {recursive: true});
				fs.writeFileSync(path.join(dir, file), '');
			}
			const aider = makeTask({id: 'a', agent: 'aider', owns: ['src/api/**', 'src/missing.ts'], reads: ['docs/**', 'nowhere/**']});
			const plan = makePlan([aider]);
			const inv = agentInvocation(aider, plan, {...ctx, workspace: dir});
			assert.equal(inv.format, 'text');
			assert.deepEqual(inv.args, [
				'--message',
				agentPrompt(aider, plan),
				'--yes-always',
				'--no-auto-commits',
				'--no-gitignore',
				'--no-check-update',
				'--chat-history-file',
				'/work/ws/.fanout/runs/r1/aider/a.chat.history.md',
				'--input-history-file',
				'/work/ws/.fanout/runs/r1/aider/a.input.history',
				'--read',
				'docs/api.md',
				'--',
				'src/api/.env',
				'src/api/a.ts',
				'src/api/deep/b.ts',
			]);
			const none = agentInvocation(makeTask({id: 'n', agent: 'aider', owns: ['nothing/**']}), plan, {...ctx, workspace: dir});
			assert.equal(none.args.includes('--'), false);
		} finally {
			removeDir(dir);
		}
	});

	it('custom: {prompt} replaced inside its own arguments only, never split', () => {
		const custom = makeTask({id: 'x', agent: {command: ['mytool', '--flag', '{prompt}', '--ctx={prompt}!', 'plain'], output: 'jsonl'}, prompt: 'a $1 $& {prompt} b'});
		const plan = makePlan([custom]);
		const inv = agentInvocation(custom, plan, ctx);
		const prompt = agentPrompt(custom, plan);
		assert.equal(inv.file, 'mytool');
		assert.deepEqual(inv.args, ['--flag', prompt, `--ctx=${prompt}!`, 'plain']);
		assert.equal(inv.format, 'jsonl');
		assert.equal(agentInvocation(makeTask({id: 'y', agent: {command: ['t']}}), plan, ctx).format, 'text');
	});
});
