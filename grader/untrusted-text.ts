/**
 * Text that may hold a student's words (an error message, a file name, a kernel name), made inert where it
 * is shown: in feedback.md it is data, never Markdown a student wrote (no fence closed, no heading, score line,
 * link or HTML forged); on a terminal no control sequence reaches the terminal (no title set, no line erased,
 * no cursor moved, no colour). results.json needs none of this: JSON quotes everything.
 */
// From the index, not dropout-kit/dist/...: the sandbox runtime builds beside the library and resolves its source.
import { withoutControls } from "dropout-kit";

/** What may be printed to a terminal: lines and tabs kept, every other control character shown as \u{...}. */
export function forTerminal(text: string): string {
  return withoutControls(text.replace(/\r\n/g, "\n"));
}

/** A line of a quoted block longer than this is cut (a 19 MB line would make feedback.md unreadable). */
export const MAX_QUOTED_LINE = 400;

function cutLines(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.length > MAX_QUOTED_LINE ? `${line.slice(0, MAX_QUOTED_LINE)}… (${line.length - MAX_QUOTED_LINE} more characters on this line)` : line))
    .join("\n");
}

/**
 * A fenced code block that holds `text` as it is, whatever it contains. CommonMark closes a fence only with a
 * run of at least as many backticks as opened it, so the fence is one backtick longer than the longest run in
 * the text (at least three); nothing inside is read as Markdown or HTML.
 */
export function markdownCodeBlock(text: string): string {
  const body = cutLines(withoutControls(text.replace(/\r\n?/g, "\n")));
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}text\n${body}\n${fence}`;
}

/**
 * Text inside a Markdown line (a heading, a list item): each character that can start Markdown
 * backslash-escaped (CommonMark makes any ASCII punctuation literal that way; see escapeMarkdown below), line breaks
 * shown as \u{a} so the text cannot leave its line, and long text cut. Other punctuation stays as it is, so
 * the raw file reads as plain text.
 */
export function markdownInline(text: string, max = 2000): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return escapeMarkdown(withoutControls(cut, false));
}

/**
 * Text of several lines as the body of a list item: each line escaped as markdownInline does (so no line can
 * start a heading, a fence, a rule or a setext underline) and cut, the lines continued under the item.
 */
export function markdownListItem(text: string): string {
  // Leading blank lines dropped: a list item may open with one blank line at most, or it ends there.
  const lines = cutLines(withoutControls(text.replace(/\r\n?/g, "\n")).replace(/\t/g, " ")).replace(/^(?:[ ]*\n)+/, "").split("\n");
  return `- ${lines.map(escapeMarkdown).join("\n  ")}`;
}

/**
 * What can make Markdown of a line: anywhere, the characters of emphasis, code spans, links, HTML, entities,
 * tables, strike-through and headings (\ ` * _ [ ] < > & ~ | #), and what GitHub's Markdown turns into a link
 * by itself (the colon of scheme://, the dot of www., the @ of an address); at the start of a line, those of a
 * list item, a setext underline, a rule or a table's delimiter row (- + = :, or a number followed by . or )).
 * Each is backslash-escaped.
 */
function escapeMarkdown(line: string): string {
  const inline = line
    .replace(/[\\`*_[\]<>&~|#@]/g, (c) => `\\${c}`)
    .replace(/([A-Za-z][A-Za-z0-9+.-]*):(?=\/\/)/g, "$1\\:")
    .replace(/\b(www)\./gi, "$1\\.");
  return inline.replace(/^(\s*)([-+=:])/, "$1\\$2").replace(/^(\s*\d+)([.)])/, "$1\\$2");
}

/** A line (or lines) on the grader's stderr, with every control character escaped. */
export function printError(text: string): void {
  process.stderr.write(`${forTerminal(text)}\n`);
}

/** A line (or lines) on stdout, with every control character escaped. */
export function printOut(text: string): void {
  process.stdout.write(`${forTerminal(text)}\n`);
}
