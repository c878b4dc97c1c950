// How an agent's hook starts `fanout guard`: this very CLI, by absolute path.

import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

/** The command line of `fanout guard` for the CLI that is running now. */
export function guardCommand(): string[] {
	// The CLI that is running now (the bundle, or the compiled tree), else the sources through tsx.
	const running = process.argv[1];
	if (running && running.endsWith('.js') && existsSync(running)) return [process.execPath, running, 'guard'];
	const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
	return existsSync(cli) ? [process.execPath, cli, 'guard'] : [process.execPath, '--import', 'tsx', fileURLToPath(new URL('../cli.tsx', import.meta.url)), 'guard'];
}
