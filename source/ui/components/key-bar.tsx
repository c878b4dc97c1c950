// The one-line key bar at the bottom of every screen: keys in words.

import {Text} from 'ink';
import {truncate} from '../format.js';

/** One key and what it does, e.g. ['a', 'approve']. */
export type KeyHint = readonly [key: string, words: string];

type Props = {readonly keys: readonly KeyHint[]; readonly width: number};

/** Keys joined with ` · `, cut to the width so it never wraps onto a second line. */
export function KeyBar({keys, width}: Props) {
	const text = keys.map(([key, words]) => `${key} ${words}`).join(' · ');
	return (
		<Text dimColor wrap="truncate-end">
			{truncate(` ${text}`, width)}
		</Text>
	);
}
