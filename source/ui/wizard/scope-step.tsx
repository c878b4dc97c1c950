// Step 3: the scope of a proposal: the source root (module, layer, read-heavy) or the features
// and their globs (feature). Shows what fanout will propose, shared files included, as it is typed.

import {useMemo} from 'react';
import {Box, Text} from 'ink';
import {KeyBar} from '../components/key-bar.js';
import {useKeys} from '../hooks/use-keys.js';
import {proposePlan, proposalPatterns, type FeatureSpec, type ProposalPattern} from '../../plan/propose.js';
import {normalizeRoot} from '../../plan/workspace-tree.js';
import {useColor} from '../theme.js';
import {TextInput} from './text-input.js';

type Props = {
	readonly pattern: ProposalPattern;
	readonly goal: string;
	readonly files: readonly string[];
	readonly root: string;
	readonly defaultRoot: string;
	readonly features: readonly FeatureSpec[];
	readonly featureDraft: string;
	readonly notice?: string;
	readonly onRoot: (root: string) => void;
	readonly onFeatureDraft: (text: string) => void;
	readonly onAddFeature: () => void;
	readonly onRemoveFeature: () => void;
	readonly onConfirm: () => void;
	readonly onBack: () => void;
	readonly width: number;
	readonly height: number;
};

const questions: Record<ProposalPattern, string> = {
	module: 'which folder holds the modules?',
	layer: 'which folder holds the source? Tests, docs and config follow it in parallel.',
	feature: 'name the features and the files each owns',
	'read-heavy': 'which folder holds the modules to study?',
};

/** Root or features, with a live preview of the proposal · enter propose · esc back. */
export function ScopeStep({pattern, goal, files, root, defaultRoot, features, featureDraft, notice, onRoot, onFeatureDraft, onAddFeature, onRemoveFeature, onConfirm, onBack, width, height}: Props) {
	const color = useColor();
	const label = proposalPatterns.find(p => p.pattern === pattern)?.label ?? pattern;
	const isFeature = pattern === 'feature';
	useKeys((_input, key) => {
		if (key.escape) onBack();
		else if (isFeature && (key.backspace || key.delete) && featureDraft === '') onRemoveFeature();
	});
	const preview = useMemo(() => {
		const normalized = normalizeRoot(root);
		const missing = normalized !== '' && !files.some(f => f.startsWith(`${normalized}/`));
		const proposal = proposePlan({goal: goal === '' ? 'preview' : goal, pattern, files, root: normalized, features});
		return {missing, proposal};
	}, [files, root, pattern, goal, features]);
	const plan = preview.proposal.plan;
	const taskCount = plan.phases.reduce((n, p) => n + p.tasks.length, 0);
	// What is left under the inputs goes to the preview; the key bar and notice keep their lines.
	const previewRoom = Math.max(2, height - (isFeature ? 9 + features.length : 8));
	const previewLines = [
		...plan.phases.map((phase, i) => `Phase ${i + 1} (${phase.mode}): ${phase.name} · ${phase.tasks.map(t => `${t.id} [${t.owns.join(' ')}]`).join(', ')}`),
		...preview.proposal.notes,
	];
	return (
		<Box flexDirection="column">
			<Text> </Text>
			<Text bold> {label}: {questions[pattern]}</Text>
			{isFeature ? (
				<>
					{features.length === 0 ? <Text dimColor> No features yet: without any, each module folder becomes one.</Text> : null}
					{features.map((f, i) => (
						<Text key={`${f.name}-${i}`} wrap="truncate-end">
							{'   '}
							{i + 1}. {f.name} <Text dimColor>owns</Text> {f.globs.join(', ')}
						</Text>
					))}
					<Box>
						<Text color={color('cyan')}> + </Text>
						<TextInput value={featureDraft} onChange={onFeatureDraft} onSubmit={text => (text.trim() === '' ? onConfirm() : onAddFeature())} width={width - 4} placeholder="name=glob,glob (e.g. auth=src/auth/**) · enter on an empty line to go on" />
					</Box>
				</>
			) : (
				<Box>
					<Text> root </Text>
					<TextInput value={root} onChange={onRoot} onSubmit={onConfirm} width={width - 8} placeholder={`(the workspace itself; the biggest source folder is ${defaultRoot === '' ? 'none' : defaultRoot})`} />
				</Box>
			)}
			{!isFeature && preview.missing ? <Text color={color('yellow')}> No files under {root}: the proposal will own a folder that does not exist yet.</Text> : null}
			{notice ? <Text color={color('yellow')}> {notice}</Text> : null}
			<Text> </Text>
			<Text bold> Proposal: {plan.phases.length} phase{plan.phases.length === 1 ? '' : 's'}, {taskCount} task{taskCount === 1 ? '' : 's'}</Text>
			<Box flexDirection="column" height={Math.min(previewRoom, previewLines.reduce((n, line) => n + Math.ceil(((line.length + 3) * 1.15) / Math.max(1, width)), 0))} overflow="hidden" paddingLeft={3}>
				{previewLines.map((line, i) => (
					<Box key={i} flexShrink={0}>
						<Text wrap={i < plan.phases.length ? 'truncate-end' : 'wrap'} dimColor={i >= plan.phases.length}>
							{line}
						</Text>
					</Box>
				))}
			</Box>
			<KeyBar width={width} keys={isFeature ? [['enter', 'add feature · on an empty line: propose'], ['⌫', 'remove last (empty line)'], ['esc', 'back']] : [['enter', 'propose'], ['esc', 'back']]} />
		</Box>
	);
}
