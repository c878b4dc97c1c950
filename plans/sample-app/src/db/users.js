// The users table.

import {createTable} from './store.js';

/** Creates the users repository. */
export function createUsers() {
	const table = createTable();
	return {
		add: (name, email) => table.insert({name, email}),
		find: id => table.get(id),
		byEmail: email => table.all().find(user => user.email === email),
		list: () => table.all(),
	};
}
