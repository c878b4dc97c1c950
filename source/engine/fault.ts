// The run's fault path, its parts that are not the stop itself (session.ts stops): catching every
// error fanout cannot recover from while tasks run (uncaught exceptions, unhandled rejections, a
// failed write of the journal, a log, the summary or a revision), telling the user's own setup
// (a full disk, a read-only folder: exit 74) from fanout's bugs (exit 70), the words for both,
// the stack file under FANOUT_DEBUG=1, and the one test-only hook that injects a fault.

import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describeIoError, showPath} from '../runner/errors.js';

/** Exit code of a run stopped because the disk or a folder refused (the user's setup): sysexits EX_IOERR. */
export const SETUP_FAULT_EXIT_CODE = 74;
/** Exit code of a run stopped by a bug in fanout: sysexits EX_SOFTWARE (the CLI uses it too). */
export const INTERNAL_FAULT_EXIT_CODE = 70;

/** A fault, classified and put into words. */
export type RunFault = {
	readonly kind: 'setup' | 'internal';
	/** The cause and the fix, one sentence each, no stack. */
	readonly words: string;
	readonly exitCode: number;
	readonly error: unknown;
};

/** What the UI sees of a fault: the whole message to show, and the exit code it leaves with. */
export type FaultView = {readonly message: string; readonly exitCode: number};

/** How the UI hears of a fault (engine.faults) and hands over its own errors (an Ink render). */
export type FaultNotice = {
	/** `listener` is called once, when a fault stops the run; returns the unsubscribe. */
	subscribe(listener: (fault: FaultView) => void): () => void;
	/** The UI showed the fault on screen: the session need not print it again. */
	markShown(): void;
	/** An error the UI cannot recover from: stop the run through the fault path. */
	raise(error: unknown): void;
	/** The fault's exit code once there is one (a driver's summary reports it). */
	exitCode(): number | undefined;
};

/** Classifies an error met during a run. */
export function classifyFault(error: unknown): RunFault {
	const words = describeIoError(error);
	if (words !== undefined) return {kind: 'setup', words: `${words}.`, exitCode: SETUP_FAULT_EXIT_CODE, error};
	const message = error instanceof Error ? error.message : String(error);
	return {kind: 'internal', words: `internal error: ${message}.`, exitCode: INTERNAL_FAULT_EXIT_CODE, error};
}

export type FaultMessageInput = {
	readonly fault: RunFault;
	readonly runDir: string;
	/** Where the stack went (FANOUT_DEBUG=1), if it could be written. */
	readonly stackFile?: string;
	/** Logs that could not be written to the end, with where they were cut. */
	readonly cutLogs?: readonly string[];
};

/** The message for the user, lines ending in newlines: cause, fix, what became of the run. */
export function faultMessage({fault, runDir, stackFile, cutLogs = []}: FaultMessageInput): string {
	const lines = [`fanout: ${fault.words}`];
	lines.push('fanout stopped every task (as for Ctrl-C); what the run did so far is kept.');
	for (const cut of cutLogs) lines.push(`  ${cut}`);
	const runId = runDir.split(/[\\/]/).pop() ?? '';
	lines.push(
		fault.kind === 'setup'
			? `Once that is fixed, \`fanout resume ${runId}\` finishes the run.`
			: `This is a bug in fanout: please report it with what led to it. \`fanout resume ${runId}\` may finish the run.`,
	);
	if (fault.kind === 'internal') {
		lines.push(
			stackFile ? `The stack trace is in ${showPath(stackFile)}.` : 'Run again with FANOUT_DEBUG=1 to save the stack trace in the run folder for the report.',
		);
	}
	return `${lines.join('\n')}\n`;
}

/** Under FANOUT_DEBUG=1, writes the error's stack to `<runDir>/fault-stack.txt`; returns its path, or undefined. */
export function saveStack(runDir: string, error: unknown): string | undefined {
	if (!process.env['FANOUT_DEBUG']) return undefined;
	const file = join(runDir, 'fault-stack.txt');
	const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
	const cause = error instanceof Error && error.cause instanceof Error ? `\nCaused by: ${error.cause.stack ?? error.cause.message}` : '';
	try {
		writeFileSync(file, `${text}${cause}\n`);
		return file;
	} catch {
		// A full disk cannot take it either: the stack goes to stderr instead (debugging asked for it).
		process.stderr.write(`${text}${cause}\n`);
		return undefined;
	}
}

/** Errors reaching the process while a session runs: every one goes to `onError`. */
export type FaultCatcher = {readonly remove: () => void};

/**
 * Installs the process-wide handlers for the length of a session. An error thrown inside an
 * XState listener (the journal's append) arrives here too: XState rethrows it on a timer.
 */
export function catchProcessFaults(onError: (error: unknown) => void): FaultCatcher {
	const onException = (error: unknown) => onError(error);
	const onRejection = (reason: unknown) => onError(reason);
	process.on('uncaughtException', onException);
	process.on('unhandledRejection', onRejection);
	return {
		remove() {
			process.off('uncaughtException', onException);
			process.off('unhandledRejection', onRejection);
		},
	};
}

/**
 * TEST ONLY. `FANOUT_TEST_FAULT=after-start` throws an uncaught exception right after the first
 * task starts; `FANOUT_TEST_FAULT=after-start-rejection` leaves a rejected promise unhandled
 * instead. The end-to-end tests use it to prove the fault path stops every task; it is read here
 * and nowhere else. Returns the injector to call on each `task.started`, or undefined.
 */
export function testFaultInjector(): (() => void) | undefined {
	const mode = process.env['FANOUT_TEST_FAULT'];
	if (mode !== 'after-start' && mode !== 'after-start-rejection') return undefined;
	let fired = false;
	return () => {
		if (fired) return;
		fired = true;
		const error = new Error(`injected by FANOUT_TEST_FAULT=${mode}`);
		if (mode === 'after-start') {
			setTimeout(() => {
				throw error;
			}, 50);
		} else {
			setTimeout(() => void Promise.reject(error), 50);
		}
	};
}
