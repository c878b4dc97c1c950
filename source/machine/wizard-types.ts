// The planning wizard's shapes: what it starts from, what it knows, what its steps send, what
// its provided actors are asked and answer, and how it ends. Types only, plus the pattern
// step's fixed rows.

import type {PlannerAgent} from '../plan/agents.js';
import {proposalPatterns, type FeatureSpec, type ProposalPattern} from '../plan/propose.js';
import type {AgentSpec, Plan, ValidationReport} from '../plan/types.js';
import type {PlanEdit} from './wizard-edits.js';

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
	readonly planner?: PlannerAgent;
	/** `--out`: where to save, as the user wrote it (default plans/<name>.yaml). */
	readonly out?: string;
	/** The plan's `workspace:` as seen from a plan file path (relative to the current folder). */
	readonly workspaceFor?: (path: string) => string;
};

/** What the agent planner actor is asked. */
export type PlannerRequest = {readonly goal: string; readonly agent: PlannerAgent; readonly errors: readonly string[]};

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
	readonly planner: PlannerAgent;
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
	/** A pattern proposal's generated text, kept in step with owns edits (wizard-context.ts followOwns). */
	readonly proposed?: ProposedText | undefined;
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
	/** Whether the save under way may replace an existing file (the user confirmed it). */
	readonly overwrite: boolean;
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

/**
 * What a pattern proposal generated, to keep its text true after edits: the shared files it
 * found, and per task id the prompt as proposed (`base`) and as last generated (`shown`). A task
 * whose prompt is no longer `shown` was edited by hand and is left alone.
 */
export type ProposedText = {
	readonly shared: readonly string[];
	readonly prompts: Readonly<Record<string, {readonly base: string; readonly shown: string}>>;
};
