// `fanout plan` end to end: proposals written as YAML that loadPlan reads back and validation
// accepts, usage errors, and the agent planner with a fake `claude` executable on PATH.

import assert from 'node:assert/strict';
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import type {CommandIO} from '../../source/commands/io.js';
import {createPlanCommand, type PlanCommandDeps} from '../../source/commands/plan.js';
import {spawnPlanner} from '../../source/runner/planner-agent.js';
import {loadPlan} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';

const repos = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'repos');
const temps: string[] = [];
after(() => {
	for (const dir of temps) rmSync(dir, {recursive: true, force: true});
});

function tempDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	temps.push(dir);
	return dir;
}

/** A fresh copy of a sample repository. */
function copyOf(repo: string): string {
	const dir = tempDir(`fanout-plan-${repo}-`);
	cpSync(join(repos, repo), dir, {recursive: true});
	return dir;
}

type Captured = {readonly io: CommandIO; readonly out: () => string; readonly err: () => string};

function capture(cwd: string, isTTY = false): Captured {
	let out = '';
	let err = '';
	return {
		io: {stdout: t => void (out += t), stderr: t => void (err += t), cwd, color: false, isTTY},
		out: () => out,
		err: () => err,
	};
}

async function run(argv: readonly string[], cwd: string, deps: PlanCommandDeps = {}, isTTY = false) {
	const c = capture(cwd, isTTY);
	const code = await createPlanCommand(deps)(argv, c.io);
	return {code, out: c.out(), err: c.err()};
}

/** Loads the written plan as `fanout run` would and validates it against its workspace. */
function loadAndValidate(file: string) {
	const loaded = loadPlan(file);
	assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(e => e.message).join('\n'));
	return {loaded, report: validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace})};
}

describe('fanout plan --pattern', () => {
	it('writes a module plan that loadPlan reads back and validation accepts', async () => {
		const dir = copyOf('ts-app');
		const result = await run(['--pattern', 'module', '--root', 'src', '--goal', 'Add logging to the api, db and utils modules', '--out', 'plans/logging.yaml'], dir);
		assert.equal(result.code, 0, result.err + result.out);
		assert.match(result.out, /package\.json, src\/main\.ts are shared: given to the integrate task\./);
		assert.match(result.out, /Wrote plans\/logging\.yaml: 2 phases, 4 tasks\./);
		assert.match(result.out, /Valid\. Run it with `fanout run plans\/logging\.yaml`\./);
		const file = join(dir, 'plans', 'logging.yaml');
		const text = readFileSync(file, 'utf8');
		assert.match(text.split('\n')[0]!, /^# yaml-language-server: \$schema=\S+/);
		assert.match(text, /^workspace: \.\.$/m);
		const {loaded, report} = loadAndValidate(file);
		assert.equal(loaded.workspace, dir);
		assert.deepEqual(report.errors, []);
		assert.equal(report.valid, true);
		assert.deepEqual(loaded.plan.phases.map(p => p.tasks.map(t => t.id)), [['api', 'db', 'utils'], ['integrate']]);
		assert.equal(loaded.plan.goal, 'Add logging to the api, db and utils modules');
	});

	it('writes every pattern to plans/<name>.yaml by default, for a workspace elsewhere', async () => {
		const workspace = copyOf('barrel-lib');
		const cwd = tempDir('fanout-plan-cwd-');
		writeFileSync(join(cwd, 'fanout.schema.json'), '{}');
		for (const pattern of ['module', 'layer', 'feature', 'read-heavy']) {
			const result = await run(['--pattern', pattern, '--goal', `Audit ${pattern}`, '--workspace', workspace, '--agent', 'codex'], cwd);
			assert.equal(result.code, 0, result.err + result.out);
			const file = join(cwd, 'plans', `audit-${pattern}.yaml`);
			assert.match(readFileSync(file, 'utf8'), /^# yaml-language-server: \$schema=\.\.\/fanout\.schema\.json\n/);
			const {loaded, report} = loadAndValidate(file);
			assert.equal(loaded.workspace, workspace);
			assert.equal(report.valid, true, report.errors.map(e => e.message).join('\n'));
			assert.equal(loaded.plan.agent, 'codex');
			assert.equal(loaded.plan.pattern, pattern);
		}
	});

	it('takes named features and gives a barrel both name to the integration task', async () => {
		const dir = copyOf('barrel-lib');
		const result = await run(['--pattern', 'feature', '--goal', 'Add audit events', '--feature', 'auth=src/auth/**,src/index.ts', '--feature', 'billing=src/billing/**,src/index.ts', '--name', 'Audit', '--out', 'audit.yaml'], dir);
		assert.equal(result.code, 0, result.err + result.out);
		assert.match(result.out, /src\/index\.ts.* shared: given to the integration-tests task/);
		const {loaded, report} = loadAndValidate(join(dir, 'audit.yaml'));
		assert.equal(report.valid, true);
		assert.equal(loaded.plan.name, 'audit');
		assert.deepEqual(loaded.plan.phases[0]!.tasks.map(t => t.owns), [['src/auth/**'], ['src/billing/**']]);
		assert.ok(loaded.plan.phases[1]!.tasks[0]!.owns.includes('src/index.ts'));
	});

	it('exits 1 with the errors when named features overlap, still writing the plan to fix', async () => {
		const dir = copyOf('barrel-lib');
		const result = await run(['--pattern', 'feature', '--goal', 'x', '--feature', 'all=src/**', '--feature', 'auth=src/auth/**', '--out', 'x.yaml'], dir);
		assert.equal(result.code, 1, result.out);
		assert.match(result.out, /error: line \d+, column \d+: .*src\/auth/);
		assert.match(result.out, /Invalid: \d+ errors?\. Fix them in x\.yaml/);
		assert.ok(existsSync(join(dir, 'x.yaml')));
	});
});

describe('fanout plan usage errors', () => {
	const cases: readonly (readonly [string, readonly string[], RegExp])[] = [
		['no pattern without a terminal', ['--goal', 'x'], /--pattern \(or --planner\) is required without a terminal/],
		['an unknown pattern', ['--pattern', 'modules', '--goal', 'x'], /unknown pattern "modules": use one of module, layer, feature, read-heavy/],
		['no goal', ['--pattern', 'module'], /--goal is required/],
		['an empty goal', ['--pattern', 'module', '--goal', ' '], /--goal is empty/],
		['an unknown flag', ['--pattern', 'module', '--goal', 'x', '--fast'], /Unknown option '--fast'/],
		['a malformed feature', ['--pattern', 'feature', '--goal', 'x', '--feature', 'auth'], /--feature "auth" should look like name=glob,glob/],
		['a feature without the feature pattern', ['--pattern', 'module', '--goal', 'x', '--feature', 'a=src/a/**'], /--feature goes with --pattern feature/],
		['a root with no files', ['--pattern', 'module', '--goal', 'x', '--root', 'lib'], /no files under --root lib/],
		['a missing workspace', ['--pattern', 'module', '--goal', 'x', '--workspace', 'nowhere'], /workspace .*nowhere does not exist/],
		['an unknown agent', ['--pattern', 'module', '--goal', 'x', '--agent', 'gpt'], /--agent must be one of claude, codex, gemini, aider/],
		['pattern and planner together', ['--pattern', 'module', '--planner', 'claude', '--goal', 'x'], /either --pattern or --planner/],
		['an unknown planner', ['--planner', 'aider', '--goal', 'x'], /--planner must be one of claude, codex, gemini/],
		['bad retries', ['--planner', 'claude', '--goal', 'x', '--retries', 'lots'], /--retries must be a whole number/],
	];
	// Usage errors write nothing, so one copy serves them all (and proves it stays untouched).
	let shared: string | undefined;
	for (const [what, argv, message] of cases) {
		it(`exits 2 on ${what}, writing nothing`, async () => {
			const dir = (shared ??= copyOf('ts-app'));
			const result = await run(argv, dir);
			assert.equal(result.code, 2, result.out);
			assert.match(result.err, message);
			assert.ok(!result.err.includes('    at '), 'no stack trace');
			assert.ok(!existsSync(join(dir, 'plans')));
		});
	}

	it('prints its usage on --help, and hands a terminal without --pattern to the wizard when one is wired', async () => {
		const dir = copyOf('ts-app');
		const help = await run(['--help'], dir);
		assert.equal(help.code, 0);
		assert.match(help.out, /^Usage: fanout plan --pattern PATTERN --goal TEXT/);
		let received: unknown;
		const wizard = await run(['--goal', 'x'], dir, {openWizard: async options => ((received = options), 0)}, true);
		assert.equal(wizard.code, 0);
		assert.deepEqual(received, {workspace: dir, goal: 'x'});
		const noWizard = await run(['--goal', 'x'], dir, {}, true);
		assert.equal(noWizard.code, 2);
	});
});

const goodPlan = {
	name: 'agent-plan',
	pattern: 'module',
	phases: [
		{name: 'modules', tasks: [{id: 'api', owns: ['src/api/**'], prompt: 'Add logging to the API.'}, {id: 'db', owns: ['src/db/**'], prompt: 'Add logging to the DB.'}]},
		{name: 'integration', mode: 'sequential', tasks: [{id: 'integrate', owns: ['src/main.ts', 'package.json'], dependsOn: ['api', 'db'], prompt: 'Wire it.'}]},
	],
};
const clashingPlan = {
	name: 'agent-plan',
	phases: [{name: 'all', tasks: [{id: 'a', owns: ['src/**'], prompt: 'One.'}, {id: 'b', owns: ['src/api/**'], prompt: 'Two.'}]}],
};

/**
 * A fake `claude` on PATH: records its arguments, answers with the next prepared text wrapped
 * in claude's `--output-format json` result, as the real CLI does.
 */
function fakeClaude(answers: readonly string[]): {readonly deps: PlanCommandDeps; readonly calls: () => string[][]} {
	const dir = tempDir('fanout-fake-claude-');
	const bin = join(dir, 'bin');
	mkdirSync(bin);
	answers.forEach((answer, i) => writeFileSync(join(dir, `answer-${i + 1}.txt`), answer));
	const script = `#!${process.execPath}
const fs = require('node:fs');
const dir = ${JSON.stringify(dir)};
const n = fs.readdirSync(dir).filter(f => f.startsWith('argv-')).length + 1;
fs.writeFileSync(dir + '/argv-' + n + '.json', JSON.stringify(process.argv.slice(2)));
const answer = fs.readFileSync(dir + '/answer-' + n + '.txt', 'utf8');
process.stdout.write(JSON.stringify({type: 'result', subtype: 'success', is_error: false, result: answer, total_cost_usd: 0.02}) + '\\n');
`;
	writeFileSync(join(bin, 'claude'), script);
	chmodSync(join(bin, 'claude'), 0o755);
	const env = {...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`};
	return {
		deps: {runPlanner: (prompt, agent, context) => spawnPlanner(prompt, agent, {...context, env, timeoutMs: 20_000})},
		calls: () =>
			readdirSync(dir)
				.filter(f => f.startsWith('argv-'))
				.sort()
				.map(f => JSON.parse(readFileSync(join(dir, f), 'utf8')) as string[]),
	};
}

describe('fanout plan --planner (fake claude)', () => {
	it('writes the plan the agent returns, after giving it the goal, tree and schema', async () => {
		const dir = copyOf('ts-app');
		const fake = fakeClaude([`Here it is:\n\`\`\`json\n${JSON.stringify(goodPlan, null, 2)}\n\`\`\``]);
		const result = await run(['--planner', 'claude', '--goal', 'Add logging everywhere', '--out', 'plans/agent.yaml'], dir, fake.deps);
		assert.equal(result.code, 0, result.err + result.out);
		assert.match(result.err, /Asking claude for a plan…/);
		assert.match(result.out, /Planned by claude \(pattern module\)\./);
		const [argv] = fake.calls();
		assert.equal(argv![0], '-p');
		assert.match(argv![1]!, /## Goal\nAdd logging everywhere\n/);
		assert.match(argv![1]!, /src\/ \(7 files\)/);
		assert.match(argv![1]!, /"title":"fanout plan"/);
		assert.ok(argv!.includes('--json-schema'));
		const {loaded, report} = loadAndValidate(join(dir, 'plans', 'agent.yaml'));
		assert.equal(report.valid, true);
		assert.equal(loaded.plan.goal, 'Add logging everywhere');
		assert.deepEqual(loaded.plan.phases.map(p => p.tasks.length), [2, 1]);
	});

	it('exits 1 on an invalid plan, listing the errors and writing it to fix by hand', async () => {
		const dir = copyOf('ts-app');
		const fake = fakeClaude([JSON.stringify(clashingPlan, null, 2)]);
		const result = await run(['--planner', 'claude', '--goal', 'x', '--out', 'bad.yaml'], dir, fake.deps);
		assert.equal(result.code, 1);
		assert.match(result.out, /error: line \d+, column \d+: src\/api\/.* owned by two tasks of phase "all": a, b/);
		assert.ok(existsSync(join(dir, 'bad.yaml')));
		assert.equal(fake.calls().length, 1);
	});

	it('asks again with the errors when --retries allows, and keeps the fixed plan', async () => {
		const dir = copyOf('ts-app');
		const fake = fakeClaude([JSON.stringify(clashingPlan), JSON.stringify(goodPlan)]);
		const result = await run(['--planner', 'claude', '--goal', 'x', '--retries', '1', '--out', 'fixed.yaml'], dir, fake.deps);
		assert.equal(result.code, 0, result.err + result.out);
		assert.match(result.err, /Asking claude again with \d+ errors?…/);
		const [, second] = fake.calls();
		assert.match(second![1]!, /## Your previous plan was refused\nFix every one of these errors:\n- line \d+, column \d+: /);
		assert.equal(loadAndValidate(join(dir, 'fixed.yaml')).report.valid, true);
	});

	it('writes nothing when the answer holds no plan, and reports a missing agent', async () => {
		const dir = copyOf('ts-app');
		const fake = fakeClaude(['Sorry, I cannot help with that.']);
		const prose = await run(['--planner', 'claude', '--goal', 'x', '--out', 'none.yaml'], dir, fake.deps);
		assert.equal(prose.code, 1);
		assert.match(prose.err, /the answer holds no plan as a JSON object: "Sorry, I cannot help with that\."/);
		assert.ok(!existsSync(join(dir, 'none.yaml')));

		const missing = await run(['--planner', 'gemini', '--goal', 'x'], dir, {
			runPlanner: (prompt, agent, context) => spawnPlanner(prompt, agent, {...context, env: {PATH: join(dir, 'empty-bin')}}),
		});
		assert.equal(missing.code, 1);
		assert.match(missing.err, /gemini could not plan: gemini is not installed \(not found on PATH\)\./);
	});
});
