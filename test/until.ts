// The one polling helper of the tests: wait for a condition on a real process, file or screen,
// failing with what was awaited (and, if asked, what was seen) when it does not come.

/** Polls `predicate` every `stepMs` until it holds; throws `timed out waiting for WHAT` after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000, what: string | (() => string) = 'condition', stepMs = 20): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
		await new Promise(resolve => setTimeout(resolve, stepMs));
	}
}

/** Polls an assertion until it passes; after `timeoutMs` its last failure is thrown. */
export async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
	let failure: unknown;
	const passes = () => {
		try {
			check();
			return true;
		} catch (error) {
			failure = error;
			return false;
		}
	};
	try {
		await until(passes, timeoutMs);
	} catch {
		throw failure;
	}
}
