// The headless driver: answers the machine's questions by policy (--yes, --keep-going,
// --on-conflict), prints task output with banners (or the journal as JSON lines), and ends with
// the summary and the exit code.

import {exitCodeOf} from '../machine/exit-code.js';
import {parallelSpeedup} from '../machine/selectors.js';
import type {OrchestratorContext} from '../machine/types.js';
import type {Driver} from '../engine/session.js';
import {createHeadlessSink} from '../runner/headless-sink.js';
import {logPathFor} from '../runner/journal.js';
import type {Plan} from '../plan/types.js';
import {bannerFor} from './banners.js';
import {headlessAnswer} from './policy.js';
import type {HeadlessPolicy} from './policy.js';
import {formatSummary} from './summary.js';

/** Where the driver writes, and how. */
export type HeadlessOutput = {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
	readonly color: boolean;
};

export type HeadlessOptions = {
	readonly policy: HeadlessPolicy;
	/** Print the journal as JSON lines instead of output, banners and the summary. */
	readonly json: boolean;
	readonly runDir: string;
};

/** The driver for a headless run of `plan`. */
export function headlessDriver(plan: Plan, options: HeadlessOptions, out: HeadlessOutput): Driver {
	const sink = options.json ? undefined : createHeadlessSink(process.stdout, {color: out.color, keys: plan.phases.flatMap(p => p.tasks.map(t => t.id))});
	return {
		...(sink ? {sink} : {}),
		onJournal: (entry, current) => {
			if (options.json) out.stdout(`${JSON.stringify(entry)}\n`);
			else if (sink) {
				const banner = bannerFor(entry, current);
				if (banner !== undefined) sink.banner(banner);
			}
		},
		async drive(engine) {
			const memory = {answered: new Set<number>()};
			let lastState = '';
			let lastConflict: number | undefined;
			engine.actor.subscribe(snapshot => {
				const state = String(snapshot.value);
				const conflictId = snapshot.context.conflicts[0]?.id;
				if (state === lastState && (state !== 'conflict' || conflictId === lastConflict) && !snapshot.context.refusal) return;
				lastState = state;
				lastConflict = conflictId;
				const answer = headlessAnswer(state, snapshot.context, options.policy, memory);
				if (answer) queueMicrotask(() => engine.actor.send(answer));
			});
			await engine.start();
			await engine.finished;
			const snapshot = engine.actor.getSnapshot();
			const code = exitCodeOf(snapshot) ?? 1;
			const {context} = snapshot;
			if (!options.json) {
				const line = outcomeLine(context, code);
				const {runDir} = options;
				out.stdout(
					formatSummary(context, line, {color: out.color, runDir, workspace: context.workspace, logPathOf: key => logPathFor(runDir, key), changesOf: id => engine.taskChanges(id)?.files}),
				);
			}
			const conflict = context.outcome === 'conflict' ? context.conflicts[0] : undefined;
			if (conflict) {
				const who = conflict.taskId ?? conflict.suspects.join(' or ');
				out.stderr(
					`fanout: stopped on a conflict: ${who} needs ${conflict.path}, which it does not own${conflict.owner ? ` (owned by ${conflict.owner})` : ''}. To fix it, give ${conflict.path} to ${who} in the plan, or run again with --on-conflict defer (a revision moving ${who} to a new phase after this one, owning ${conflict.path}).\n`,
				);
			}
			return code;
		},
	};
}

const OUTCOME_WORDS: Readonly<Record<string, string>> = {
	passed: 'passed',
	failed: 'failed',
	aborted: 'aborted',
	conflict: 'stopped on a conflict',
	interrupted: 'interrupted',
};

/** The summary's first line: plan, outcome, time, exit code and the parallel speedup. */
function outcomeLine(ctx: OrchestratorContext, code: number): string {
	const seconds = (((ctx.endedAt ?? Date.now()) - ctx.startedAt) / 1000).toFixed(1);
	const outcome = ctx.outcome;
	const speedup = parallelSpeedup(ctx);
	return `fanout · ${ctx.plan.name} · ${OUTCOME_WORDS[outcome ?? ''] ?? outcome ?? 'ended'} in ${seconds}s · exit ${code}${speedup === undefined ? '' : ` · ${speedup.toFixed(1)}x faster in parallel`}`;
}
