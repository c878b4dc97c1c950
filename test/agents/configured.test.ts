// Agents as people configure them: one plan file with all four agents, each with model, allow,
// args and env, loaded by the real loader and run against the fake CLIs, which record their argv,
// env and cwd; the clash rule; the plan-to-task merge; the loader's messages; each CLI's traps.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {compileGlobs} from '../../source/plan/ownership.js';
import {loadPlan, parsePlanText} from '../../source/plan/load.js';
import {planToYaml} from '../../source/plan/yaml.js';
import type {Plan, Task} from '../../source/plan/types.js';
import {agentCommandLine} from '../../source/runner/agents/command-line.js';
import {agentInvocation, applyClashRule, createAgentParser, ownershipBrief, resolveAgentSettings, taskPrompt} from '../../source/runner/agents/index.js';
import type {AgentInvocation} from '../../source/runner/agents/index.js';
import {guardCommandForTests, makePlan, makeTask, removeDir, runAgent, tempDir} from './helpers.js';

const planYaml = `name: four-agents
goal: Ship the users API.
agent: {name: claude, model: sonnet, allow: ["npm test", "npm run lint"], args: ["--max-turns", "30"], env: {SOME_VAR: "1"}}
phases:
  - name: build
    tasks:
      - id: api
        owns: [src/api/**]
        prompt: Add GET /users.
      - id: cli
        owns: [src/cli/**]
        prompt: Add the users command.
        agent:
          name: codex
          model: gpt-5-codex
          allow: ["npm test"]
          args: ["-c", 'model_reasoning_effort="high"']
          env: {CODEX_VAR: "2"}
      - id: web
        owns: [src/web/**]
        prompt: Add the users page.
        agent:
          name: gemini
          model: gemini-2.5-pro
          allow: ["npm test", "npm run lint"]
          args: ["--sandbox"]
          env: {GEMINI_VAR: "3"}
      - id: docs
        owns: [docs/**]
        reads: [src/api/**]
        prompt: Document the users API.
        agent:
          name: aider
          model: sonnet
          allow: ["npm test", "npm run lint"]
          args: ["--map-tokens", "0"]
          env: {AIDER_VAR: "4"}
`;

type Recorded = {readonly argv: string[]; readonly cwd: string; readonly env: Record<string, string>};

/** The values following an option in argv, up to the next option. */
function valuesAfter(argv: readonly string[], option: string): string[] {
	const at = argv.indexOf(option);
	if (at < 0) return [];
	const out: string[] = [];
	for (let i = at + 1; i < argv.length && !argv[i]!.startsWith('-'); i++) out.push(argv[i]!);
	return out;
}

describe('one plan, four configured agents, run against the fake CLIs', () => {
	let dir: string;
	let workspace: string;
	let runDir: string;
	let plan: Plan;
	const recorded = new Map<string, Recorded>();
	const invocations = new Map<string, AgentInvocation>();

	before(async () => {
		dir = tempDir();
		workspace = path.join(dir, 'ws');
		runDir = path.join(dir, 'run');
		fs.mkdirSync(path.join(workspace, '.git'), {recursive: true});
		fs.mkdirSync(path.join(workspace, 'docs'), {recursive: true});
		fs.mkdirSync(path.join(workspace, 'src/api'), {recursive: true});
		fs.writeFileSync(path.join(workspace, 'docs/users.md'), '# Users\n');
		fs.writeFileSync(path.join(workspace, 'src/api/users.ts'), 'export {};\n');
		fs.writeFileSync(path.join(dir, 'plan.yaml'), planYaml);
		const loaded = loadPlan(path.join(dir, 'plan.yaml'), {workspace});
		assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
		plan = loaded.plan;
		const files: Record<string, string> = {api: 'src/api/users.ts', cli: 'src/cli/users.ts', web: 'src/web/users.ts', docs: 'docs/users.md'};
		for (const task of plan.phases[0]!.tasks) {
			const invocation = agentInvocation(task, plan, {workspace, runDir, guardCommand: guardCommandForTests});
			invocations.set(task.id, invocation);
			const recordFile = path.join(dir, `${task.id}.json`);
			const parser = createAgentParser(invocation.format, {isOwned: compileGlobs(task.owns), workspace});
			const run = await runAgent(invocation, parser, {cwd: invocation.cwd, env: {FAKE_RECORD_FILE: recordFile, FAKE_FILE: files[task.id]!}});
			assert.equal(run.exit.exitCode, 0, `${task.id}: ${run.stderr}`);
			recorded.set(task.id, JSON.parse(fs.readFileSync(recordFile, 'utf8')) as Recorded);
		}
	});
	after(() => removeDir(dir));

	const task = (id: string): Task => plan.phases[0]!.tasks.find(t => t.id === id)!;

	it('claude: --model, --allowedTools "Bash(<cmd>:*)" plus the edit tools, --append-system-prompt, args last, env added', () => {
		const {argv, env, cwd} = recorded.get('api')!;
		assert.equal(cwd, workspace);
		assert.deepEqual(valuesAfter(argv, '--model'), ['sonnet']);
		assert.deepEqual(valuesAfter(argv, '--allowedTools'), ['Bash(npm test:*)', 'Bash(npm run lint:*)', 'Edit', 'Write', 'NotebookEdit']);
		assert.equal(argv[argv.indexOf('--append-system-prompt') + 1], ownershipBrief(task('api'), plan));
		assert.equal(argv[argv.indexOf('-p') + 1], taskPrompt(task('api'), plan));
		assert.deepEqual(argv.slice(-2), ['--max-turns', '30']);
		assert.equal(env['SOME_VAR'], '1');
		assert.equal(env['FANOUT_TASK_ID'], 'api');
	});

	it('codex: -m, -c sandbox_mode="workspace-write" (what lets it run commands), user -c after, prompt last', () => {
		const {argv, env} = recorded.get('cli')!;
		assert.deepEqual(argv.slice(0, 7), ['exec', '--json', '-C', workspace, '--skip-git-repo-check', '-c', 'sandbox_mode="workspace-write"']);
		assert.deepEqual(argv.slice(7, 11), ['-m', 'gpt-5-codex', '-c', 'model_reasoning_effort="high"']);
		assert.equal(argv.length, 12);
		assert.equal(env['CODEX_VAR'], '2');
		assert.equal(env['SOME_VAR'], undefined, "another agent's env is not inherited");
	});

	it('gemini: -m, --allowed-tools run_shell_command(<cmd>), args last, trusted by GEMINI_CLI_TRUST_WORKSPACE', () => {
		const {argv, env} = recorded.get('web')!;
		assert.deepEqual(valuesAfter(argv, '-m'), ['gemini-2.5-pro']);
		assert.deepEqual(valuesAfter(argv, '--allowed-tools'), ['run_shell_command(npm test)', 'run_shell_command(npm run lint)']);
		assert.equal(argv.at(-1), '--sandbox');
		assert.equal(env['GEMINI_CLI_TRUST_WORKSPACE'], 'true');
		assert.equal(env['GEMINI_VAR'], '3');
	});

	it('aider: --model, --test-cmd with --auto-test, --lint-cmd, --read, the trap flags, args, then the files', () => {
		const {argv, env} = recorded.get('docs')!;
		const after = (option: string) => argv[argv.indexOf(option) + 1];
		assert.equal(after('--model'), 'sonnet');
		assert.equal(after('--test-cmd'), 'npm test');
		assert.ok(argv.includes('--auto-test'));
		assert.equal(after('--lint-cmd'), 'npm run lint');
		assert.equal(after('--read'), 'src/api/users.ts');
		for (const flag of ['--no-gitignore', '--no-check-update', '--yes-always', '--no-auto-commits']) assert.ok(argv.includes(flag), flag);
		assert.equal(after('--chat-history-file'), path.join(runDir, 'aider', 'docs.chat.history.md'));
		assert.equal(after('--input-history-file'), path.join(runDir, 'aider', 'docs.input.history'));
		assert.deepEqual(argv.slice(-4), ['--map-tokens', '0', '--', 'docs/users.md']);
		assert.equal(env['AIDER_VAR'], '4');
	});

	it("aider's trap: nothing written outside the task's files in the git repository", () => {
		assert.equal(fs.existsSync(path.join(workspace, '.gitignore')), false);
		assert.deepEqual(fs.readdirSync(workspace).filter(name => name.startsWith('.aider')), []);
		assert.ok(fs.existsSync(path.join(runDir, 'aider', 'docs.chat.history.md')));
	});

	it('the configured agents survive writing the plan back (planToYaml) and reading it again', () => {
		const again = parsePlanText(planToYaml(plan), 'again.yaml');
		assert.ok(again.ok);
		if (again.ok) {
			assert.deepEqual(again.plan.agent, plan.agent);
			assert.deepEqual(again.plan.phases[0]?.tasks.map(t => t.agent), plan.phases[0]?.tasks.map(t => t.agent));
		}
	});

	it('the review screen line shows the final command, long values as placeholders', () => {
		assert.equal(
			agentCommandLine(task('cli'), plan),
			`CODEX_VAR=2 codex exec --json -C <workspace> --skip-git-repo-check -c 'sandbox_mode="workspace-write"' -m gpt-5-codex -c 'model_reasoning_effort="high"' <prompt>`,
		);
		assert.match(agentCommandLine(task('api'), plan), /^SOME_VAR=1 claude -p <prompt> .* --settings <guard hook> --append-system-prompt <ownership brief> --model sonnet --allowedTools 'Bash\(npm test:\*\)' 'Bash\(npm run lint:\*\)' Edit Write NotebookEdit --max-turns 30$/);
		assert.match(agentCommandLine(task('web'), plan), /^GEMINI_VAR=3 GEMINI_CLI_TRUST_WORKSPACE=true GEMINI_CLI_SYSTEM_SETTINGS_PATH=<run>\/gemini\/web.settings.json gemini -p <prompt> /);
	});
});

describe("the traps, against the fakes' real behaviour", () => {
	let dir: string;
	before(() => {
		dir = tempDir();
	});
	after(() => removeDir(dir));

	it('aider without the trap flags would touch .gitignore and the repository root (the fake is faithful)', async () => {
		const repo = path.join(dir, 'repo');
		fs.mkdirSync(path.join(repo, '.git'), {recursive: true});
		const bare: AgentInvocation = {file: 'aider', args: ['--message', 'x', '--yes-always', '--no-auto-commits', 'a.ts'], env: {}, format: 'text', cwd: repo, droppedArgs: [], setupFiles: []};
		const run = await runAgent(bare, createAgentParser('text', {isOwned: () => true, workspace: repo}), {cwd: repo});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.equal(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8'), '.aider*\n');
		assert.ok(fs.existsSync(path.join(repo, '.aider.chat.history.md')));
	});

	it('gemini in an untrusted folder exits 55 before any output; fanout\'s invocation trusts it', async () => {
		const task = makeTask({id: 'g', agent: 'gemini', owns: ['src/**']});
		const plan = makePlan([task]);
		const invocation = agentInvocation(task, plan, {workspace: dir, runDir: path.join(dir, 'run'), guardCommand: ['fanout', 'guard']});
		const parser = () => createAgentParser('gemini', {isOwned: () => true, workspace: dir});
		const untrusted = await runAgent({...invocation, env: {}}, parser(), {cwd: dir, env: {GEMINI_CLI_TRUST_WORKSPACE: ''}});
		assert.equal(untrusted.exit.exitCode, 55);
		assert.deepEqual(untrusted.rawLines, []);
		const trusted = await runAgent(invocation, parser(), {cwd: dir, env: {FAKE_FILE: 'src/a.ts'}});
		assert.equal(trusted.exit.exitCode, 0, trusted.stderr);
	});

	it('codex resume: exec resume takes -c sandbox_mode and no -s/-C; the fake resumes the thread in the task folder', async () => {
		const task = makeTask({id: 'c', agent: {name: 'codex', model: 'o3'}, owns: ['src/**']});
		const plan = makePlan([task]);
		const record = path.join(dir, 'codex-resume.json');
		const invocation = agentInvocation(task, plan, {workspace: dir, runDir: path.join(dir, 'run'), guardCommand: ['fanout', 'guard'], resumeSessionId: 'thread-3'});
		assert.equal(invocation.args.includes('-s'), false);
		assert.equal(invocation.args.includes('-C'), false);
		const run = await runAgent(invocation, createAgentParser('codex', {isOwned: () => true, workspace: dir}), {cwd: invocation.cwd, env: {FAKE_RECORD_FILE: record, FAKE_FILE: 'src/b.ts'}});
		assert.equal(run.exit.exitCode, 0, run.stderr);
		assert.equal(run.result.sessionId, 'thread-3');
		const {argv, cwd} = JSON.parse(fs.readFileSync(record, 'utf8')) as Recorded;
		assert.deepEqual(argv.slice(0, 8), ['exec', 'resume', '--json', '--skip-git-repo-check', '-c', 'sandbox_mode="workspace-write"', '-m', 'o3']);
		assert.equal(cwd, dir);
	});
});

describe('args: fanout\'s own flags win', () => {
	it('drops an option fanout passes, in either spelling, with its value; keeps the rest', () => {
		const own = [
			{names: ['--model'], values: 1},
			{names: ['-p', '--print'], values: 0},
			{names: ['--allowedTools', '--allowed-tools'], values: 'many'},
		] as const;
		assert.deepEqual(applyClashRule(['--model', 'opus', '--max-turns', '30', '--model=haiku', '--print', '--allowed-tools', 'Read', 'Bash(ls:*)', '--verbose'], own), {
			kept: ['--max-turns', '30', '--verbose'],
			dropped: ['--model', 'opus', '--model=haiku', '--print', '--allowed-tools', 'Read', 'Bash(ls:*)'],
		});
		assert.deepEqual(applyClashRule(['--x', '--', '--model', 'y'], own), {kept: ['--x', '--', '--model', 'y'], dropped: []});
	});

	it('an option fanout does not pass this time is no clash: --model goes through when the plan sets no model', () => {
		const plain = makeTask({id: 'a', agent: {name: 'claude', args: ['--model', 'opus', '--permission-mode', 'plan']}});
		const inv = agentInvocation(plain, makePlan([plain]), {workspace: '/ws', runDir: '/ws/run', guardCommand: ['fanout', 'guard']});
		assert.deepEqual(inv.args.slice(-2), ['--model', 'opus']);
		assert.deepEqual(inv.droppedArgs, ['--permission-mode', 'plan']);
		assert.equal(inv.args.filter(a => a === '--permission-mode').length, 1);
	});

	it("codex: the user's -c sandbox_mode clashes, their other -c settings do not", () => {
		const codex = makeTask({id: 'c', agent: {name: 'codex', args: ['-c', 'sandbox_mode="danger-full-access"', '-c', 'model_verbosity="low"', '-s', 'read-only']}});
		const inv = agentInvocation(codex, makePlan([codex]), {workspace: '/ws', runDir: '/ws/run', guardCommand: ['fanout', 'guard']});
		assert.deepEqual(inv.droppedArgs, ['-c', 'sandbox_mode="danger-full-access"', '-s', 'read-only']);
		assert.deepEqual(inv.args.slice(-3, -1), ['-c', 'model_verbosity="low"']);
	});

	it("env: the agent's variables are added, fanout's own win", () => {
		const t = makeTask({id: 'a', agent: {name: 'gemini', env: {FANOUT_TASK_ID: 'other', GEMINI_CLI_TRUST_WORKSPACE: 'false', KEEP: 'yes'}}});
		const inv = agentInvocation(t, makePlan([t]), {workspace: '/ws', runDir: '/ws/run', guardCommand: ['fanout', 'guard']});
		assert.equal(inv.env['FANOUT_TASK_ID'], 'a');
		assert.equal(inv.env['GEMINI_CLI_TRUST_WORKSPACE'], 'true');
		assert.equal(inv.env['KEEP'], 'yes');
	});
});

describe('plan-level agent, overridden per task', () => {
	const planAgent = {name: 'claude', model: 'sonnet', allow: ['npm test'], args: ['--max-turns', '9'], env: {A: '1', B: '1'}} as const;

	it('a task without agent takes the plan\'s; the same agent by name keeps what the task leaves out', () => {
		const plan = makePlan([], {agent: planAgent});
		assert.deepEqual(resolveAgentSettings(makeTask({id: 'a'}), plan), {name: 'claude', model: 'sonnet', allow: ['npm test'], args: ['--max-turns', '9'], env: {A: '1', B: '1'}});
		assert.deepEqual(resolveAgentSettings(makeTask({id: 'b', agent: 'claude'}), plan), {name: 'claude', model: 'sonnet', allow: ['npm test'], args: ['--max-turns', '9'], env: {A: '1', B: '1'}});
		assert.deepEqual(resolveAgentSettings(makeTask({id: 'c', agent: {name: 'claude', model: 'opus', allow: [], env: {B: '2'}}}), plan), {
			name: 'claude',
			model: 'opus',
			allow: [],
			args: ['--max-turns', '9'],
			env: {A: '1', B: '2'},
		});
	});

	it('another agent replaces the plan\'s settings entirely', () => {
		const plan = makePlan([], {agent: planAgent});
		assert.deepEqual(resolveAgentSettings(makeTask({id: 'd', agent: 'codex'}), plan), {name: 'codex', allow: [], args: [], env: {}});
		assert.deepEqual(resolveAgentSettings(makeTask({id: 'e', agent: {command: ['x']}}), plan), {command: ['x']});
	});
});

describe('the loader checks the agent fields, with line and column', () => {
	const load = (agent: string) => parsePlanText(`name: p\nphases:\n  - name: a\n    tasks:\n      - id: t\n        prompt: x\n        agent: ${agent}\n`, 'plan.yaml');
	const errors = (agent: string) => {
		const result = load(agent);
		return result.ok ? [] : result.errors.map(e => `${e.line}:${e.column} ${e.code} ${e.message}`);
	};

	it('accepts the short form and the full form', () => {
		assert.ok(load('claude').ok);
		const full = load('{name: codex, model: o3, allow: ["npm test"], args: ["-c", "x=1"], env: {K: "v"}}');
		assert.ok(full.ok);
		if (full.ok) assert.deepEqual(full.plan.phases[0]?.tasks[0]?.agent, {name: 'codex', model: 'o3', allow: ['npm test'], args: ['-c', 'x=1'], env: {K: 'v'}});
	});

	it('unknown agent, empty model, args and env values that are not text, unknown fields, no name', () => {
		const [unknown] = errors('{name: cladue}');
		assert.match(unknown ?? '', /^7:\d+ shape\.bad-agent Unknown agent "cladue"\. Did you mean "claude"\?/);
		assert.match(errors('{name: claude, model: ""}')[0] ?? '', /^7:\d+ shape\.bad-agent The agent's model must be a model name/);
		assert.match(errors('{name: claude, args: ["--max-turns", 30]}')[0] ?? '', /^7:\d+ shape\.bad-agent Each of the agent's args must be text, not the number 30: quote it, e.g. "30"\./);
		assert.match(errors('{name: claude, args: "--max-turns 30"}')[0] ?? '', /The agent's args must be a list of text/);
		assert.match(errors('{name: claude, env: {SOME_VAR: 1}}')[0] ?? '', /^7:\d+ shape\.bad-agent The agent's env value of SOME_VAR must be text, not the number 1: quote it, e\.g\. SOME_VAR: "1"\./);
		assert.match(errors('{name: claude, modl: x}')[0] ?? '', /Unknown field "modl" in the agent\. Did you mean "model"\?/);
		assert.match(errors('{model: x}')[0] ?? '', /This agent has no name: add name: claude \| codex \| gemini \| aider/);
		assert.match(errors('{name: claude, command: [x]}')[0] ?? '', /both name and command/);
		assert.match(errors('{name: claude, allow: [""]}')[0] ?? '', /Each entry of allow must be non-empty text/);
	});
});
