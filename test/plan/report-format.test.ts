import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatReport, reportToJson} from '../../source/plan/report-format.js';
import type {Finding, ValidationReport} from '../../source/plan/types.js';

const finding = (severity: Finding['severity'], line: number, message: string): Finding => ({severity, code: `c.${severity}`, message, file: 'plans/x.yaml', line, column: 9, tasks: ['a'], paths: ['p']});

const report: ValidationReport = {
	valid: false,
	errors: [finding('error', 12, 'src/shared.py is owned by two tasks of phase "logging": api-logging, db-logging.')],
	warnings: [finding('warning', 3, 'glob matches no file yet.')],
};

test('errors, then warnings, then one verdict line', () => {
	const text = formatReport(report, {color: false});
	assert.equal(
		text,
		'plans/x.yaml:12:9  error  src/shared.py is owned by two tasks of phase "logging": api-logging, db-logging.  c.error\n' +
			'plans/x.yaml:3:9  warning  glob matches no file yet.  c.warning\n' +
			'\n' +
			'✗ plan is invalid (1 error, 1 warning)\n',
	);
	assert.equal(formatReport({valid: true, errors: [], warnings: []}, {color: false}), '✓ plan is valid (0 errors, 0 warnings)\n');
});

test('colour only when asked', () => {
	assert.match(formatReport(report, {color: true}), /\u001B\[31merror\u001B\[0m/);
	assert.doesNotMatch(formatReport(report, {color: false}), /\u001B/);
});

test('JSON keeps exactly the documented keys', () => {
	const json = JSON.parse(reportToJson(report));
	assert.deepEqual(Object.keys(json), ['valid', 'errors', 'warnings']);
	assert.deepEqual(Object.keys(json.errors[0]), ['code', 'message', 'file', 'line', 'column', 'tasks', 'paths']);
});
