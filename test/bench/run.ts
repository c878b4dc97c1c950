// `npm run bench`: every figure the issues ask for, in one run on this machine. Not part of
// `npm test`: figures are measured here, never asserted as timed tests. Build first (npm run build).
// BENCH_ONLY=throughput,tui,... runs a subset.

import {existsSync} from 'node:fs';
import {benchDetect} from './detect.js';
import {benchPhases} from './phases.js';
import {benchStartup} from './startup.js';
import {benchThroughput} from './throughput.js';
import {benchTui} from './tui.js';
import {printBenchValidate} from './validate.js';
import {benchWatcher} from './watcher.js';
import {cli} from './common.js';

const benches: Record<string, () => Promise<unknown>> = {
	startup: benchStartup,
	validate: printBenchValidate,
	throughput: () => benchThroughput(),
	phases: benchPhases,
	tui: benchTui,
	detect: benchDetect,
	watcher: () => benchWatcher({log: line => console.log(line)}),
	worktree: async () => (await import('./worktree.js')).benchWorktree(),
};

if (!existsSync(cli)) {
	console.error('bench: build first (npm run build): dist/cli.js is missing');
	process.exit(2);
}
const only = process.env['BENCH_ONLY']?.split(',');
for (const [name, bench] of Object.entries(benches)) {
	if (only && !only.includes(name)) continue;
	console.log(`\n## ${name}`);
	await bench();
}
