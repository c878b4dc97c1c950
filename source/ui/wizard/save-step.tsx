// Step 5: where to save the plan, overwriting only when asked, then "run it now?".

import {Box, Text} from 'ink';
import {KeyBar} from '../components/key-bar.js';
import {useKeys} from '../hooks/use-keys.js';
import {useColor} from '../theme.js';
import {TextInput} from './text-input.js';

/** Which moment of saving is shown. */
export type SaveMoment = 'naming' | 'saving' | 'confirmOverwrite' | 'saved';

type Props = {
	readonly moment: SaveMoment;
	readonly path: string;
	readonly error?: string;
	readonly savedFile?: string;
	readonly valid: boolean;
	readonly onPath: (path: string) => void;
	readonly onSubmit: () => void;
	readonly onOverwrite: () => void;
	readonly onRun: (run: boolean) => void;
	readonly onBack: () => void;
	readonly width: number;
};

/** File name · enter save · esc back; then y/n to run now. */
export function SaveStep({moment, path, error, savedFile, valid, onPath, onSubmit, onOverwrite, onRun, onBack, width}: Props) {
	const color = useColor();
	useKeys((input, key) => {
		if (moment === 'confirmOverwrite') {
			if (input === 'y') onOverwrite();
			else if (input === 'n' || key.escape) onBack();
		} else if (moment === 'saved') {
			if (input === 'y' || key.return) onRun(true);
			else if (input === 'n' || key.escape || input === 'q') onRun(false);
		} else if (moment === 'naming' && key.escape) onBack();
	});
	if (moment === 'saved') {
		return (
			<Box flexDirection="column">
				<Text> </Text>
				<Text color={color('green')}> ✓ Saved {savedFile}{valid ? '' : ' (with errors: fix them before running)'}</Text>
				<Text> </Text>
				<Text bold> Run it now?</Text>
				<Text dimColor> Later: fanout run {savedFile}</Text>
				<Text> </Text>
				<KeyBar width={width} keys={[['y', 'run it now'], ['n', 'not now']]} />
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text> </Text>
			<Text bold> Save the plan as</Text>
			<Box>
				<Text color={color('cyan')}> › </Text>
				<TextInput value={path} onChange={onPath} onSubmit={onSubmit} width={width - 4} active={moment === 'naming'} />
			</Box>
			{error ? <Text color={color('red')}> ✗ {error}</Text> : null}
			{moment === 'saving' ? <Text dimColor> Saving…</Text> : null}
			{moment === 'confirmOverwrite' ? <Text color={color('yellow')}> {path} already exists. Overwrite it? y overwrite · n choose another name</Text> : null}
			<Text> </Text>
			<KeyBar width={width} keys={moment === 'confirmOverwrite' ? [['y', 'overwrite'], ['n', 'another name']] : [['enter', 'save'], ['esc', 'back to review']]} />
		</Box>
	);
}
