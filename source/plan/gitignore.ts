// The one gitignore engine: the `ignore` package (gitignore(5) as git reads it), shared by the
// planners' workspace listing and the watcher's ignore predicate. Rules of several files (the
// excludes file, info/exclude, the root and nested .gitignore files) become one rule list
// relative to a common top, so "the last matching rule wins" and "nothing below an ignored
// folder comes back" hold across files exactly as within one.

import ignore from 'ignore';

/** One ignore file: its text and the folder it applies from ('' at the top). */
export type GitignoreSource = {readonly text: string; readonly base: string};

/** The patterns of one ignore file, rewritten relative to the top; comments and blanks dropped. */
export function gitignorePatterns(source: GitignoreSource): string[] {
	const patterns: string[] = [];
	for (const raw of source.text.split(/\r?\n/)) {
		if (raw.trim() === '' || raw.startsWith('#')) continue;
		if (source.base === '') {
			patterns.push(raw);
			continue;
		}
		const negated = raw.startsWith('!');
		const body = negated ? raw.slice(1) : raw;
		// A slash anywhere but the end anchors the pattern to its file's folder.
		const anchored = body.trimEnd().replace(/\/+$/, '').includes('/');
		const rebased = anchored ? `${source.base}/${body.replace(/^\/+/, '')}` : `${source.base}/**/${body}`;
		patterns.push(`${negated ? '!' : ''}${rebased}`);
	}
	return patterns;
}

/**
 * Compiles ignore files, lowest precedence first (excludes file, info/exclude, then .gitignore
 * files shallow to deep), into a predicate on top-relative POSIX paths. `isDirectory` marks a
 * folder, which `dir/` rules need to match it.
 */
export function gitignoreMatcher(sources: readonly GitignoreSource[]): (path: string, isDirectory?: boolean) => boolean {
	const patterns = sources.flatMap(gitignorePatterns);
	if (patterns.length === 0) return () => false;
	const engine = ignore({allowRelativePaths: true}).add(patterns);
	return (path, isDirectory = false) => {
		const p = path.replace(/^\.\/+/, '').replace(/\/+$/, '');
		if (p === '' || p === '.' || p.startsWith('../') || p.startsWith('/')) return false;
		return engine.ignores(isDirectory ? `${p}/` : p);
	};
}

/**
 * Globs that prune a walk (fast-glob's `ignore`) for the folders a root ignore file excludes;
 * none when the file re-includes anything (`!x`), since a pruned folder could not come back.
 */
export function pruningGlobs(text: string): string[] {
	const patterns = gitignorePatterns({text, base: ''});
	if (patterns.some(p => p.startsWith('!'))) return [];
	return patterns.map(p => {
		const body = p.trimEnd().replace(/\/+$/, '');
		const anchored = body.includes('/');
		return `${anchored ? body.replace(/^\/+/, '') : `**/${body}`}/**`;
	});
}
