// The plan shape check's toolkit: a context that collects findings with file positions, and
// small checks (text, lists, globs, env maps, unknown keys with "did you mean") the field
// checks are made of.

import {makeFinding} from './findings.js';
import {didYouMean, phaseFields, planFields, taskFields} from './fields.js';
import type {Finding, PlanSource, SourcePosition} from './types.js';

/** Where the loader found things: value positions plus the positions of keys. */
export type ShapeSource = PlanSource & {readonly keyPositions: ReadonlyMap<string, SourcePosition>};


/** What a check step carries: where things are in the file, and the findings so far. */
export type Ctx = {readonly source: ShapeSource; readonly errors: Finding[]};

export function describe(value: unknown): string {
	if (value === null || value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'a mapping';
	if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
	return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

/** A value as written: quoted text, or a description of anything else. */
export function shown(value: unknown): string {
	// A 2,000-character id would bury the message: show its start and its length.
	if (typeof value === 'string' && value.length > 48) return `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`;
	return typeof value === 'string' ? JSON.stringify(value) : describe(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(ctx: Ctx, at: string, code: string, message: string, tasks: readonly string[] = [], onKey = false): void {
	const position = onKey ? ctx.source.keyPositions.get(at) : undefined;
	ctx.errors.push(makeFinding('error', ctx.source, {code, message, at, tasks, ...(position ? {position} : {})}));
}

export function checkKeys(ctx: Ctx, value: Record<string, unknown>, at: string, known: readonly string[], where: string, tasks: readonly string[] = []): void {
	for (const key of Object.keys(value)) {
		if (known.includes(key)) continue;
		const path = at === '' ? key : `${at}.${key}`;
		const guess = didYouMean(key, known.filter(k => !(k in value)));
		const elsewhere = guess ? undefined : misplaced(key, known);
		const hint = guess ? `Did you mean "${guess}"?` : elsewhere ? elsewhere : `Known fields: ${known.filter(k => k !== '$schema').join(', ')}.`;
		fail(ctx, path, 'shape.unknown-field', `Unknown field "${key}" in ${where}. ${hint}`, tasks, true);
	}
}

/** "owns is a task field" when a key (or a near miss of one) belongs to another level. */
function misplaced(key: string, known: readonly string[]): string | undefined {
	const levels: [string, readonly string[]][] = [
		['a task', taskFields],
		['a phase', phaseFields],
		['the plan (top level)', planFields],
	];
	for (const [where, fields] of levels) {
		if (fields === known) continue;
		const match = didYouMean(key, fields);
		if (match) return `"${match}" is a field of ${where}: move it there${match === key ? '' : ` (and spell it ${match})`}.`;
	}
	return undefined;
}

export function optionalString(ctx: Ctx, value: unknown, at: string, what: string, tasks: readonly string[] = []): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'string' && value.trim() !== '') return value;
	fail(ctx, at, 'shape.wrong-type', `${what} must be non-empty text, not ${describe(value)}.`, tasks);
	return undefined;
}

export function stringList(ctx: Ctx, value: unknown, at: string, what: string, tasks: readonly string[] = []): string[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) {
		const example = typeof value === 'string' ? ` Write it as a list: ${at.split('.').at(-1)}: [${value}]` : '';
		fail(ctx, at, 'shape.wrong-type', `${what} must be a list of text, not ${describe(value)}.${example}`, tasks);
		return [];
	}
	const items: string[] = [];
	value.forEach((item, i) => {
		if (typeof item === 'string' && item.trim() !== '') items.push(item.trim());
		else fail(ctx, `${at}.${i}`, 'shape.wrong-type', `Each entry of ${what} must be non-empty text, not ${describe(item)}.`, tasks);
	});
	return items;
}

export function globList(ctx: Ctx, value: unknown, at: string, what: string, tasks: readonly string[]): string[] {
	// Globs are matched against POSIX paths without a leading `./`.
	return stringList(ctx, value, at, what, tasks).map(glob => {
		let g = glob;
		while (g.startsWith('./')) g = g.slice(2);
		return g;
	});
}

export function envMap(ctx: Ctx, value: unknown, at: string, tasks: readonly string[]): Record<string, string> {
	if (value === undefined || value === null) return {};
	if (!isRecord(value)) {
		fail(ctx, at, 'shape.wrong-type', `env must be a mapping of names to text, e.g. env: {LOG_LEVEL: debug}, not ${describe(value)}.`, tasks);
		return {};
	}
	const env: Record<string, string> = {};
	for (const [name, v] of Object.entries(value)) {
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
			fail(ctx, `${at}.${name}`, 'shape.bad-env', `"${name}" is not a valid environment variable name: use letters, digits and '_'.`, tasks, true);
		} else if (typeof v === 'string') env[name] = v;
		else if (typeof v === 'number' || typeof v === 'boolean') env[name] = String(v);
		else fail(ctx, `${at}.${name}`, 'shape.wrong-type', `env value of ${name} must be text, not ${describe(v)}.`, tasks);
	}
	return env;
}
