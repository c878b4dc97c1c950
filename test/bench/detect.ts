// Issue 5's figures: detection latency from a write outside ownership (or a FANOUT-NEEDS line)
// to the culprit's process group being gone, with 8 tasks busy writing their own files; median
// and worst over BENCH_TRIALS trials of each kind (default 50). Target: median under 200 ms.
// The worktree case runs the same write in a git repository, so every task works in its own
// worktree and the write is seen by the watch of the culprit's worktree.

import {execFileSync, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cli, median, ms, root} from './common.js';

const culprit = join(root, 'test', 'fixtures', 'bench', 'culprit.mjs');

function plan(kind: 'write' | 'marker', recordDir: string): string {
	const busy = Array.from({length: 8}, (_, i) => `      - id: busy${i + 1}\n        owns: [busy/${i + 1}/**]\n        run: node ${culprit} busy busy/${i + 1}/data.txt\n`).join('');
	return `name: detect\nphases:\n  - name: all\n    tasks:\n${busy}      - id: culprit\n        owns: [mine/**]\n        run: node ${culprit} ${kind} ${recordDir}\n`;
}

/** Makes `dir` a git repository with one commit (worktree isolation is then the default). */
function gitInit(dir: string): void {
	const env = {...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', GIT_CONFIG_GLOBAL: '/dev/null'};
	writeFileSync(join(dir, '.gitignore'), '.fanout/\n');
	execFileSync('git', ['init', '-q'], {cwd: dir, env});
	execFileSync('git', ['add', '-A'], {cwd: dir, env});
	execFileSync('git', ['commit', '-q', '--no-gpg-sign', '-m', 'bench'], {cwd: dir, env});
}

async function trial(kind: 'write' | 'marker', worktree = false): Promise<number> {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-detect-'));
	// The culprit's record of when it wrote lives outside the workspace: it is not a change there.
	const records = mkdtempSync(join(tmpdir(), 'fanout-bench-detect-record-'));
	try {
		writeFileSync(join(dir, 'plan.yaml'), plan(kind, records));
		if (worktree) gitInit(dir);
		const child = spawn(process.execPath, [cli, 'run', 'plan.yaml', '--headless', '--yes', '--on-conflict', 'abort', '--grace', '1'], {cwd: dir, stdio: 'ignore', env: {...process.env, NO_COLOR: '1'}});
		const done = new Promise(resolve => child.on('close', resolve));
		const record = join(records, 'culprit.json');
		const deadline = Date.now() + 30_000;
		while (!existsSync(record)) {
			if (Date.now() > deadline) throw new Error('the culprit never wrote');
			await new Promise(r => setTimeout(r, 2));
		}
		let info: {pid: number; at: number} | undefined;
		while (!info) {
			try {
				info = JSON.parse(readFileSync(record, 'utf8')) as {pid: number; at: number};
			} catch {
				await new Promise(r => setTimeout(r, 1));
			}
		}
		while (existsSync(`/proc/${info.pid}`) && !/\) Z /.test(readFileSync(`/proc/${info.pid}/stat`, 'utf8'))) {
			if (Date.now() > deadline) throw new Error('the culprit was never stopped');
			await new Promise(r => setTimeout(r, 1));
		}
		const latency = Date.now() - info.at;
		await done;
		return latency;
	} finally {
		rmSync(dir, {recursive: true, force: true, maxRetries: 5});
		rmSync(records, {recursive: true, force: true});
	}
}

export async function benchDetect(): Promise<void> {
	const trials = Number(process.env['BENCH_TRIALS'] ?? 50);
	for (const kind of ['write', 'marker'] as const) {
		const latencies: number[] = [];
		for (let i = 0; i < trials; i++) latencies.push(await trial(kind));
		console.log(`detection latency (${kind === 'write' ? 'write outside ownership' : 'FANOUT-NEEDS line'}, 8 writers each rewriting its file every ${process.env['BENCH_BUSY_MS'] ?? 5} ms, ${trials} trials): median ${ms(median(latencies))}, worst ${ms(Math.max(...latencies))} (target median < 200 ms)`);
	}
	const latencies: number[] = [];
	for (let i = 0; i < trials; i++) latencies.push(await trial('write', true));
	console.log(`detection latency in worktree mode (write outside ownership inside the culprit's worktree, 9 worktrees, ${trials} trials): median ${ms(median(latencies))}, worst ${ms(Math.max(...latencies))} (target median < 200 ms)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchDetect();
