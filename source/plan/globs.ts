// Glob analysis without a file tree: static bases, brace expansion, paths that escape the
// workspace, and whether two globs could ever match the same (possibly not yet existing) file.

import picomatch from 'picomatch';
import {globOptions} from './ownership.js';

/** Does the glob point outside the workspace (absolute, drive letter, home, or a `..` segment)? */
export function escapesWorkspace(glob: string): boolean {
	if (glob.startsWith('/') || glob.startsWith('\\') || glob.startsWith('~')) return true;
	if (/^[A-Za-z]:[\\/]/.test(glob)) return true;
	return glob.split(/[\\/]/).includes('..');
}

// Validation compares every pair of globs of a phase: cache the per-glob work.
const cache = new Map<string, {readonly base: string; readonly match: (path: string) => boolean}>();

function analysed(glob: string): {readonly base: string; readonly match: (path: string) => boolean} {
	let entry = cache.get(glob);
	if (!entry) {
		if (cache.size > 20_000) cache.clear();
		entry = {base: picomatch.scan(glob).base, match: picomatch(glob, globOptions)};
		cache.set(glob, entry);
	}
	return entry;
}

/** The leading segments of a glob that hold no wildcard (`src/api` for `src/api/*.js`). */
export function staticBase(glob: string): string {
	return analysed(glob).base;
}

/**
 * Expands `{a,b}` alternatives (nested too). Returns undefined past `limit` results or on
 * unbalanced braces, so callers fall back to a coarser check instead of exploding.
 */
export function expandBraces(glob: string, limit = 64): string[] | undefined {
	const open = findBraceOpen(glob);
	if (open === -1) return [glob];
	const close = matchingBrace(glob, open);
	if (close === -1) return undefined;
	const body = glob.slice(open + 1, close);
	const options = splitTopLevel(body);
	const prefix = glob.slice(0, open);
	const suffix = glob.slice(close + 1);
	// Ranges (`{1..3}`) and one-option braces are left to the fallback rather than guessed at.
	if (options.length < 2) return undefined;
	const results: string[] = [];
	for (const option of options) {
		const expanded = expandBraces(prefix + option + suffix, limit);
		if (!expanded) return undefined;
		results.push(...expanded);
		if (results.length > limit) return undefined;
	}
	return results;
}

function findBraceOpen(glob: string): number {
	for (let i = 0; i < glob.length; i++) {
		if (glob[i] === '\\') i++;
		else if (glob[i] === '{') return i;
	}
	return -1;
}

function matchingBrace(glob: string, open: number): number {
	let depth = 0;
	for (let i = open; i < glob.length; i++) {
		const c = glob[i];
		if (c === '\\') i++;
		else if (c === '{') depth++;
		else if (c === '}' && --depth === 0) return i;
	}
	return -1;
}

function splitTopLevel(body: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let start = 0;
	for (let i = 0; i < body.length; i++) {
		const c = body[i];
		if (c === '\\') i++;
		else if (c === '{') depth++;
		else if (c === '}') depth--;
		else if (c === ',' && depth === 0) {
			parts.push(body.slice(start, i));
			start = i + 1;
		}
	}
	parts.push(body.slice(start));
	return parts;
}

// One character position inside a path segment.
type CharToken =
	| {readonly kind: 'lit'; readonly char: string}
	| {readonly kind: 'any'}
	| {readonly kind: 'star'}
	| {readonly kind: 'class'; readonly negated: boolean; readonly ranges: readonly (readonly [string, string])[]};

type Segment = 'globstar' | readonly CharToken[];

/** Parses a brace-free glob into segments, or undefined for syntax this checker does not model. */
function parseSegments(glob: string): Segment[] | undefined {
	if (glob.startsWith('!') || /[@!+*?]\(/.test(glob) || /[()|]/.test(glob) || glob.includes('[[:')) return undefined;
	const segments: Segment[] = [];
	for (const raw of glob.split('/')) {
		if (raw === '') continue;
		if (raw === '**') {
			if (segments.at(-1) !== 'globstar') segments.push('globstar');
			continue;
		}
		const tokens = parseSegment(raw);
		if (!tokens) return undefined;
		segments.push(tokens);
	}
	return segments;
}

function parseSegment(raw: string): CharToken[] | undefined {
	const tokens: CharToken[] = [];
	for (let i = 0; i < raw.length; i++) {
		const c = raw[i]!;
		if (c === '\\') {
			const next = raw[i + 1];
			if (next === undefined) return undefined;
			tokens.push({kind: 'lit', char: next});
			i++;
		} else if (c === '*') {
			if (tokens.at(-1)?.kind !== 'star') tokens.push({kind: 'star'});
		} else if (c === '?') {
			tokens.push({kind: 'any'});
		} else if (c === '[') {
			const close = raw.indexOf(']', i + 2);
			if (close === -1) return undefined;
			let body = raw.slice(i + 1, close);
			const negated = body.startsWith('!') || body.startsWith('^');
			if (negated) body = body.slice(1);
			const ranges: [string, string][] = [];
			for (let k = 0; k < body.length; k++) {
				const from = body[k]!;
				if (body[k + 1] === '-' && k + 2 < body.length) {
					ranges.push([from, body[k + 2]!]);
					k += 2;
				} else ranges.push([from, from]);
			}
			tokens.push({kind: 'class', negated, ranges});
			i = close;
		} else {
			tokens.push({kind: 'lit', char: c});
		}
	}
	return tokens;
}

const alphabet = 'xa0_-.bcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWXYZ123456789';

function accepts(token: CharToken, char: string): boolean {
	switch (token.kind) {
		case 'lit':
			return token.char === char;
		case 'any':
		case 'star':
			return char !== '/';
		case 'class': {
			const inside = token.ranges.some(([from, to]) => char >= from && char <= to);
			return char !== '/' && inside !== token.negated;
		}
	}
}

function candidates(token: CharToken): string {
	if (token.kind === 'lit') return token.char;
	if (token.kind === 'class' && !token.negated) return token.ranges.map(([from]) => from).join('');
	return '';
}

/** A character both tokens accept, or undefined. */
function commonChar(a: CharToken, b: CharToken): string | undefined {
	for (const char of candidates(a) + candidates(b) + alphabet) if (accepts(a, char) && accepts(b, char)) return char;
	return undefined;
}

const anySegment: readonly CharToken[] = [{kind: 'star'}];

/** Shortest non-empty segment text matched by both token lists (product automaton, BFS). */
function segmentWitness(p: readonly CharToken[], q: readonly CharToken[]): string | undefined {
	const key = (i: number, j: number, nonEmpty: boolean) => (i * (q.length + 1) + j) * 2 + (nonEmpty ? 1 : 0);
	const parent = new Map<number, {readonly from: number; readonly char: string}>();
	const start = key(0, 0, false);
	parent.set(start, {from: -1, char: ''});
	const queue: [number, number, boolean][] = [[0, 0, false]];
	const visit = (from: number, i: number, j: number, nonEmpty: boolean, char: string) => {
		const k = key(i, j, nonEmpty);
		if (parent.has(k)) return;
		parent.set(k, {from, char});
		queue.push([i, j, nonEmpty]);
	};
	for (let head = 0; head < queue.length; head++) {
		const [i, j, nonEmpty] = queue[head]!;
		const here = key(i, j, nonEmpty);
		if (i === p.length && j === q.length && nonEmpty) {
			let text = '';
			for (let k = here; k !== start; ) {
				const step = parent.get(k)!;
				text = step.char + text;
				k = step.from;
			}
			return text;
		}
		const tp = p[i];
		const tq = q[j];
		// A star may also match nothing: step past it without reading a character.
		if (tp?.kind === 'star') visit(here, i + 1, j, nonEmpty, '');
		if (tq?.kind === 'star') visit(here, i, j + 1, nonEmpty, '');
		if (tp && tq) {
			const char = commonChar(tp, tq);
			if (char !== undefined) visit(here, tp.kind === 'star' ? i : i + 1, tq.kind === 'star' ? j : j + 1, true, char);
		}
	}
	return undefined;
}

/** Shortest path matched by both segment lists, or undefined when none exists. */
function pathWitness(a: readonly Segment[], b: readonly Segment[]): string | undefined {
	const width = b.length + 1;
	const parent = new Map<number, {readonly from: number; readonly segment: string}>();
	parent.set(0, {from: -1, segment: ''});
	const queue: [number, number][] = [[0, 0]];
	const visit = (from: number, i: number, j: number, segment: string) => {
		const k = i * width + j;
		if (parent.has(k)) return;
		parent.set(k, {from, segment});
		queue.push([i, j]);
	};
	for (let head = 0; head < queue.length; head++) {
		const [i, j] = queue[head]!;
		const here = i * width + j;
		if (i === a.length && j === b.length) {
			const segments: string[] = [];
			for (let k = here; k !== 0; ) {
				const step = parent.get(k)!;
				if (step.segment) segments.unshift(step.segment);
				k = step.from;
			}
			return segments.length > 0 ? segments.join('/') : 'x';
		}
		const sa = a[i];
		const sb = b[j];
		// A trailing `**` is modelled as one or more segments: picomatch is inconsistent about
		// it matching the folder itself, and a file cannot share its path with a folder anyway.
		if (sa === 'globstar' && sb === 'globstar') visit(here, i + 1, j + 1, 'x');
		if (sa === 'globstar') {
			if (i < a.length - 1) visit(here, i + 1, j, '');
			if (sb && sb !== 'globstar') {
				const w = segmentWitness(sb, anySegment);
				if (w !== undefined) {
					visit(here, i + 1, j + 1, w);
					visit(here, i, j + 1, w);
				}
			}
		}
		if (sb === 'globstar') {
			if (j < b.length - 1) visit(here, i, j + 1, '');
			if (sa && sa !== 'globstar') {
				const w = segmentWitness(sa, anySegment);
				if (w !== undefined) {
					visit(here, i + 1, j + 1, w);
					visit(here, i + 1, j, w);
				}
			}
		}
		if (sa && sb && sa !== 'globstar' && sb !== 'globstar') {
			const w = segmentWitness(sa, sb);
			if (w !== undefined) visit(here, i + 1, j + 1, w);
		}
	}
	return undefined;
}

function firstSegment(glob: string): string {
	const base = staticBase(glob);
	const slash = base.indexOf('/');
	return slash === -1 ? base : base.slice(0, slash);
}

/**
 * Pairs (one from each list) whose static bases do not rule out a common path: bucketed by
 * the first literal segment, so 200 tasks in separate folders cost 200 lookups, not 40,000.
 * With `same` (both lists are one list), each unordered pair comes once and never (x, x).
 */
export function pairsThatMayMeet<T>(left: readonly T[], right: readonly T[], glob: (item: T) => string, same = false): [T, T][] {
	const buckets = new Map<string, number[]>();
	right.forEach((item, j) => {
		const key = firstSegment(glob(item));
		const list = buckets.get(key);
		if (list) list.push(j);
		else buckets.set(key, [j]);
	});
	const everything = right.map((_, j) => j);
	const pairs: [T, T][] = [];
	left.forEach((item, i) => {
		const key = firstSegment(glob(item));
		const candidates = key === '' ? everything : [...(buckets.get(key) ?? []), ...(buckets.get('') ?? [])];
		for (const j of candidates) if (!same || j > i) pairs.push([item, right[j]!]);
	});
	return pairs;
}

/** Do the literal leading segments of two globs rule out any common path? */
function basesDisjoint(a: string, b: string): boolean {
	const sa = staticBase(a).split('/').filter(Boolean);
	const sb = staticBase(b).split('/').filter(Boolean);
	const n = Math.min(sa.length, sb.length);
	for (let i = 0; i < n; i++) if (sa[i] !== sb[i]) return true;
	return false;
}

/** Concrete paths built from a glob by filling its wildcards in a few simple ways. */
function examplePaths(glob: string): string[] {
	const fills = [
		['', 'x'],
		['x/', 'x'],
		['x/y/', 'index'],
	] as const;
	return fills.map(([deep, word]) =>
		glob
			.replaceAll('**/', deep)
			.replaceAll('/**', deep ? `/${deep.slice(0, -1)}` : '/x')
			.replaceAll('**', word)
			.replaceAll('*', word)
			.replaceAll('?', 'x')
			.replace(/\[!?\^?([^\]])[^\]]*\]/g, '$1'),
	);
}

/** The shortest witness lets stars match nothing (`src/.ts`); prefer `src/x.ts` when both globs agree. */
function readable(path: string, confirmed: (path: string) => string | undefined): string {
	const segments = path.split('/');
	for (let i = 0; i < segments.length; i++) {
		if (!segments[i]!.startsWith('.')) continue;
		const tried = [...segments];
		tried[i] = `x${segments[i]}`;
		if (confirmed(tried.join('/'))) segments[i] = tried[i]!;
	}
	return segments.join('/');
}

/**
 * An example path that both globs match, or undefined when they cannot share a file.
 * Exact for plain globs (`*`, `?`, `**`, classes, braces): it searches the product of the two
 * patterns; extglobs and other rare syntax fall back to testing example paths. Every example
 * is confirmed with the same picomatch options the runtime ownership check uses.
 */
export function commonPathExample(a: string, b: string): string | undefined {
	if (basesDisjoint(a, b)) return undefined;
	const matchA = analysed(a).match;
	const matchB = analysed(b).match;
	const confirmed = (path: string | undefined) => (path !== undefined && matchA(path) && matchB(path) ? path : undefined);
	const listA = expandBraces(a);
	const listB = expandBraces(b);
	let exact = listA !== undefined && listB !== undefined;
	for (const ea of listA ?? [a]) {
		for (const eb of listB ?? [b]) {
			if (basesDisjoint(ea, eb)) continue;
			const segA = parseSegments(ea);
			const segB = parseSegments(eb);
			if (!segA || !segB) {
				exact = false;
				continue;
			}
			const witness = pathWitness(segA, segB);
			if (confirmed(witness)) return readable(witness!, confirmed);
			// The model and picomatch disagree: do not trust "no overlap" for this pair.
			if (witness !== undefined) exact = false;
		}
	}
	if (exact) return undefined;
	for (const path of [...examplePaths(a), ...examplePaths(b)]) if (confirmed(path)) return path;
	return undefined;
}
