// Figure 2 of the engine issue: 20 phases of 10 tasks that do nothing, fanout headless vs a
// shell doing the same with `&` and `wait` per phase. Target: within 2x of the shell.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {cli, ms, ratio, timeCommand} from './common.js';

export async function benchPhases(): Promise<{fanoutMs: number; shellMs: number}> {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-phases-'));
	try {
		const phases = Array.from({length: 20}, (_, p) => ({
			name: `p${p}`,
			tasks: Array.from({length: 10}, (_, t) => ({id: `t${p}-${t}`, owns: [`out/${p}/${t}/**`], run: 'true'})),
		}));
		writeFileSync(join(dir, 'plan.json'), JSON.stringify({name: 'phases', phases}));
		const shell = Array.from({length: 20}, () => `${'/bin/sh -c true & '.repeat(10)}wait`).join('\n');
		writeFileSync(join(dir, 'phases.sh'), shell);
		const shellRun = await timeCommand('/bin/sh', [join(dir, 'phases.sh')], {cwd: dir});
		const fanout = await timeCommand(process.execPath, [cli, 'run', 'plan.json', '--headless', '--yes'], {cwd: dir, env: {NO_COLOR: '1'}});
		if (fanout.code !== 0) throw new Error(`fanout failed (${fanout.code}): ${fanout.stderr}`);
		console.log(`20 phases x 10 \`true\`: fanout ${ms(fanout.wallMs)}, shell ${ms(shellRun.wallMs)}: ${ratio(fanout.wallMs, shellRun.wallMs)} of the shell (target <= 2x)`);
		return {fanoutMs: fanout.wallMs, shellMs: shellRun.wallMs};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPhases();
