// The process exit code of a run, in one place: the headless driver, the TUI's summary and the
// signal handlers all read it from here (the README's exit-code table).

import type {OrchestratorContext, RunOutcome, TaskRun} from './types.js';

/** The signals a run stops on. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Signal name to exit code: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143};

/**
 * How a run ended, as people and CI are told: the machine's outcome, except that a run that
 * "passed" with tasks skipped (by `--on-conflict skip`, a skipped phase, a conflict's `s`) did
 * not do all its work: it is `incomplete`, never `passed`. The one definition of a run's
 * outcome: the summary, the headless outcome line, `fanout runs` and the exit code read it.
 */
export type RunVerdict = RunOutcome | 'incomplete';

/** The verdict from a run's outcome and how many of its tasks were skipped. */
export function runVerdict(outcome: string | undefined, skipped: number): RunVerdict | undefined {
	if (outcome === 'passed') return skipped > 0 ? 'incomplete' : 'passed';
	return outcome === 'failed' || outcome === 'aborted' || outcome === 'conflict' || outcome === 'interrupted' ? outcome : undefined;
}

/** How many tasks of a run were skipped. */
export function skippedCount(tasks: Readonly<Record<string, Pick<TaskRun, 'status'>>>): number {
	return Object.values(tasks).filter(run => run.status === 'skipped').length;
}

/** The verdict of a run's context. */
export function verdictOf(context: Pick<OrchestratorContext, 'outcome'> & {readonly tasks?: OrchestratorContext['tasks']}): RunVerdict | undefined {
	return runVerdict(context.outcome, context.tasks ? skippedCount(context.tasks) : 0);
}

/** A verdict in words: "passed", "incomplete: 2 skipped", "stopped on a conflict". */
export function verdictWords(verdict: RunVerdict | undefined, skipped: number): string {
	switch (verdict) {
		case 'incomplete':
			return `incomplete: ${skipped} skipped`;
		case 'conflict':
			return 'stopped on a conflict';
		case undefined:
			return 'ended';
		default:
			return verdict;
	}
}

/**
 * The exit code of a run that ended in `state`: 0 passed; 1 a task or a verify command failed,
 * the user aborted, or no outcome was recorded; 2 invalid plan; 3 stopped on a conflict, or
 * incomplete (tasks skipped, by policy or by the user: CI must notice); 128 + signal number
 * when stopped by a signal.
 */
export function exitCode(state: unknown, context: Pick<OrchestratorContext, 'outcome' | 'signal'> & {readonly tasks?: OrchestratorContext['tasks']}): number {
	if (state === 'invalid') return 2;
	if (context.signal !== undefined) return SIGNAL_EXIT_CODES[context.signal];
	switch (verdictOf(context)) {
		case 'passed':
			return 0;
		case 'incomplete':
			return 3;
		case 'conflict':
			return 3;
		case 'interrupted':
			return SIGNAL_EXIT_CODES.SIGINT;
		case 'failed':
		case 'aborted':
		case undefined:
			return 1;
	}
}

/** The part of an actor snapshot the exit code depends on. */
export type FinishedSnapshot = {
	readonly status: string;
	readonly value: unknown;
	readonly context: Pick<OrchestratorContext, 'outcome' | 'signal'> & {readonly tasks?: OrchestratorContext['tasks']};
};

/** The exit code of a finished run (an invalid plan counts as finished), or undefined while it runs. */
export function exitCodeOf(snapshot: FinishedSnapshot): number | undefined {
	if (snapshot.value !== 'invalid' && snapshot.status !== 'done') return undefined;
	return exitCode(snapshot.value, snapshot.context);
}
