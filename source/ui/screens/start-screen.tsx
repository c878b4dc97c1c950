// The start screen (`fanout` with no arguments): plans in ./plans, "New plan" (the planning
// wizard) and recent runs; Enter opens one.

import {basename} from 'node:path';
import {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {KeyBar} from '../components/key-bar.js';
import {truncate} from '../format.js';
import {useColor} from '../theme.js';

/** One plan file found in ./plans. */
export type StartPlan = {
	readonly file: string;
	readonly name: string;
	readonly pattern: string;
	readonly phases: number;
	readonly tasks: number;
	readonly valid: boolean;
	/** First error, when invalid. */
	readonly problem?: string;
};

/** One recent run of this workspace. */
export type StartRun = {
	readonly id: string;
	readonly planName: string;
	/** In words, e.g. "passed", "failed", "interrupted". */
	readonly outcome: string;
	readonly resumable: boolean;
};

/** What Enter opened: a plan file, the planning wizard for a new plan, or a run to resume. */
export type StartChoice =
	| {readonly kind: 'plan'; readonly file: string}
	| {readonly kind: 'new'}
	| {readonly kind: 'run'; readonly id: string};

type Props = {
	readonly plans: readonly StartPlan[];
	readonly runs: readonly StartRun[];
	readonly onOpen: (choice: StartChoice) => void;
	readonly onQuit: () => void;
	readonly width: number;
	readonly height: number;
};

const newPlan: StartChoice = {kind: 'new'};

/**
 * ↑↓ pick · enter open · n new plan · q quit. "New plan" is the last row of the plans, so
 * with no plans at all it is the first thing Enter opens. Runs open only when resumable.
 */
export function StartScreen({plans, runs, onOpen, onQuit, width, height}: Props) {
	const color = useColor();
	const items: StartChoice[] = [
		...plans.map(p => ({kind: 'plan', file: p.file}) as const),
		newPlan,
		...runs.filter(r => r.resumable).map(r => ({kind: 'run', id: r.id}) as const),
	];
	const [selected, setSelected] = useState(0);
	useKeys((input, key) => {
		if (key.upArrow || input === 'k') setSelected(Math.max(0, selected - 1));
		else if (key.downArrow || input === 'j') setSelected(Math.min(items.length - 1, selected + 1));
		else if (key.return && items[selected]) onOpen(items[selected]);
		else if (input === 'n') onOpen(newPlan);
		else if (input === 'q' || key.escape) onQuit();
	});
	const current = items[selected];
	const nameWidth = Math.max(8, ...plans.map(p => p.name.length)) + 2;
	const idWidth = Math.max(20, ...runs.map(r => r.id.length)) + 2;
	// Title, blank, "plans", "new plan", blank, "recent runs", key bar: the rest is shared by the lists.
	const room = Math.max(2, height - 7);
	// Runs get at most half; plans take whatever the runs leave.
	const planRoom = Math.min(plans.length, Math.max(1, room - Math.min(runs.length, Math.floor(room / 2))));
	const runRoom = Math.max(1, room - planRoom);
	// Keep the picked plan in view when the list is longer than its room; below the plans
	// (New plan, runs) the window rests on the last ones, next to the New plan row.
	const pickedPlan = current?.kind === 'plan' ? plans.findIndex(p => p.file === current.file) : plans.length - 1;
	const planStart = Math.max(0, Math.min(pickedPlan - planRoom + 1, plans.length - planRoom));
	const hiddenPlans = plans.length - planRoom;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold> fanout · run coding-agent work in parallel, safely</Text>
			<Text> </Text>
			<Text bold> Plans {plans.length === 0 ? <Text dimColor>(none in ./plans)</Text> : null}</Text>
			{plans.slice(planStart, planStart + planRoom).map(p => (
				<Text key={p.file} wrap="truncate-end" inverse={current?.kind === 'plan' && current.file === p.file}>
					{'  '}
					{p.name.padEnd(nameWidth)}
					{p.pattern.padEnd(12)}
					{`${p.phases} ${p.phases === 1 ? 'phase' : 'phases'}`.padEnd(10)}
					{`${p.tasks} ${p.tasks === 1 ? 'task' : 'tasks'}`.padEnd(10)}
					{p.valid ? <Text color={color('green')}>✓ valid</Text> : <Text color={color('red')}>✗ {truncate(p.problem ?? 'invalid', 60)}</Text>}
					<Text dimColor> plans/{basename(p.file)}</Text>
				</Text>
			))}
			<Text wrap="truncate-end" inverse={current?.kind === 'new'}>
				{'  '}
				<Text color={color('cyan')}>{'+ New plan…'.padEnd(Math.max(nameWidth, 13))}</Text>
				<Text dimColor>
					the planning wizard: from a goal to a checked plan
					{hiddenPlans > 0 ? ` · ↑↓ for ${hiddenPlans} more ${hiddenPlans === 1 ? 'plan' : 'plans'}` : ''}
				</Text>
			</Text>
			<Text> </Text>
			<Text bold> Recent runs {runs.length === 0 ? <Text dimColor>(none yet)</Text> : null}</Text>
			{runs.slice(0, runRoom).map(r => (
				<Text
					key={r.id}
					wrap="truncate-end"
					dimColor={!r.resumable}
					inverse={current?.kind === 'run' && current.id === r.id}
				>
					{'  '}
					{r.id.padEnd(idWidth)}
					{r.planName.padEnd(nameWidth)}
					{r.outcome.padEnd(13)}
					{r.resumable ? <Text color={color('yellow')}>resumable</Text> : ''}
				</Text>
			))}
			<Box flexGrow={1} />
			<KeyBar
				width={width}
				keys={[
					['↑↓', 'pick'],
					['enter', current?.kind === 'run' ? 'resume' : current?.kind === 'new' ? 'new plan' : 'open'],
					['n', 'new plan'],
					['q', 'quit'],
				]}
			/>
		</Box>
	);
}
