// Benchmark: `validate` (load + one scan + matching) on a synthetic workspace of 100,000 files
// and a plan of 200 parallel tasks, next to one raw fast-glob scan of the same tree.
// Target: validate within 1.5x of the raw scan. Run: node --import tsx test/bench/validate.ts

import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import fg from 'fast-glob';
import {loadPlan} from '../../source/plan/load.js';
import {validatePlan} from '../../source/plan/validate.js';

/** Sizes of the synthetic workspace. */
export type BenchOptions = {readonly tasks?: number; readonly filesPerTask?: number; readonly rounds?: number};

/** Milliseconds of validate and of one raw scan (medians), and their ratio. */
export type BenchResult = {readonly validateMs: number; readonly scanMs: number; readonly ratio: number; readonly files: number; readonly tasks: number; readonly valid: boolean};

function buildWorkspace(root: string, tasks: number, filesPerTask: number): number {
	let count = 0;
	for (let t = 0; t < tasks; t++) {
		const module = join(root, `mod-${t}`);
		writeFileSync(join(root, `mod-${t}.md`), '');
		mkdirSync(module);
		writeFileSync(join(module, 'README.md'), '');
		count += 2;
		// Folders of 20 files, half source, half tests, a few levels deep.
		for (let f = 0; count < ((t + 1) * filesPerTask); f += 20) {
			const folder = join(module, f % 40 === 0 ? 'src' : 'test', `part-${f}`, 'deep');
			mkdirSync(folder, {recursive: true});
			for (let k = 0; k < 20 && count < (t + 1) * filesPerTask; k++, count++) {
				writeFileSync(join(folder, f % 40 === 0 ? `file-${k}.ts` : `file-${k}.test.ts`), '');
			}
		}
	}
	return count;
}

function planText(tasks: number): string {
	const lines = ['name: bench', 'pattern: module', 'phases:', '  - name: all', '    mode: parallel', '    tasks:'];
	for (let t = 0; t < tasks; t++) {
		lines.push(
			`      - id: task-${t}`,
			`        owns: [mod-${t}/src/**, mod-${t}/README.md, 'mod-${t}/test/**/*.test.ts', mod-${t}.md]`,
			`        reads: ['shared/*.json']`,
			`        run: node scripts/work.mjs mod-${t}`,
		);
	}
	return `${lines.join('\n')}\n`;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

/** Builds the workspace in os.tmpdir(), times both, removes the workspace. */
export async function benchValidate(options: BenchOptions = {}): Promise<BenchResult> {
	const tasks = options.tasks ?? 200;
	const filesPerTask = options.filesPerTask ?? 500;
	const rounds = options.rounds ?? 5;
	const root = mkdtempSync(join(tmpdir(), 'fanout-bench-'));
	try {
		const workspace = join(root, 'ws');
		mkdirSync(workspace);
		const files = buildWorkspace(workspace, tasks, filesPerTask);
		const planFile = join(root, 'plan.yaml');
		writeFileSync(planFile, planText(tasks));
		const scanTimes: number[] = [];
		const validateTimes: number[] = [];
		let valid = false;
		// Alternate the two so cache warmth and machine load are shared fairly; round 0 warms up.
		for (let round = 0; round <= rounds; round++) {
			let start = performance.now();
			const scanned = fg.sync('**/*', {cwd: workspace, dot: true});
			const scanMs = performance.now() - start;
			if (scanned.length !== files) throw new Error(`scan found ${scanned.length} files, expected ${files}`);
			start = performance.now();
			const loaded = loadPlan(planFile, {workspace});
			if (!loaded.ok) throw new Error(loaded.errors[0]?.message);
			const report = validatePlan(loaded.plan, loaded.source, {workspace: loaded.workspace});
			const validateMs = performance.now() - start;
			valid = report.valid;
			if (round > 0) {
				scanTimes.push(scanMs);
				validateTimes.push(validateMs);
			}
		}
		const scanMs = median(scanTimes);
		const validateMs = median(validateTimes);
		return {validateMs, scanMs, ratio: validateMs / scanMs, files, tasks, valid};
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
}

/** Runs the benchmark and prints its figures. */
export async function printBenchValidate(): Promise<BenchResult> {
	const result = await benchValidate();
	const verdict = result.ratio <= 1.5 ? 'within' : 'OVER';
	console.log(`validate: ${result.validateMs.toFixed(0)} ms   raw fast-glob scan: ${result.scanMs.toFixed(0)} ms   ratio ${result.ratio.toFixed(2)}x (${verdict} the 1.5x target)`);
	console.log(`${result.files} files, ${result.tasks} tasks in one parallel phase, plan valid: ${result.valid}`);
	return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await printBenchValidate();
