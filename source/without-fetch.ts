// Loads modules with the global `fetch` hidden. Ink's layout engine (yoga-layout, built by
// Emscripten) asks `typeof fetch` while it loads, and in Node 20 that global is a getter that
// loads undici, some 40 ms of a TUI's first frame, for a function fanout never calls.

/** Runs `load` with globalThis.fetch hidden, then puts it back as it was. */
export async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
	const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	if (!descriptor?.configurable) return load();
	Object.defineProperty(globalThis, 'fetch', {value: undefined, configurable: true, writable: true});
	try {
		return await load();
	} finally {
		Object.defineProperty(globalThis, 'fetch', descriptor);
	}
}
