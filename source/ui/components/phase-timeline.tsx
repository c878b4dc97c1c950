// The phases as one line: done, current, pending, skipped.

import {Box, Text} from 'ink';
import type {PhaseRunStatus} from '../../machine/types.js';
import type {Plan} from '../../plan/types.js';
import {statusStyle, useColor} from '../theme.js';

type Props = {
	readonly plan: Plan;
	readonly phases: readonly PhaseRunStatus[];
	readonly current: number;
	readonly width: number;
};

/** `✓ lint ─── ● logging ─── ○ tests`, cut to the width. */
export function PhaseTimeline({plan, phases, current, width}: Props) {
	const color = useColor();
	return (
		<Box width={width}>
			<Text wrap="truncate-end">
				{' '}
				{plan.phases.map((phase, index) => {
					const style = statusStyle(phases[index] ?? 'pending');
					return (
						<Text key={`${index}-${phase.name}`}>
							{index > 0 ? <Text dimColor> ─── </Text> : null}
							<Text color={color(style.color)} bold={index === current}>
								{style.glyph} {phase.name}
							</Text>
						</Text>
					);
				})}
			</Text>
		</Box>
	);
}
