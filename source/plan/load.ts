// The plan loader: the one place that reads a plan file. YAML (or JSON, which YAML parses
// too) becomes a typed Plan with the line and column of every node, or findings; never a throw.
// Strict where the format is: the bytes must be UTF-8, and a `.json` plan must be strict JSON
// (what editors and other tools accept), before YAML reads it for positions.

import {readFileSync, statSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node} from 'yaml';
import {firstInvalidUtf8} from '../text/utf8.js';
import {makeFinding} from './findings.js';
import {partialPlan, type PartialPlan} from './partial.js';
import {checkPlanShape, type ShapeSource} from './schema.js';
import {schedulePhases} from './schedule.js';
import type {Finding, Plan, PlanSource, SourcePosition, Task} from './types.js';

/** A loaded plan, or the errors that stopped it. */
export type LoadResult =
	| {
			readonly ok: true;
			readonly plan: Plan;
			readonly source: PlanSource;
			/** Absolute workspace folder: CLI override, else the plan's `workspace:`, else the current directory. */
			readonly workspace: string;
			/** The plan was a flat `tasks:` list; its phases were computed by the scheduler. */
			readonly scheduled: boolean;
			/** For a flat plan: its tasks in file order (to schedule again, e.g. with files). */
			readonly flatTasks?: readonly Task[];
	  }
	| {readonly ok: false; readonly errors: readonly Finding[]; readonly source: PlanSource; readonly partial?: CheckablePart};

/**
 * The well-formed part of a plan with shape errors, phased and with its workspace resolved, for
 * `validate` to report dependency and ownership errors too (see partial.ts).
 */
export type CheckablePart = Omit<PartialPlan, 'flatTasks'> & {readonly workspace?: string};

/** Options of loadPlan. */
export type LoadOptions = {
	/** CLI `--workspace`: wins over the plan's own `workspace:` (resolved against `cwd`). */
	readonly workspace?: string;
	/** Folder relative paths are resolved against; defaults to process.cwd(). */
	readonly cwd?: string;
};

/** A parsed plan before workspace resolution (what parsePlanText returns). */
export type ParseResult =
	| {readonly ok: true; readonly plan: Plan; readonly source: PlanSource; readonly scheduled: boolean; readonly flatTasks?: readonly Task[]}
	| {readonly ok: false; readonly errors: readonly Finding[]; readonly source: PlanSource; readonly partial?: CheckablePart};

const maxPlanBytes = 2 * 1024 * 1024;
// Deeper than any real plan; stops runaway recursion on hostile input.
const maxDepth = 64;

function emptySource(file: string): PlanSource {
	return {file, positions: new Map()};
}

function errorAt(source: PlanSource, code: string, message: string, position?: SourcePosition): Finding {
	return makeFinding('error', source, {code, message, at: '', ...(position ? {position} : {})});
}

/** Line and column (1-based, in characters) of a character offset into `text`. */
function positionOf(text: string, offset: number): SourcePosition {
	const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
	const lineStart = before.lastIndexOf('\n') + 1;
	return {line: before.split('\n').length, column: [...before.slice(lineStart)].length + 1};
}

/**
 * The offset of the first character that makes `text` not strict JSON (RFC 8259), and why, or
 * undefined. A scanner of its own: Node 20's JSON.parse does not always say where it stopped.
 */
function scanJson(text: string): {readonly offset: number; readonly why: string} | undefined {
	let i = 0;
	const space = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
	};
	const fail = (why: string) => {
		throw Object.assign(new Error(why), {offset: i});
	};
	const literal = (word: string) => {
		if (text.startsWith(word, i)) i += word.length;
		else fail(`unexpected ${describeChar(text[i])}`);
	};
	const string = () => {
		i++;
		while (i < text.length && text[i] !== '"') {
			const c = text.charCodeAt(i);
			if (c < 0x20) fail('a control character (such as a line break) inside a string');
			if (text[i] === '\\') {
				const next = text[i + 1];
				if (next === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !(next !== undefined && '"\\/bfnrt'.includes(next))) fail('an invalid escape');
				i += next === 'u' ? 6 : 2;
			} else i++;
		}
		if (i >= text.length) fail('a string that is never closed');
		i++;
	};
	const number = () => {
		const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
		if (!match) fail(`unexpected ${describeChar(text[i])}`);
		i += match![0].length;
	};
	const value = (depth: number): void => {
		if (depth > maxDepth) fail('nesting too deep');
		space();
		const c = text[i];
		if (c === '{' || c === '[') {
			const close = c === '{' ? '}' : ']';
			i++;
			space();
			if (text[i] === close) {
				i++;
				return;
			}
			for (;;) {
				if (c === '{') {
					space();
					if (text[i] !== '"') fail(text[i] === '}' ? 'a trailing comma' : `a key must be a "double-quoted" string, not ${describeChar(text[i])}`);
					string();
					space();
					if (text[i] !== ':') fail(`expected ':' after the key, not ${describeChar(text[i])}`);
					i++;
				}
				space();
				if (text[i] === close) fail('a trailing comma');
				value(depth + 1);
				space();
				if (text[i] === ',') {
					i++;
					continue;
				}
				if (text[i] === close) {
					i++;
					return;
				}
				fail(`expected ',' or '${close}', not ${describeChar(text[i])}`);
			}
		}
		if (c === '"') string();
		else if (c === 't') literal('true');
		else if (c === 'f') literal('false');
		else if (c === 'n') literal('null');
		else number();
	};
	try {
		value(0);
		space();
		if (i < text.length) fail(`unexpected ${describeChar(text[i])} after the end of the plan`);
		return undefined;
	} catch (error) {
		return {offset: (error as {offset?: number}).offset ?? i, why: (error as Error).message};
	}
}

function describeChar(c: string | undefined): string {
	if (c === undefined) return 'the end of the file';
	if (c === "'") return "a single quote (JSON strings use double quotes)";
	if (c === '/' ) return 'a comment (JSON has none)';
	return `'${c}'`;
}

/** Where `text` stops being strict JSON, and why, or undefined when it is JSON. */
export function strictJsonError(text: string): {readonly message: string; readonly position: SourcePosition} | undefined {
	const problem = scanJson(text.replace(/^\uFEFF/, ''));
	if (!problem) return undefined;
	const offset = problem.offset + (text.startsWith('\uFEFF') ? 1 : 0);
	if (problem.why === 'a trailing comma') {
		// The scanner stops at the bracket; the comma before it is what to remove.
		const comma = text.slice(0, offset).lastIndexOf(',');
		return {message: 'A trailing comma is not JSON. Remove it (or rename the plan to .yaml, where it is allowed).', position: positionOf(text, comma >= 0 ? comma : offset)};
	}
	return {message: `This .json plan is not strict JSON: ${problem.why}. Fix it here, or rename it to .yaml.`, position: positionOf(text, offset)};
}

/** Walks the YAML tree and records where each value (and each key) sits. */
function collectPositions(root: Node | null, lineCounter: LineCounter): {values: Map<string, SourcePosition>; keys: Map<string, SourcePosition>; complexKey?: SourcePosition} {
	let complexKey: SourcePosition | undefined;
	const values = new Map<string, SourcePosition>();
	const keys = new Map<string, SourcePosition>();
	const at = (offset: number | undefined): SourcePosition | undefined => {
		if (offset === undefined) return undefined;
		const {line, col} = lineCounter.linePos(offset);
		return {line, column: col};
	};
	const visit = (node: unknown, path: string, depth: number) => {
		if (depth > maxDepth || node === null || typeof node !== 'object') return;
		const range = (node as {range?: [number, number, number]}).range;
		const position = at(range?.[0]);
		if (position && !values.has(path)) values.set(path, position);
		if (isAlias(node)) return;
		if (isMap(node)) {
			for (const pair of node.items) {
				if (!isPair(pair)) continue;
				const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
				if (key === undefined) {
					complexKey ??= at((pair.key as {range?: [number, number, number]} | null)?.range?.[0]) ?? {line: 1, column: 1};
					continue;
				}
				const child = path === '' ? key : `${path}.${key}`;
				const keyPosition = at((pair.key as {range?: [number, number, number]}).range?.[0]);
				if (keyPosition) keys.set(child, keyPosition);
				if (pair.value) visit(pair.value, child, depth + 1);
				else if (keyPosition) values.set(child, keyPosition);
			}
		} else if (isSeq(node)) {
			node.items.forEach((item, i) => visit(item, path === '' ? String(i) : `${path}.${i}`, depth + 1));
		}
	};
	visit(root, '', 0);
	return complexKey ? {values, keys, complexKey} : {values, keys};
}

function firstLine(message: string): string {
	const line = message.split('\n')[0] ?? message;
	return line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Source positions for a flat plan after scheduling: each task's `tasks.I.*` positions are
 * also filed under where the scheduler placed it (`phases.P.tasks.T.*`).
 */
export function scheduledSource(source: PlanSource, plan: Plan, flatTasks: readonly Task[]): PlanSource {
	const positions = new Map([...source.positions].filter(([key]) => !key.startsWith('phases.')));
	aliasFlatPositions(plan, flatTasks.map(t => t.id), positions);
	return {file: source.file, positions};
}

function aliasFlatPositions(plan: Plan, flatIds: readonly string[], positions: Map<string, SourcePosition>): void {
	const flatIndex = new Map(flatIds.map((id, i) => [id, i]));
	const entries = [...positions.entries()].filter(([key]) => key.startsWith('tasks.'));
	plan.phases.forEach((phase, p) => {
		phase.tasks.forEach((task, t) => {
			const from = `tasks.${flatIndex.get(task.id)}`;
			for (const [key, position] of entries) {
				if (key === from || key.startsWith(`${from}.`)) positions.set(`phases.${p}.tasks.${t}${key.slice(from.length)}`, position);
			}
		});
	});
}

/**
 * Parses plan text (YAML or JSON) into a typed plan with source positions. Pure: no disk.
 * A flat `tasks:` list is split into phases by the scheduler (by glob overlap only).
 */
export function parsePlanText(text: string, file: string): ParseResult {
	const empty = emptySource(file);
	try {
		if (text.includes('\u0000')) return {ok: false, errors: [errorAt(empty, 'syntax.binary', 'This is not a text file: a plan is YAML or JSON text.')], source: empty};
		if (/\.json$/i.test(file)) {
			const strict = strictJsonError(text);
			if (strict) return {ok: false, errors: [errorAt(empty, 'syntax.json', strict.message, strict.position)], source: empty};
		}
		const lineCounter = new LineCounter();
		const document = parseDocument(text, {lineCounter, prettyErrors: true, uniqueKeys: true, strict: true});
		const problems = [...document.errors];
		if (problems.length > 0) {
			const errors = problems.slice(0, 5).map(problem => {
				const position = problem.linePos?.[0];
				const what = /call stack/i.test(problem.message) ? 'The plan is nested too deeply to read' : firstLine(problem.message);
				return errorAt(empty, 'syntax.yaml', `${what}. Fix the YAML syntax here (check indentation, quotes and brackets).`, position ? {line: position.line, column: position.col} : undefined);
			});
			return {ok: false, errors, source: empty};
		}
		const {values, keys, complexKey} = collectPositions(document.contents as Node | null, lineCounter);
		if (complexKey) {
			// yaml would stringify such a key with a process warning; no plan field looks like that.
			return {ok: false, errors: [errorAt(empty, 'syntax.complex-key', 'A key here is a list or mapping: keys of a plan are plain words such as name or owns.', complexKey)], source: empty};
		}
		const source: ShapeSource = {file, positions: values, keyPositions: keys};
		const value: unknown = document.toJS({maxAliasCount: 100});
		const shape = checkPlanShape(value, source);
		const publicSource: PlanSource = {file, positions: values};
		if (!shape.plan || shape.errors.length > 0) {
			const part = checkablePart(value, file, values);
			return {ok: false, errors: shape.errors, source: publicSource, ...(part ? {partial: part} : {})};
		}
		if (!shape.flatTasks) return {ok: true, plan: shape.plan, source: publicSource, scheduled: false};
		const plan: Plan = {...shape.plan, phases: schedulePhases(shape.flatTasks)};
		aliasFlatPositions(plan, shape.flatTasks.map(t => t.id), values);
		return {ok: true, plan, source: publicSource, scheduled: true, flatTasks: shape.flatTasks};
	} catch (error) {
		// yaml or the walk gave up on hostile input (e.g. nesting deep enough to exhaust the stack).
		const reason = error instanceof RangeError ? 'it is nested too deeply' : error instanceof Error ? firstLine(error.message) : String(error);
		return {ok: false, errors: [errorAt(empty, 'syntax.unreadable', `The plan could not be read: ${reason}. Simplify the file.`)], source: empty};
	}
}

/** The checkable part of a plan with shape errors, a flat list scheduled as the loader does. */
function checkablePart(value: unknown, file: string, positions: ReadonlyMap<string, SourcePosition>): CheckablePart | undefined {
	const part = partialPlan(value, file, positions);
	if (!part?.flatTasks) return part;
	const {flatTasks, ...rest} = part;
	const plan: Plan = {...part.plan, phases: schedulePhases(flatTasks)};
	return {...rest, plan, source: scheduledSource(part.source, plan, flatTasks)};
}

/** Reads and parses a plan file and resolves its workspace. Never throws. */
export function loadPlan(file: string, options: LoadOptions = {}): LoadResult {
	const cwd = options.cwd ?? process.cwd();
	const path = resolve(cwd, file);
	const empty = emptySource(file);
	let text: string;
	try {
		const stat = statSync(path);
		if (!stat.isFile()) return {ok: false, errors: [errorAt(empty, 'file.not-a-file', `${file} is not a file: give the path of a plan (.yaml, .yml or .json).`)], source: empty};
		if (stat.size > maxPlanBytes) return {ok: false, errors: [errorAt(empty, 'file.too-large', `${file} is ${Math.round(stat.size / 1024)} KB; a plan is at most 2 MB. Is this the right file?`)], source: empty};
		const bytes = readFileSync(path);
		const bad = firstInvalidUtf8(bytes);
		if (bad >= 0 && !bytes.includes(0)) {
			const position = positionOf(bytes.subarray(0, bad).toString('utf8'), bad);
			const hex = bytes[bad]!.toString(16).padStart(2, '0');
			return {ok: false, errors: [errorAt(empty, 'syntax.encoding', `Invalid UTF-8 here (byte 0x${hex}): a plan is UTF-8 text, and these bytes would silently become U+FFFD. Save the file as UTF-8.`, position)], source: empty};
		}
		text = bytes.toString('utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
		return {ok: false, errors: [errorAt(empty, 'file.unreadable', `Cannot read ${file}: ${reason}.`)], source: empty};
	}
	const parsed = parsePlanText(text, file);
	if (!parsed.ok) {
		if (!parsed.partial) return parsed;
		const workspace = options.workspace !== undefined ? resolve(cwd, options.workspace) : parsed.partial.plan.workspace !== undefined ? resolve(dirname(path), parsed.partial.plan.workspace) : cwd;
		return {...parsed, partial: {...parsed.partial, workspace}};
	}
	const workspace =
		options.workspace !== undefined
			? resolve(cwd, options.workspace)
			: parsed.plan.workspace !== undefined
				? resolve(dirname(path), parsed.plan.workspace)
				: cwd;
	return {ok: true, plan: parsed.plan, source: parsed.source, workspace, scheduled: parsed.scheduled, ...(parsed.flatTasks ? {flatTasks: parsed.flatTasks} : {})};
}
