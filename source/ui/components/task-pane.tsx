// One task (or verify command) as a bordered pane: status, id, title, owns, elapsed, and as
// many of its last output lines as fit. Re-renders only when its own tail or props change.

import {memo} from 'react';
import {Box, Text} from 'ink';
import type {OutputStore} from '../../runner/types.js';
import {stripColour} from '../../text/sanitize.js';
import {statusStyle, useColor, useColorOn, type AnyStatus} from '../theme.js';
import {ClockSpinner, Elapsed} from './clock-text.js';
import {truncate} from '../format.js';

/** What a pane shows besides the tail: plain fields, so props compare cheaply. */
export type PaneModel = {
	/** OutputStore key: the task id, or `verify:<index>`. */
	readonly key: string;
	readonly label: string;
	readonly title?: string;
	/** Owned globs, already joined. */
	readonly owns?: string;
	readonly status: AnyStatus;
	readonly startedAt?: number;
	readonly endedAt?: number;
	/** Right side of the second line: cost, exit code or reason. */
	readonly note?: string;
};

type Props = {
	readonly model: PaneModel;
	readonly store: OutputStore;
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
	/** The tail's version: the pane re-renders when it moves (and is otherwise memoized). */
	readonly version: number;
};

/** Border (2) and the two info lines. */
const chromeLines = 4;

function TaskPaneView({model, store, width, height, focused}: Props) {
	const color = useColor();
	const colorOn = useColorOn();
	const style = statusStyle(model.status);
	const tailRows = Math.max(0, height - chromeLines);
	const tail = tailRows > 0 ? (store.get(model.key)?.lines(tailRows) ?? []) : [];
	const inner = Math.max(1, width - 4);
	return (
		<Box
			width={width}
			height={height}
			flexDirection="column"
			borderStyle={focused ? 'double' : 'round'}
			borderColor={color(style.color)}
			paddingX={1}
			overflow="hidden"
		>
			<Box width={inner} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate-end" bold={focused}>
						{model.status === 'running' ? <ClockSpinner color={color(style.color)} /> : <Text color={color(style.color)}>{style.glyph}</Text>}{' '}
						{model.label}
						{model.title ? <Text dimColor> · {model.title}</Text> : null}
					</Text>
				</Box>
				<Box flexShrink={0} marginLeft={1}>
					<Elapsed from={model.startedAt} to={model.endedAt} dim />
				</Box>
			</Box>
			<Box width={inner} justifyContent="space-between">
				<Box flexShrink={1}>
					<Text wrap="truncate-end" dimColor>
						{model.owns ?? ''}
					</Text>
				</Box>
				{model.note ? (
					<Box flexShrink={0} marginLeft={1}>
						{/* A long reason must not wrap and push the tail down: it keeps most of the line, the globs the rest. */}
						<Text color={color(style.color)}>{truncate(model.note, Math.max(8, Math.floor(inner * 0.7)))}</Text>
					</Box>
				) : null}
			</Box>
			{tail.map((line, index) => (
				// Lines are positional: the same row shows whatever line is at that depth now.
				<Text key={index} wrap="truncate-end">
					{colorOn ? line : stripColour(line)}
				</Text>
			))}
		</Box>
	);
}

function sameModel(a: PaneModel, b: PaneModel): boolean {
	return (
		a.key === b.key &&
		a.label === b.label &&
		a.title === b.title &&
		a.owns === b.owns &&
		a.status === b.status &&
		a.startedAt === b.startedAt &&
		a.endedAt === b.endedAt &&
		a.note === b.note
	);
}

/** The pane, memoized on its fields: a parent re-render with the same data skips it. */
export const TaskPane = memo(
	TaskPaneView,
	(a, b) =>
		a.store === b.store && a.version === b.version && a.width === b.width && a.height === b.height && a.focused === b.focused && sameModel(a.model, b.model),
);
