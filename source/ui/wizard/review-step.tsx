// Step 4: the proposed plan as a tree with live validation beside it, and the keys that edit it:
// rename, title, prompt, command, owns and reads (with a count of matching files), move, add,
// remove, parallel/sequential, agent. Saving an invalid plan asks first, naming the errors.

import {useMemo, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {KeyBar, type KeyHint} from '../components/key-bar.js';
import {useKeys} from '../hooks/use-keys.js';
import {truncate} from '../format.js';
import {useColor} from '../theme.js';
import {countMatches, matchCounts, nextAgent, parseGlobList, planRows} from '../../machine/wizard-edits.js';
import type {FieldKind, OpenField, WizardEvent} from '../../machine/wizard-types.js';
import type {AgentSpec, Plan, Task, ValidationReport} from '../../plan/types.js';
import {TextInput} from './text-input.js';

/** Which moment of the review is shown. */
export type ReviewMoment = 'browsing' | 'editing' | 'moving' | 'confirmInvalid';

type Props = {
	readonly moment: ReviewMoment;
	readonly plan: Plan;
	readonly report: ValidationReport;
	readonly notes: readonly string[];
	readonly files: readonly string[];
	readonly selected: number;
	readonly field?: OpenField;
	readonly draft: string;
	readonly moveTarget: number;
	readonly notice?: string;
	readonly fromAgent: boolean;
	readonly send: (event: WizardEvent) => void;
	/** Edits a task's prompt in the user's editor (`e`); absent where there is no terminal to lend. */
	readonly editInEditor?: EditPromptInEditor;
	readonly width: number;
	readonly height: number;
};

/** Opens a prompt in the user's editor and gives back the edited text, or why it could not. */
export type EditPromptInEditor = (text: string, taskId: string) => {readonly ok: true; readonly text: string} | {readonly ok: false; readonly reason: string};

const fieldLabels: Record<FieldKind, string> = {
	id: 'task id',
	title: 'title',
	prompt: 'prompt',
	command: 'command',
	owns: 'owns',
	reads: 'reads',
	phaseName: 'phase name',
	planName: 'plan name',
};

/** An agent in words. */
export function agentLabel(agent: AgentSpec | undefined): string {
	if (agent === undefined) return 'default';
	if (typeof agent === 'string') return agent;
	return 'command' in agent ? agent.command.join(' ') : agent.model ? `${agent.name} (${agent.model})` : agent.name;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The review step. */
export function ReviewStep({moment, plan, report, notes, files, selected, field, draft, moveTarget, notice, fromAgent, send, editInEditor, width, height}: Props) {
	const color = useColor();
	const rows = useMemo(() => planRows(plan), [plan]);
	const counts = useMemo(() => matchCounts(plan, files), [plan, files]);
	const draftCount = useMemo(() => (field && (field.kind === 'owns' || field.kind === 'reads') ? countMatches(parseGlobList(draft), files) : undefined), [field, draft, files]);
	const row = rows[selected];
	const phase = row ? plan.phases[row.phaseIndex] : undefined;
	const task: Task | undefined = row?.kind === 'task' ? phase?.tasks[row.taskIndex] : undefined;

	useKeys((input, key) => {
		if (moment === 'browsing') {
			if (key.upArrow || input === 'k') send({type: 'review.select', index: selected - 1});
			else if (key.downArrow || input === 'j') send({type: 'review.select', index: selected + 1});
			else if (key.pageUp) send({type: 'review.select', index: selected - 10});
			else if (key.pageDown) send({type: 'review.select', index: selected + 10});
			else if (input === 'r') send({type: 'field.open', kind: 'id'});
			else if (input === 'R') send({type: 'field.open', kind: 'planName'});
			else if (task && input === 'T') send({type: 'field.open', kind: 'title'});
			else if (task && input === 'p') send({type: 'field.open', kind: 'prompt'});
			else if (task && input === 'e' && editInEditor) {
				// A prompt is often paragraphs: the editor keeps its lines, the field would join them.
				const edited = editInEditor(task.prompt ?? '', task.id);
				if (!edited.ok) send({type: 'review.notice', text: edited.reason});
				else if (edited.text !== (task.prompt ?? '')) send({type: 'review.edit', edit: {kind: 'task.prompt', taskId: task.id, prompt: edited.text}});
			}
			else if (task && input === 'c') send({type: 'field.open', kind: 'command'});
			else if (task && input === 'o') send({type: 'field.open', kind: 'owns'});
			else if (task && input === 'i') send({type: 'field.open', kind: 'reads'});
			else if (input === 'm') send({type: 'move.open'});
			else if (input === 'n' && row) send({type: 'review.edit', edit: {kind: 'task.add', phaseIndex: row.phaseIndex}});
			else if (input === 'N' && row) send({type: 'review.edit', edit: {kind: 'phase.add', afterIndex: row.phaseIndex}});
			else if (input === 'x' && row) send({type: 'review.edit', edit: row.kind === 'task' ? {kind: 'task.remove', taskId: row.taskId} : {kind: 'phase.remove', phaseIndex: row.phaseIndex}});
			else if (input === 't' && row) send({type: 'review.edit', edit: {kind: 'phase.toggleMode', phaseIndex: row.phaseIndex}});
			else if (input === 'a' && task) send({type: 'review.edit', edit: {kind: 'task.agent', taskId: task.id, agent: nextAgent(task.agent)}});
			else if (input === 'A') send({type: 'review.askAgain'});
			else if (input === 's' || key.return) send({type: 'review.save'});
			else if (key.escape) send({type: 'wizard.back'});
		} else if (moment === 'moving') {
			if (key.upArrow || key.leftArrow || input === 'k') send({type: 'move.select', phaseIndex: moveTarget - 1});
			else if (key.downArrow || key.rightArrow || input === 'j') send({type: 'move.select', phaseIndex: moveTarget + 1});
			else if (/^[1-9]$/.test(input)) send({type: 'move.select', phaseIndex: Number(input) - 1});
			else if (key.return) send({type: 'move.commit'});
			else if (key.escape) send({type: 'wizard.back'});
		} else if (moment === 'confirmInvalid') {
			if (input === 'y') send({type: 'save.confirmInvalid'});
			else if (input === 'n' || key.escape) send({type: 'wizard.back'});
		} else if (moment === 'editing' && key.escape) {
			send({type: 'wizard.back'});
		}
	});

	const taskCount = plan.phases.reduce((n, p) => n + p.tasks.length, 0);
	const side = width >= 90;
	const treeWidth = side ? Math.floor(width * 0.6) : width;
	const panelWidth = side ? width - treeWidth - 1 : width;
	// Header, summary, 3 detail lines, the edit/notice line, the key bar: the rest is the tree.
	const fixed = 8;
	// Stacked (narrow terminal): the tree takes what it needs, keeping two lines for the verdict.
	const treeRoom = Math.max(3, height - fixed - (side ? 0 : 2));
	const first = Math.max(0, Math.min(selected - Math.floor(treeRoom / 2), rows.length - treeRoom));
	const idWidth = Math.max(4, ...plan.phases.flatMap(p => p.tasks.map(t => t.id.length))) + 2;

	const tree = rows.slice(first, first + treeRoom).map((r, i) => {
		const index = first + i;
		const isSelected = index === selected;
		const ph = plan.phases[r.phaseIndex]!;
		if (r.kind === 'phase') {
			return (
				<Text key={`p${r.phaseIndex}`} bold wrap="truncate-end" inverse={isSelected}>
					{' '}
					Phase {r.phaseIndex + 1} ({ph.mode}): {ph.name}
					{ph.tasks.length === 0 ? <Text dimColor> (empty)</Text> : null}
				</Text>
			);
		}
		const t = ph.tasks[r.taskIndex]!;
		const last = r.taskIndex === ph.tasks.length - 1;
		const hasError = report.errors.some(e => e.tasks.includes(t.id));
		const count = counts.get(t.id);
		return (
			<Text key={`t${t.id}`} wrap="truncate-end" inverse={isSelected}>
				{' '}
				{last ? '└── ' : '├── '}
				<Text color={color(hasError ? 'red' : undefined)}>{t.id.padEnd(idWidth)}</Text>
				{truncate(t.owns.join(' ') || '(owns nothing)', Math.max(8, treeWidth - idWidth - 22))}
				<Text dimColor>
					{' '}
					({plural(count?.owns ?? 0, 'file')}){t.agent !== undefined ? ` ${agentLabel(t.agent)}` : ''}
					{t.run !== undefined ? ' $' : ''}
				</Text>
			</Text>
		);
	});

	const findings = [...report.errors, ...report.warnings];
	const verdict = report.valid
		? `✓ valid${report.warnings.length > 0 ? ` · ${plural(report.warnings.length, 'warning')}` : ''}`
		: `✗ invalid · ${plural(report.errors.length, 'error')}${report.warnings.length > 0 ? ` · ${plural(report.warnings.length, 'warning')}` : ''}`;
	// The tree and the panel take the lines they need, up to the room there is, so the details
	// of the selected task sit right under the tree.
	const panelLines = 1 + [...findings.map(f => f.message.length + 2), ...notes.map(n => n.length + 2)].reduce((n, len) => n + Math.ceil((len * 1.15) / Math.max(1, panelWidth - (side ? 0 : 1))), 0);
	const treeHeight = Math.min(treeRoom, Math.max(rows.length, side ? panelLines : 0));
	const panelRows = side ? treeHeight : Math.max(2, Math.min(panelLines, height - fixed - treeHeight));
	// Lines keep their height (flexShrink 0): when the panel is too short, the last ones are cut,
	// never the verdict on top.
	const panel = (
		<Box flexDirection="column" width={panelWidth} height={panelRows} overflow="hidden" paddingLeft={side ? 0 : 1}>
			<Box flexShrink={0}>
				<Text bold color={color(report.valid ? 'green' : 'red')}>
					{verdict}
				</Text>
			</Box>
			{findings.map((f, i) => (
				<Box key={`f${i}`} flexShrink={0}>
					<Text color={color(f.severity === 'error' ? 'red' : 'yellow')} wrap="wrap">
						{f.severity === 'error' ? '✗' : '!'} {f.message}
					</Text>
				</Box>
			))}
			{notes.map((note, i) => (
				<Box key={`n${i}`} flexShrink={0}>
					<Text dimColor wrap="wrap">
						· {note}
					</Text>
				</Box>
			))}
		</Box>
	);

	const detail: string[] = [];
	if (task) {
		const count = counts.get(task.id);
		detail.push(`${task.id}${task.title ? ` · ${task.title}` : ''} · agent ${agentLabel(task.agent)}${task.agent === undefined ? ` (${agentLabel(plan.agent)})` : ''}`);
		detail.push(`owns ${task.owns.join(', ') || '—'} (${plural(count?.owns ?? 0, 'file')}) · reads ${task.reads.join(', ') || '—'} (${plural(count?.reads ?? 0, 'file')})${task.dependsOn.length > 0 ? ` · after ${task.dependsOn.join(', ')}` : ''}`);
		detail.push(task.run !== undefined ? `command: ${task.run}` : `prompt: ${(task.prompt ?? '').replace(/\s+/g, ' ')}`);
	} else if (phase) {
		detail.push(`phase ${phase.name}: ${phase.mode}, ${plural(phase.tasks.length, 'task')}`);
		detail.push(phase.mode === 'parallel' ? 'Its tasks run at the same time: no file may be owned twice.' : 'Its tasks run one after another.');
		detail.push('');
	}

	let bottom: ReactNode = notice ? <Text color={color('yellow')} wrap="truncate-end"> {notice}</Text> : <Text> </Text>;
	let keys: KeyHint[];
	if (moment === 'editing' && field) {
		const label = fieldLabels[field.kind];
		const suffix = draftCount === undefined ? '' : ` ${plural(draftCount, 'file')}`;
		bottom = (
			<Box flexDirection="column">
				<Box>
					<Text color={color('cyan')}> {label} › </Text>
					<TextInput value={draft} onChange={text => send({type: 'field.change', text})} onSubmit={() => send({type: 'field.commit'})} width={Math.max(10, width - label.length - 5 - suffix.length)} />
					<Text color={color('cyan')}>{suffix}</Text>
				</Box>
				{notice ? <Text color={color('yellow')} wrap="truncate-end"> {notice}</Text> : null}
			</Box>
		);
		keys = [['enter', 'apply'], ['esc', 'cancel'], ...(field.kind === 'owns' || field.kind === 'reads' ? [['globs', 'separated by commas or spaces'] as const] : [])];
	} else if (moment === 'moving' && task) {
		bottom = (
			<Text wrap="truncate-end">
				{' '}move {task.id} to:{' '}
				{plan.phases.map((p, i) => (
					<Text key={p.name} inverse={i === moveTarget}>
						{' '}
						{i + 1} {p.name}{' '}
					</Text>
				))}
			</Text>
		);
		keys = [['←→', 'pick phase'], ['enter', 'move'], ['esc', 'cancel']];
	} else if (moment === 'confirmInvalid') {
		bottom = (
			<Text color={color('red')} wrap="truncate-end">
				{' '}Save with {plural(report.errors.length, 'error')}? {report.errors.map(e => e.message).join(' · ')}
			</Text>
		);
		keys = [['y', 'save anyway'], ['n', 'keep editing']];
	} else {
		// Most used first: a narrow terminal cuts the end of the bar.
		keys = [
			['s', 'save'],
			['esc', 'back'],
			...(fromAgent ? ([['A', 'ask agent again']] as KeyHint[]) : []),
			['r', 'rename'],
			...(task
				? ([
						['o', 'owns'],
						['i', 'reads'],
						['m', 'move'],
						['p', 'prompt'],
						...(editInEditor ? ([['e', 'prompt in $EDITOR']] as KeyHint[]) : []),
						['c', 'command'],
						['a', 'agent'],
						['T', 'title'],
					] as KeyHint[])
				: []),
			['t', 'parallel/sequential'],
			['n/N', 'add task/phase'],
			['x', 'remove'],
			['R', 'plan name'],
			['↑↓', 'select'],
		];
	}

	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{' '}
				<Text bold>{plan.name}</Text> · {plan.pattern} · {plural(plan.phases.length, 'phase')} · {plural(taskCount, 'task')}
				{plan.goal ? <Text dimColor> · {plan.goal}</Text> : null}
			</Text>
			{side ? (
				<Box>
					<Box flexDirection="column" width={treeWidth} height={treeHeight} overflow="hidden">
						{tree}
					</Box>
					<Box width={1} />
					{panel}
				</Box>
			) : (
				<>
					<Box flexDirection="column" height={treeHeight} overflow="hidden">
						{tree}
					</Box>
					{panel}
				</>
			)}
			{detail.map((line, i) => (
				<Text key={`d${i}`} dimColor={i > 0} wrap="truncate-end">
					{'   '}
					{line}
				</Text>
			))}
			{bottom}
			<KeyBar width={width} keys={keys} />
		</Box>
	);
}
