// `fanout demo` (what `npm start` runs): copies the bundled sample repository to a temporary
// folder and runs plans/demo.yaml there, so a newcomer sees fanout work with no agent installed.

import {cpSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {packageRoot} from '../package-root.js';
import type {Command} from './io.js';
import {runCommand} from './run.js';


/** `fanout demo [run flags]` */
export const demoCommand: Command = async (argv, io) => {
	if (argv.includes('--help') || argv.includes('-h')) {
		io.stdout('Usage: fanout demo [options of `fanout run`]\n\nCopies plans/sample-app to a temporary folder and runs plans/demo.yaml there.\n');
		return 0;
	}
	const workspace = mkdtempSync(join(tmpdir(), 'fanout-demo-'));
	cpSync(join(packageRoot(), 'plans', 'sample-app'), workspace, {recursive: true});
	io.stderr(`fanout demo: a copy of the sample repository is in ${workspace}\n`);
	const plan = join(packageRoot(), 'plans', 'demo.yaml');
	// Without a terminal there is nobody to press `a`: approve every phase.
	// and the demo's conflict is settled the way the demo suggests: defer.
	const headlessExtras = io.isTTY || argv.includes('--yes') || argv.includes('-y') ? [] : ['--yes'];
	if (!io.isTTY && !argv.includes('--on-conflict')) headlessExtras.push('--on-conflict', 'defer');
	return runCommand([plan, '--workspace', workspace, ...headlessExtras, ...argv], io);
};
