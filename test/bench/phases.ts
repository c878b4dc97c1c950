// Figure 2 of the engine issue: 20 phases of 10 tasks that do nothing, fanout headless vs a
// shell doing the same with `&` and `wait` per phase. Target: within 2x of the shell.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cli, median, ratio, timeCommand} from './common.js';

export async function benchPhases(reps = 3): Promise<{fanoutMs: number; shellMs: number}> {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-phases-'));
	try {
		const phases = Array.from({length: 20}, (_, p) => ({
			name: `p${p}`,
			tasks: Array.from({length: 10}, (_, t) => ({id: `t${p}-${t}`, owns: [`out/${p}/${t}/**`], run: 'true'})),
		}));
		writeFileSync(join(dir, 'plan.json'), JSON.stringify({name: 'phases', phases}));
		const shell = Array.from({length: 20}, () => `${'/bin/sh -c true & '.repeat(10)}wait`).join('\n');
		writeFileSync(join(dir, 'phases.sh'), shell);
		// Interleaved rounds, medians: the machine's load moves between rounds, not within a pair.
		const fanoutMs: number[] = [];
		const shellMs: number[] = [];
		for (let round = 0; round < reps; round++) {
			shellMs.push((await timeCommand('/bin/sh', [join(dir, 'phases.sh')], {cwd: dir})).wallMs);
			const fanout = await timeCommand(process.execPath, [cli, 'run', 'plan.json', '--headless', '--yes'], {cwd: dir, env: {NO_COLOR: '1'}});
			if (fanout.code !== 0) throw new Error(`fanout failed (${fanout.code}): ${fanout.stderr}`);
			fanoutMs.push(fanout.wallMs);
		}
		const range = (values: number[]) => `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;
		console.log(`20 phases x 10 \`true\`, medians of ${reps} interleaved rounds (wall ms)`);
		console.log(`${'contender'.padEnd(44)} ${'wall ms'.padStart(8)} ${'range'.padStart(11)} ${'x shell'.padStart(8)}`);
		console.log(`${'shell loop (sh -c true & x10, wait)'.padEnd(44)} ${median(shellMs).toFixed(0).padStart(8)} ${range(shellMs).padStart(11)} ${'1.00'.padStart(8)}`);
		console.log(`${'fanout run --headless'.padEnd(44)} ${median(fanoutMs).toFixed(0).padStart(8)} ${range(fanoutMs).padStart(11)} ${(median(fanoutMs) / median(shellMs)).toFixed(2).padStart(8)}`);
		console.log(`target: within 2x of the shell loop: ${ratio(median(fanoutMs), median(shellMs))}: ${median(fanoutMs) <= 2 * median(shellMs) ? 'met' : 'NOT met'}`);
		return {fanoutMs: median(fanoutMs), shellMs: median(shellMs)};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPhases();
