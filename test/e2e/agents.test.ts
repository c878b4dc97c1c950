// Agent tasks through the whole engine: fake `claude` and `codex` on PATH emit the real CLIs'
// event formats; the guard hook, the adapters' readable lines, reports, costs and conflicts.

import {strict as assert} from 'node:assert';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {cleanup, root, runCli, workspace} from './helpers.js';

const fakes = join(root, 'test', 'fixtures', 'agents');
const dirs: string[] = [];
after(() => dirs.forEach(cleanup));

function agentPlan(agent: string, owns: string): string {
	return `name: agents
goal: Add logging
agent: ${agent}
phases:
  - name: work
    tasks:
      - id: api
        owns: [${owns}]
        prompt: Add logging to the API
`;
}

async function run(agent: string, owns: string, env: Record<string, string>) {
	const dir = workspace(agentPlan(agent, owns));
	dirs.push(dir);
	const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {
		cwd: dir,
		env: {PATH: `${fakes}:${process.env['PATH']}`, ...env},
	});
	return {dir, ...result};
}

describe('agent tasks end to end', () => {
	it('shows a Claude session as readable lines, with its report and cost', async () => {
		const r = await run('claude', 'src/api/**', {FAKE_SCENARIO: 'edit-owned', FAKE_FILE: 'src/api/users.ts'});
		assert.equal(r.code, 0, r.stdout + r.stderr);
		assert.match(r.stdout, /^api \| \$ npm test$/m);
		assert.match(r.stdout, /^api \| write src\/api\/users\.ts$/m);
		assert.doesNotMatch(r.stdout, /^api \| \{"type"/m, 'no raw JSON in the output');
		assert.match(r.stdout, /Updated src\/api\/users\.ts\./);
		assert.match(r.stdout, /\$0\.01/);
		assert.ok(existsSync(join(r.dir, 'src', 'api', 'users.ts')));
	});

	it('blocks a Claude write outside ownership with the guard and stops on the conflict (exit 3)', async () => {
		const r = await run('claude', 'src/api/**', {FAKE_SCENARIO: 'edit-outside', FAKE_FILE: 'src/db/pool.ts'});
		assert.equal(r.code, 3, r.stdout + r.stderr);
		assert.match(r.stderr, /api needs src\/db\/pool\.ts/);
		assert.ok(!existsSync(join(r.dir, 'src', 'db', 'pool.ts')), 'the blocked write never happened');
	});

	it("gives Claude's not-logged-in answer as the failure reason (exit 1)", async () => {
		const r = await run('claude', 'src/api/**', {FAKE_SCENARIO: 'not-logged-in'});
		assert.equal(r.code, 1);
		assert.match(r.stdout, /Not logged in · Please run \/login/);
	});

	it('turns a Codex file_change outside ownership into a conflict (exit 3)', async () => {
		const r = await run('codex', 'src/api/**', {FAKE_SCENARIO: 'edit-outside', FAKE_FILE: 'src/db/pool.ts'});
		assert.equal(r.code, 3, r.stdout + r.stderr);
		assert.match(r.stderr, /api needs src\/db\/pool\.ts/);
	});

	it('names a missing agent before anything runs (exit 2)', async () => {
		const dir = workspace(agentPlan('gemini', 'src/api/**'));
		dirs.push(dir);
		const r = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir, env: {PATH: '/usr/bin:/bin'}});
		assert.equal(r.code, 2);
		assert.match(r.stderr, /gemini/);
		assert.match(r.stderr, /npm i -g @google\/gemini-cli/);
	});
});
