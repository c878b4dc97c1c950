// The planning wizard's root: reads the wizard actor and shows the step its state names.
// Steps are presentational; every key ends up as an event to the machine.

import {useCallback, useState, useSyncExternalStore} from 'react';
import {Box} from 'ink';
import type {ActorRefFrom, SnapshotFrom} from 'xstate';
import {KeysProvider, useKeys} from '../hooks/use-keys.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import {ColorContext} from '../theme.js';
import {patternChoices, type WizardEvent} from '../../machine/wizard-types.js';
import type {wizardMachine} from '../../machine/wizard.js';
import type {ProposalPattern} from '../../plan/propose.js';
import {GoalStep} from './goal-step.js';
import {PatternStep} from './pattern-step.js';
import {PlannerFailedStep, PlanningStep} from './planning-step.js';
import {ReviewStep, type EditPromptInEditor, type ReviewMoment} from './review-step.js';
import {SaveStep, type SaveMoment} from './save-step.js';
import {ScopeStep} from './scope-step.js';
import {StepHeader, type WizardStep} from './step-header.js';
import {HelpOverlay} from '../components/help-overlay.js';
import {wizardHelp} from '../help-keys.js';

/** The running wizard. */
export type WizardActor = ActorRefFrom<typeof wizardMachine>;
type WizardSnapshot = SnapshotFrom<typeof wizardMachine>;

type Props = {
	readonly actor: WizardActor;
	/** Shown on the goal step. */
	readonly workspace: string;
	readonly color?: boolean;
	/** Edits a task's prompt in the user's editor (review `e`); only where a terminal can be lent. */
	readonly editInEditor?: EditPromptInEditor;
};

function useWizard(actor: WizardActor): WizardSnapshot {
	const subscribe = useCallback(
		(onChange: () => void) => {
			const subscription = actor.subscribe({next: onChange, error: onChange, complete: onChange});
			return () => subscription.unsubscribe();
		},
		[actor],
	);
	const read = useCallback(() => actor.getSnapshot(), [actor]);
	return useSyncExternalStore(subscribe, read, read);
}

/** The step a state belongs to (planning counts as the scope step of "let an agent plan it"). */
export function stepOf(value: WizardSnapshot['value']): WizardStep {
	const top = typeof value === 'string' ? value : Object.keys(value)[0]!;
	switch (top) {
		case 'goal':
		case 'pattern':
		case 'scope':
		case 'review':
			return top;
		case 'planning':
		case 'plannerFailed':
			return 'scope';
		default:
			return 'save';
	}
}

function WizardSteps({actor, workspace, editInEditor}: Props) {
	const snapshot = useWizard(actor);
	const {columns, rows} = useTerminalSize();
	const width = Math.max(20, columns);
	// Never as tall as the terminal: Ink would clear and redraw the whole screen on each frame.
	const height = Math.max(8, rows - 1);
	const actorSend = useCallback((event: WizardEvent) => actor.send(event), [actor]);
	const context = snapshot.context;
	// `?` shows the step's keys. In a text field it is a character, except on an empty line
	// (as in Claude Code's prompt): there the `?` the field just typed opens the help instead.
	const [help, setHelp] = useState(false);
	const field = snapshot.matches('goal')
		? context.goal
		: snapshot.matches('scope')
			? patternChoices[context.patternIndex] === 'feature'
				? context.featureDraft
				: context.root
			: snapshot.matches({review: 'editing'})
				? context.draft
				: snapshot.matches('naming')
					? context.savePath
					: undefined;
	const send = useCallback(
		(event: WizardEvent) => {
			const typed = 'text' in event && (event.type === 'goal.change' || event.type === 'scope.root' || event.type === 'feature.draft' || event.type === 'field.change' || event.type === 'save.path');
			if (typed && field === '' && event.text === '?') setHelp(true);
			else actorSend(event);
		},
		[actorSend, field],
	);
	useKeys((input, key) => {
		if (key.ctrl && input === 'c') send({type: 'wizard.cancel'});
		else if (input === '?' && field === undefined && !help) setHelp(true);
	});
	// Left without saving: draw nothing, so the terminal is left as it was before the wizard
	// rather than showing a step that no longer applies.
	if (snapshot.matches('cancelled')) return null;
	const step = stepOf(snapshot.value);
	if (help) {
		// The step is not mounted meanwhile, so the help's keys (esc, arrows) reach nothing else.
		const topic = wizardHelp(snapshot.matches('planning') || snapshot.matches('plannerFailed') ? 'planning' : step);
		return <HelpOverlay width={width} height={height} title={topic.title} sections={topic.sections} onClose={() => setHelp(false)} />;
	}
	const back = () => send({type: 'wizard.back'});
	const body = (() => {
		if (snapshot.matches('goal')) {
			return <GoalStep goal={context.goal} notice={context.notice} workspace={workspace} fileCount={context.files.length} onChange={text => send({type: 'goal.change', text})} onSubmit={() => send({type: 'goal.submit'})} onBack={back} width={width} />;
		}
		if (snapshot.matches('pattern')) {
			return <PatternStep selected={context.patternIndex} planner={context.planner} onSelect={index => send({type: 'pattern.select', index})} onChoose={() => send({type: 'pattern.choose'})} onCyclePlanner={() => send({type: 'planner.cycle'})} onBack={back} width={width} />;
		}
		if (snapshot.matches('scope')) {
			return (
				<ScopeStep
					pattern={patternChoices[context.patternIndex] as ProposalPattern}
					goal={context.goal}
					files={context.files}
					root={context.root}
					defaultRoot={context.defaultRoot}
					features={context.features}
					featureDraft={context.featureDraft}
					notice={context.notice}
					onRoot={text => send({type: 'scope.root', text})}
					onFeatureDraft={text => send({type: 'feature.draft', text})}
					onAddFeature={() => send({type: 'feature.add'})}
					onRemoveFeature={() => send({type: 'feature.removeLast'})}
					onConfirm={() => send({type: 'scope.confirm'})}
					onBack={back}
					width={width}
					height={height - 1}
				/>
			);
		}
		if (snapshot.matches('planning')) return <PlanningStep planner={context.planner} retryErrors={context.plannerRetryErrors} onBack={back} width={width} />;
		if (snapshot.matches('plannerFailed')) {
			return <PlannerFailedStep planner={context.planner} errors={context.plannerErrors} onRetry={() => send({type: 'planner.retry'})} onBack={back} width={width} height={height - 1} />;
		}
		if (snapshot.matches('review') && context.plan) {
			const moment = (snapshot.value as {review: ReviewMoment}).review;
			return (
				<ReviewStep
					moment={moment}
					plan={context.plan}
					report={context.report}
					notes={context.notes}
					files={context.files}
					selected={context.selected}
					field={context.field}
					draft={context.draft}
					moveTarget={context.moveTarget}
					notice={context.notice}
					fromAgent={context.origin === 'agent'}
					send={send}
					{...(editInEditor ? {editInEditor} : {})}
					width={width}
					height={height - 1}
				/>
			);
		}
		const moment: SaveMoment = snapshot.matches('saved') || snapshot.matches('finished') ? 'saved' : snapshot.matches('confirmOverwrite') ? 'confirmOverwrite' : snapshot.matches('naming') ? 'naming' : 'saving';
		return (
			<SaveStep
				moment={moment}
				path={context.savePath}
				error={context.saveError}
				savedFile={context.savedFile}
				valid={context.report.valid}
				onPath={text => send({type: 'save.path', text})}
				onSubmit={() => send({type: 'save.submit'})}
				onOverwrite={() => send({type: 'overwrite.confirm'})}
				onRun={run => send({type: 'run.choose', run})}
				onBack={back}
				width={width}
			/>
		);
	})();
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<StepHeader step={step} width={width} scopeLabel={patternChoices[context.patternIndex] === 'agent' ? 'planner' : 'scope'} />
			{body}
		</Box>
	);
}

/** The wizard with its key dispatcher and colour setting: what commands/plan-wizard.tsx renders. */
export function WizardScreen({actor, workspace, color = true, editInEditor}: Props) {
	return (
		<ColorContext.Provider value={color}>
			<KeysProvider>
				<WizardSteps actor={actor} workspace={workspace} {...(editInEditor ? {editInEditor} : {})} />
			</KeysProvider>
		</ColorContext.Provider>
	);
}
