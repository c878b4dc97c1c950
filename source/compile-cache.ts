// Node's on-disk compile cache for fanout's own modules (Node >= 22.1: `module.enableCompileCache`),
// kept under the user's cache folder. Most of a first frame is compiling JavaScript (Ink, React,
// yoga, the run chunk); with the cache a second start skips that. On Node 20 the function does not
// exist and this does nothing. NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node's own switch).

import nodeModule from 'node:module';
import {homedir} from 'node:os';
import {join} from 'node:path';

/** Where caches go on this system: XDG_CACHE_HOME, ~/Library/Caches, %LOCALAPPDATA%, or ~/.cache. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
	if (env['XDG_CACHE_HOME']) return env['XDG_CACHE_HOME'];
	if (platform === 'darwin') return join(home, 'Library', 'Caches');
	if (platform === 'win32' && env['LOCALAPPDATA']) return env['LOCALAPPDATA'];
	return join(home, '.cache');
}

type WithCompileCache = {enableCompileCache?: (directory?: string) => unknown};

/** Turns the compile cache on when this Node has one; never throws (a cache is only a speed-up). */
export function enableCompileCache(): void {
	const enable = (nodeModule as WithCompileCache).enableCompileCache;
	if (typeof enable !== 'function') return;
	try {
		enable(join(userCacheDir(), 'fanout', 'compile-cache'));
	} catch {
		// A read-only home or a full disk: start without the cache.
	}
}
