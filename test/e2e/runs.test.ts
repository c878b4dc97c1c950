// `fanout runs` on a real workspace: nothing yet, then a passed run and an interrupted one, as
// a table (local times) and as JSON.

import {strict as assert} from 'node:assert';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {localTime} from '../../source/commands/runs.js';
import {cleanup, runCli, work, workspace} from './helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(cleanup));

const plan = `
name: listed
phases:
  - name: one
    tasks:
      - id: a
        owns: [a/**]
        run: ${work('--lines 1 --write a/x.txt')}
      - id: b
        owns: [b/**]
        run: ${work('--lines 1 --exit 2')}
  - name: two
    tasks:
      - id: c
        owns: [c/**]
        run: ${work('--lines 1')}
`;

test('no runs, then each run with its plan, local start time, outcome and task counts', async () => {
	const dir = workspace(plan);
	dirs.push(dir);
	const empty = await runCli(['runs'], {cwd: dir});
	assert.equal(empty.code, 0);
	assert.equal(empty.stdout, `No runs in ${dir} yet. Start one with \`fanout run PLAN\`.\n`);

	const run = await runCli(['run', 'plan.yaml', '--headless', '--yes'], {cwd: dir});
	assert.equal(run.code, 1, run.stdout + run.stderr);
	const json = await runCli(['runs', '--json'], {cwd: dir});
	const [listed] = JSON.parse(json.stdout) as {id: string; planName: string; started: string; status: string; outcome: string; ok: number; failed: number; skipped: number; resumable: boolean}[];
	assert.equal(listed?.planName, 'listed');
	// b failed, so the run stopped after its phase: failed, not aborted (nobody aborted it).
	assert.equal(listed?.outcome, 'failed');
	// c never ran (its phase came after the failure): skipped.
	assert.deepEqual([listed?.ok, listed?.failed, listed?.skipped], [1, 1, 1]);
	// A failed run can be resumed: the start screen and this list share that rule.
	assert.equal(listed?.resumable, true);

	const table = await runCli(['runs'], {cwd: dir});
	const [head, row] = table.stdout.trimEnd().split('\n');
	assert.match(head!, /^run +plan +started +status +ok +failed +skipped$/);
	assert.match(row!, new RegExp(`^${listed!.id} +listed +${localTime(listed!.started)} +failed \\(resumable\\) +1 +1 +1$`));
	assert.match(localTime(listed!.started), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

	// A run whose journal never got its end (fanout killed) is unfinished, and says it can resume.
	const events = join(dir, '.fanout', 'runs', listed!.id, 'events.jsonl');
	writeFileSync(events, readFileSync(events, 'utf8').split('\n').filter(line => !line.includes('"run.finished"')).join('\n'));
	const again = await runCli(['runs'], {cwd: dir});
	assert.match(again.stdout, /listed +\S+ \S+ +unfinished \(resumable\)/);
});
