import { z } from "zod";
import { TaskEventsResponse } from "../api-schemas.ts";

/** `GET /tasks/:id/events?afterSeq=…`: the next page of a history that came back `truncated`. */
export const TaskEventsQuery = z.object({
  afterSeq: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .meta({ description: "Only events after this stream sequence: the `seq` of the last event of the previous page." }),
});

/** A page of a task's history: at most HISTORY_MAX_EVENTS (1,000 by default) events. */
export const TaskEventsPage = TaskEventsResponse.extend({
  truncated: z.boolean().meta({
    description: "More events follow the last one given: ask again with `afterSeq` set to its `seq`.",
  }),
});
