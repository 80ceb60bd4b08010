/** The token a chained task's prompt uses for its parent's output. */
export const PARENT_OUTPUT = "{{parent.output}}";

const TOKEN = /\\?\{\{parent\.output\}\}/g;

/**
 * A chained task's prompt with its parent's output filled in. Every `{{parent.output}}` is replaced in one
 * pass, so an output that itself contains the token is inserted as it is, never expanded again. A token
 * written `\{{parent.output}}` stands for itself. With no (unescaped) token, the output is appended after a
 * blank line.
 */
export function renderChildPrompt(template: string, parentOutput: string): string {
  let used = false;
  const rendered = template.replace(TOKEN, (match) => {
    if (match.startsWith("\\")) return PARENT_OUTPUT;
    used = true;
    return parentOutput;
  });
  return used ? rendered : `${rendered}\n\n${parentOutput}`;
}
