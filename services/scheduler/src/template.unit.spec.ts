import { describe, expect, it } from "vitest";
import { renderChildPrompt } from "./template.ts";

describe("renderChildPrompt", () => {
  it.each([
    ["fills the token", "Translate: {{parent.output}}", "bonjour", "Translate: bonjour"],
    ["fills every token", "{{parent.output}} / {{parent.output}}", "x", "x / x"],
    ["appends after a blank line when the token is absent", "Summarise this", "text", "Summarise this\n\ntext"],
    [
      "keeps an escaped token literal",
      "Write \\{{parent.output}} then {{parent.output}}",
      "o",
      "Write {{parent.output}} then o",
    ],
    ["appends when only escaped tokens are present", "\\{{parent.output}}", "o", "{{parent.output}}\n\no"],
    [
      "never expands the token inside the output",
      "A: {{parent.output}}",
      "{{parent.output}}!",
      "A: {{parent.output}}!",
    ],
    ["takes $ patterns in the output literally", "A: {{parent.output}}", "$& $1 $$", "A: $& $1 $$"],
    [
      "leaves near-miss tokens alone",
      "{{ parent.output }} {{parent.outputs}}",
      "o",
      "{{ parent.output }} {{parent.outputs}}\n\no",
    ],
    ["handles an empty output", "[{{parent.output}}]", "", "[]"],
  ])("%s", (_what, template, output, expected) => {
    expect(renderChildPrompt(template, output)).toBe(expected);
  });
});
