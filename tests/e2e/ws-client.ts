import WebSocket from "ws";

export type Received = {
  type: string;
  task?: { id: string; status: string; output: string | null; updatedAt: string };
  [k: string]: unknown;
};

/** A WebSocket test client that records every message it receives. */
export async function connectWs(baseUrl: string, path = "/ws", headers: Record<string, string> = {}) {
  const socket = new WebSocket(baseUrl.replace(/^http/, "ws") + path, { headers });
  const messages: Received[] = [];
  socket.on("message", (data: Buffer) => messages.push(JSON.parse(data.toString()) as Received));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    messages,
    closed,
    send: (m: unknown) => socket.send(JSON.stringify(m)),
    statuses: (id: string) => messages.filter((m) => m.type === "task" && m.task?.id === id).map((m) => m.task?.status),
    output: (id: string) =>
      messages
        .filter((m) => m.type === "delta" && m.taskId === id)
        .map((m) => m.text as string)
        .join(""),
    close: () => socket.close(),
  };
}
