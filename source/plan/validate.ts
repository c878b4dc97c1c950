// Pre-run validation: is the parallel work of a plan really independent? Ownership overlaps
// (on existing files and on files that could be created), reads against owns, dependsOn order
// and cycles, globs that leave the workspace, and the warnings worth a look.

import picomatch from 'picomatch';
import {countWord, listSome, makeFinding, type FindingInput} from './findings.js';
import {commonPathExample, escapesWorkspace, pairsThatMayMeet, staticBase} from './globs.js';
import {createGlobIndex} from './match.js';
import {scanWorkspace} from './file-scan.js';
import {didYouMean} from './fields.js';
import type {CheckablePart} from './load.js';
import type {Finding, Plan, PlanSource, ValidationReport} from './types.js';

/** Options of validatePlan. */
export type ValidateOptions = {
	/** Absolute workspace folder the plan's globs are relative to. */
	readonly workspace: string;
};

// Enough paths for a user to act on; the JSON report stays small on huge trees.
const maxPathsPerFinding = 100;

type TaskRef = {readonly id: string; readonly phase: number; readonly index: number; readonly at: string};

type GlobRef = {
	readonly task: TaskRef;
	readonly kind: 'owns' | 'reads';
	readonly glob: string;
	readonly at: string;
};

class Collector {
	readonly errors: Finding[] = [];
	readonly warnings: Finding[] = [];
	constructor(private readonly source: PlanSource) {}
	error(input: FindingInput): void {
		this.errors.push(makeFinding('error', this.source, input));
	}
	warning(input: FindingInput): void {
		this.warnings.push(makeFinding('warning', this.source, input));
	}
	report(): ValidationReport {
		const byPlace = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column;
		return {valid: this.errors.length === 0, errors: this.errors.sort(byPlace), warnings: this.warnings.sort(byPlace)};
	}
}

/** Every task with where it sits, and every usable glob (bad ones reported here). */
function collectGlobs(plan: Plan, out: Collector): {tasks: TaskRef[]; globs: GlobRef[]} {
	const tasks: TaskRef[] = [];
	const globs: GlobRef[] = [];
	plan.phases.forEach((phase, p) => {
		phase.tasks.forEach((task, t) => {
			const ref: TaskRef = {id: task.id, phase: p, index: t, at: `phases.${p}.tasks.${t}`};
			tasks.push(ref);
			for (const kind of ['owns', 'reads'] as const) {
				task[kind].forEach((glob, g) => {
					const at = `${ref.at}.${kind}.${g}`;
					if (escapesWorkspace(glob)) {
						out.error({code: 'workspace.outside', at, tasks: [task.id], paths: [glob], message: `${kind} glob "${glob}" of task "${task.id}" points outside the workspace: write globs relative to the workspace, without a leading / or '..'.`});
					} else if (glob.startsWith('!')) {
						out.error({code: 'glob.negated', at, tasks: [task.id], paths: [glob], message: `${kind} glob "${glob}" of task "${task.id}" is negated, which would match every other file: list what the task ${kind === 'owns' ? 'owns' : 'reads'} instead.`});
					} else globs.push({task: ref, kind, glob, at});
				});
			}
		});
	});
	return {tasks, globs};
}

function checkDependencies(plan: Plan, tasks: readonly TaskRef[], out: Collector): void {
	const byId = new Map(tasks.map(t => [t.id, t]));
	const edges = new Map<string, string[]>();
	for (const ref of tasks) {
		const task = plan.phases[ref.phase]!.tasks[ref.index]!;
		edges.set(ref.id, task.dependsOn.filter(d => byId.has(d)));
		task.dependsOn.forEach((dep, d) => {
			if (!byId.has(dep)) {
				const guess = didYouMean(dep, [...byId.keys()]);
				out.error({code: 'depends.unknown', at: `${ref.at}.dependsOn.${d}`, tasks: [ref.id], message: `Task "${ref.id}" depends on "${dep}", which is not a task of this plan.${guess ? ` Did you mean "${guess}"?` : ' Fix the id or remove it.'}`});
			}
		});
	}
	const inCycle = findCycles(tasks, edges, out);
	for (const ref of tasks) {
		const task = plan.phases[ref.phase]!.tasks[ref.index]!;
		task.dependsOn.forEach((dep, d) => {
			const target = byId.get(dep);
			if (!target || (inCycle.has(ref.id) && inCycle.has(dep))) return;
			const at = `${ref.at}.dependsOn.${d}`;
			const phase = plan.phases[ref.phase]!;
			if (target.phase > ref.phase) {
				out.error({code: 'depends.later-phase', at, tasks: [ref.id, dep], message: `Task "${ref.id}" depends on "${dep}", which runs in a later phase ("${plan.phases[target.phase]!.name}"): move "${ref.id}" after it, or "${dep}" before it.`});
			} else if (target.phase === ref.phase && (phase.mode === 'parallel' || target.index > ref.index)) {
				const why = phase.mode === 'parallel' ? `both run at once in parallel phase "${phase.name}"` : `it comes later in sequential phase "${phase.name}"`;
				out.error({code: 'depends.same-phase', at, tasks: [ref.id, dep], message: `Task "${ref.id}" depends on "${dep}", but ${why}: move "${ref.id}" to a later phase.`});
			}
		});
	}
}

/** Reports each dependency cycle once; returns the ids on cycles. */
function findCycles(tasks: readonly TaskRef[], edges: ReadonlyMap<string, readonly string[]>, out: Collector): Set<string> {
	const state = new Map<string, 'active' | 'done'>();
	const onCycle = new Set<string>();
	const byId = new Map(tasks.map(t => [t.id, t]));
	const stack: string[] = [];
	const visit = (id: string) => {
		state.set(id, 'active');
		stack.push(id);
		for (const next of edges.get(id) ?? []) {
			if (state.get(next) === 'active') {
				const cycle = stack.slice(stack.indexOf(next));
				cycle.forEach(c => onCycle.add(c));
				const ref = byId.get(id)!;
				out.error({code: 'depends.cycle', at: `${ref.at}.dependsOn`, tasks: cycle, message: `Tasks depend on each other in a cycle: ${[...cycle, next].join(' -> ')}. Remove one of these dependsOn entries.`});
			} else if (!state.has(next)) visit(next);
		}
		stack.pop();
		state.set(id, 'done');
	};
	// Iterative depth is bounded by the task count; plans are far below the stack limit.
	for (const t of tasks) if (!state.has(t.id)) visit(t.id);
	return onCycle;
}

type Overlap = {readonly phase: number; readonly tasks: string[]; readonly at: string; readonly paths: string[]};

/** One pass over the files: ownership overlaps, reads of owned files, and match counts. */
function checkFiles(plan: Plan, globs: readonly GlobRef[], files: readonly string[], out: Collector): void {
	// A literal glob that matches nothing may name a folder (`src/api` meant as `src/api/**`):
	// a `<glob>/**` probe per literal glob answers that in the same pass, nearly for free.
	const probes = globs.filter(g => !picomatch.scan(g.glob).isGlob).map(g => g.glob);
	const index = createGlobIndex([...globs.map(g => g.glob), ...probes.map(p => `${p}/**`)]);
	const matchCount = new Array<number>(globs.length).fill(0);
	const folders = new Set<string>();
	const owned = new Map<string, Overlap>();
	const read = new Map<string, Overlap>();
	const parallel = plan.phases.map(phase => phase.mode === 'parallel');
	for (const file of files) {
		let hits = index.matching(file);
		if (hits.length === 0) continue;
		if (hits.at(-1)! >= globs.length) {
			for (const h of hits) if (h >= globs.length) folders.add(probes[h - globs.length]!);
			hits = hits.filter(h => h < globs.length);
		}
		for (const h of hits) matchCount[h]!++;
		if (hits.length < 2) continue;
		// Owners per parallel phase, in plan order, with the glob that matched.
		const owners = new Map<number, GlobRef[]>();
		for (const h of hits) {
			const g = globs[h]!;
			if (g.kind !== 'owns' || !parallel[g.task.phase]) continue;
			const list = owners.get(g.task.phase) ?? [];
			if (!list.some(o => o.task.id === g.task.id)) list.push(g);
			owners.set(g.task.phase, list);
		}
		for (const [phase, list] of owners) {
			if (list.length < 2) continue;
			const ids = list.map(o => o.task.id);
			const key = `${phase}|${ids.join(',')}`;
			const entry = owned.get(key) ?? {phase, tasks: ids, at: list.at(-1)!.at, paths: []};
			entry.paths.push(file);
			owned.set(key, entry);
		}
		for (const h of hits) {
			const reader = globs[h]!;
			if (reader.kind !== 'reads' || !parallel[reader.task.phase]) continue;
			for (const owner of owners.get(reader.task.phase) ?? []) {
				if (owner.task.id === reader.task.id) continue;
				const key = `${reader.task.phase}|${reader.task.id}|${owner.task.id}`;
				const entry = read.get(key) ?? {phase: reader.task.phase, tasks: [reader.task.id, owner.task.id], at: reader.at, paths: []};
				// Files come one at a time: a second reads glob of the same task repeats the last one.
				if (entry.paths.at(-1) !== file) entry.paths.push(file);
				read.set(key, entry);
			}
		}
	}
	for (const o of owned.values()) {
		const phase = plan.phases[o.phase]!;
		const subject = o.paths.length === 1 ? `${o.paths[0]} is` : `${listSome(o.paths)} files are`;
		out.error({code: 'ownership.overlap', at: o.at, tasks: o.tasks, paths: o.paths.slice(0, maxPathsPerFinding), message: `${subject} owned by ${countWord(o.tasks.length)} tasks of phase "${phase.name}": ${o.tasks.join(', ')}. Give each file to one task (narrow the owns globs), or move one task to a later phase.`});
	}
	for (const r of read.values()) {
		const [reader, owner] = r.tasks as [string, string];
		const phase = plan.phases[r.phase]!;
		const subject = r.paths.length === 1 ? r.paths[0]! : `${listSome(r.paths)} files`;
		out.error({code: 'reads.overlap', at: r.at, tasks: r.tasks, paths: r.paths.slice(0, maxPathsPerFinding), message: `${subject} read by "${reader}" ${r.paths.length === 1 ? 'is' : 'are'} owned by "${owner}", and both run at once in phase "${phase.name}": move "${reader}" to a later phase (it needs "${owner}"'s result), or drop the overlap.`});
	}
	// fanout's own folder is never scanned: notes files there are expected to be new.
	const unmatched = globs.filter((g, i) => matchCount[i] === 0 && staticBase(g.glob) !== '.fanout' && !g.glob.startsWith('.fanout/'));
	unmatched.forEach(g => {
		const folder = folders.has(g.glob);
		const hint = folder ? ` "${g.glob}" is a folder: write "${g.glob}/**" to take everything in it.` : ' Fine for files the task will create; otherwise check for a typo.';
		out.warning({code: 'glob.no-match', at: g.at, tasks: [g.task.id], paths: [g.glob], message: `${g.kind} glob "${g.glob}" of task "${g.task.id}" matches no file yet.${hint}`});
	});
	checkPossibleOverlaps(plan, globs, owned, read, out);
}

/** Globs of two parallel tasks that could both match a file nobody has created yet. */
function checkPossibleOverlaps(plan: Plan, globs: readonly GlobRef[], owned: ReadonlyMap<string, Overlap>, read: ReadonlyMap<string, Overlap>, out: Collector): void {
	// Pairs already reported on real files need no second finding.
	const reported = new Set<string>();
	for (const o of owned.values()) for (const a of o.tasks) for (const b of o.tasks) reported.add(`owns|${a}|${b}`);
	for (const r of read.values()) reported.add(`reads|${r.tasks[0]}|${r.tasks[1]}`);
	plan.phases.forEach((phase, p) => {
		if (phase.mode !== 'parallel') return;
		const inPhase = globs.filter(g => g.task.phase === p);
		const owns = inPhase.filter(g => g.kind === 'owns');
		const reads = inPhase.filter(g => g.kind === 'reads');
		for (const [a, b] of pairsThatMayMeet(owns, owns, g => g.glob, true)) {
			const key = `owns|${a.task.id}|${b.task.id}`;
			if (a.task.id === b.task.id || reported.has(key)) continue;
			const example = commonPathExample(a.glob, b.glob);
			if (example === undefined) continue;
			reported.add(key);
			reported.add(`owns|${b.task.id}|${a.task.id}`);
			out.error({code: 'ownership.may-overlap', at: b.at, tasks: [a.task.id, b.task.id], paths: [a.glob, b.glob, example], message: `"${a.task.id}" owns ${a.glob} and "${b.task.id}" owns ${b.glob}: both could match a new file such as ${example} in parallel phase "${phase.name}". Narrow one of the globs, or move one task to a later phase.`});
		}
		for (const [r, o] of pairsThatMayMeet(reads, owns, g => g.glob)) {
			const key = `reads|${r.task.id}|${o.task.id}`;
			if (r.task.id === o.task.id || reported.has(key)) continue;
			const example = commonPathExample(r.glob, o.glob);
			if (example === undefined) continue;
			reported.add(key);
			out.error({code: 'reads.may-overlap', at: r.at, tasks: [r.task.id, o.task.id], paths: [r.glob, o.glob, example], message: `"${r.task.id}" reads ${r.glob}, which "${o.task.id}" may change (it owns ${o.glob}, e.g. ${example}), and both run at once in phase "${phase.name}": move "${r.task.id}" to a later phase, or narrow the globs.`});
		}
	});
}

function checkWarnings(plan: Plan, out: Collector): void {
	plan.phases.forEach((phase, p) => {
		if (phase.mode === 'parallel' && phase.tasks.length === 1) {
			const id = phase.tasks[0]!.id;
			out.warning({code: 'phase.single-task', at: `phases.${p}.name`, tasks: [id], message: `Parallel phase "${phase.name}" has a single task ("${id}"): add the tasks that can run beside it, or set mode: sequential.`});
		}
		phase.tasks.forEach((task, t) => {
			if (task.owns.length === 0) {
				out.warning({code: 'task.owns-nothing', at: `phases.${p}.tasks.${t}.id`, tasks: [task.id], message: `Task "${task.id}" owns no files, so any change it makes is a conflict: add owns globs for the files it may change.`});
			}
		});
	});
}

/**
 * Validates a plan against a known list of workspace files (POSIX paths relative to the
 * workspace). Pure: the same answers as validatePlan, given the same files.
 */
export function validatePlanAgainstFiles(plan: Plan, source: PlanSource, files: readonly string[]): ValidationReport {
	const out = new Collector(source);
	const {tasks, globs} = collectGlobs(plan, out);
	checkDependencies(plan, tasks, out);
	checkFiles(plan, globs, files, out);
	checkWarnings(plan, out);
	return out.report();
}

/** Validates a plan against its workspace, scanning the tree once. Synchronous; never throws. */
export function validatePlan(plan: Plan, source: PlanSource, options: ValidateOptions): ValidationReport {
	const scan = scanWorkspace(options.workspace, plan.ignore);
	if (!scan.ok) {
		const report = validatePlanAgainstFiles(plan, source, []);
		const missing = makeFinding('error', source, {code: 'workspace.missing', at: 'workspace', message: `The ${scan.reason}: create it, fix the plan's workspace:, or pass --workspace DIR.`});
		// Without files every glob "matches nothing": those warnings would only be noise.
		return {valid: false, errors: [missing, ...report.errors], warnings: report.warnings.filter(w => w.code !== 'glob.no-match')};
	}
	return validatePlanAgainstFiles(plan, source, scan.files);
}

/** Codes of the findings worth adding to shape errors: dependencies and ownership. */
const partCodes = /^(depends|ownership|reads)\./;

/**
 * The dependency and ownership errors of the well-formed part of a plan that has shape errors
 * (loader's `partial`), to report beside them. Warnings are left out (they would be about a
 * plan that is not the one written), and so is a dependency on an id the file does write (its
 * task is only missing from the part because of its shape error).
 */
export function validatePart(part: CheckablePart, files?: readonly string[]): readonly Finding[] {
	const report = files ? validatePlanAgainstFiles(part.plan, part.source, files) : validatePlan(part.plan, part.source, {workspace: part.workspace ?? '.'});
	return report.errors.filter(f => partCodes.test(f.code) && !(f.code === 'depends.unknown' && f.tasks.length === 1 && dependsOnWritten(f, part)));
}

/** The unknown dependency of `finding` (named in checkDependencies' message) is an id written somewhere in the file. */
function dependsOnWritten(finding: Finding, part: CheckablePart): boolean {
	const dep = /depends on "([^"]+)"/.exec(finding.message)?.[1];
	return dep !== undefined && part.writtenIds.has(dep);
}
