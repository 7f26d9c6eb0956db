/** Markdown as GitHub renders it, for the documentation tests. */

/** GitHub's heading anchor: lower case, punctuation dropped (letters, digits, spaces, '-' and '_' kept), spaces to '-'. */
export function githubAnchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');
}

/** The text without fenced code blocks (a '#' line in a shell example is not a heading). */
export function withoutCode(markdown: string): string {
	return markdown.replace(/```[\s\S]*?```/g, '');
}

/** The anchors of every heading of a Markdown text. */
export function headingAnchors(markdown: string): Set<string> {
	const anchors = new Set<string>();
	for (const line of withoutCode(markdown).split('\n')) {
		const heading = /^#{1,6} (.+)$/.exec(line);
		if (heading) anchors.add(githubAnchor(heading[1]));
	}
	return anchors;
}
