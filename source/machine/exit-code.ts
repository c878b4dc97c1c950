// The process exit code of a run, in one place: the headless driver, the TUI's summary and the
// signal handlers all read it from here (the README's exit-code table).

import type {OrchestratorContext} from './types.js';

/** The signals a run stops on. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Signal name to exit code: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143};

/**
 * The exit code of a run that ended in `state`: 0 passed; 1 a task or a verify command failed,
 * the user aborted, or no outcome was recorded; 2 invalid plan; 3 stopped on a conflict;
 * 128 + signal number when stopped by a signal.
 */
export function exitCode(state: unknown, context: Pick<OrchestratorContext, 'outcome' | 'signal'>): number {
	if (state === 'invalid') return 2;
	if (context.signal !== undefined) return SIGNAL_EXIT_CODES[context.signal];
	switch (context.outcome) {
		case 'passed':
			return 0;
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
	readonly context: Pick<OrchestratorContext, 'outcome' | 'signal'>;
};

/** The exit code of a finished run (an invalid plan counts as finished), or undefined while it runs. */
export function exitCodeOf(snapshot: FinishedSnapshot): number | undefined {
	if (snapshot.value !== 'invalid' && snapshot.status !== 'done') return undefined;
	return exitCode(snapshot.value, snapshot.context);
}
