// Where fanout's own files are (package.json, plans/ with its sample app): found by walking up from this
// module, so it holds for the compiled tree (dist/), the bundle (dist/bin/) and the sources alike.

import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

let cached: string | undefined;

/** The folder holding fanout's package.json. */
export function packageRoot(): string {
	if (cached) return cached;
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as {name?: string}).name === 'fanout') return (cached = dir);
		const parent = dirname(dir);
		if (parent === dir) throw new Error('cannot find fanout\'s package.json above ' + fileURLToPath(import.meta.url));
		dir = parent;
	}
}

/** fanout's version, from its package.json. */
export function packageVersion(): string {
	return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version: string}).version;
}
