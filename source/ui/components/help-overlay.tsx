// Every key of every screen, shown by `?`; any of ? q Esc closes it.

import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {truncate} from '../format.js';
import {KeyBar} from './key-bar.js';

type Props = {readonly width: number; readonly height: number; readonly onClose: () => void};

/** Sections of keys, by screen. Kept next to the screens' key bars' words. */
export const helpSections: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]> = [
	['Plan review', [['enter', 'start the run (valid plans only)'], ['↑↓', 'scroll'], ['q', 'quit']]],
	[
		'Phase approval',
		[
			['a / enter', 'approve this phase'],
			['A', 'approve this and all later phases'],
			['s', 'skip the phase (its dependents are skipped too)'],
			['q', 'abort the run (asks first)'],
		],
	],
	[
		'Live grid',
		[
			['←↑↓→ h j k l', 'move the focus'],
			['tab / shift-tab', 'next / previous pane'],
			['enter', "open the focused task's log"],
			['x', 'stop the focused task (asks first)'],
			['r', 'retry the focused task when it failed'],
			['q', 'abort the run (asks first)'],
		],
	],
	['Task log', [['↑↓ j k', 'scroll'], ['PgUp / PgDn', 'page'], ['g / G', 'top / follow the end'], ['esc', 'back']]],
	[
		'Conflict',
		[
			['1-9 ↑↓', 'pick the culprit among suspects'],
			['g', 'grant the path to the task and run it again'],
			['d', 'defer the task to a new phase after this one'],
			['s', 'skip the task and its dependents'],
			['e', 'edit the revised plan'],
			['q', 'abort the run'],
		],
	],
	['Phase failed', [['r', 'retry the failed tasks'], ['c', 'continue'], ['q', 'abort']]],
	['Summary', [['↑↓', 'pick a task'], ['enter', 'open its log'], ['w', 'write the revised plan back'], ['q', 'quit']]],
	['Anywhere', [['?', 'this help'], ['ctrl-c', 'twice: stop everything now']]],
];

/** The key list, cut to the height it is given. */
export function HelpOverlay({width, height, onClose}: Props) {
	useKeys((input, key) => {
		if (input === '?' || input === 'q' || key.escape) onClose();
	});
	const lines: Array<{key: string; text: string; bold: boolean}> = [];
	for (const [section, keys] of helpSections) {
		lines.push({key: section, text: section, bold: true});
		for (const [k, words] of keys) lines.push({key: `${section}:${k}`, text: `  ${k.padEnd(16)} ${words}`, bold: false});
	}
	// Border (2), title and the key bar.
	const room = Math.max(0, height - 4);
	const shown = lines.slice(0, room);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box flexDirection="column" width={width} height={Math.min(height - 1, shown.length + 3)} borderStyle="round" paddingX={1} overflow="hidden">
				<Text bold>Keys{lines.length > room ? ` (${lines.length - room} more lines: make the terminal taller)` : ''}</Text>
				{shown.map(line => (
					<Text key={line.key} bold={line.bold} wrap="truncate-end">
						{truncate(line.text, Math.max(1, width - 4))}
					</Text>
				))}
			</Box>
			<Box flexGrow={1} />
			<KeyBar width={width} keys={[['? esc q', 'close']]} />
		</Box>
	);
}
