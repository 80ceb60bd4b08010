import { describe, expect, it } from "vitest";
import { joinedOutput, renderChild, renderChildPrompt } from "./render-child.ts";

describe("renderChildPrompt on several parents", () => {
  const outputs = ["one", null, "three"];

  it.each([
    ["fills each parent's token by its index", "{{parents.2.output}} / {{parents.0.output}}", "three / one"],
    ["renders a parent that did not complete as empty", "[{{parents.1.output}}]", "[]"],
    ["joins every completed output, a blank line apart", "All: {{parents.output}}", "All: one\n\nthree"],
    ["reads {{parent.output}} as the joined output", "{{parent.output}}", "one\n\nthree"],
    ["appends the joined output when no token is present", "Compare", "Compare\n\none\n\nthree"],
    [
      "keeps escaped tokens literal",
      "\\{{parents.0.output}} \\{{parents.output}} {{parents.0.output}}",
      "{{parents.0.output}} {{parents.output}} one",
    ],
    [
      "leaves an index with no parent as written, and appends",
      "{{parents.3.output}}",
      "{{parents.3.output}}\n\none\n\nthree",
    ],
  ])("%s", (_what, template, expected) => {
    expect(renderChildPrompt(template, outputs)).toBe(expected);
  });

  it("never expands a token inside an output", () => {
    expect(renderChildPrompt("{{parents.0.output}}", ["{{parents.1.output}}", "x"])).toBe("{{parents.1.output}}");
  });

  it("joins only completed outputs, in order", () => {
    expect(joinedOutput(["a", null, "", "b"])).toBe("a\n\n\n\nb");
    expect(joinedOutput([null, null])).toBe("");
  });

  it("renders a conversation's last user turn on several parents", () => {
    const rendered = renderChild(
      { prompt: "", messages: [{ role: "user", content: "A={{parents.0.output}} B={{parents.1.output}}" }] },
      ["a", "b"],
    );
    expect(rendered.messages).toEqual([{ role: "user", content: "A=a B=b" }]);
  });
});
