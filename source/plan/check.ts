// The one plan check: the plan as it will be written (YAML text through the loader, so a
// malformed id or glob shows up before saving, not after), validated against the workspace's
// files. `fanout plan` checks the text it writes; the wizard checks its draft the same way.

import {parsePlanText} from './load.js';
import type {Plan, ValidationReport} from './types.js';
import {validatePlanAgainstFiles} from './validate.js';
import {planToYaml} from './yaml.js';

/** Loads plan text as `file` and validates it against the workspace's files. */
export function checkPlanText(text: string, file: string, files: readonly string[]): ValidationReport {
	const parsed = parsePlanText(text, file);
	if (!parsed.ok) return {valid: false, errors: parsed.errors, warnings: []};
	return validatePlanAgainstFiles(parsed.plan, parsed.source, files);
}

/** Checks an in-memory plan the way it will be saved (`file` names it in findings). */
export function checkPlan(plan: Plan, files: readonly string[], file = 'plan'): ValidationReport {
	return checkPlanText(planToYaml(plan), file, files);
}
