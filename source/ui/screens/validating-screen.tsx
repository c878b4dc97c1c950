// The brief moment while the plan is checked: one spinner line. The spinner is the app clock's
// (ink-spinner would bring cli-spinners' 47 kB of frames into the code loaded before the first
// frame, for one spinner of the same dots).

import {Box, Text} from 'ink';
import {ClockSpinner} from '../components/clock-text.js';
import {KeyBar} from '../components/key-bar.js';

type Props = {readonly planFile: string; readonly width: number; readonly height: number};

/** "checking plans/x.yaml…" with a spinner, and the key bar. */
export function ValidatingScreen({planFile, width, height}: Props) {
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate-end">
				{' '}
				<ClockSpinner /> checking {planFile}…
			</Text>
			<Box flexGrow={1} />
			<KeyBar width={width} keys={[['ctrl-c', 'quit']]} />
		</Box>
	);
}
