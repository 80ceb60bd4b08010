import { eventKind, type TaskEventType } from "./events.ts";
import type { Names } from "./names.ts";

/** The one module that knows how subjects are laid out: `<root>.<taskId>.<kind>`. */
export function subjectsFor(names: Names) {
  const root = names.subjectRoot;
  return {
    all: `${root}.>`,
    event: (taskId: string, type: TaskEventType) => `${root}.${taskId}.${eventKind(type)}`,
    task: (taskId: string) => `${root}.${taskId}.>`,
    ofType: (type: TaskEventType) => `${root}.*.${eventKind(type)}`,
    output: (taskId: string) => `${names.outputRoot}.${taskId}`,
    allOutput: `${names.outputRoot}.>`,
    projectedBatch: `${names.projectedRoot}.batch`,
    /** One webhook target's deliveries for one task (`task` or a subscription id): delivered in order. */
    webhook: (target: string, taskId: string) => `${names.webhookRoot}.${target}.${taskId}`,
    allWebhooks: `${names.webhookRoot}.>`,
    /** The task id an event subject names, or null for any other subject. */
    taskIdOf: (subject: string) => idAfter(root, subject),
  };
}
export type Subjects = ReturnType<typeof subjectsFor>;

function idAfter(prefix: string, subject: string): string | null {
  if (!subject.startsWith(`${prefix}.`)) return null;
  return subject.slice(prefix.length + 1).split(".")[0] || null;
}
