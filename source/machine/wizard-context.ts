// The planning wizard's steps as pure functions of its context: the starting context, proposing
// a plan from the scope, reading the agent planner's answer, applying an edit with the selection
// following it, and the plan as saved. The machine (wizard.ts) wires them to events.

import {findingLine, parsePlannerAnswer} from '../plan/planner-prompt.js';
import {checkPlan} from '../plan/check.js';
import {proposePlan, type FeatureSpec, type ProposalPattern} from '../plan/propose.js';
import {fitNotesToOwns, fitPromptToOwns} from '../plan/proposal-notes.js';
import type {Plan, ValidationReport} from '../plan/types.js';
import {defaultSourceRoot} from '../plan/workspace-tree.js';
import {applyEdit, followRow, parseGlobList, planRows, type PlanEdit} from './wizard-edits.js';
import {patternChoices, type FieldKind, type OpenField, type ProposedText, type WizardContext, type WizardInput} from './wizard-types.js';

const emptyReport: ValidationReport = {valid: true, errors: [], warnings: []};

/** The context the wizard starts with. */
export function initialContext(input: WizardInput): WizardContext {
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
		overwrite: false,
		runNow: false,
		workspaceFor: input.workspaceFor,
	};
}

/** What a proposal depends on: an unchanged key keeps the plan already under review. */
export function scopeKey(context: WizardContext): string {
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

/** Proposes a plan from the chosen pattern and scope, checked, with the first row selected. */
export function proposeFromScope(context: WizardContext): Partial<WizardContext> {
	const pattern = patternChoices[context.patternIndex] as ProposalPattern;
	const proposal = proposePlan({
		goal: context.goal,
		pattern,
		files: context.files,
		root: context.root.trim(),
		features: context.features,
		...(context.agent === undefined ? {} : {agent: context.agent}),
	});
	const prompts: Record<string, {base: string; shown: string}> = {};
	for (const task of proposal.plan.phases.flatMap(phase => phase.tasks)) if (task.prompt !== undefined) prompts[task.id] = {base: task.prompt, shown: task.prompt};
	return {
		plan: proposal.plan,
		notes: proposal.notes,
		proposed: {shared: proposal.shared, prompts},
		origin: 'pattern',
		proposedFrom: scopeKey(context),
		report: checkPlan(proposal.plan, context.files),
		plannerErrors: [],
		selected: 0,
		notice: undefined,
	};
}

/** Parses and checks the agent planner's answer once; `answered` is set when it is a usable plan. */
export function readPlannerAnswer(context: WizardContext, output: string): Partial<WizardContext> {
	const answer = parsePlannerAnswer(output, context.files, `${context.planner}'s answer`);
	if (!answer.plan) return {plannerErrors: answer.errors, answered: undefined};
	const plan: Plan = {...answer.plan, goal: answer.plan.goal ?? context.goal.trim()};
	return {
		answered: plan,
		proposed: undefined,
		notes: [`Planned by ${context.planner} (pattern ${plan.pattern}).`],
		plannerErrors: answer.errors,
		report: checkPlan(plan, context.files),
	};
}

/** The errors sent when the review asks the agent again: the plan's own, then the planner's not tied to a line. */
export function askAgainErrors(context: WizardContext): readonly string[] {
	return [...context.report.errors.map(findingLine), ...context.plannerErrors.filter(e => !/^line \d+/.test(e))];
}

/** The field `kind` of the selected row: the plan's name, a task's field, or else its phase's name. */
export function fieldAtSelection(context: WizardContext, kind: FieldKind): OpenField {
	const row = planRows(context.plan!)[context.selected];
	if (kind === 'planName') return {kind: 'planName', phaseIndex: row?.phaseIndex ?? 0};
	if (row?.kind === 'task') return {kind, taskId: row.taskId, phaseIndex: row.phaseIndex};
	return {kind: 'phaseName', phaseIndex: row?.phaseIndex ?? 0};
}

/** Applies an edit to the context's plan: new plan, its check, the selection following the task. */
export function editContext(context: WizardContext, edit: PlanEdit): Partial<WizardContext> {
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
	const followed = context.origin === 'pattern' && context.proposed ? followOwns(result.plan, context.proposed, context.notes, edit) : {plan: result.plan};
	return {...followed, report: checkPlan(followed.plan, context.files), selected, notice: undefined};
}

/**
 * Keeps a pattern proposal's text true after an edit: every prompt not edited by hand is
 * generated again from its proposed text and the task's owns now (a module task given a shared
 * file is no longer told to leave it alone), and the notes say who owns the shared files now.
 */
export function followOwns(plan: Plan, proposed: ProposedText, notes: readonly string[], edit: PlanEdit): {plan: Plan; proposed: ProposedText; notes: readonly string[]} {
	const prompts = {...proposed.prompts};
	if (edit.kind === 'task.rename' && prompts[edit.taskId] && edit.newId.trim() !== edit.taskId) {
		prompts[edit.newId.trim()] = prompts[edit.taskId]!;
		delete prompts[edit.taskId];
	}
	const phases = plan.phases.map(phase => ({
		...phase,
		tasks: phase.tasks.map(task => {
			const entry = prompts[task.id];
			if (!entry || task.prompt !== entry.shown) return task;
			const prompt = fitPromptToOwns(entry.base, task, proposed.shared);
			prompts[task.id] = {base: entry.base, shown: prompt};
			return prompt === task.prompt ? task : {...task, prompt};
		}),
	}));
	const followed: Plan = {...plan, phases};
	return {plan: followed, proposed: {shared: proposed.shared, prompts}, notes: fitNotesToOwns(notes, followed, proposed.shared)};
}

/** The plan as saved: with its `workspace:` relative to where it is written. */
export function planToSave(context: WizardContext): Plan {
	const plan = context.plan!;
	if (!context.workspaceFor) return plan;
	return {...plan, workspace: context.workspaceFor(context.savePath.trim())};
}
