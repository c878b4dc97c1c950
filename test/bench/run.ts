// `npm run bench`: every figure the issues ask for, in one run on this machine. Not part of
// `npm test`: figures are measured here, never asserted as timed tests. Build first (npm run build).
// `npm run bench -- throughput phases` (or BENCH_ONLY=throughput,phases) runs a subset.

import {existsSync} from 'node:fs';
import {benchDetect} from './detect.js';
import {benchKeys} from './keys.js';
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
	phases: () => benchPhases(),
	tui: benchTui,
	keys: benchKeys,
	detect: benchDetect,
	watcher: () => benchWatcher({log: line => console.log(line)}),
	worktree: async () => (await import('./worktree.js')).benchWorktree(),
};

if (!existsSync(cli)) {
	console.error('bench: build first (npm run build): dist/cli.js is missing');
	process.exit(2);
}
const named = process.argv.slice(2).filter(arg => !arg.startsWith('-'));
const unknown = named.filter(name => !(name in benches));
if (unknown.length > 0) {
	console.error(`bench: no benchmark named ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
	process.exit(2);
}
const only = named.length > 0 ? named : process.env['BENCH_ONLY']?.split(',');
for (const [name, bench] of Object.entries(benches)) {
	if (only && !only.includes(name)) continue;
	console.log(`\n## ${name}`);
	await bench();
}
