// The keys of the screen the user is on, shown by `?`; scrolls (↑↓ j k, PgUp/PgDn, g/G) when
// taller than the terminal; any of ? q Esc closes it.

import {useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {allRunSections, type HelpSection} from '../help-keys.js';
import {scrollTarget} from '../scroll-keys.js';
import {wrapHanging} from '../wrap.js';
import {KeyBar, type KeyHint} from './key-bar.js';

type Props = {
	readonly width: number;
	readonly height: number;
	readonly onClose: () => void;
	/** Which screen the keys are for, after "Keys · ". */
	readonly title?: string;
	readonly sections?: readonly HelpSection[];
};

/** A line of the help: a section title (bold) or a key and its words (wrapped lines indented). */
export type HelpLine = {readonly key: string; readonly text: string; readonly bold: boolean};

/** The help's lines for a width: keys in a column as wide as the widest key, words wrapped under themselves. */
export function helpLines(sections: readonly HelpSection[], width: number): HelpLine[] {
	const keyWidth = Math.min(18, Math.max(...sections.flatMap(([, keys]) => keys.map(([k]) => k.length))));
	const lines: HelpLine[] = [];
	for (const [section, keys] of sections) {
		lines.push({key: section, text: section, bold: true});
		for (const [k, words] of keys) {
			const wrapped = wrapHanging(`  ${k.padEnd(keyWidth)}  ${words}`, width, ' '.repeat(keyWidth + 4));
			wrapped.forEach((text, i) => lines.push({key: `${section}:${k}:${i}`, text, bold: false}));
		}
	}
	return lines;
}

/** The key list, in a box no taller than `height - 1` (the key bar under it), scrolled when longer. */
export function HelpOverlay({width, height, onClose, title, sections = allRunSections}: Props) {
	const lines = helpLines(sections, Math.max(1, width - 4));
	// Border (2) and the title line inside; the key bar below.
	const room = Math.max(1, height - 4);
	const maxTop = Math.max(0, lines.length - room);
	const [offset, setOffset] = useState(0);
	const top = Math.min(offset, maxTop);
	useKeys((input, key) => {
		if (input === '?' || input === 'q' || key.escape) onClose();
		else if (key.home) setOffset(0);
		else if (key.end) setOffset(maxTop);
		else {
			const next = scrollTarget(input, key, {top, page: Math.max(1, room - 1), maxTop});
			if (next !== undefined) setOffset(next);
		}
	});
	const shown = lines.slice(top, top + room);
	const overflow = lines.length > room;
	const position = overflow ? `lines ${top + 1}-${top + shown.length} of ${lines.length}${top + shown.length < lines.length ? ' ↓' : ''}` : '';
	const keys: KeyHint[] = overflow ? [['↑↓ PgUp PgDn', 'scroll'], ['? esc q', 'close']] : [['? esc q', 'close']];
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box flexDirection="column" width={width} height={Math.min(height - 1, shown.length + 3)} borderStyle="round" paddingX={1} overflow="hidden" flexShrink={0}>
				<Box width={Math.max(1, width - 4)} justifyContent="space-between">
					<Text bold wrap="truncate-end">
						Keys{title ? ` · ${title}` : ''}
					</Text>
					{overflow ? <Text dimColor>{position}</Text> : null}
				</Box>
				{shown.map(line => (
					<Text key={line.key} bold={line.bold} wrap="truncate-end">
						{line.text}
					</Text>
				))}
			</Box>
			<Box flexGrow={1} />
			<KeyBar width={width} keys={keys} />
		</Box>
	);
}
