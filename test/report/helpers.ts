// Shared by the report tests: one real headless run of test/fixtures/report/plan.yaml (a
// conflict deferring a task, a failed task, hostile output, verify), made once per test file.

import {copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync, appendFileSync} from 'node:fs';
import {join} from 'node:path';
import {cleanup, root, runCli, workspace, worker} from '../e2e/helpers.js';

export const fixtures = join(root, 'test', 'fixtures', 'report');

export type RealRun = {readonly dir: string; readonly runId: string; readonly runDir: string; readonly output: string; readonly code: number | null};

/** Runs the fixture plan headless with --on-conflict defer --keep-going, in a fresh workspace. */
export async function realRun(): Promise<RealRun> {
	const plan = readFileSync(join(fixtures, 'plan.yaml'), 'utf8').replaceAll('WORKER', worker).replaceAll('FIXTURES', fixtures);
	const dir = workspace(plan);
	const result = await runCli(['run', 'plan.yaml', '--headless', '--yes', '--on-conflict', 'defer', '--keep-going'], {cwd: dir});
	const [runId] = readdirSync(join(dir, '.fanout', 'runs'));
	return {dir, runId: runId!, runDir: join(dir, '.fanout', 'runs', runId!), output: result.stdout + result.stderr, code: result.code};
}

/**
 * What the isolation work will add at a task's end: a `task.changes` journal entry and
 * diffs/<task>.patch. Appended here to the real run so the report's diff path is exercised
 * before isolation lands.
 */
export function addIsolationChanges(runDir: string): void {
	mkdirSync(join(runDir, 'diffs'), {recursive: true});
	copyFileSync(join(fixtures, 'owner.patch'), join(runDir, 'diffs', 'owner.patch'));
	const files = [
		{path: 'shared/log.ts', status: 'added', added: 3, removed: 0, binary: false},
		{path: 'src/new.ts', from: 'src/old.ts', status: 'renamed', added: 1, removed: 1, binary: false},
		{path: 'img/<img src=x onerror=alert(2)>.png', status: 'modified', added: null, removed: null, binary: true},
	];
	appendFileSync(join(runDir, 'events.jsonl'), `${JSON.stringify({time: new Date().toISOString(), type: 'task.changes', at: Date.now(), task: 'owner', files})}\n`);
}

export {cleanup, runCli, writeFileSync};
