// Formatting helpers shared by the API handlers.

/** Formats an amount of cents as a price, e.g. 1250 -> "12.50". */
export function formatPrice(cents) {
	if (!Number.isInteger(cents)) throw new TypeError('cents must be an integer');
	const sign = cents < 0 ? '-' : '';
	const abs = Math.abs(cents);
	return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Trims and collapses the whitespace of a name. */
export function cleanName(name) {
	return String(name).trim().replace(/\s+/g, ' ');
}
