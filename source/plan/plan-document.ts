// Write-back as an edit of the user's own plan file: the changes a run's revisions made (a task
// moved to a new phase, a glob added to owns, a task dropped) are applied to the parsed YAML
// document, so comments, key order, quoting and everything the revision did not touch stay as
// written. A `.json` plan goes through the same edit and comes out as JSON, indented as before.
// Pure: text in, text out.

import {isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq} from 'yaml';
import {parsePlanText} from './load.js';
import type {Plan, Task} from './types.js';
import {formatDuration} from './yaml.js';

/** The edited file's text, or why the edit cannot be made. */
export type DocumentEdit = {readonly ok: true; readonly text: string; readonly changed: boolean} | {readonly ok: false; readonly reason: string};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Task fields a revision may change, as the file spells them, with the value the file holds. */
function taskFields(task: Task): Record<string, unknown> {
	return {
		title: task.title,
		owns: [...task.owns],
		reads: task.reads.length > 0 ? [...task.reads] : undefined,
		dependsOn: task.dependsOn.length > 0 ? [...task.dependsOn] : undefined,
		prompt: task.prompt,
		run: task.run,
		timeout: task.timeoutMs === undefined ? undefined : formatDuration(task.timeoutMs),
		env: Object.keys(task.env).length > 0 ? {...task.env} : undefined,
		permissionMode: task.permissionMode,
	};
}

function tasksById(plan: Plan): Map<string, Task> {
	return new Map(plan.phases.flatMap(phase => phase.tasks.map(task => [task.id, task] as const)));
}

function idOf(node: unknown): string | undefined {
	if (!isMap(node)) return undefined;
	const id = node.get('id');
	return typeof id === 'string' ? id : undefined;
}

/** Sets one task field in its mapping: a list that only grew gets the new items appended. */
function setField(document: Document, task: YAMLMap, key: string, was: unknown, now: unknown): void {
	if (now === undefined) {
		task.delete(key);
		return;
	}
	const current = task.get(key, true) as unknown;
	if (Array.isArray(was) && Array.isArray(now) && isSeq(current) && same(was, now.slice(0, was.length))) {
		for (const item of now.slice(was.length)) current.items.push(document.createNode(item));
		return;
	}
	const node = document.createNode(now);
	// A new short list keeps the style of the list it replaces (owns: [a, b] stays on one line).
	if (isSeq(current) && isSeq(node)) node.flow = current.flow ?? false;
	task.set(key, node);
}

/** Applies per-task field changes (before -> after) to every task mapping of the document. */
function editTasks(document: Document, taskNodes: ReadonlyMap<string, YAMLMap>, before: Plan, after: Plan): void {
	const was = tasksById(before);
	for (const [id, task] of tasksById(after)) {
		const node = taskNodes.get(id);
		const old = was.get(id);
		if (!node || !old) continue;
		const a = taskFields(old);
		const b = taskFields(task);
		for (const key of Object.keys(b)) if (!same(a[key], b[key])) setField(document, node, key, a[key], b[key]);
	}
}

/** Every task mapping in the document by id (phases form and flat form). */
function collectTasks(root: YAMLMap): Map<string, YAMLMap> {
	const found = new Map<string, YAMLMap>();
	const add = (list: unknown) => {
		if (!isSeq(list)) return;
		for (const item of list.items) {
			const id = idOf(item);
			if (id !== undefined && isMap(item)) found.set(id, item);
		}
	};
	add(root.get('tasks', true));
	const phases = root.get('phases', true);
	if (isSeq(phases)) for (const phase of phases.items) if (isMap(phase)) add(phase.get('tasks', true));
	return found;
}

/** Items for a re-listed sequence: a blank line that separated an item from the one before it does not open the list. */
function relisted<T extends Node>(items: T[]): T[] {
	if (items[0]) items[0].spaceBefore = false;
	return items;
}

/** Flow lists written `[ a, b ]` (yaml's default) rather than `[a, b]`, by majority. */
function padsFlowLists(text: string): boolean {
	const padded = text.match(/:[ \t]+[[{] \S/g)?.length ?? 0;
	const tight = text.match(/:[ \t]+[[{][^\s\]}]/g)?.length ?? 0;
	return padded > tight;
}

/** Drops tasks the revisions removed from a task list. */
function dropTasks(list: unknown, removed: ReadonlySet<string>): void {
	if (!isSeq(list)) return;
	list.items = list.items.filter(item => !removed.has(idOf(item) ?? ''));
}

/**
 * Lays the phases out as `after` has them: existing phase mappings are kept (by name) and only
 * re-listed when their tasks changed; a task mapping moves whole, with its comments; a new phase
 * (a deferral) is a new mapping. Tasks only the file has (added while the run went on) stay.
 */
function editPhases(document: Document, phasesNode: YAMLSeq, taskNodes: ReadonlyMap<string, YAMLMap>, before: Plan, after: Plan): void {
	const known = new Set(tasksById(before).keys());
	for (const id of tasksById(after).keys()) known.add(id);
	const phaseNodes = new Map<string, YAMLMap>();
	for (const item of phasesNode.items) {
		const name = isMap(item) ? item.get('name') : undefined;
		if (typeof name === 'string' && isMap(item)) phaseNodes.set(name, item);
	}
	const idsIn = (phase: YAMLMap | undefined): string[] => {
		const list = phase?.get('tasks', true);
		return isSeq(list) ? list.items.map(idOf).filter((id): id is string => id !== undefined) : [];
	};
	const laidOut: Node[] = [];
	const used = new Set<YAMLMap>();
	for (const phase of after.phases) {
		const existing = phaseNodes.get(phase.name);
		const fileOnly = idsIn(existing).filter(id => !known.has(id));
		const wanted = [...phase.tasks.map(t => t.id).filter(id => taskNodes.has(id)), ...fileOnly];
		if (existing) {
			used.add(existing);
			const list = existing.get('tasks', true) as unknown;
			if (isSeq(list) && !same(idsIn(existing), wanted)) list.items = relisted(wanted.map(id => taskNodes.get(id)!));
			const mode = existing.get('mode');
			if ((mode ?? 'parallel') !== phase.mode) existing.set('mode', phase.mode);
			laidOut.push(existing);
			continue;
		}
		const created = document.createNode({name: phase.name, mode: phase.mode}) as YAMLMap;
		const list = document.createNode([]) as YAMLSeq;
		list.items = relisted(wanted.map(id => taskNodes.get(id)!));
		created.set('tasks', list);
		laidOut.push(created);
	}
	// A phase the revisions emptied goes, unless the file gave it tasks of its own meanwhile.
	for (const [, node] of phaseNodes) {
		if (!used.has(node) && idsIn(node).some(id => !known.has(id))) laidOut.push(node);
	}
	const names = (items: readonly unknown[]) => items.map(item => (isMap(item) ? item.get('name') : undefined));
	if (!same(names(phasesNode.items), names(laidOut)) || laidOut.some((node, i) => phasesNode.items[i] !== node)) phasesNode.items = laidOut;
}

/**
 * JSON text for an edited node, reusing the original text of every value the edit left alone
 * (so unchanged lines stay byte for byte); a changed object or array keeps its old layout: on
 * one line if it was, else one item per line at `depth` levels of `unit`.
 */
function jsonText(node: unknown, text: string, unit: string, depth: number): string {
	const range = (node as {range?: [number, number, number]} | null)?.range;
	const value = isMap(node) || isSeq(node) || isScalar(node) ? node.toJSON() : node;
	if (range) {
		const original = text.slice(range[0], range[1]);
		try {
			if (same(JSON.parse(original), value)) return original;
		} catch {
			// Not a whole JSON value on its own: write it afresh.
		}
	}
	if (!isMap(node) && !isSeq(node)) return JSON.stringify(value);
	const oneLine = unit === '' || (range !== undefined && !text.slice(range[0], range[1]).includes('\n'));
	const parts = isMap(node)
		? node.items.map(pair => `${JSON.stringify(isScalar(pair.key) ? String(pair.key.value) : String(pair.key))}: ${jsonText(pair.value, text, unit, depth + 1)}`)
		: node.items.map(item => jsonText(item, text, unit, depth + 1));
	const [open, close] = isMap(node) ? ['{', '}'] : ['[', ']'];
	if (parts.length === 0) return `${open}${close}`;
	if (oneLine) return `${open}${parts.join(', ')}${close}`;
	const inner = unit.repeat(depth + 1);
	return `${open}\n${parts.map(p => inner + p).join(',\n')}\n${unit.repeat(depth)}${close}`;
}

/** The indentation a JSON text uses ('\t', '  ', ...), or '' when it is on one line. */
export function jsonIndent(text: string): string {
	const match = /\n([ \t]+)\S/.exec(text);
	return match ? match[1]! : '';
}

/**
 * Applies what changed from `before` to `after` (a run's first and last plan) to the plan file
 * `text`. `file` gives the format (.json or YAML). Refuses a file that no longer parses.
 */
export function applyPlanChanges(text: string, file: string, before: Plan, after: Plan): DocumentEdit {
	const parsed = parsePlanText(text, file);
	if (!parsed.ok) return {ok: false, reason: `${file} no longer reads as a plan (${parsed.errors[0]?.message ?? 'unknown error'}): fix it, or copy the run's plan from its revisions`};
	const document = parseDocument(text, {keepSourceTokens: false});
	const root = document.contents;
	if (!isMap(root)) return {ok: false, reason: `${file} is not a plan mapping`};
	const taskNodes = collectTasks(root);
	const afterIds = new Set(tasksById(after).keys());
	const removed = new Set([...tasksById(before).keys()].filter(id => !afterIds.has(id)));
	editTasks(document, taskNodes, before, after);
	dropTasks(root.get('tasks', true), removed);
	const phasesNode = root.get('phases', true);
	if (isSeq(phasesNode)) {
		for (const phase of phasesNode.items) if (isMap(phase)) dropTasks(phase.get('tasks', true), removed);
		editPhases(document, phasesNode, taskNodes, before, after);
	}
	// A flat `tasks:` plan has no phases to move: the scheduler places each task again from its
	// owns, and a deferred task now owns the path it needed, so it lands in a later phase.
	let out: string;
	if (/\.json$/i.test(file)) {
		const start = root.range?.[0] ?? 0;
		const end = root.range?.[1] ?? text.length;
		out = `${text.slice(0, start)}${jsonText(root, text, jsonIndent(text), 0)}${text.slice(end)}`;
	} else {
		out = document.toString({lineWidth: 0, flowCollectionPadding: padsFlowLists(text), indentSeq: !/^\S[^\n]*:\n- /m.test(text)});
	}
	return {ok: true, text: out, changed: out !== text};
}

