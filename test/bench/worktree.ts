// Worktree isolation figures (issue 11): phase setup for 8 tasks on a 10,000-file repository,
// cold (creating 8 worktrees) and warm (moving the 8 to a new snapshot), plus the snapshot,
// the 8 diffs and the apply-back. Wall time and CPU (this process plus the git processes it
// waited for, from /proc/self/stat), as ranges over a few rounds: the machine is shared.
// Run directly: `node --import tsx test/bench/worktree.ts` (BENCH_WORKTREE_ROUNDS, default 3).

import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {applyChanges} from '../../source/runner/git/apply.js';
import {diffWorktree} from '../../source/runner/git/diff.js';
import type {GitResult} from '../../source/runner/git/exec.js';
import {WorktreePool} from '../../source/runner/git/pool.js';
import {takeSnapshot} from '../../source/runner/git/snapshot.js';
import type {TaskFileChange, Worktree} from '../../source/runner/git/types.js';
import {fixtureGitEnv} from '../fixtures/repos/make-package-repo.js';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds of this process and of the children it has waited for. */
function cpuWithChildren(): number {
	const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
	// utime, stime, cutime, cstime are fields 14-17 of stat(5); index 11.. after the comm.
	return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
}

type Step = {wallMs: number; cpuMs: number};
const steps = ['snapshot', 'cold', 'warm', 'diff', 'apply', 'cleanup'] as const;
type StepName = (typeof steps)[number];

async function timed<T>(work: () => Promise<T>): Promise<[T, Step]> {
	const cpu = cpuWithChildren();
	const start = performance.now();
	const value = await work();
	return [value, {wallMs: performance.now() - start, cpuMs: (cpuWithChildren() - cpu) * 1000}];
}

function ok<T>(result: GitResult<T>): T {
	if (!result.ok) throw new Error(result.message);
	return result.value;
}

/** A committed repository of `files` small files in 100-file folders, plus an ignored node_modules. */
function makeRepo(files: number): string {
	const root = mkdtempSync(join(tmpdir(), 'fanout-bench-wt-'));
	for (let i = 0; i < files; i++) {
		const dir = join(root, `src/pkg${Math.floor(i / 1000)}/mod${Math.floor(i / 100) % 10}`);
		if (i % 100 === 0) mkdirSync(dir, {recursive: true});
		writeFileSync(join(dir, `file${i}.ts`), `export const value${i} = ${i};\n// line two\n`);
	}
	writeFileSync(join(root, '.gitignore'), 'node_modules/\n');
	mkdirSync(join(root, 'node_modules/dep'), {recursive: true});
	writeFileSync(join(root, 'node_modules/dep/index.js'), 'module.exports = 1;\n');
	const env = fixtureGitEnv();
	execFileSync('git', ['init', '-q', '-b', 'main'], {cwd: root, env});
	execFileSync('git', ['add', '-A'], {cwd: root, env});
	execFileSync('git', ['commit', '-q', '--no-gpg-sign', '-m', 'many files'], {cwd: root, env});
	return root;
}

/** Each task edits 5 files of its own folder and adds one. */
function runTask(tree: Worktree, index: number): void {
	const dir = join(tree.cwd, `src/pkg${index}/mod0`);
	for (let f = 0; f < 5; f++) {
		const file = join(dir, `file${index * 1000 + f}.ts`);
		writeFileSync(file, `${readFileSync(file, 'utf8')}// task ${index}\n`);
	}
	writeFileSync(join(dir, `new${index}.ts`), `export const task = ${index};\n`);
}

const range = (values: readonly number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const f = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);
	return sorted.length > 1 ? `${f(sorted[0]!)}-${f(sorted.at(-1)!)}` : f(sorted[0]!);
};

/** Measures `rounds` rounds and prints one line per step. */
export async function benchWorktree(options: {files?: number; tasks?: number; rounds?: number} = {}): Promise<Record<StepName, Step[]>> {
	const {files = 10_000, tasks = 8, rounds = Number(process.env['BENCH_WORKTREE_ROUNDS'] ?? 3)} = options;
	const root = makeRepo(files);
	const figures = Object.fromEntries(steps.map(name => [name, [] as Step[]])) as Record<StepName, Step[]>;
	try {
		for (let round = 0; round < rounds; round++) {
			const pool = ok(await WorktreePool.open(root));
			// The user edits 50 files between phases: the snapshot hashes only those.
			for (let f = 0; f < 50; f++) writeFileSync(join(root, `src/pkg9/mod9/file${9900 + f}.ts`), `export const edited = ${round};\n`);
			const [first, snapStep] = await timed(async () => ok(await takeSnapshot(root)));
			figures.snapshot.push(snapStep);
			const [cold, coldStep] = await timed(async () => ok(await pool.acquire(tasks, first.commit)));
			figures.cold.push(coldStep);
			pool.release(cold);
			writeFileSync(join(root, 'src/pkg9/mod9/file9999.ts'), `export const next = ${round};\n`);
			const second = ok(await takeSnapshot(root));
			const [trees, warmStep] = await timed(async () => ok(await pool.acquire(tasks, second.commit)));
			figures.warm.push(warmStep);
			trees.forEach(runTask);
			const [diffs, diffStep] = await timed(() => Promise.all(trees.map(async tree => ok(await diffWorktree(tree)).files)));
			figures.diff.push(diffStep);
			const [, applyStep] = await timed(async () => {
				for (const [i, tree] of trees.entries()) {
					const result = await applyChanges(pool.facts, second.commit, tree, diffs[i] as TaskFileChange[]);
					if (!result.ok) throw new Error(result.message);
				}
			});
			figures.apply.push(applyStep);
			const [, cleanStep] = await timed(async () => ok(await pool.cleanup()));
			figures.cleanup.push(cleanStep);
			execFileSync('git', ['checkout', '-q', '--', '.'], {cwd: root, env: fixtureGitEnv()});
			execFileSync('git', ['clean', '-q', '-fd', 'src'], {cwd: root, env: fixtureGitEnv()});
		}
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
	const label: Record<StepName, string> = {
		snapshot: 'snapshot (50 files changed)',
		cold: `phase setup, cold (create ${tasks})`,
		warm: `phase setup, warm (move ${tasks}; target < 1 s)`,
		diff: `diff ${tasks} worktrees`,
		apply: `apply back ${tasks} tasks (6 files each)`,
		cleanup: `remove ${tasks} worktrees`,
	};
	console.log(`${tasks} tasks, ${files.toLocaleString('en')} files, ${rounds} rounds: wall range, CPU range (fanout + git)`);
	for (const name of steps) console.log(`  ${label[name].padEnd(44)} ${range(figures[name].map(s => s.wallMs)).padEnd(16)} cpu ${range(figures[name].map(s => s.cpuMs))}`);
	return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchWorktree();
