// A one-line yes/no question in a box: y or Enter confirms, n or Esc cancels.

import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {useColor} from '../theme.js';

type Props = {
	readonly question: string;
	readonly width: number;
	readonly onConfirm: () => void;
	readonly onCancel: () => void;
	/** The answers in words (default "y yes · n no"). */
	readonly answers?: string;
};

/** Lines the dialog takes (border and one line). */
export const confirmDialogHeight = 3;

/** Asks once; the parent decides what each answer does. */
export function ConfirmDialog({question, width, onConfirm, onCancel, answers}: Props) {
	const color = useColor();
	useKeys((input, key) => {
		if (input === 'y' || key.return) onConfirm();
		else if (input === 'n' || key.escape) onCancel();
	});
	return (
		<Box width={width} height={confirmDialogHeight} borderStyle="round" borderColor={color('yellow')} paddingX={1}>
			<Text wrap="truncate-end">
				{question}{' '}
				{answers === undefined ? (
					<>
						<Text bold>y</Text> yes · <Text bold>n</Text> no
					</>
				) : (
					<Text bold>{answers}</Text>
				)}
			</Text>
		</Box>
	);
}
