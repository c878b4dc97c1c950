// The agent planner at work (a spinner and the time waited), or why it gave no plan.

import {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {KeyBar} from '../components/key-bar.js';
import {useKeys} from '../hooks/use-keys.js';
import {formatClock} from '../format.js';
import {useColor} from '../theme.js';

type Props = {
	readonly planner: string;
	/** Errors sent along with this request (asking again). */
	readonly retryErrors: readonly string[];
	readonly onBack: () => void;
	readonly width: number;
	readonly now?: () => number;
};

/** "Asking claude for a plan… 00:12" · esc cancel. */
export function PlanningStep({planner, retryErrors, onBack, width, now = Date.now}: Props) {
	const [started] = useState(now);
	const [elapsed, setElapsed] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => setElapsed(now() - started), 1000);
		return () => clearInterval(timer);
	}, [now, started]);
	useKeys((_input, key) => {
		if (key.escape) onBack();
	});
	return (
		<Box flexDirection="column">
			<Text> </Text>
			<Text>
				{' '}
				<Spinner type="dots" /> Asking {planner} for a plan{retryErrors.length > 0 ? ` again, with ${retryErrors.length} error${retryErrors.length === 1 ? '' : 's'} to fix` : ''}… <Text dimColor>{formatClock(elapsed)}</Text>
			</Text>
			<Text dimColor> It reads the workspace and answers with a plan; nothing is changed. This can take a minute or two.</Text>
			<Text> </Text>
			<KeyBar width={width} keys={[['esc', 'cancel and go back']]} />
		</Box>
	);
}

type FailedProps = {
	readonly planner: string;
	readonly errors: readonly string[];
	readonly onRetry: () => void;
	readonly onBack: () => void;
	readonly width: number;
	readonly height: number;
};

/** The planner's answer held no usable plan: why, r ask again, esc back. */
export function PlannerFailedStep({planner, errors, onRetry, onBack, width, height}: FailedProps) {
	const color = useColor();
	useKeys((input, key) => {
		if (input === 'r') onRetry();
		else if (key.escape) onBack();
	});
	const room = Math.max(1, height - 5);
	return (
		<Box flexDirection="column">
			<Text> </Text>
			<Text bold color={color('red')}> {planner} gave no usable plan</Text>
			{errors.slice(0, room).map((error, i) => (
				<Text key={i} wrap="truncate-end" color={color('red')}>
					{'   ✗ '}
					{error}
				</Text>
			))}
			{errors.length > room ? <Text dimColor> … and {errors.length - room} more</Text> : null}
			<Text> </Text>
			<KeyBar width={width} keys={[['r', 'ask again (with these errors)'], ['esc', 'back to the patterns']]} />
		</Box>
	);
}
