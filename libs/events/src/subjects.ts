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
    projected: (taskId: string) => `${names.projectedRoot}.${taskId}`,
    allProjected: `${names.projectedRoot}.>`,
    /** The task id a subject of this layout names, or null for any other subject. */
    taskIdOf(subject: string): string | null {
      if (!subject.startsWith(`${root}.`)) return null;
      const id = subject.slice(root.length + 1).split(".")[0];
      return id || null;
    },
  };
}
export type Subjects = ReturnType<typeof subjectsFor>;
