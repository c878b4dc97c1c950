// Test helpers for the UI: hand-built plan and context fixtures, an in-memory orchestrator view
// and output store, key codes, and frame utilities (ANSI stripped, digits masked).

import type {OrchestratorContext, TaskRun, UserEvent} from '../../source/machine/types.js';
import type {Plan, Task} from '../../source/plan/types.js';
import type {LogLines, OutputStore, OutputTail} from '../../source/runner/types.js';
import {LogIndex} from '../../source/runner/log-index.js';
import type {OrchestratorSnapshot, OrchestratorView} from '../../source/ui/view.js';

export const ENTER = '\r';
export const ESCAPE = '\u001B';
export const TAB = '\t';
export const SHIFT_TAB = '\u001B[Z';
export const ARROW_UP = '\u001B[A';
export const ARROW_DOWN = '\u001B[B';
export const ARROW_RIGHT = '\u001B[C';
export const ARROW_LEFT = '\u001B[D';
export const PAGE_UP = '\u001B[5~';
export const PAGE_DOWN = '\u001B[6~';
export const CTRL_C = '\u0003';

/**
 * A short wait: Ink handles input and renders, and React runs its passive effects (which is
 * when Ink registers a new input handler), which can come after a zero-delay timer.
 */
export const tick = (ms = 25) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** A fixed clock: 2 min 14 s after the run started. */
export const NOW = () => T0 + 134_000;

export function task(id: string, owns: string[], extra: Partial<Task> = {}): Task {
	return {id, owns, reads: [], dependsOn: [], env: {}, run: `node scripts/${id}.mjs`, ...extra};
}

/** The add-logging plan of SCREENS.md: 3 phases, 5 tasks. */
export function samplePlan(): Plan {
	return {
		name: 'add-logging',
		goal: 'Add logging to the API, DB and utils modules',
		pattern: 'module',
		ignore: [],
		verify: ['npm run lint', 'npm test'],
		phases: [
			{
				name: 'logging',
				mode: 'parallel',
				tasks: [
					task('api-logging', ['src/api/**'], {title: 'API endpoints', reads: ['src/utils/log.ts']}),
					task('db-logging', ['src/db/**'], {title: 'Database layer'}),
					task('utils-logging', ['src/utils/**'], {title: 'Utilities'}),
				],
			},
			{name: 'tests', mode: 'sequential', tasks: [task('logging-tests', ['tests/**'], {dependsOn: ['api-logging', 'db-logging', 'utils-logging']})]},
			{name: 'docs', mode: 'sequential', tasks: [task('logging-docs', ['docs/**'], {dependsOn: ['logging-tests']})]},
		],
	};
}

/** A plan whose first phase has `count` tasks (for paging). */
export function widePlan(count: number): Plan {
	const tasks = Array.from({length: count}, (_, i) => task(`t${String(i + 1).padStart(2, '0')}`, [`src/m${i + 1}/**`], {title: `module ${i + 1}`}));
	return {name: 'wide', pattern: 'module', ignore: [], verify: [], phases: [{name: 'all', mode: 'parallel', tasks}]};
}

export function taskRun(id: string, phaseIndex: number, extra: Partial<TaskRun> = {}): TaskRun {
	return {id, phaseIndex, status: 'pending', attempts: 0, changedFiles: [], ...extra};
}

export const T0 = 1_700_000_000_000;

/** A context for `plan`, every task pending unless `tasks` says otherwise. */
export function makeContext(plan: Plan = samplePlan(), extra: Partial<OrchestratorContext> = {}): OrchestratorContext {
	const tasks: Record<string, TaskRun> = {};
	plan.phases.forEach((phase, phaseIndex) => {
		for (const t of phase.tasks) tasks[t.id] = taskRun(t.id, phaseIndex);
	});
	return {
		runId: '2026-11-27T17-02-11',
		plan,
		planFile: 'plans/add-logging.yaml',
		workspace: '/tmp/ws',
		report: {valid: true, errors: [], warnings: []},
		revisions: [{number: 1, decision: 'as started', plan}],
		phaseIndex: 0,
		phases: plan.phases.map(() => 'pending'),
		tasks: {...tasks, ...(extra.tasks ?? {})},
		conflicts: [],
		nextConflictId: 1,
		approveAll: false,
		maxParallel: 8,
		verify: plan.verify.map((command, index) => ({index, command, status: 'pending'})),
		startedAt: T0,
		...extra,
		...(extra.tasks ? {tasks: {...tasks, ...extra.tasks}} : {}),
	};
}

/** An orchestrator view backed by a mutable snapshot; records what the UI sends. */
export class FakeView implements OrchestratorView {
	snapshot: OrchestratorSnapshot;
	readonly sent: UserEvent[] = [];
	readonly #listeners = new Set<(s: OrchestratorSnapshot) => void>();

	constructor(value: string, context: OrchestratorContext) {
		this.snapshot = {value, context, status: 'active'};
	}

	getSnapshot(): OrchestratorSnapshot {
		return this.snapshot;
	}

	subscribe(listener: (s: OrchestratorSnapshot) => void) {
		this.#listeners.add(listener);
		return {unsubscribe: () => this.#listeners.delete(listener)};
	}

	send(event: UserEvent): void {
		this.sent.push(event);
	}

	/** Moves to a new state (and context), as the machine would. */
	set(value: string, context: OrchestratorContext = this.snapshot.context): void {
		this.snapshot = {value, context, status: 'active'};
		for (const listener of [...this.#listeners]) listener(this.snapshot);
	}
}

/** An in-memory tail. */
export class MemoryTail implements OutputTail {
	version = 0;
	bytes = 0;
	lineCount = 0;
	/** How many times the UI read the lines: one per render of the pane showing them. */
	reads = 0;
	readonly #lines: string[] = [];

	constructor(readonly logPath: string) {}

	lines(max?: number): readonly string[] {
		this.reads++;
		return max === undefined ? [...this.#lines] : this.#lines.slice(-max);
	}

	push(...lines: string[]): void {
		this.#lines.push(...lines);
		this.lineCount += lines.length;
		this.bytes += lines.reduce((n, line) => n + line.length + 1, 0);
		this.version++;
	}
}

/** An in-memory store; tails are made on first use. */
export class MemoryStore implements OutputStore {
	readonly tails = new Map<string, MemoryTail>();

	get(key: string): MemoryTail | undefined {
		return this.tails.get(key);
	}

	openLog(key: string): LogLines | {readonly error: string} {
		const tail = this.tails.get(key);
		return tail ? LogIndex.open(tail.logPath) : {error: `no log for ${key}`};
	}

	tail(key: string, logPath = `/tmp/no-such-dir/${key}.log`): MemoryTail {
		let tail = this.tails.get(key);
		if (!tail) {
			tail = new MemoryTail(logPath);
			this.tails.set(key, tail);
		}
		return tail;
	}

	get version(): number {
		let sum = 0;
		for (const tail of this.tails.values()) sum += tail.version;
		return sum;
	}
}

/** Sets the fake terminal's size and tells listeners, as a real resize would. */
export function setSize(stdout: NodeJS.EventEmitter, columns: number, rows: number): void {
	Object.defineProperty(stdout, 'columns', {value: columns, configurable: true});
	Object.defineProperty(stdout, 'rows', {value: rows, configurable: true});
	stdout.emit('resize');
}

const ansi = /\u001B\[[0-9;?]*[A-Za-z]/g;

/** The frame without ANSI sequences. */
export function plain(frame: string | undefined): string {
	return (frame ?? '').replace(ansi, '');
}

/** Digits and spinner frames masked, so a frame compares the same from one run to the next. */
export function masked(frame: string | undefined): string {
	return plain(frame)
		.replace(/[0-9]/g, '9')
		.replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '*');
}

export {eventually} from '../until.js';
