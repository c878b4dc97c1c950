// Source patches the bundle applies to dependencies, each with the reason. Every patch must find
// the text it replaces, or the build fails: a dependency that changed is looked at again, never
// silently shipped unpatched. Tests apply the same functions (test/ui/string-width-patch.test.ts).

/**
 * string-width 8 builds `/^\p{RGI_Emoji}$/v` when it loads. V8 builds that Unicode set of
 * strings eagerly: about 190 M instructions, 40-60 ms of fanout's first frame, and its first
 * `test` compiles it for 10-20 ms more, although a TUI's frame holds box lines and dots, no
 * emoji. Every RGI emoji holds at least one code point with the Emoji property (UTS #51: basic
 * emoji, keycap bases [0-9#*], regional indicators, modifier and tag bases, ZWJ elements all
 * have it), so a segment without one is not an RGI emoji. The ASCII ones (digits, # and *) are
 * emoji only in keycap sequences, which hold U+20E3. So the cheap test (U+20E3, or a non-ASCII
 * code point with the Emoji property) comes first, and the big expression is built the first
 * time a segment could be one.
 */
export function patchStringWidth(source) {
	const from = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
	if (!source.includes(from)) throw new Error('string-width changed: its RGI_Emoji expression is not where scripts/patches.mjs expects it');
	const to = [
		'const emojiCodePointRegex = /\\u20E3|(?![\\0-\\x7F])\\p{Emoji}/u;',
		'let rgiEmojiFull;',
		"const rgiEmojiRegex = {test: segment => emojiCodePointRegex.test(segment) && (rgiEmojiFull ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(segment)};",
	].join('\n');
	// A function, so that `$'` in the new text is not read as a replacement pattern.
	return source.replace(from, () => to);
}
