// HTML escaping for the report page. Every byte that came from a task, a path or an agent goes
// through `html` (text and attribute values alike): the page must show `<script>`, never run it.

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};

/**
 * Escapes text for an HTML text node or a quoted attribute value. Also drops control
 * characters a sanitized string could still hold (NUL, C1), which HTML would show as boxes or
 * refuse; newlines and tabs stay.
 */
export function html(text: string): string {
	return text.replace(/[&<>"']/g, c => ENTITIES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '');
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
	constructor(readonly value: string) {}
	toString(): string {
		return this.value;
	}
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
	if (part === null || part === undefined || part === false) return '';
	if (part instanceof Html) return part.value;
	if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
	return html(String(part));
}

/** `h`<p>${untrusted}</p>`` — interpolations are escaped; nested `h` results are kept. */
export function h(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
	let out = strings[0]!;
	values.forEach((value, i) => {
		out += render(value) + strings[i + 1]!;
	});
	return new Html(out);
}

/** Trusted markup made by the page itself (styles, SVG built from numbers). */
export function raw(markup: string): Html {
	return new Html(markup);
}
