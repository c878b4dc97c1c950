// The run's header line: plan, phase, elapsed time, counts, cost and a progress bar.

import {Box, Text} from 'ink';
import type {OrchestratorContext} from '../../machine/types.js';
import {formatCost, progressBar, runCounts, truncate} from '../format.js';
import {useColor} from '../theme.js';
import {Elapsed} from './clock-text.js';

type Props = {
	readonly context: OrchestratorContext;
	readonly width: number;
	/** Words after the phase, e.g. "waiting for you" or "verifying". */
	readonly note?: string;
	/** Show the goal on a second line. */
	readonly showGoal?: boolean;
};

/** One line (two with the goal), never wrapping. */
export function Header({context, width, note, showGoal = false}: Props) {
	const color = useColor();
	const counts = runCounts(context);
	const phase = context.plan.phases[context.phaseIndex];
	const phaseText = phase
		? `phase ${context.phaseIndex + 1} of ${context.plan.phases.length} · ${phase.name}`
		: `${context.plan.phases.length} phases`;
	// Narrow terminals: tighter gaps, a shorter bar and no note, so the counts stay visible.
	const wide = width >= 100;
	const barWidth = wide ? 12 : 6;
	const gap = wide ? '   ' : '  ';
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end">
				<Text bold> fanout · {context.plan.name}</Text>
				<Text>
					{gap}
					{phaseText}
					{note && wide ? ` · ${note}` : ''}
					{`${gap}⏱ `}
				</Text>
				<Elapsed from={context.startedAt} to={context.endedAt} />
				<Text>{gap}</Text>
				<Text color={color('yellow')}>{counts.running} running</Text>
				<Text> · </Text>
				<Text color={color('green')}>{counts.passed} done</Text>
				<Text> · </Text>
				<Text color={color(counts.failed > 0 ? 'red' : undefined)}>{counts.failed} failed</Text>
				<Text>{counts.costUsd > 0 ? `${gap}${formatCost(counts.costUsd)}` : ''}</Text>
				<Text>
					{gap}
					{progressBar(counts.finished, counts.total, barWidth)} {counts.finished}/{counts.total}
				</Text>
			</Text>
			{showGoal && context.plan.goal ? <Text dimColor>{truncate(` ${context.plan.goal}`, width)}</Text> : null}
		</Box>
	);
}
