// The planning wizard's statechart: goal → pattern → scope → review → save, or goal → pattern →
// agent planner → review. Each step is a state; Esc goes back one step and keeps what was typed.
// No I/O: the agent planner and the file write are provided actors (see commands/plan-wizard.tsx).
// Shapes live in wizard-types.ts, the steps' logic in wizard-context.ts, plan edits in
// wizard-edits.ts; this file only says which event does what in which state.

import {assign, fromPromise, setup} from 'xstate';
import {plannerAgents} from '../plan/agents.js';
import {applyEdit, fieldEdit, fieldText, planRows} from './wizard-edits.js';
import {askAgainErrors, editContext, fieldAtSelection, initialContext, parseFeature, planToSave, proposeFromScope, readPlannerAnswer, scopeKey, defaultSavePath} from './wizard-context.js';
import {patternChoices, type PlannerRequest, type SaveRequest, type SaveResult, type WizardContext, type WizardEvent, type WizardInput, type WizardOutput} from './wizard-types.js';

/** The field's committed text as an edit, and whether the plan takes it. */
const fieldCommit = (context: WizardContext) => applyEdit(context.plan!, fieldEdit(context.field!, context.draft));

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The wizard's machine. Provide `planner` and `save` actors; the defaults refuse to act. */
export const wizardMachine = setup({
	types: {
		context: {} as WizardContext,
		events: {} as WizardEvent,
		input: {} as WizardInput,
		output: {} as WizardOutput,
	},
	actors: {
		planner: fromPromise<string, PlannerRequest>(async () => {
			throw new Error('no agent planner was provided');
		}),
		save: fromPromise<SaveResult, SaveRequest>(async () => ({ok: false, error: 'saving was not provided'})),
	},
	guards: {
		goalGiven: ({context}) => context.goal.trim() !== '',
		choseAgent: ({context}) => patternChoices[context.patternIndex] === 'agent',
		fromAgent: ({context}) => context.origin === 'agent',
		scopeUnchanged: ({context}) => context.plan !== undefined && context.origin === 'pattern' && context.proposedFrom === scopeKey(context),
		planHasErrors: ({context}) => !context.report.valid,
		featureLineUnfinished: ({context}) => patternChoices[context.patternIndex] === 'feature' && context.featureDraft.trim() !== '',
		selectedIsTask: ({context}) => context.plan !== undefined && planRows(context.plan)[context.selected]?.kind === 'task',
		plannerAnswered: ({context}) => context.answered !== undefined,
		fieldEditRefused: ({context}) => !fieldCommit(context).ok,
		savePathEmpty: ({context}) => !/\S/.test(context.savePath),
	},
	actions: {
		propose: assign(({context}) => proposeFromScope(context)),
		clearNotice: assign({notice: undefined}),
	},
}).createMachine({
	id: 'wizard',
	context: ({input}) => initialContext(input),
	initial: 'goal',
	on: {
		'wizard.cancel': '.cancelled',
	},
	states: {
		goal: {
			on: {
				'goal.change': {actions: assign({goal: ({event}) => event.text, notice: undefined})},
				'goal.submit': [
					{guard: 'goalGiven', target: 'pattern', actions: 'clearNotice'},
					{actions: assign({notice: 'say what the agents should do first'})},
				],
				'wizard.back': 'cancelled',
			},
		},
		pattern: {
			on: {
				'pattern.select': {actions: assign({patternIndex: ({event}) => Math.max(0, Math.min(patternChoices.length - 1, event.index))})},
				'planner.cycle': {actions: assign({planner: ({context}) => plannerAgents[(plannerAgents.indexOf(context.planner) + 1) % plannerAgents.length]!})},
				'pattern.choose': [
					{guard: 'choseAgent', target: 'planning', actions: assign({plannerRetryErrors: []})},
					{target: 'scope'},
				],
				'wizard.back': 'goal',
			},
		},
		scope: {
			entry: 'clearNotice',
			on: {
				'scope.root': {actions: assign({root: ({event}) => event.text})},
				'feature.draft': {actions: assign({featureDraft: ({event}) => event.text, notice: undefined})},
				'feature.add': {
					actions: assign(({context}) => {
						const parsed = parseFeature(context.featureDraft);
						if ('error' in parsed) return {notice: parsed.error};
						return {features: [...context.features, parsed], featureDraft: '', notice: undefined};
					}),
				},
				'feature.removeLast': {actions: assign({features: ({context}) => context.features.slice(0, -1)})},
				'scope.confirm': [
					// An unfinished feature line would be lost: add it first.
					{guard: 'featureLineUnfinished', actions: assign({notice: 'press enter on the feature line to add it (or clear it) first'})},
					{guard: 'scopeUnchanged', target: 'review'},
					{target: 'review', actions: 'propose'},
				],
				'wizard.back': 'pattern',
			},
		},
		planning: {
			entry: assign({notice: undefined, origin: 'agent' as const}),
			invoke: {
				src: 'planner',
				input: ({context}) => ({goal: context.goal, agent: context.planner, errors: context.plannerRetryErrors}),
				// Parsed and validated once here; the transient state below picks the next step.
				onDone: {target: 'readingAnswer', actions: assign(({context, event}) => readPlannerAnswer(context, event.output))},
				onError: {
					target: 'plannerFailed',
					actions: assign(({context, event}) => ({plannerErrors: [`${context.planner} could not plan: ${errorText(event.error)}`]})),
				},
			},
			on: {'wizard.back': 'pattern'},
		},
		readingAnswer: {
			always: [
				{guard: 'plannerAnswered', target: 'review', actions: assign(({context}) => ({plan: context.answered, answered: undefined, proposedFrom: undefined, selected: 0}))},
				{target: 'plannerFailed'},
			],
		},
		plannerFailed: {
			on: {
				'planner.retry': {target: 'planning', actions: assign({plannerRetryErrors: ({context}) => context.plannerErrors})},
				'wizard.back': 'pattern',
			},
		},
		review: {
			initial: 'browsing',
			states: {
				browsing: {
					on: {
						'review.select': {
							actions: assign(({context, event}) => ({
								selected: Math.max(0, Math.min(planRows(context.plan!).length - 1, event.index)),
								notice: undefined,
							})),
						},
						'review.edit': {actions: assign(({context, event}) => editContext(context, event.edit))},
						'review.notice': {actions: assign({notice: ({event}) => event.text})},
						'field.open': {
							target: 'editing',
							actions: assign(({context, event}) => {
								const field = fieldAtSelection(context, event.kind);
								return {field, draft: fieldText(context.plan!, field), notice: undefined};
							}),
						},
						'move.open': [
							{guard: 'selectedIsTask', target: 'moving', actions: assign(({context}) => ({moveTarget: planRows(context.plan!)[context.selected]!.phaseIndex, notice: undefined}))},
							{actions: assign({notice: 'select a task to move'})},
						],
						'review.askAgain': [
							{guard: 'fromAgent', target: '#wizard.planning', actions: assign({plannerRetryErrors: ({context}) => askAgainErrors(context)})},
							{actions: assign({notice: 'this plan was proposed by fanout, not an agent: edit it here'})},
						],
						'review.save': [
							{guard: 'planHasErrors', target: 'confirmInvalid'},
							{target: '#wizard.naming'},
						],
					},
				},
				editing: {
					on: {
						'field.change': {actions: assign({draft: ({event}) => event.text})},
						'field.commit': [
							// A refused edit keeps the field open with the reason, so the text is not lost.
							{guard: 'fieldEditRefused', actions: assign(({context}) => {
								const result = fieldCommit(context);
								return {notice: result.ok ? undefined : result.reason};
							})},
							{target: 'browsing', actions: assign(({context}) => ({...editContext(context, fieldEdit(context.field!, context.draft)), field: undefined}))},
						],
						'wizard.back': {target: 'browsing', actions: assign({field: undefined, notice: undefined})},
					},
				},
				moving: {
					on: {
						'move.select': {actions: assign({moveTarget: ({context, event}) => Math.max(0, Math.min(context.plan!.phases.length - 1, event.phaseIndex))})},
						'move.commit': {
							target: 'browsing',
							actions: assign(({context}) => {
								const row = planRows(context.plan!)[context.selected];
								return row?.kind === 'task' ? editContext(context, {kind: 'task.move', taskId: row.taskId, toPhase: context.moveTarget}) : {};
							}),
						},
						'wizard.back': 'browsing',
					},
				},
				confirmInvalid: {
					on: {
						'save.confirmInvalid': '#wizard.naming',
						'wizard.back': 'browsing',
					},
				},
			},
			on: {
				'wizard.back': [{guard: 'fromAgent', target: 'pattern'}, {target: 'scope'}],
			},
		},
		naming: {
			entry: assign(({context}) => ({savePath: context.savePathTouched ? context.savePath : defaultSavePath(context), saveError: undefined})),
			on: {
				'save.path': {actions: assign({savePath: ({event}) => event.text, savePathTouched: true, saveError: undefined})},
				'save.submit': [
					{guard: 'savePathEmpty', actions: assign({saveError: 'give the file a name, e.g. plans/my-plan.yaml'})},
					{target: 'saving', actions: assign({overwrite: false})},
				],
				'wizard.back': 'review',
			},
		},
		// One save for both ways in: from naming (never replaces a file) and from
		// confirmOverwrite (the user said to replace it).
		saving: {
			invoke: {
				src: 'save',
				input: ({context}) => ({plan: planToSave(context), path: context.savePath.trim(), overwrite: context.overwrite}),
				onDone: [
					{guard: ({event}) => event.output.ok, target: 'saved', actions: assign({savedFile: ({event}) => (event.output.ok ? event.output.file : undefined)})},
					{guard: ({context, event}) => !context.overwrite && !event.output.ok && event.output.exists === true, target: 'confirmOverwrite'},
					{target: 'naming', actions: assign({saveError: ({event}) => (!event.output.ok && 'error' in event.output ? event.output.error : 'could not save')})},
				],
				onError: {target: 'naming', actions: assign({saveError: ({event}) => errorText(event.error)})},
			},
		},
		confirmOverwrite: {
			on: {
				'overwrite.confirm': {target: 'saving', actions: assign({overwrite: true})},
				'wizard.back': 'naming',
			},
		},
		saved: {
			on: {
				'run.choose': {target: 'finished', actions: assign({runNow: ({event}) => event.run})},
			},
		},
		finished: {type: 'final'},
		cancelled: {type: 'final'},
	},
	output: ({context}) => (context.savedFile !== undefined ? {outcome: 'saved', file: context.savedFile, runNow: context.runNow} : {outcome: 'cancelled'}),
});
