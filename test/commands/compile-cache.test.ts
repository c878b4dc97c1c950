// The compile cache's folder follows the platform's cache convention, and turning the cache on
// is safe on every Node (a no-op on Node 20, which has no enableCompileCache).

import {test} from 'node:test';
import assert from 'node:assert/strict';
import nodeModule from 'node:module';
import {enableCompileCache, userCacheDir} from '../../source/compile-cache.js';

test('the cache lives under XDG_CACHE_HOME, ~/Library/Caches, %LOCALAPPDATA% or ~/.cache', () => {
	assert.equal(userCacheDir({XDG_CACHE_HOME: '/x/cache'}, 'linux', '/home/u'), '/x/cache');
	assert.equal(userCacheDir({}, 'linux', '/home/u'), '/home/u/.cache');
	assert.equal(userCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches');
	assert.equal(userCacheDir({LOCALAPPDATA: 'C:\\\\Users\\\\u\\\\AppData\\\\Local'}, 'win32', 'C:\\\\Users\\\\u'), 'C:\\\\Users\\\\u\\\\AppData\\\\Local');
});

test('enabling the cache never throws, with or without Node support', () => {
	assert.doesNotThrow(() => enableCompileCache());
	const has = typeof (nodeModule as {enableCompileCache?: unknown}).enableCompileCache === 'function';
	assert.equal(has, Number(process.versions.node.split('.')[0]) >= 23 || (process.versions.node.startsWith('22.') && Number(process.versions.node.split('.')[1]) >= 1));
});
