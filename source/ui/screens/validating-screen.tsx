// The brief moment while the plan is checked: one ink-spinner line (a single spinner, so its
// own timer costs nothing worth sharing).

import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {KeyBar} from '../components/key-bar.js';

type Props = {readonly planFile: string; readonly width: number; readonly height: number};

/** "checking plans/x.yaml…" with a spinner, and the key bar. */
export function ValidatingScreen({planFile, width, height}: Props) {
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate-end">
				{' '}
				<Spinner /> checking {planFile}…
			</Text>
			<Box flexGrow={1} />
			<KeyBar width={width} keys={[['ctrl-c', 'quit']]} />
		</Box>
	);
}
