// One task as one row of the compact layout: status (spinner while running), id, elapsed time
// and its last output line (or why it stopped). Re-renders only when its tail or fields change.

import {memo} from 'react';
import {Box, Text} from 'ink';
import type {OutputStore} from '../../runner/types.js';
import {stripColour} from '../../text/sanitize.js';
import {statusStyle, useColor, useColorOn} from '../theme.js';
import {ClockSpinner, Elapsed} from './clock-text.js';
import type {PaneModel} from './task-pane.js';

type Props = {
	readonly model: PaneModel;
	readonly store: OutputStore;
	readonly width: number;
	/** Columns of the id, so the rows' times line up. */
	readonly labelWidth: number;
	readonly focused: boolean;
	/** The tail's version: the row re-renders when it moves. */
	readonly version: number;
};

/** Statuses whose row says why rather than the last line of output. */
const explained = new Set(['failed', 'stopped', 'conflicted', 'skipped']);

function TaskRowView({model, store, width, labelWidth, focused}: Props) {
	const color = useColor();
	const colorOn = useColorOn();
	const style = statusStyle(model.status);
	const why = explained.has(model.status) && model.note !== undefined;
	const last = why ? undefined : store.get(model.key)?.lines(1)[0];
	const label = model.label.length > labelWidth ? `${model.label.slice(0, Math.max(1, labelWidth - 1))}…` : model.label.padEnd(labelWidth);
	return (
		<Box width={width} height={1} overflow="hidden">
			<Box flexShrink={0}>
				<Text inverse={focused} bold={focused}>
					{focused ? '›' : ' '}
					{model.status === 'running' ? <ClockSpinner color={color(style.color)} /> : <Text color={color(style.color)}>{style.glyph}</Text>} {label}{' '}
				</Text>
			</Box>
			<Box flexShrink={0}>
				<Elapsed from={model.startedAt} to={model.endedAt} dim />
			</Box>
			<Box flexShrink={1} marginLeft={1} marginRight={1}>
				{why ? (
					<Text wrap="truncate-end" color={color(style.color)}>
						{model.note}
					</Text>
				) : (
					<Text wrap="truncate-end" dimColor={last === undefined}>
						{last === undefined ? (model.status === 'pending' ? 'waiting' : '') : colorOn ? last : stripColour(last)}
					</Text>
				)}
			</Box>
		</Box>
	);
}

/** The row, memoized on its fields and tail version. */
export const TaskRow = memo(
	TaskRowView,
	(a, b) =>
		a.store === b.store &&
		a.version === b.version &&
		a.width === b.width &&
		a.labelWidth === b.labelWidth &&
		a.focused === b.focused &&
		a.model.key === b.model.key &&
		a.model.label === b.model.label &&
		a.model.status === b.model.status &&
		a.model.startedAt === b.model.startedAt &&
		a.model.endedAt === b.model.endedAt &&
		a.model.note === b.model.note,
);
