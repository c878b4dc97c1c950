// A task's diff, full screen (`d` on a focused task): the files it changed with +/- counts,
// then its patch, coloured (+ green, - red, hunk headers cyan, file headers bold), scrollable,
// cut at the width. The patch is task output: every line is sanitized and stripped of colour
// before fanout paints it. Without colour the +/- markers still say everything.

import {useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {sanitizeLine, stripColour} from '../../text/sanitize.js';
import {scrollTarget} from '../scroll-keys.js';
import {useColor} from '../theme.js';
import {changeTotals, fileWords, type TaskChanges} from '../work-view.js';
import {KeyBar} from './key-bar.js';

type Props = {
	readonly taskId: string;
	/** The task's changes, or undefined when none are recorded (yet). */
	readonly changes: TaskChanges | undefined;
	/** What to say when `changes` is undefined (still running, shared mode without git, ...). */
	readonly missing: string;
	readonly width: number;
	/** Lines the view may use, header and key bar included. */
	readonly height: number;
	readonly onClose: () => void;
};

/** How a patch line is painted. */
export type DiffLineKind = 'file' | 'hunk' | 'add' | 'remove' | 'context' | 'note';

/** The kind of one line of a unified diff (git's format). */
export function diffLineKind(line: string): DiffLineKind {
	if (line.startsWith('diff --git ') || line.startsWith('+++ ') || line.startsWith('--- ')) return 'file';
	if (/^(index |new file mode |deleted file mode |old mode |new mode |similarity index |rename from |rename to |Binary files )/.test(line)) return 'file';
	if (line.startsWith('@@')) return 'hunk';
	if (line.startsWith('+')) return 'add';
	if (line.startsWith('-')) return 'remove';
	if (line.startsWith('\\')) return 'note';
	return 'context';
}

/** The lines the view scrolls through: a file list, a blank, the patch; all sanitized. */
export function diffLines(changes: TaskChanges): readonly string[] {
	const files = changes.files.map(change => `  ${fileWords(change)}`);
	const patch = changes.patch.split('\n');
	if (patch.at(-1) === '') patch.pop();
	return [...files, ...(patch.length > 0 ? [''] : []), ...patch].map(line => stripColour(sanitizeLine(line)));
}

/** Scrolls with ↑↓ j k, PgUp/PgDn, g/G; esc or q goes back. */
export function DiffView({taskId, changes, missing, width, height, onClose}: Props) {
	const color = useColor();
	const lines = useMemo(() => (changes ? diffLines(changes) : []), [changes]);
	const [top, setTop] = useState(0);
	const bodyHeight = Math.max(1, height - 2);
	const maxTop = Math.max(0, lines.length - bodyHeight);
	const at = Math.min(top, maxTop);
	useKeys((input, key) => {
		if (key.escape || input === 'q') onClose();
		else {
			const next = scrollTarget(input, key, {top: at, page: bodyHeight, maxTop});
			if (next !== undefined) setTop(next);
		}
	});
	const paint: Record<DiffLineKind, {color?: string; bold?: boolean; dim?: boolean}> = {
		file: {bold: true},
		hunk: {color: 'cyan'},
		add: {color: 'green'},
		remove: {color: 'red'},
		context: {},
		note: {dim: true},
	};
	const shown = lines.slice(at, at + bodyHeight);
	const fileCount = changes?.files.length ?? 0;
	const title = changes ? (fileCount === 0 ? 'no file changed' : changeTotals(changes.files)) : 'no changes recorded';
	const position = lines.length > 0 ? `line ${Math.min(lines.length, at + bodyHeight)} of ${lines.length}` : '';
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box width={width} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate-end">
						{' '}
						<Text bold>diff · {taskId}</Text> · {title}
					</Text>
				</Box>
				{position ? (
					<Box flexShrink={0} marginLeft={2}>
						<Text dimColor>{position}</Text>
					</Box>
				) : null}
			</Box>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden">
				{changes ? (
					fileCount === 0 && lines.length === 0 ? (
						<Text dimColor wrap="wrap">{` ${taskId} changed no file.`}</Text>
					) : (
						shown.map((line, offset) => {
							// The file list above the patch is plain text, not diff lines.
							const kind = at + offset < fileCount ? 'context' : diffLineKind(line);
							const style = paint[kind];
							return (
								<Text key={at + offset} wrap="truncate-end" color={color(style.color)} bold={style.bold ?? false} dimColor={style.dim ?? false}>
									{line === '' ? ' ' : line}
								</Text>
							);
						})
					)
				) : (
					<Text wrap="wrap">{` ${missing}`}</Text>
				)}
			</Box>
			<KeyBar
				width={width}
				keys={[
					['↑↓', 'scroll'],
					['PgUp/PgDn', 'page'],
					['g/G', 'top/end'],
					['esc', 'back'],
				]}
			/>
		</Box>
	);
}
