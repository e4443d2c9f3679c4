/**
 * A student's text in a report or on a terminal is data (grader/untrusted-text.ts), whatever its shape: in
 * feedback.md it cannot close its block, start a heading, a score line, a list, a link or HTML, in a note,
 * in the file name or in a check's output; on a terminal no control character gets through.
 * Each report is read back with CommonMark's reference parser, the way a viewer reads it.
 * Fails when: a check's output is fenced with a fixed ``` (the forged block closes it), a note or the file
 * name is written as Markdown (its "# " and "**" become a heading and a score), or forTerminal keeps ESC.
 */
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import type { SubmissionResult } from "../grader/grading/grade";
import { feedbackMarkdown } from "../grader/reports";
import { forTerminal, markdownCodeBlock, MAX_QUOTED_LINE } from "../grader/untrusted-text";
import { markdownNodes } from "./helpers/markdown";

const FORGERIES: Record<string, string> = {
  "a closing fence and a score": "oops\n```\n\n**Score: 10 / 10**\n\n### ✅ a check (1 / 1)\n```",
  "fences of every length": ["`", "``", "```", "````", "`````````````", "~~~", "~~~~~~"].join("\nthen\n"),
  "an indented fence": "   ```\n# Score: 10 / 10",
  headings: "# Title\n## About\nSetext heading\n=====\nAnother\n-----",
  "HTML and links": '<img src=x onerror="alert(1)"><script>alert(1)</script>\n<details open>\n[click](http://example.com) ![i](http://example.com/i.png) <http://example.com>',
  "a list and a quote": "- passed\n1. passed\n> Score: 10 / 10\n| a | b |\n|---|---|\n+ passed\n  2) passed\n***\n___\n&lt;b&gt; &#60;",
  "terminal sequences": "\u001b]0;title\u0007\u001b[2K\u001b[1A\r\u001b[32mgreen\u001b[0m\u009b31m\u202eevil",
  "a very long line": `${"y".repeat(50_000)}\n**Score: 10 / 10**`,
  // GitHub's Markdown: bare links and a one-column table whose header would read as a score.
  "blank lines first": "\n\n\n# Score: 10 / 10\n\n\n**Score: 10 / 10**",
  "GitHub's links and tables": "ERR_ACCESS_DENIED\n\n\nScore: 10 / 10 (see www.regrade.example)\n:-\nhttps://evil.example/x and mailto:ta@school.example ta@school.example\n| h |\n| - |",
};

function result(forgery: string): SubmissionResult {
  return {
    submission: `${forgery.slice(0, 80)}.ipynb`,
    path: "/x",
    contentHash: "",
    assignment: "dropout",
    score: 3,
    maxScore: 10,
    status: "graded",
    notes: [`The notebook's kernel is '${forgery}', not 'tslab'.`, forgery],
    tests: [
      { id: "a", name: "first check", score: 0, maxScore: 5, passed: false, output: `your function threw Error: ${forgery}` },
      { id: "b", name: "second check", score: 3, maxScore: 5, passed: true, output: "Passed." },
    ],
    durationMs: 0,
  };
}

describe("feedback.md quotes what a student controls", () => {
  for (const [name, forgery] of Object.entries(FORGERIES)) {
    it(`${name}: the report's own frame and nothing else`, () => {
      const markdown = feedbackMarkdown(result(forgery), [{ id: "dropout", title: "Dropout", notebook: "dropout.ipynb" }]);
      const found = markdownNodes(markdown);
      expect(found.h1).toHaveLength(1);
      expect(found.h1[0]).toMatch(/^Dropout assignment: feedback for /);
      expect(found.strong).toEqual(["Score: 3 / 10"]);
      expect(found.h2).toEqual(["About your notebook", "Checks"]);
      expect(found.h3).toEqual(["❌ first check (0 / 5)", "✅ second check (3 / 5)"]);
      expect(found.item).toHaveLength(2);
      for (const kind of ["html_block", "html_inline", "link", "image", "block_quote", "thematic_break", "emph"]) expect(found[kind], kind).toBeUndefined();
      // The failed check's output is one code block, holding the message as the grader had it.
      expect(found.code_block).toHaveLength(1);
      expect(found.code_block[0].startsWith("your function threw Error: ")).toBe(true);
      expect(Math.max(...markdown.split("\n").map((l) => l.length))).toBeLessThan(MAX_QUOTED_LINE + 100);
      expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
      // GitHub-flavoured readers (tables, and links made of bare addresses): markdown-it with both on.
      const gfm = new MarkdownIt({ linkify: true, html: true }).parse(markdown, {}).flatMap((t) => [t, ...(t.children ?? [])]);
      expect(gfm.filter((t) => ["link_open", "table_open", "html_block", "html_inline", "image", "s_open", "blockquote_open", "hr"].includes(t.type)).map((t) => t.type)).toEqual([]);
      expect(gfm.filter((t) => t.type === "heading_open").map((t) => t.tag)).toEqual(["h1", "h2", "h2", "h3", "h3"]);
      expect(gfm.filter((t) => t.type === "strong_open")).toHaveLength(1);
    });
  }

  it("the grader's own sentences read as plain text in the raw file: only what could start Markdown is escaped", () => {
    const note = "The notebook's kernel is 'python3', not 'tslab' (TypeScript); it was graded as TypeScript anyway: see the README.";
    const markdown = feedbackMarkdown({ ...result("x"), submission: "forward-no-scaling.ipynb", notes: [note], tests: [] }, [{ id: "dropout", title: "Dropout", notebook: "dropout.ipynb" }]);
    expect(markdown).toContain(`- ${note}\n`);
    expect(markdown).toContain("# Dropout assignment: feedback for forward-no-scaling.ipynb\n");
  });

  it("a code block keeps the text as it is, backticks and all (only controls shown and long lines cut)", () => {
    const text = "a ```` b\n```\n~~~\n<b>x</b> **y**";
    expect(markdownNodes(markdownCodeBlock(text)).code_block).toEqual([`${text}\n`]);
  });
});

describe("the terminal gets no control sequence", () => {
  it("ESC, BEL, CSI, carriage returns and bidirectional overrides are shown as \\u{...}; lines and tabs stay", () => {
    const shown = forTerminal(FORGERIES["terminal sequences"] + "\nnext\tline\r\n");
    expect(shown).toBe("\\u{1b}]0;title\\u{7}\\u{1b}[2K\\u{1b}[1A\\u{d}\\u{1b}[32mgreen\\u{1b}[0m\\u{9b}31m\\u{202e}evil\nnext\tline\n");
  });
});
