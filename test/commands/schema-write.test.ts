// `fanout schema --write [DIR]` and the local schema reference of generated plans: the file
// lands beside the plans, equal to what `fanout schema` prints, and a failed write says why.

import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, test} from 'node:test';
import type {CommandIO} from '../../source/commands/io.js';
import {schemaReference} from '../../source/commands/plan-file.js';
import {localSchemaReference, schemaCommand, schemaText} from '../../source/commands/schema.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});
function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'fanout-schema-'));
	dirs.push(dir);
	return dir;
}

async function run(argv: string[], cwd: string): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const io: CommandIO = {stdout: t => void (out += t), stderr: t => void (err += t), cwd, color: false, isTTY: false};
	return {code: await schemaCommand(argv, io), out, err};
}

test('--write puts plan.schema.json in the current folder, or in DIR', async () => {
	const cwd = tempDir();
	const here = await run(['--write'], cwd);
	assert.equal(here.code, 0, here.err);
	assert.equal(readFileSync(join(cwd, 'plan.schema.json'), 'utf8'), schemaText());
	assert.match(here.out, /\$schema=\.\/plan\.schema\.json/);
	mkdirSync(join(cwd, 'plans'));
	const there = await run(['--write', 'plans'], cwd);
	assert.equal(there.code, 0, there.err);
	assert.equal(readFileSync(join(cwd, 'plans', 'plan.schema.json'), 'utf8'), schemaText());
});

test('--write to something that is not a folder, or a failed write, is a plain error (exit 2)', async () => {
	const cwd = tempDir();
	writeFileSync(join(cwd, 'file'), 'x');
	const notFolder = await run(['--write', 'file'], cwd);
	assert.equal(notFolder.code, 2);
	assert.match(notFolder.err, /^fanout schema: file is not a folder/);
	// The name is taken by a folder with something in it: the rename fails, as root too.
	mkdirSync(join(cwd, 'plan.schema.json', 'keep'), {recursive: true});
	const failed = await run(['--write'], cwd);
	assert.equal(failed.code, 2);
	assert.match(failed.err, /^fanout schema: cannot write .*plan\.schema\.json: /);
	assert.ok(!failed.err.includes('    at '));
});

test('a generated plan refers to ./plan.schema.json beside it, written when missing, kept when there', () => {
	const dir = tempDir();
	const plan = join(dir, 'plans', 'new.yaml');
	assert.equal(localSchemaReference(plan), './plan.schema.json');
	assert.equal(readFileSync(join(dir, 'plans', 'plan.schema.json'), 'utf8'), schemaText());
	writeFileSync(join(dir, 'plans', 'plan.schema.json'), '{"mine": true}\n');
	assert.equal(localSchemaReference(plan), './plan.schema.json');
	assert.equal(readFileSync(join(dir, 'plans', 'plan.schema.json'), 'utf8'), '{"mine": true}\n');
});

test('the wizard\'s and fanout plan\'s schema line: a kept fanout.schema.json first, else the local copy', () => {
	const dir = tempDir();
	const plan = join(dir, 'plans', 'wizard.yaml');
	assert.equal(schemaReference(plan, [dir]), './plan.schema.json');
	assert.equal(readFileSync(join(dir, 'plans', 'plan.schema.json'), 'utf8'), schemaText());
	writeFileSync(join(dir, 'fanout.schema.json'), '{}');
	assert.equal(schemaReference(plan, [dir]), '../fanout.schema.json');
});
