// The whole output of one task, from its log file: scrollable, following the tail while it grows.
// It opens at the end: only the last lines are read (backwards from the end of the file), earlier
// ones as the user scrolls up, so opening a log of many megabytes costs one screenful.

import {useEffect, useMemo, useReducer, useState} from 'react';
import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import type {OutputStore} from '../../runner/types.js';
import {decodeLine, stripColour} from '../../text/sanitize.js';
import {useTailVersion} from '../hooks/clock.js';
import {statusStyle, useColor, useColorOn, type AnyStatus} from '../theme.js';
import {ClockSpinner, Elapsed} from './clock-text.js';
import {KeyBar} from './key-bar.js';

type Props = {
	readonly storeKey: string;
	readonly label: string;
	readonly status: AnyStatus;
	readonly startedAt?: number;
	readonly endedAt?: number;
	readonly store: OutputStore;
	readonly width: number;
	/** Lines the view may use, header and key bar included. */
	readonly height: number;
	/** Applied to every line read from the log (the runner's sanitizer). */
	readonly sanitize: (line: string) => string;
	readonly onClose: () => void;
};

/** Lines read from the end when the view opens, and added each time the user scrolls near the first. */
const openLines = 500;

/** Bytes as a short size: 812 KB, 14.2 MB. */
function formatSize(bytes: number): string {
	if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Scroll position: a top line, or following the end. */
type Scroll = {readonly top: number; readonly follow: boolean};

/** Full-screen log of one task; Esc goes back. */
export function LogView({storeKey, label, status, startedAt, endedAt, store, width, height, sanitize, onClose}: Props) {
	const color = useColor();
	const colorOn = useColorOn();
	const logPath = store.get(storeKey)?.logPath;
	const opened = useMemo(() => {
		if (logPath === undefined) return {error: `no log for ${label}`};
		const result = store.openLog(storeKey);
		// The last lines only: the first frame shows the end without reading the file's start.
		if (!('error' in result)) result.tail(openLines);
		return result;
	}, [store, storeKey, logPath, label]);
	const index = 'error' in opened ? undefined : opened;
	const [, indexed] = useReducer((n: number) => n + 1, 0);
	const [scroll, setScroll] = useState<Scroll>({top: 0, follow: true});
	// The tail's version moves as the file grows: the cue to index the new bytes.
	const version = useTailVersion(store, storeKey, status === 'running');

	useEffect(() => () => index?.close(), [index]);
	useEffect(() => {
		if (!index) return;
		let cancelled = false;
		// A large log is indexed a few megabytes at a time, yielding to keys and frames between.
		const step = () => {
			if (cancelled) return;
			const done = index.scan();
			indexed();
			if (!done) setImmediate(step);
		};
		step();
		return () => {
			cancelled = true;
		};
	}, [index, version]);

	const bodyHeight = Math.max(1, height - 2);
	const lineCount = index?.lineCount ?? 0;
	const maxTop = Math.max(0, lineCount - bodyHeight);
	const top = scroll.follow ? maxTop : Math.min(scroll.top, maxTop);
	const moveTo = (next: number) => {
		let target = next;
		// Near the window's first line: index earlier lines (the window grows at the front, so
		// every line index shifts down by what was added).
		if (index && target < bodyHeight && !index.complete) {
			const added = index.extendBack(Math.max(openLines, bodyHeight * 4));
			target += added;
			indexed();
		}
		const last = Math.max(0, (index?.lineCount ?? 0) - bodyHeight);
		setScroll({top: Math.max(0, Math.min(last, target)), follow: false});
	};
	const toStart = () => {
		// The top asked for: the window walks back to the file's start, a chunk at a time.
		while (index && !index.complete) index.extendBack(1 << 16);
		indexed();
		setScroll({top: 0, follow: false});
	};

	useKeys((input, key) => {
		if (key.escape || input === 'q') onClose();
		else if (key.upArrow || input === 'k') moveTo(top - 1);
		else if (key.downArrow || input === 'j') moveTo(top + 1);
		else if (key.pageUp) moveTo(top - bodyHeight);
		else if (key.pageDown) moveTo(top + bodyHeight);
		else if (input === 'g') toStart();
		else if (input === 'G') setScroll({top: maxTop, follow: true});
	});

	const lines = index
		? index.lines(top, bodyHeight).map(bytes => {
				const text = sanitize(decodeLine(bytes));
				return colorOn ? text : stripColour(text);
			})
		: [];
	const style = statusStyle(status);
	const bottom = Math.min(lineCount, top + bodyHeight);
	// Line numbers once the window reaches the file's start; until then a share of the file.
	const where =
		index === undefined || index.complete
			? `line ${bottom} of ${lineCount}`
			: `${Math.floor((100 * (bottom >= lineCount ? index.size : index.offsetOf(bottom))) / Math.max(1, index.size))}% of ${formatSize(index.size)}`;
	const position = `${where}${scroll.follow ? ' · following' : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Box width={width} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate-end">
						{' '}
						{status === 'running' ? (
							<ClockSpinner color={color(style.color)} />
						) : (
							<Text color={color(style.color)}>{style.glyph}</Text>
						)}{' '}
						<Text bold>{label}</Text> · <Elapsed from={startedAt} to={endedAt} /> · {style.label} ·{' '}
						<Text dimColor>{logPath ?? ''}</Text>
					</Text>
				</Box>
				<Box flexShrink={0} marginLeft={2}>
					<Text dimColor>{position}</Text>
				</Box>
			</Box>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden">
				{index ? (
					lines.map((line, offset) => (
						<Text key={top + offset} wrap="truncate-end">
							{line}
						</Text>
					))
				) : (
					<Text color={color('red')}>{'error' in opened ? opened.error : ''}</Text>
				)}
			</Box>
			<KeyBar
				width={width}
				keys={[
					['↑↓', 'scroll'],
					['PgUp/PgDn', 'page'],
					['g', 'top'],
					['G', 'follow'],
					['esc', 'back'],
				]}
			/>
		</Box>
	);
}
