// The built CLI, headless, end to end: real plans, real child processes, real files.

import {strict as assert} from 'node:assert';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import {until} from '../until.js';
import {cleanup, journalGroups, lingeringPlan, membersOfGroups, runCli, work, workspace} from './helpers.js';

const dirs: string[] = [];
const ws = (plan: string, files?: Record<string, string>) => {
	const dir = workspace(plan, files);
	dirs.push(dir);
	return dir;
};
after(() => dirs.forEach(cleanup));

const twoPhases = `
name: two-phases
goal: prove the engine end to end
phases:
  - name: build
    tasks:
      - id: api
        owns: [src/api/**]
        run: ${work('--lines 3 --write src/api/a.txt')}
      - id: db
        owns: [src/db/**]
        run: ${work('--lines 3 --write src/db/b.txt')}
  - name: check
    mode: sequential
    tasks:
      - id: tests
        owns: [tests/**]
        dependsOn: [api, db]
        run: ${work('--lines 2 --write tests/t.txt')}
verify:
  - test -f src/api/a.txt && test -f tests/t.txt
`;

describe('fanout run --headless', () => {
	it('runs phases in order, prefixes every line, and passes with exit 0', async () => {
		const dir = ws(twoPhases);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 0, result.stderr + result.stdout);
		assert.match(result.stdout, /^api\s+\| api: step 1 of 3$/m);
		assert.match(result.stdout, /^db\s+\| db: done$/m);
		assert.match(result.stdout, /phase 1 of 2: build/);
		assert.ok(result.stdout.indexOf('tests: step 1') > result.stdout.indexOf('api: done'), 'phase 2 starts after phase 1');
		assert.match(result.stdout, /verify/);
		// The summary lists every task and its completion report.
		for (const id of ['api', 'db', 'tests']) assert.match(result.stdout, new RegExp(`^${id}\\s+passed`, 'm'));
		assert.match(result.stdout, /— tests\n(?:\s+.*\n)*?\s+tests: wrote tests\/t.txt/);
		assert.equal(readFileSync(join(dir, '.fanout', '.gitignore'), 'utf8').trim(), '*');
		const [run] = readdirSync(join(dir, '.fanout', 'runs'));
		assert.ok(existsSync(join(dir, '.fanout', 'runs', run!, 'summary.json')));
		assert.match(readFileSync(join(dir, '.fanout', 'runs', run!, 'logs', 'api.log'), 'utf8'), /api: step 3 of 3/);
	});

	it("gives tasks the user's environment, not fanout's own settings (no NODE_ENV added)", async () => {
		const dir = ws('name: env\nphases:\n  - name: one\n    tasks:\n      - id: show\n        owns: [out/**]\n        run: echo "NODE_ENV=${NODE_ENV:-unset} task=$FANOUT_TASK_ID"\n');
		const unset = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir, env: {NODE_ENV: undefined}});
		assert.equal(unset.code, 0, unset.stderr + unset.stdout);
		assert.match(unset.stdout, /^show\s+\| NODE_ENV=unset task=show$/m);
		const set = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir, env: {NODE_ENV: 'test'}});
		assert.match(set.stdout, /^show\s+\| NODE_ENV=test task=show$/m);
	});

	it('refuses to start without --yes (exit 2)', async () => {
		const dir = ws(twoPhases);
		const result = await runCli(['run', 'plan.yaml', '--headless'], {cwd: dir});
		assert.equal(result.code, 2);
		assert.match(result.stderr, /--yes/);
	});

	it('refuses an invalid plan with its file and line (exit 2)', async () => {
		const dir = ws(`name: bad
phases:
  - name: one
    tasks:
      - id: a
        owns: [src/**]
        run: 'true'
      - id: b
        owns: [src/**]
        run: 'true'
`, {'src/x.ts': ''});
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 2);
		assert.match(result.stderr, /plan\.yaml:\d+:\d+/);
		assert.match(result.stderr, /src\/x\.ts is owned by two tasks/);
		assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
	});

	it('never lets escape sequences through, only colour', async () => {
		const plan = `name: hostile
phases:
  - name: one
    tasks:
      - id: evil
        owns: [nothing/**]
        run: ${work('--hostile --lines 1')}
`;
		for (const env of [{NO_COLOR: '1'}, {NO_COLOR: undefined, FORCE_COLOR: '1'}]) {
			const dir = ws(plan);
			const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir, env});
			assert.equal(result.code, 0, result.stderr);
			const stripped = result.stdout.replace(/\u001B\[[0-9;]*m/g, '');
			assert.doesNotMatch(stripped, /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/, `control bytes reached the terminal with ${JSON.stringify(env)}`);
			assert.match(result.stdout, /clip title clear alt c1/);
			// The log keeps every byte.
			const [run] = readdirSync(join(dir, '.fanout', 'runs'));
			assert.match(readFileSync(join(dir, '.fanout', 'runs', run!, 'logs', 'evil.log'), 'latin1'), /\u001B\]52;c;aGVsbG8=/);
		}
	});

	it('finishes the phase after a failure, skips dependents, and exits 1', async () => {
		const dir = ws(`name: failing
phases:
  - name: one
    tasks:
      - id: bad
        owns: [a/**]
        run: ${work('--lines 1 --exit 2')}
      - id: good
        owns: [b/**]
        run: ${work('--lines 4 --delay 50')}
  - name: two
    tasks:
      - id: after
        owns: [c/**]
        dependsOn: [bad]
        run: ${work('--lines 1')}
`);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 1);
		assert.match(result.stdout, /good: done/, 'the other task finished');
		assert.match(result.stdout, /^bad\s+failed \(exit code 2\)/m);
		assert.match(result.stdout, /^after\s+(skipped|pending)/m);
		assert.doesNotMatch(result.stdout, /after: step/);
	});

	it('fails a command that does not exist, in plain words', async () => {
		const dir = ws(`name: missing
phases:
  - name: one
    tasks:
      - id: nope
        owns: [a/**]
        run: no-such-command-fanout --flag
`);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 1);
		assert.match(result.stdout, /command not found: no-such-command-fanout/);
	});

	it('stops on a write outside ownership with exit 3 and names the fix', async () => {
		const dir = ws(`name: trespass
phases:
  - name: one
    tasks:
      - id: intruder
        owns: [mine/**]
        run: ${work('--lines 1 --write shared/config.txt --sleep 3000')}
`);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 3, result.stdout + result.stderr);
		assert.match(result.stderr, /intruder needs shared\/config\.txt/);
		assert.match(result.stderr, /--on-conflict defer/);
	});

	it('defers a task that asks for a file (FANOUT-NEEDS) and finishes the run', async () => {
		const dir = ws(`name: needs
phases:
  - name: one
    tasks:
      - id: asker
        owns: [mine/**]
        run: if [ -f mine/asked ]; then echo second time; else mkdir -p mine && touch mine/asked && ${work('--lines 1 --needs shared/log.ts')}; fi
      - id: owner
        owns: [shared/**]
        run: ${work('--lines 2 --write shared/log.ts')}
`);
		const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--on-conflict', 'defer'], {cwd: dir});
		assert.equal(result.code, 0, result.stdout + result.stderr);
		assert.match(result.stdout, /conflict: asker asked for shared\/log\.ts/);
		assert.match(result.stdout, /asker\s+\| second time/);
		const [run] = readdirSync(join(dir, '.fanout', 'runs'));
		const revised = readFileSync(join(dir, '.fanout', 'runs', run!, 'plan.r2.yaml'), 'utf8');
		assert.match(revised, /shared\/log\.ts/);
	});

	for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
		it(`stops every task and grandchild on ${signal} (exit ${code})`, async () => {
			const dir = ws(lingeringPlan('signals'));
			const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--grace', '1'], {
				cwd: dir,
				onStart: (pid, output) => {
					void until(() => output().includes('a: step 1'), 15_000, 'the task to start').then(
						() => setTimeout(() => process.kill(pid, signal), 200),
						() => process.kill(pid, 'SIGKILL'),
					);
				},
			});
			assert.equal(result.code, code, result.stderr);
			const groups = journalGroups(dir);
			assert.equal(groups.length, 2);
			assert.deepEqual(membersOfGroups(groups), [], 'no process of the run is left');
		});
	}

	it('resumes after kill -9: kills what was left, keeps what passed, runs the rest', async () => {
		const dir = ws(`name: resumable
phases:
  - name: first
    tasks:
      - id: quick
        owns: [q/**]
        run: ${work('--lines 1 --write q/done.txt')}
  - name: second
    tasks:
      - id: slow
        owns: [s/**]
        run: if [ -f s/started ]; then echo resumed; else mkdir -p s && touch s/started && sleep 300; fi
`);
		await runCli(['run', 'plan.yaml', '--headless', '--yes'], {
			cwd: dir,
			onStart: pid => {
				void until(() => existsSync(join(dir, 's', 'started')), 15_000, 'the slow task').then(
					() => setTimeout(() => process.kill(pid, 'SIGKILL'), 100),
					() => process.kill(pid, 'SIGKILL'),
				);
			},
		});
		const left = journalGroups(dir);
		assert.ok(membersOfGroups(left).length > 0, 'kill -9 left the slow task running');
		const result = await runCli(['resume', '--headless', '--yes'], {cwd: dir});
		assert.equal(result.code, 0, result.stdout + result.stderr);
		assert.deepEqual(membersOfGroups(left), [], 'resume killed what was left');
		assert.match(result.stdout, /slow\s+\| resumed/);
		assert.doesNotMatch(result.stdout, /^quick\s+\|/m, 'the passed task is not run again');
	});
});
