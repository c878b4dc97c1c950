// `fanout schema`: prints the plan's JSON Schema, for editors and agent planners.

import {planJsonSchema} from '../plan/json-schema.js';
import type {Command} from './io.js';
import {parseCommandArgs, usageError} from './validate.js';

const usage = `Usage: fanout schema

Prints the plan's JSON Schema. To have an editor check plans, save it and add on top of a plan:
  # yaml-language-server: $schema=./plan.schema.json
`;

/** `fanout schema`: see the usage text above. */
export const schemaCommand: Command = async (argv, io) => {
	const args = parseCommandArgs<{help?: boolean}>(argv, {help: {type: 'boolean', short: 'h'}});
	if (!args.ok) return usageError(io, 'schema', args.message, usage);
	if (args.values.help) {
		io.stdout(usage);
		return 0;
	}
	if (args.positionals.length > 0) return usageError(io, 'schema', `unexpected argument "${args.positionals[0]}".`, usage);
	io.stdout(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
	return 0;
};
