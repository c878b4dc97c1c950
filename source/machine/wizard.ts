// The planning wizard's statechart: goal → pattern → scope → review → save, or goal → pattern →
// agent planner → review. Each step is a state; Esc goes back one step and keeps what was typed.
// No I/O: the agent planner and the file write are provided actors (see commands/wizard.tsx).

import {assign, fromPromise, setup} from 'xstate';
import {parsePlanText} from '../plan/load.js';
import {findingLine, parsePlannerAnswer} from '../plan/planner-prompt.js';
import {proposePlan, proposalPatterns, type FeatureSpec, type ProposalPattern} from '../plan/propose.js';
import type {AgentSpec, Plan, ValidationReport} from '../plan/types.js';
import {validatePlanAgainstFiles} from '../plan/validate.js';
import {defaultSourceRoot} from '../plan/workspace-tree.js';
import {planToYaml} from '../plan/yaml.js';
import {applyEdit, followRow, parseGlobList, planRows, type PlanEdit} from './wizard-edits.js';

/** Agents that can plan headless (the same list as `fanout plan --planner`). */
export type WizardPlanner = 'claude' | 'codex' | 'gemini';
/** The planner agents, in the order tab cycles through them. */
export const wizardPlanners: readonly WizardPlanner[] = ['claude', 'codex', 'gemini'];

/** What the pattern step offers: the four patterns, then "let an agent plan it". */
export type PatternChoice = ProposalPattern | 'agent';
/** The pattern step's rows, in order. */
export const patternChoices: readonly PatternChoice[] = [...proposalPatterns.map(p => p.pattern), 'agent'];

/** A field of the review step that is edited as text. */
export type FieldKind = 'id' | 'title' | 'prompt' | 'command' | 'owns' | 'reads' | 'phaseName' | 'planName';

/** The field being edited and what it belongs to. */
export type OpenField = {readonly kind: FieldKind; readonly taskId?: string; readonly phaseIndex: number};

/** What the wizard starts from. */
export type WizardInput = {
	/** The workspace's files (listWorkspaceFiles), relative POSIX paths. */
	readonly files: readonly string[];
	readonly goal?: string;
	/** Default agent of the proposed tasks. */
	readonly agent?: AgentSpec;
	readonly planner?: WizardPlanner;
	/** `--out`: where to save, as the user wrote it (default plans/<name>.yaml). */
	readonly out?: string;
	/** The plan's `workspace:` as seen from a plan file path (relative to the current folder). */
	readonly workspaceFor?: (path: string) => string;
};

/** What the agent planner actor is asked. */
export type PlannerRequest = {readonly goal: string; readonly agent: WizardPlanner; readonly errors: readonly string[]};

/** What the save actor is asked: write the plan to `path` (relative to the current folder). */
export type SaveRequest = {readonly plan: Plan; readonly path: string; readonly overwrite: boolean};

/** What the save actor answers. */
export type SaveResult = {readonly ok: true; readonly file: string} | {readonly ok: false; readonly exists: true} | {readonly ok: false; readonly exists?: false; readonly error: string};

/** How the wizard ended: a saved plan (and whether to run it now), or nothing. */
export type WizardOutput = {readonly outcome: 'saved'; readonly file: string; readonly runNow: boolean} | {readonly outcome: 'cancelled'};

/** Everything the wizard knows: what was typed at each step, the plan under review, saving. */
export type WizardContext = {
	readonly files: readonly string[];
	readonly defaultRoot: string;
	readonly goal: string;
	readonly patternIndex: number;
	readonly planner: WizardPlanner;
	readonly agent?: AgentSpec;
	readonly root: string;
	readonly features: readonly FeatureSpec[];
	readonly featureDraft: string;
	/** The plan under review (kept when going back, so edits survive a round trip). */
	readonly plan?: Plan;
	/** What the current plan was proposed from; an unchanged scope keeps the edited plan. */
	readonly proposedFrom?: string;
	readonly origin: 'pattern' | 'agent';
	readonly notes: readonly string[];
	readonly report: ValidationReport;
	/** The agent planner's plan, between its answer and the review. */
	readonly answered?: Plan;
	/** Errors of the agent planner's answer (or why it gave none). */
	readonly plannerErrors: readonly string[];
	/** Errors sent with the next planner request. */
	readonly plannerRetryErrors: readonly string[];
	readonly selected: number;
	readonly field?: OpenField;
	readonly draft: string;
	/** The target phase while moving a task. */
	readonly moveTarget: number;
	/** A one-line message after a refused edit or key. */
	readonly notice?: string;
	readonly out?: string;
	readonly savePath: string;
	readonly savePathTouched: boolean;
	readonly saveError?: string;
	readonly savedFile?: string;
	readonly runNow: boolean;
	readonly workspaceFor?: (path: string) => string;
};

/** What the steps send: typing, picking, editing, saving; `wizard.back` is Esc, `wizard.cancel` Ctrl-C. */
export type WizardEvent =
	| {readonly type: 'goal.change'; readonly text: string}
	| {readonly type: 'goal.submit'}
	| {readonly type: 'pattern.select'; readonly index: number}
	| {readonly type: 'pattern.choose'}
	| {readonly type: 'planner.cycle'}
	| {readonly type: 'scope.root'; readonly text: string}
	| {readonly type: 'feature.draft'; readonly text: string}
	| {readonly type: 'feature.add'}
	| {readonly type: 'feature.removeLast'}
	| {readonly type: 'scope.confirm'}
	| {readonly type: 'planner.retry'}
	| {readonly type: 'review.select'; readonly index: number}
	| {readonly type: 'review.edit'; readonly edit: PlanEdit}
	| {readonly type: 'field.open'; readonly kind: FieldKind}
	/** Something the review should say (e.g. why the editor could not run). */
	| {readonly type: 'review.notice'; readonly text: string}
	| {readonly type: 'field.change'; readonly text: string}
	| {readonly type: 'field.commit'}
	| {readonly type: 'move.open'}
	| {readonly type: 'move.select'; readonly phaseIndex: number}
	| {readonly type: 'move.commit'}
	| {readonly type: 'review.askAgain'}
	| {readonly type: 'review.save'}
	| {readonly type: 'save.confirmInvalid'}
	| {readonly type: 'save.path'; readonly text: string}
	| {readonly type: 'save.submit'}
	| {readonly type: 'overwrite.confirm'}
	| {readonly type: 'run.choose'; readonly run: boolean}
	| {readonly type: 'wizard.back'}
	| {readonly type: 'wizard.cancel'};

/** The plan file name findings are reported against while the plan is only in memory. */
const draftFile = 'plan';

/**
 * Validates a plan the way it will be saved: through YAML and the loader (so a malformed id or
 * glob shows up here, not after saving), then against the workspace's files.
 */
export function checkDraft(plan: Plan, files: readonly string[], file = draftFile): ValidationReport {
	const parsed = parsePlanText(planToYaml(plan), file);
	if (!parsed.ok) return {valid: false, errors: parsed.errors, warnings: []};
	return validatePlanAgainstFiles(parsed.plan, parsed.source, files);
}

const emptyReport: ValidationReport = {valid: true, errors: [], warnings: []};

function scopeKey(context: WizardContext): string {
	const pattern = patternChoices[context.patternIndex];
	return JSON.stringify([context.goal.trim(), pattern, context.root.trim(), pattern === 'feature' ? context.features : [], context.agent]);
}

/** The default file a plan is saved to. */
export function defaultSavePath(context: Pick<WizardContext, 'out' | 'plan'>): string {
	return context.out ?? `plans/${context.plan?.name ?? 'plan'}.yaml`;
}

/** Parses `name=glob,glob` (or `name glob glob`) as the feature step's input. */
export function parseFeature(text: string): FeatureSpec | {readonly error: string} {
	const trimmed = text.trim();
	const eq = trimmed.indexOf('=');
	const name = (eq >= 0 ? trimmed.slice(0, eq) : trimmed.split(/\s+/)[0] ?? '').trim();
	const globs = parseGlobList(eq >= 0 ? trimmed.slice(eq + 1) : trimmed.slice(name.length));
	if (name === '' || !/[a-z]/i.test(name)) return {error: 'name the feature, then its globs: auth=src/auth/**,src/login.ts'};
	if (globs.length === 0) return {error: `give ${name}'s globs after "=": ${name}=src/${name}/**`};
	return {name, globs};
}

/** The text a field starts from when opened. */
function fieldText(plan: Plan, field: OpenField): string {
	if (field.kind === 'planName') return plan.name;
	if (field.kind === 'phaseName') return plan.phases[field.phaseIndex]?.name ?? '';
	const task = plan.phases[field.phaseIndex]?.tasks.find(t => t.id === field.taskId);
	if (!task) return '';
	switch (field.kind) {
		case 'id':
			return task.id;
		case 'title':
			return task.title ?? '';
		case 'prompt':
			return task.prompt ?? '';
		case 'command':
			return task.run ?? '';
		case 'owns':
			return task.owns.join(', ');
		case 'reads':
			return task.reads.join(', ');
	}
}

/** The edit a committed field makes. */
function fieldEdit(field: OpenField, text: string): PlanEdit {
	const taskId = field.taskId ?? '';
	switch (field.kind) {
		case 'id':
			return {kind: 'task.rename', taskId, newId: text};
		case 'title':
			return {kind: 'task.title', taskId, title: text};
		case 'prompt':
			return {kind: 'task.prompt', taskId, prompt: text};
		case 'command':
			return {kind: 'task.command', taskId, command: text};
		case 'owns':
		case 'reads':
			return {kind: 'task.globs', taskId, field: field.kind, globs: parseGlobList(text)};
		case 'phaseName':
			return {kind: 'phase.rename', phaseIndex: field.phaseIndex, name: text};
		case 'planName':
			return {kind: 'plan.rename', name: text};
	}
}

/** Applies an edit to the context's plan: new plan, validation, selection following the task. */
function editContext(context: WizardContext, edit: PlanEdit): Partial<WizardContext> {
	if (!context.plan) return {};
	const result = applyEdit(context.plan, edit);
	if (!result.ok) return {notice: result.reason};
	const before = planRows(context.plan)[context.selected];
	let selected = followRow(before, result.plan, context.selected);
	// A new task or phase is selected so the next key edits it.
	if (edit.kind === 'task.add') {
		const rows = planRows(result.plan);
		const inPhase = rows.map((r, i) => (r.phaseIndex === edit.phaseIndex ? i : -1)).filter(i => i >= 0);
		if (inPhase.length > 0) selected = inPhase[inPhase.length - 1]!;
	} else if (edit.kind === 'phase.add') {
		selected = planRows(result.plan).findIndex(r => r.kind === 'phase' && r.phaseIndex === edit.afterIndex + 1);
	} else if (edit.kind === 'phase.rename' || edit.kind === 'phase.toggleMode') {
		selected = context.selected;
	}
	return {plan: result.plan, report: checkDraft(result.plan, context.files), selected, notice: undefined};
}

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
	},
	actions: {
		propose: assign(({context}) => {
			const pattern = patternChoices[context.patternIndex] as ProposalPattern;
			const root = context.root.trim();
			const proposal = proposePlan({
				goal: context.goal,
				pattern,
				files: context.files,
				root,
				features: context.features,
				...(context.agent === undefined ? {} : {agent: context.agent}),
			});
			return {
				plan: proposal.plan,
				notes: proposal.notes,
				origin: 'pattern' as const,
				proposedFrom: scopeKey(context),
				report: checkDraft(proposal.plan, context.files),
				plannerErrors: [],
				selected: 0,
				notice: undefined,
			};
		}),
		clearNotice: assign({notice: undefined}),
	},
}).createMachine({
	id: 'wizard',
	context: ({input}) => {
		const defaultRoot = defaultSourceRoot(input.files);
		return {
			files: input.files,
			defaultRoot,
			goal: input.goal ?? '',
			patternIndex: 0,
			planner: input.planner ?? 'claude',
			agent: input.agent,
			root: defaultRoot,
			features: [],
			featureDraft: '',
			origin: 'pattern',
			notes: [],
			report: emptyReport,
			plannerErrors: [],
			plannerRetryErrors: [],
			selected: 0,
			draft: '',
			moveTarget: 0,
			out: input.out,
			savePath: input.out ?? '',
			savePathTouched: input.out !== undefined,
			runNow: false,
			workspaceFor: input.workspaceFor,
		};
	},
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
				'planner.cycle': {actions: assign({planner: ({context}) => wizardPlanners[(wizardPlanners.indexOf(context.planner) + 1) % wizardPlanners.length]!})},
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
				onDone: {
					target: 'readingAnswer',
					actions: assign(({context, event}) => {
						const answer = parsePlannerAnswer(event.output, context.files, `${context.planner}'s answer`);
						if (!answer.plan) return {plannerErrors: answer.errors, answered: undefined};
						const plan: Plan = {...answer.plan, goal: answer.plan.goal ?? context.goal.trim()};
						return {
							answered: plan,
							notes: [`Planned by ${context.planner} (pattern ${plan.pattern}).`],
							plannerErrors: answer.errors,
							report: checkDraft(plan, context.files),
						};
					}),
				},
				onError: {
					target: 'plannerFailed',
					actions: assign(({context, event}) => ({plannerErrors: [`${context.planner} could not plan: ${event.error instanceof Error ? event.error.message : String(event.error)}`]})),
				},
			},
			on: {'wizard.back': 'pattern'},
		},
		readingAnswer: {
			always: [
				{guard: ({context}) => context.answered !== undefined, target: 'review', actions: assign(({context}) => ({plan: context.answered, answered: undefined, proposedFrom: undefined, selected: 0}))},
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
								const row = planRows(context.plan!)[context.selected];
								const field: OpenField =
									event.kind === 'planName'
										? {kind: 'planName', phaseIndex: row?.phaseIndex ?? 0}
										: row?.kind === 'task'
											? {kind: event.kind, taskId: row.taskId, phaseIndex: row.phaseIndex}
											: {kind: 'phaseName', phaseIndex: row?.phaseIndex ?? 0};
								return {field, draft: fieldText(context.plan!, field), notice: undefined};
							}),
						},
						'move.open': [
							{guard: 'selectedIsTask', target: 'moving', actions: assign(({context}) => ({moveTarget: planRows(context.plan!)[context.selected]!.phaseIndex, notice: undefined}))},
							{actions: assign({notice: 'select a task to move'})},
						],
						'review.askAgain': [
							{guard: 'fromAgent', target: '#wizard.planning', actions: assign({plannerRetryErrors: ({context}) => [...context.report.errors.map(findingLine), ...context.plannerErrors.filter(e => !/^line \d+/.test(e))]})},
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
							{
								// A refused edit keeps the field open with the reason, so the text is not lost.
								guard: ({context}) => !applyEdit(context.plan!, fieldEdit(context.field!, context.draft)).ok,
								actions: assign(({context}) => {
									const result = applyEdit(context.plan!, fieldEdit(context.field!, context.draft));
									return {notice: result.ok ? undefined : result.reason};
								}),
							},
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
					{guard: ({context}) => !/\S/.test(context.savePath), actions: assign({saveError: 'give the file a name, e.g. plans/my-plan.yaml'})},
					{target: 'saving'},
				],
				'wizard.back': 'review',
			},
		},
		saving: {
			invoke: {
				src: 'save',
				input: ({context}) => ({plan: withWorkspace(context), path: context.savePath.trim(), overwrite: false}),
				onDone: [
					{guard: ({event}) => event.output.ok, target: 'saved', actions: assign({savedFile: ({event}) => (event.output.ok ? event.output.file : undefined)})},
					{guard: ({event}) => !event.output.ok && event.output.exists === true, target: 'confirmOverwrite'},
					{target: 'naming', actions: assign({saveError: ({event}) => (!event.output.ok && 'error' in event.output ? event.output.error : 'could not save')})},
				],
				onError: {target: 'naming', actions: assign({saveError: ({event}) => (event.error instanceof Error ? event.error.message : String(event.error))})},
			},
		},
		confirmOverwrite: {
			on: {
				'overwrite.confirm': 'overwriting',
				'wizard.back': 'naming',
			},
		},
		overwriting: {
			invoke: {
				src: 'save',
				input: ({context}) => ({plan: withWorkspace(context), path: context.savePath.trim(), overwrite: true}),
				onDone: [
					{guard: ({event}) => event.output.ok, target: 'saved', actions: assign({savedFile: ({event}) => (event.output.ok ? event.output.file : undefined)})},
					{target: 'naming', actions: assign({saveError: ({event}) => (!event.output.ok && 'error' in event.output ? event.output.error : 'could not save')})},
				],
				onError: {target: 'naming', actions: assign({saveError: ({event}) => (event.error instanceof Error ? event.error.message : String(event.error))})},
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

/** The plan as saved: with its `workspace:` relative to where it is written. */
function withWorkspace(context: WizardContext): Plan {
	const plan = context.plan!;
	if (!context.workspaceFor) return plan;
	return {...plan, workspace: context.workspaceFor(context.savePath.trim())};
}
