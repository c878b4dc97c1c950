// The line that says a run is a resumed one: its id, the phase it picks up at, and the tasks it
// keeps because they passed before. Shown on every screen of a resumed run (the header carries
// the short form, "· resumed", where there is no room for the line).

import {Text} from 'ink';
import type {OrchestratorContext} from '../../machine/types.js';
import {useColor} from '../theme.js';

/** "resumed run 2026-…: from phase 2 (tests); already passed: api, db", or undefined for a fresh run. */
export function resumedWords(context: Pick<OrchestratorContext, 'resumed' | 'runId' | 'plan'>): string | undefined {
	const {resumed} = context;
	if (!resumed) return undefined;
	const phase = context.plan.phases[resumed.phaseIndex];
	const from = phase ? `from phase ${resumed.phaseIndex + 1} (${phase.name})` : 'verification only';
	const kept = resumed.kept.length > 0 ? `already passed, not run again: ${resumed.kept.join(', ')}` : 'no task had passed';
	return `resumed run ${context.runId}: ${from}; ${kept}`;
}

/** How many lines the note takes (0 or 1), for the screens' height sums. */
export function resumedNoteHeight(context: Pick<OrchestratorContext, 'resumed'>): number {
	return context.resumed ? 1 : 0;
}

type Props = {readonly context: Pick<OrchestratorContext, 'resumed' | 'runId' | 'plan'>};

/** One line, cut at the width; nothing for a fresh run. */
export function ResumedNote({context}: Props) {
	const color = useColor();
	const words = resumedWords(context);
	if (words === undefined) return null;
	return (
		<Text wrap="truncate-end" color={color('yellow')}>
			{' '}
			{words}
		</Text>
	);
}
