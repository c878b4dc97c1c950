// The last screen of a run stopped by a fault (a full disk, a bug): the same words the session
// prints headless, in a red frame. It stays on the terminal after fanout exits.

import {Box, Text} from 'ink';
import {useColor} from '../theme.js';

type Props = {
	/** The fault message, one line per line. */
	readonly message: string;
	readonly width: number;
};

/** The fault, framed; nothing to press: fanout is stopping every task and leaving. */
export function FaultPanel({message, width}: Props) {
	const color = useColor();
	const lines = message.trimEnd().split('\n');
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor={color('red')} paddingX={1}>
			{lines.map((line, i) => (
				<Text key={i} bold={i === 0} color={i === 0 ? color('red') : undefined}>
					{line}
				</Text>
			))}
		</Box>
	);
}
