// Step 1: the goal, as one line of text.

import {Box, Text} from 'ink';
import {KeyBar} from '../components/key-bar.js';
import {useKeys} from '../hooks/use-keys.js';
import {useColor} from '../theme.js';
import {TextInput} from './text-input.js';

type Props = {
	readonly goal: string;
	readonly notice?: string;
	readonly workspace: string;
	readonly fileCount: number;
	readonly onChange: (goal: string) => void;
	readonly onSubmit: () => void;
	readonly onBack: () => void;
	readonly width: number;
};

/** "What should the agents do?" · enter next · esc quit. */
export function GoalStep({goal, notice, workspace, fileCount, onChange, onSubmit, onBack, width}: Props) {
	const color = useColor();
	useKeys((_input, key) => {
		if (key.escape) onBack();
	});
	return (
		<Box flexDirection="column">
			<Text> </Text>
			<Text bold> What should the agents do?</Text>
			<Box>
				<Text color={color('cyan')}> › </Text>
				<TextInput value={goal} onChange={onChange} onSubmit={onSubmit} width={width - 4} placeholder="e.g. Add request logging to the API, DB and utils modules" />
			</Box>
			<Text> </Text>
			<Text dimColor wrap="truncate-end">
				{' '}workspace {workspace} · {fileCount.toLocaleString('en-US')} file{fileCount === 1 ? '' : 's'}
			</Text>
			{notice ? <Text color={color('yellow')}> {notice}</Text> : null}
			<Text> </Text>
			<KeyBar width={width} keys={[['enter', 'next'], ['esc', 'quit']]} />
		</Box>
	);
}
