// The orders table.

import {createTable} from './store.js';

/** Creates the orders repository. */
export function createOrders() {
	const table = createTable();
	return {
		add: (userId, items) => table.insert({userId, items, status: 'open'}),
		find: id => table.get(id),
		forUser: userId => table.all().filter(order => order.userId === userId),
		close: id => table.update(id, {status: 'closed'}),
	};
}
