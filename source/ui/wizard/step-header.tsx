// The wizard's top line: where the user is among the steps, and what the plan is about.

import {Text} from 'ink';
import {truncate} from '../format.js';

/** The steps as the header names them, in order. */
export const wizardSteps = ['goal', 'pattern', 'scope', 'review', 'save'] as const;
export type WizardStep = (typeof wizardSteps)[number];

type Props = {readonly step: WizardStep; readonly width: number; readonly scopeLabel?: string};

/** ` fanout plan · goal › pattern › [scope] › review › save`, the current step bold. */
export function StepHeader({step, width, scopeLabel = 'scope'}: Props) {
	const index = wizardSteps.indexOf(step);
	const names = wizardSteps.map(s => (s === 'scope' ? scopeLabel : s));
	const plainText = ` fanout plan · ${names.join(' › ')}`;
	if (plainText.length > width) return <Text bold>{truncate(` fanout plan · ${names[index]}`, width)}</Text>;
	return (
		<Text wrap="truncate-end">
			<Text bold> fanout plan · </Text>
			{names.map((name, i) => (
				<Text key={name}>
					{i > 0 ? <Text dimColor> › </Text> : null}
					{i === index ? <Text bold underline>{name}</Text> : <Text dimColor={i > index}>{name}</Text>}
				</Text>
			))}
		</Text>
	);
}
