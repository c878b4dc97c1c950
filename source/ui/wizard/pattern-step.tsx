// Step 2: the four planning patterns with their "use when", or an agent planner.

import {Box, Text} from 'ink';
import {KeyBar} from '../components/key-bar.js';
import {useKeys} from '../hooks/use-keys.js';
import {proposalPatterns} from '../../plan/propose.js';
import {plannerAgents, type PlannerAgent} from '../../plan/agents.js';
import {useColor} from '../theme.js';

type Props = {
	readonly selected: number;
	readonly planner: PlannerAgent;
	readonly onSelect: (index: number) => void;
	readonly onChoose: () => void;
	readonly onCyclePlanner: () => void;
	readonly onBack: () => void;
	readonly width: number;
};

const choices = [
	...proposalPatterns.map(p => ({label: p.label, useWhen: p.useWhen})),
	{label: 'let an agent plan it', useWhen: 'an agent reads the workspace and proposes the plan'},
];

/** ↑↓ or 1-5 pick · enter next · tab planner agent · esc back. */
export function PatternStep({selected, planner, onSelect, onChoose, onCyclePlanner, onBack, width}: Props) {
	const color = useColor();
	useKeys((input, key) => {
		if (key.upArrow || input === 'k') onSelect(Math.max(0, selected - 1));
		else if (key.downArrow || input === 'j') onSelect(Math.min(choices.length - 1, selected + 1));
		else if (/^[1-5]$/.test(input)) onSelect(Number(input) - 1);
		else if (key.tab && selected === choices.length - 1) onCyclePlanner();
		else if (key.return) onChoose();
		else if (key.escape) onBack();
	});
	const labelWidth = Math.max(...choices.map(c => c.label.length)) + 2;
	return (
		<Box flexDirection="column">
			<Text> </Text>
			<Text bold> How should the work be split?</Text>
			{choices.map((choice, i) => (
				<Text key={choice.label} wrap="truncate-end" inverse={i === selected}>
					{i === selected ? ' › ' : '   '}
					{i + 1}. {choice.label.padEnd(labelWidth)}
					<Text dimColor={i !== selected}>
						{i === choices.length - 1 ? `${planner} · ${choice.useWhen}` : `use when: ${choice.useWhen}`}
					</Text>
				</Text>
			))}
			<Text> </Text>
			{selected === choices.length - 1 ? <Text color={color('cyan')}> The planner is {planner}: tab picks another ({plannerAgents.join(', ')}).</Text> : <Text> </Text>}
			<KeyBar width={width} keys={[['↑↓', 'pick'], ['enter', 'next'], ...(selected === choices.length - 1 ? [['tab', 'planner agent'] as const] : []), ['esc', 'back']]} />
		</Box>
	);
}
