// The critical path of a run: the chain of task runs the run's length waited on. Pure.
//
// Phases run one after another and a phase ends with its last task, so walking back from the
// run's last bar to the latest bar that ended before it started (and so on) names, phase by
// phase, the task everyone else waited for. No dependency graph needed: the times say it.

/** A bar on the time axis. */
export type Span = {readonly key: string; readonly start: number; readonly end: number};

/**
 * Keys of the spans on the critical path, earliest first. `slackMs` absorbs the few
 * milliseconds between one task's exit being recorded and the next phase's spawn.
 */
export function criticalPath(spans: readonly Span[], slackMs = 50): string[] {
	if (spans.length === 0) return [];
	let current = spans.reduce((a, b) => (b.end > a.end ? b : a));
	const chain = [current];
	for (;;) {
		const start = current.start;
		let best: Span | undefined;
		for (const span of spans) {
			if (span === current || span.end > start + slackMs || chain.includes(span)) continue;
			if (best === undefined || span.end > best.end) best = span;
		}
		if (best === undefined) break;
		chain.push(best);
		current = best;
	}
	return chain.reverse().map(span => span.key);
}
