// An in-memory table: rows keyed by a generated id.

/** Creates an empty table. */
export function createTable() {
	const rows = new Map();
	let next = 1;
	return {
		insert(row) {
			const id = next++;
			const stored = {id, ...row};
			rows.set(id, stored);
			return stored;
		},
		get: id => rows.get(id),
		all: () => [...rows.values()],
		update(id, changes) {
			const row = rows.get(id);
			if (!row) return undefined;
			const updated = {...row, ...changes, id};
			rows.set(id, updated);
			return updated;
		},
		remove: id => rows.delete(id),
	};
}
