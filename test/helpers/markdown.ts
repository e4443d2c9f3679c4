/**
 * A Markdown report as a reader's parser sees it (CommonMark's reference implementation): each node kind it
 * holds, with the text of each node (headings as h1, h2...; a heading's, strong's or list item's text is that
 * of its children). The feedback tests count what a report's structure is made of with it.
 */
import { Parser } from "commonmark";
import type { Node } from "commonmark";

function textOf(node: Node): string {
  let text = "";
  const walker = node.walker();
  for (let step = walker.next(); step; step = walker.next()) if (step.entering && step.node.literal) text += step.node.literal;
  return text;
}

export function markdownNodes(markdown: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  const walker = new Parser().parse(markdown).walker();
  for (let step = walker.next(); step; step = walker.next()) {
    if (!step.entering) continue;
    const { node } = step;
    const key = node.type === "heading" ? `h${node.level}` : node.type;
    (found[key] ??= []).push(node.type === "heading" || node.type === "strong" || node.type === "item" ? textOf(node) : (node.literal ?? ""));
  }
  return found;
}
