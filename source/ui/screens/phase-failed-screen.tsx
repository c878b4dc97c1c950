// Phase failed: which tasks failed and why; retry the failed ones, continue, or abort.

import {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import type {UserEvent} from '../../machine/types.js';
import type {OrchestratorSnapshot} from '../view.js';
import type {Overlay} from '../hooks/overlay.js';
import {Header} from '../components/header.js';
import {ResumedNote, resumedNoteHeight} from '../components/resumed-note.js';
import {PhaseTimeline} from '../components/phase-timeline.js';
import {KeyBar} from '../components/key-bar.js';
import {dependentsOf, failureReason} from '../format.js';
import {statusStyle, useColor} from '../theme.js';
import {partialChangesWords, type IsolationView} from '../work-view.js';

type Props = {
	readonly snapshot: OrchestratorSnapshot;
	readonly send: (event: UserEvent) => void;
	readonly openOverlay: (overlay: Overlay) => void;
	readonly width: number;
	readonly height: number;
	readonly active: boolean;
	/** Where tasks work: what a retry does to their partial changes. */
	readonly isolation?: IsolationView;
};

/** Did not pass: failed, stopped or stopped on a conflict. */
const notPassed = new Set(['failed', 'stopped', 'conflicted']);

/** r retry failed · c continue · enter log · q abort (asks first). */
export function PhaseFailedScreen({snapshot, send, openOverlay, width, height, active, isolation}: Props) {
	const color = useColor();
	const {context} = snapshot;
	const phase = context.plan.phases[context.phaseIndex];
	const failed = (phase?.tasks ?? []).filter(task => notPassed.has(context.tasks[task.id]?.status ?? 'pending'));
	const [selected, setSelected] = useState(0);
	const current = failed[Math.min(selected, failed.length - 1)];
	useKeys(
		(input, key) => {
			if (input === 'r') send({type: 'failed.retry'});
			else if (input === 'c') send({type: 'failed.continue'});
			else if (input === 'q') openOverlay({kind: 'confirmAbort'});
			else if (input === '?') openOverlay({kind: 'help'});
			else if (key.upArrow) setSelected(Math.max(0, selected - 1));
			else if (key.downArrow) setSelected(Math.min(failed.length - 1, selected + 1));
			else if (key.return && current) openOverlay({kind: 'log', key: current.id});
		},
		active,
	);
	const dependents = dependentsOf(
		context.plan,
		failed.map(task => task.id),
	);
	const idWidth = Math.max(4, ...failed.map(task => task.id.length)) + 2;
	const room = Math.max(0, height - 9 - resumedNoteHeight(context));
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Header context={context} width={width} note="failed" />
			<PhaseTimeline plan={context.plan} phases={context.phases} current={context.phaseIndex} width={width} />
			<ResumedNote context={context} />
			<Text> </Text>
			<Text bold color={color('red')} wrap="truncate-end">
				{' '}
				Phase {context.phaseIndex + 1} ({phase?.name ?? ''}): {failed.length} of {phase?.tasks.length ?? 0} tasks did not pass
			</Text>
			{failed.slice(0, room).map(task => {
				const run = context.tasks[task.id];
				const style = statusStyle(run?.status ?? 'failed');
				return (
					<Text key={task.id} wrap="truncate-end" inverse={task === current}>
						{'   '}
						<Text color={color(style.color)}>{style.glyph}</Text> {task.id.padEnd(idWidth)}
						{failureReason(run)}
					</Text>
				);
			})}
			<Text> </Text>
			<Text dimColor wrap="truncate-end">
				{` r starts again: ${failed.map(task => task.id).join(', ')} · ${partialChangesWords(isolation?.mode)}`}
			</Text>
			<Text dimColor wrap="truncate-end">
				{dependents.length > 0
					? ` Continuing skips what depends on them: ${dependents.join(', ')}.`
					: ' No later task depends on them.'}
			</Text>
			<Box flexGrow={1} />
			<KeyBar
				width={width}
				keys={[
					['r', 'retry failed'],
					['c', 'continue'],
					['↑↓ enter', 'log'],
					['?', 'keys'],
					['q', 'abort'],
				]}
			/>
		</Box>
	);
}
