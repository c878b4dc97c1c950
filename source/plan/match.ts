// Matching many globs against many files fast: globs are bucketed by their static base, so
// each file is tested only against the globs whose base is one of its folders.
// Same answers as ownership.ts's compileGlobs (picomatch, dot files, POSIX paths).

import picomatch from 'picomatch';
import {globOptions, normalizePath} from './ownership.js';

/** Answers "which of these globs match this path?" with a few map lookups per path. */
export type GlobIndex = {
	/** Indices (into the globs given) of every glob matching the path, ascending. */
	matching(path: string): readonly number[];
};

const none: readonly number[] = Object.freeze([]);

/** Builds an index over a list of globs (duplicates allowed; each keeps its own index). */
export function createGlobIndex(globs: readonly string[]): GlobIndex {
	// Exact paths, `base/**` prefixes (no regex needed), and the rest compiled per base.
	const exact = new Map<string, number[]>();
	const under = new Map<string, number[]>();
	const general = new Map<string, {readonly index: number; readonly test: (path: string) => boolean}[]>();
	const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
		const list = map.get(key);
		if (list) list.push(value);
		else map.set(key, [value]);
	};
	globs.forEach((glob, index) => {
		const scan = picomatch.scan(glob);
		if (scan.negated) return; // a negated owns glob is refused by validation; it owns nothing here
		if (!scan.isGlob && !glob.includes('\\')) push(exact, glob, index);
		else if (scan.glob === '**' && !scan.base.includes('\\') && scan.prefix === '') push(under, scan.base, index);
		else {
			// makeRe + test skips picomatch's per-call normalization: several times faster per path.
			const regex = picomatch.makeRe(glob, globOptions);
			// An escaped base (`x\\*y`) is not a folder name as written: test it against every path.
			const folder = scan.prefix === '' && !scan.base.includes('\\') ? scan.base : '';
			push(general, folder, {index, test: (path: string) => regex.test(path)});
		}
	});
	const hasUnder = under.size > 0;
	const hasGeneral = general.size > 0;
	type Folder = {readonly name: string; readonly under: readonly number[]; readonly general: readonly {readonly index: number; readonly test: (path: string) => boolean}[]};
	// Everything but exact paths depends only on a file's folder, and scans list a folder's
	// files together: work the folder out once and reuse it for its next files.
	let last: Folder = {name: '\u0000', under: [], general: []};
	const folderOf = (name: string): Folder => {
		if (name === last.name) return last;
		const underHits: number[] = [];
		const generalHits: Folder['general'][number][] = [];
		// Walk the folder and its parents from the root: '', 'a', 'a/b', ...
		const folders = [''];
		if (name !== '') {
			for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) folders.push(name.slice(0, slash));
			folders.push(name);
		}
		for (const folder of folders) {
			const u = hasUnder ? under.get(folder) : undefined;
			if (u) underHits.push(...u);
			const g = hasGeneral ? general.get(folder) : undefined;
			if (g) generalHits.push(...g);
		}
		last = {name, under: underHits, general: generalHits};
		return last;
	};
	return {
		matching(raw) {
			// fast-glob's paths are already normalized: skip the copy for them.
			const path = raw.includes('\\') || raw.startsWith('./') ? normalizePath(raw) : raw;
			// Most paths have no hit or one: allocate only when there is something to return.
			let found: number[] | undefined;
			const exactHits = exact.get(path);
			if (exactHits) found = [...exactHits];
			// picomatch lets `src/**` match `src` itself.
			const selfHits = hasUnder ? under.get(path) : undefined;
			if (selfHits) (found ??= []).push(...selfHits);
			if (hasUnder || hasGeneral) {
				const cut = path.lastIndexOf('/');
				const folder = folderOf(cut === -1 ? '' : path.slice(0, cut));
				if (folder.under.length > 0) (found ??= []).push(...folder.under);
				for (const g of folder.general) if (g.test(path)) (found ??= []).push(g.index);
			}
			if (!found) return none;
			return found.length > 1 ? found.sort((x, y) => x - y) : found;
		},
	};
}
