// Worktree isolation and the shared-mode rules, end to end in process: real child processes on
// the sample package repository (test/fixtures/repos), driven by the headless policy. The four
// cases of issue 11 (wrong culprit, missed conflict, endless re-planning, finished work redone),
// applying work back, gates, the user's edits meanwhile, and the user's git state left alone.

import {stateOf} from '../../source/machine/state.js';
import assert from 'node:assert/strict';
import {chmodSync, existsSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {exitCodeOf} from '../../source/machine/exit-code.js';
import type {Conflict} from '../../source/machine/types.js';
import {headlessAnswer} from '../../source/headless/policy.js';
import type {HeadlessPolicy} from '../../source/headless/policy.js';
import {runSession} from '../../source/engine/session.js';
import type {Driver, Prepared} from '../../source/engine/session.js';
import type {Engine} from '../../source/engine/types.js';
import {parsePlanText} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';
import {planToYaml} from '../../source/plan/yaml.js';
import {createRunDir, newRunId, readEvents} from '../../source/runner/journal.js';
import {LOGO_BYTES, makePackageRepo} from '../fixtures/repos/make-package-repo.js';
import type {PackageRepo} from '../fixtures/repos/make-package-repo.js';
import {userState} from '../runner/git/helpers.js';

const policy = (onConflict: HeadlessPolicy['onConflict']): HeadlessPolicy => ({keepGoing: false, onConflict});

/** Each `run:` as a literal block, so shell text needs no YAML quoting. */
function blockRuns(yaml: string): string {
	return yaml.replace(/^(\s*)run: (.*)$/gm, (_, indent: string, command: string) => `${indent}run: |-\n${indent}  ${command}`);
}

function prepare(repo: PackageRepo, yaml: string): Prepared {
	const planFile = join(repo.workspace, '.fanout-plan.yaml');
	const parsed = parsePlanText(blockRuns(yaml), planFile);
	assert.ok(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.errors));
	const report = validatePlan(parsed.plan, parsed.source, {workspace: repo.workspace});
	assert.equal(report.valid, true, JSON.stringify(report.errors));
	return {plan: parsed.plan, source: parsed.source, planFile, workspace: repo.workspace, report};
}

type Finished = {
	readonly code: number | 'edit-plan';
	readonly engine: Engine;
	readonly runDir: string;
	readonly entries: readonly {type: string; [key: string]: unknown}[];
	readonly conflicts: readonly Conflict[];
};

async function run(prepared: Prepared, onConflict: HeadlessPolicy['onConflict'], onTaskStarted?: () => void): Promise<Finished> {
	const runId = newRunId();
	const runDir = createRunDir(prepared.workspace, runId, planToYaml(prepared.plan));
	let engine: Engine | undefined;
	const driver: Driver = {
		onJournal: entry => {
			if (entry.type === 'task.started') onTaskStarted?.();
		},
		async drive(e) {
			engine = e;
			const memory = {answered: new Set<number>()};
			let last = '';
			e.actor.subscribe(snapshot => {
				const state = stateOf(snapshot);
				const key = `${state}:${snapshot.context.conflicts[0]?.id ?? ''}:${snapshot.context.refusal ?? ''}`;
				if (key === last) return;
				last = key;
				const answer = headlessAnswer(state, snapshot.context, policy(onConflict), memory);
				if (answer) queueMicrotask(() => e.actor.send(answer));
			});
			await e.start();
			await e.finished;
			return exitCodeOf(e.actor.getSnapshot()) ?? 1;
		},
	};
	const code = await runSession(prepared, {runId, runDir, graceMs: 300}, driver);
	assert.ok(engine);
	const entries = readEvents(runDir) as unknown as {type: string; [key: string]: unknown}[];
	const conflicts = entries.filter(e => e.type === 'conflict.detected').map(e => e['conflict'] as Conflict);
	if (process.env['ISO_DEBUG']) for (const e of entries) console.error(JSON.stringify({...e, plan: undefined}).slice(0, 400));
	return {code, engine, runDir, entries, conflicts};
}

/** The user's git state, without fanout's own run folder (created in the workspace by design). */
function gitState(repo: PackageRepo): Record<string, string> {
	const state = userState(repo);
	return {...state, status: (state['status'] ?? '').split('\n').filter(line => !line.includes('.fanout')).join('\n')};
}

function worktreeList(repo: PackageRepo): string {
	return repo.git(['worktree', 'list', '--porcelain']);
}

/** router, middleware and core in parallel; middleware appends to History.md (owned by no one) and exits. */
function wrongCulpritPlan(isolation: 'worktree' | 'shared'): string {
	return `name: wrong-culprit
isolation: ${isolation}
phases:
  - name: work
    tasks:
      - id: router
        owns: [lib/router/**]
        run: sleep 1.2 && printf '// router: strict routing\\n' >> lib/router/index.js
      - id: middleware
        owns: [lib/middleware/**]
        run: printf '// middleware\\n' >> lib/middleware/init.js && printf '  * middleware: faster init\\n' >> History.md
      - id: core
        owns: [lib/application.js]
        run: sleep 1.2 && printf '// core\\n' >> lib/application.js
`;
}

test('wrong culprit, worktree mode: middleware is named exactly; defer re-runs it owning History.md, every edit applied once', async () => {
	const repo = makePackageRepo();
	try {
		const before = gitState(repo);
		const result = await run(prepare(repo, wrongCulpritPlan('worktree')), 'defer');
		assert.equal(result.code, 0);
		const history = result.conflicts.filter(c => c.path === 'History.md');
		assert.ok(history.length >= 1);
		for (const c of history) assert.equal(c.taskId, 'middleware');
		const text = repo.read('History.md');
		assert.equal(text.split('middleware: faster init').length - 1, 1, text);
		assert.equal(repo.read('lib/middleware/init.js').split('// middleware').length - 1, 1);
		assert.equal(repo.read('lib/router/index.js').split('// router: strict routing').length - 1, 1);
		assert.equal(repo.read('lib/application.js').split('// core').length - 1, 1);
		// The user's repository: same HEAD, index, branches, stash; the worktrees are kept for reuse, none prunable.
		const after = gitState(repo);
		assert.equal(after['head'], before['head']);
		assert.equal(after['index'], before['index']);
		assert.equal(after['branches'], before['branches']);
		assert.equal(after['stash'], before['stash']);
		assert.doesNotMatch(worktreeList(repo), /prunable/);
		assert.doesNotMatch(repo.git(['branch', '--all']), /fanout/);
	} finally {
		repo.cleanup();
	}
});

test('wrong culprit, shared mode: headless never guesses, exits 3 with the suspects and what each was doing', async () => {
	const repo = makePackageRepo();
	try {
		const result = await run(prepare(repo, wrongCulpritPlan('shared')), 'defer');
		assert.equal(result.code, 3);
		const history = result.conflicts.find(c => c.path === 'History.md');
		assert.ok(history);
		assert.equal(history.taskId, undefined);
		assert.ok(history.suspects.length > 1);
		assert.ok(history.evidence && history.evidence.length === history.suspects.length);
		assert.ok(history.evidence.some(e => e.taskId === 'router' && e.state === 'running'));
		// No decision was made: nothing deferred, no revision.
		assert.equal(result.entries.filter(e => e.type === 'revision.created').length, 0);
	} finally {
		repo.cleanup();
	}
});

/** core writes lib/router/index.js (owned by router) after router has finished (router leaves a mark outside the workspace). */
const missedPlan = (isolation: 'worktree' | 'shared', mark: string) => `name: missed
isolation: ${isolation}
phases:
  - name: work
    tasks:
      - id: router
        owns: [lib/router/**]
        run: printf '// router\\n' >> lib/router/index.js && touch ${mark}
      - id: core
        owns: [lib/application.js]
        run: until [ -f ${mark} ]; do sleep 0.05; done; sleep 0.3 && printf '// core was here\\n' >> lib/router/index.js && printf '// core\\n' >> lib/application.js
`;

for (const isolation of ['worktree', 'shared'] as const) {
	test(`missed conflict, ${isolation} mode: core writing router's file after router ended is core's conflict`, async () => {
		const repo = makePackageRepo();
		try {
			const result = await run(prepare(repo, missedPlan(isolation, join(repo.root, '.git', 'router-done'))), 'abort');
			assert.equal(result.code, 3);
			const conflict = result.conflicts.find(c => c.path === 'lib/router/index.js');
			assert.ok(conflict, JSON.stringify(result.conflicts));
			assert.equal(conflict.taskId, 'core');
			if (isolation === 'worktree') {
				// core's text never reached router's file, nor its own (nothing of a stopped task is applied).
				assert.doesNotMatch(repo.read('lib/router/index.js'), /core was here/);
				assert.doesNotMatch(repo.read('lib/application.js'), /\/\/ core/);
			}
		} finally {
			repo.cleanup();
		}
	});
}

/** needy asks for a file it does not own, every time it runs. */
const needyPlan = (isolation: 'worktree' | 'shared') => `name: needy
isolation: ${isolation}
phases:
  - name: work
    tasks:
      - id: needy
        owns: [lib/view.js]
        run: echo 'FANOUT-NEEDS: lib/utils.js -- shared helper' && sleep 0.5 && printf '// needy\\n' >> lib/view.js
      - id: other
        owns: [lib/request.js]
        run: sleep 0.5 && printf '// other\\n' >> lib/request.js
`;

for (const isolation of ['worktree', 'shared'] as const) {
	test(`endless re-planning, ${isolation} mode: asking again for a file granted by defer is no conflict`, async () => {
		const repo = makePackageRepo();
		try {
			const result = await run(prepare(repo, needyPlan(isolation)), 'defer');
			assert.equal(result.code, 0);
			assert.equal(result.entries.filter(e => e.type === 'revision.created').length, 1);
			assert.equal(result.conflicts.length, 1);
			assert.equal(repo.read('lib/view.js').split('// needy').length - 1, 1);
		} finally {
			repo.cleanup();
		}
	});
}

/** One task that owns lib/view.js, edits it and also writes docs/view.md, which it does not own. */
function headerPlan(name: string): string {
	return `name: ${name}
phases:
  - name: work
    tasks:
      - id: header
        owns: [lib/view.js]
        run: printf '/* trellis view */\\n' | cat - lib/view.js > v.tmp && mv v.tmp lib/view.js && printf 'view\\n' > docs/view.md
`;
}

test('a stray change found in a finished task\'s worktree is its exact conflict; on abort nothing of it reaches the workspace', async () => {
	const repo = makePackageRepo();
	try {
		const prepared = prepare(
			repo,
			headerPlan('redo'),
		);
		const result = await run(prepared, 'abort');
		assert.equal(result.code, 3);
		assert.equal(result.conflicts[0]?.taskId, 'header');
		// Found by the diff once it ended (its work held: finished), or live by the watch of its worktree.
		const first = result.conflicts[0];
		assert.ok(first && (first.how === 'diff' ? first.finished === true : first.how === 'watcher'), JSON.stringify(first));
		// Nothing of it reached the workspace: the decision (abort) kept it in its worktree.
		assert.doesNotMatch(repo.read('lib/view.js'), /trellis view/);
		assert.equal(existsSync(join(repo.workspace, 'docs/view.md')), false);
	} finally {
		repo.cleanup();
	}
});

test('grant of a finished task: its stray and owned changes are applied, the task is not run again', async () => {
	const repo = makePackageRepo();
	try {
		// A grant decided in place of the policy (which only knows abort, defer and skip).
		const prepared = prepare(
			repo,
			headerPlan('grant'),
		);
		const runId = newRunId();
		const runDir = createRunDir(prepared.workspace, runId, planToYaml(prepared.plan));
		const driver: Driver = {
			async drive(e) {
				const memory = {answered: new Set<number>()};
				e.actor.subscribe(snapshot => {
					const state = stateOf(snapshot);
					const answer = state === 'conflict' ? ({type: 'conflict.decide', choice: 'grant'} as const) : headlessAnswer(state, snapshot.context, policy('abort'), memory);
					if (answer && !(state === 'conflict' && snapshot.context.refusal)) queueMicrotask(() => e.actor.send(answer));
				});
				await e.start();
				await e.finished;
				// Caught by the diff once it ended, grant accepts its work as it is (attempt 1); caught live by
				// the watch of its worktree first (a busy machine), it was stopped mid-run and runs again in a
				// fresh worktree (attempt 2). Either way its edits are applied once (below).
				const {tasks} = e.actor.getSnapshot().context;
				assert.equal(tasks['header']?.status, 'passed');
				const conflict = e.actor.getSnapshot().context.revisions.length > 1 ? e.actor.getSnapshot().context.revisions[1] : undefined;
				assert.ok(conflict, 'the grant made a revision');
				if (tasks['header']?.attempts === 2) assert.equal(e.actor.getSnapshot().context.tasks['header']?.status, 'passed');
				return exitCodeOf(e.actor.getSnapshot()) ?? 1;
			},
		};
		const code = await runSession(prepared, {runId, runDir, graceMs: 300}, driver);
		assert.equal(code, 0);
		// The apply runs after the decision: wait for the queue by reading through the engine's journal.
		for (let i = 0; i < 50 && !existsSync(join(repo.workspace, 'docs/view.md')); i++) await new Promise(r => setTimeout(r, 50));
		assert.equal(repo.read('lib/view.js').split('trellis view').length - 1, 1);
		assert.equal(repo.read('docs/view.md'), 'view\n');
	} finally {
		repo.cleanup();
	}
});

test('apply-back covers edits, new, deleted, renamed, binary and mode changes; HEAD, index, branches and stash untouched', async () => {
	const repo = makePackageRepo();
	try {
		const before = gitState(repo);
		const prepared = prepare(
			repo,
			`name: apply
phases:
  - name: work
    tasks:
      - id: docs
        owns: [docs/**, bin/**]
        run: printf 'more\\n' >> docs/guide.md && printf 'new\\n' > docs/new.md && rm docs/notes.md && printf 'PNG2' >> docs/logo.png && chmod -x bin/trellis
      - id: router
        owns: [lib/router/**]
        run: git mv -f lib/router/layer.js lib/router/layers.js 2>/dev/null || mv lib/router/layer.js lib/router/layers.js
`,
		);
		const result = await run(prepared, 'abort');
		assert.equal(result.code, 0);
		assert.match(repo.read('docs/guide.md'), /more\n$/);
		assert.equal(repo.read('docs/new.md'), 'new\n');
		assert.equal(existsSync(join(repo.workspace, 'docs/notes.md')), false);
		assert.deepEqual(readFileSync(join(repo.workspace, 'docs/logo.png')), Buffer.concat([LOGO_BYTES, Buffer.from('PNG2')]));
		assert.equal(statSync(join(repo.workspace, 'bin/trellis')).mode & 0o111, 0);
		assert.equal(existsSync(join(repo.workspace, 'lib/router/layer.js')), false);
		assert.match(repo.read('lib/router/layers.js'), /class Layer/);
		// The user's uncommitted edit and staged change are still there.
		assert.match(repo.read('lib/utils.js'), /noop/);
		const after = gitState(repo);
		for (const key of ['head', 'symbolic', 'index', 'branches', 'stash']) assert.equal(after[key], before[key], key);
		const changes = result.entries.filter(e => e.type === 'task.changes');
		assert.equal(changes.length, 2);
		assert.ok(existsSync(join(result.runDir, 'diffs', 'docs.patch')));
		const api = result.engine.taskChanges('docs');
		assert.ok(api && api.files.some(f => f.path === 'docs/logo.png' && f.binary));
		assert.match(api.patch, /docs\/guide\.md/);
		assert.doesNotMatch(worktreeList(repo), /prunable/);
	} finally {
		repo.cleanup();
	}
});

test('a user edit to an owned file meanwhile is a conflict: nothing is overwritten', async () => {
	const repo = makePackageRepo();
	try {
		let edited = false;
		const prepared = prepare(
			repo,
			`name: meanwhile
phases:
  - name: work
    tasks:
      - id: router
        owns: [lib/router/**]
        run: sleep 1.5 && printf '// router\\n' >> lib/router/route.js
`,
		);
		// Once the task's process runs, its snapshot is taken: the user's edit comes after it.
		const result = await run(prepared, 'abort', () => {
			if (edited) return;
			edited = true;
			writeFileSync(join(repo.workspace, 'lib/router/route.js'), '// the user rewrote this\n');
		});
		assert.equal(result.code, 3);
		assert.equal(repo.read('lib/router/route.js'), '// the user rewrote this\n');
	} finally {
		repo.cleanup();
	}
});

test('a failing gate fails the task: nothing of it is applied, its output is in the log', async () => {
	const repo = makePackageRepo();
	try {
		const prepared = prepare(
			repo,
			`name: gated
gate: [node test/smoke.js]
phases:
  - name: work
    tasks:
      - id: router
        owns: [lib/router/**]
        run: printf '// router\\n' >> lib/router/route.js
      - id: breaker
        owns: [lib/utils.js]
        gate: ["echo lint says no && exit 4"]
        run: printf 'syntax error(\\n' >> lib/utils.js
`,
		);
		const result = await run(prepared, 'abort');
		assert.equal(result.code, 1);
		assert.match(repo.read('lib/router/route.js'), /\/\/ router/);
		assert.doesNotMatch(repo.read('lib/utils.js'), /syntax error/);
		const log = readFileSync(join(result.runDir, 'logs', 'breaker.log'), 'utf8');
		assert.match(log, /lint says no/);
		const exited = result.entries.find(e => e.type === 'task.exited' && e['taskId'] === 'breaker');
		assert.match(String(exited?.['reason']), /gate/);
	} finally {
		repo.cleanup();
	}
});

test('isolation: worktree on a folder without git stops before anything runs (exit 2)', async () => {
	const repo = makePackageRepo();
	try {
		chmodSync(repo.workspace, 0o755);
		const {mkdtempSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const plain = mkdtempSync(join(tmpdir(), 'fanout-nogit-'));
		const planFile = join(plain, 'plan.yaml');
		const parsed = parsePlanText('name: nogit\nisolation: worktree\nphases:\n  - name: a\n    tasks:\n      - id: t\n        owns: [x]\n        run: touch x\n', planFile);
		assert.ok(parsed.ok);
		const report = validatePlan(parsed.plan, parsed.source, {workspace: plain});
		const result = await run({plan: parsed.plan, source: parsed.source, planFile, workspace: plain, report}, 'abort');
		assert.equal(result.code, 2);
		assert.equal(existsSync(join(plain, 'x')), false);
	} finally {
		repo.cleanup();
	}
});
